from odoo import fields, models
from odoo.exceptions import UserError

from ..tools import xlsx


class BackofficeExpenseImport(models.TransientModel):
    """Import expense lines into a draft claim from an XLSX file: every row
    valid, or nothing imported and every bad row listed. The file is asked
    for when Import is pressed, so the template downloads from an empty
    dialog."""

    _name = "backoffice.expense.import"
    _description = "Import Expense Lines"

    claim_id = fields.Many2one("backoffice.expense.claim", required=True)
    file_data = fields.Binary("File", attachment=False)
    file_name = fields.Char()

    def _columns(self):
        return [
            xlsx.ImportColumn(
                "date",
                self.env._("Date"),
                "date",
                required=True,
                example=fields.Date.context_today(self),
            ),
            xlsx.ImportColumn(
                "category", self.env._("Category"), required=True, example=self.env._("Hotel")
            ),
            xlsx.ImportColumn(
                "description", self.env._("Description"), example=self.env._("Two nights, Suzhou")
            ),
            xlsx.ImportColumn(
                "amount", self.env._("Amount"), "number", required=True, example=560.0
            ),
            xlsx.ImportColumn(
                "currency", self.env._("Currency"), example=self.env.company.currency_id.name
            ),
            xlsx.ImportColumn(
                "receipt_ref", self.env._("Receipt Number"), example="INV-2026-0001"
            ),
            xlsx.ImportColumn("customer", self.env._("Customer")),
            xlsx.ImportColumn("contract", self.env._("Contract")),
        ]

    def _importer(self):
        return xlsx.bilingual_importer(
            self, self.env._("Expenses"), self.env._("The file has no line to import.")
        )

    def action_download_template(self):
        return self.env["backoffice.xlsx.download"]._download_action(
            "expense_lines_template.xlsx", self._importer().template()
        )

    def action_import(self):
        self.ensure_one()
        claim = self.claim_id
        if claim.state != "draft":
            raise UserError(self.env._("Lines are imported into draft claims only."))
        if not self.file_data:
            raise UserError(self.env._("Choose the file to import."))
        importer = self._importer()
        rows, errors = importer.read_file(self.file_data)
        company = claim.company_id
        categories = {
            c.name.casefold(): c
            for c in self.env["backoffice.expense.category"].search(
                [("company_id", "=", company.id)]
            )
        }
        currencies = {c.name: c for c in self.env["res.currency"].search([])}
        vals_list = []
        for number, row in rows:
            reasons = []
            category = categories.get(row["category"].casefold())
            if not category:
                reasons.append(self.env._("unknown category '%s'", row["category"]))
            currency = claim.currency_id
            if row["currency"]:
                currency = currencies.get(row["currency"].upper())
                if not currency:
                    reasons.append(self.env._("unknown currency '%s'", row["currency"]))
            if row["amount"] <= 0:
                reasons.append(self.env._("the amount must be positive"))
            partner = self.env["res.partner"]
            if row["customer"]:
                partner = partner.search(
                    [
                        xlsx.exact_match("name", row["customer"]),
                        ("company_id", "in", [False, company.id]),
                    ],
                    limit=2,
                )
                if len(partner) != 1:
                    reasons.append(
                        self.env._("customer '%s' not found (or not unique)", row["customer"])
                    )
            order = self.env["sale.order"]
            if row["contract"]:
                order = order.search(
                    [
                        "|",
                        ("name", "=", row["contract"]),
                        ("contract_ref", "=", row["contract"]),
                        ("company_id", "=", company.id),
                    ],
                    limit=2,
                )
                if len(order) != 1:
                    reasons.append(self.env._("contract '%s' not found", row["contract"]))
            if reasons:
                errors.append((number, "; ".join(reasons)))
                continue
            vals_list.append(
                {
                    "claim_id": claim.id,
                    "date": row["date"],
                    "category_id": category.id,
                    "description": row["description"],
                    "amount": row["amount"],
                    "currency_id": currency.id,
                    "receipt_ref": row["receipt_ref"],
                    "partner_id": partner.id,
                    "order_id": order.id,
                }
            )
        importer.raise_errors(errors)
        self.env["backoffice.expense.claim.line"].create(vals_list)
        claim.message_post(
            body=self.env._(
                "%(count)s expense lines imported from %(file)s.",
                count=len(vals_list),
                file=self.file_name or "XLSX",
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}
