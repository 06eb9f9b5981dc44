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

    def _importer(self):
        t = self.env._
        columns = [
            xlsx.ImportColumn(
                t("Date"), "date", required=True, example=fields.Date.context_today(self)
            ),
            xlsx.ImportColumn(t("Category"), required=True, example=t("Hotel")),
            xlsx.ImportColumn(t("Description"), example=t("Two nights, Suzhou")),
            xlsx.ImportColumn(t("Amount"), "number", required=True, example=560.0),
            xlsx.ImportColumn(t("Currency"), example=self.env.company.currency_id.name),
            xlsx.ImportColumn(t("Receipt Number"), example="INV-2026-0001"),
            xlsx.ImportColumn(t("Customer")),
            xlsx.ImportColumn(t("Contract")),
        ]
        return xlsx.XlsxImporter(
            self.env, columns, t("Expenses"), t("The file has no line to import.")
        )

    def action_download_template(self):
        return self.env["backoffice.xlsx.download"]._download_action(
            "expense_lines_template.xlsx", self._importer().template()
        )

    def action_import(self):
        self.ensure_one()
        t = self.env._
        claim = self.claim_id
        if claim.state != "draft":
            raise UserError(t("Lines are imported into draft claims only."))
        if not self.file_data:
            raise UserError(t("Choose the file to import."))
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
            category = categories.get(row[t("Category")].casefold())
            if not category:
                reasons.append(t("unknown category '%s'", row[t("Category")]))
            currency = claim.currency_id
            if row[t("Currency")]:
                currency = currencies.get(row[t("Currency")].upper())
                if not currency:
                    reasons.append(t("unknown currency '%s'", row[t("Currency")]))
            if row[t("Amount")] <= 0:
                reasons.append(t("the amount must be positive"))
            partner = self.env["res.partner"]
            if row[t("Customer")]:
                partner = partner.search(
                    [
                        xlsx.exact_match("name", row[t("Customer")]),
                        ("company_id", "in", [False, company.id]),
                    ],
                    limit=2,
                )
                if len(partner) != 1:
                    reasons.append(
                        t("customer '%s' not found (or not unique)", row[t("Customer")])
                    )
            order = self.env["sale.order"]
            if row[t("Contract")]:
                order = order.search(
                    [
                        "|",
                        ("name", "=", row[t("Contract")]),
                        ("contract_ref", "=", row[t("Contract")]),
                        ("company_id", "=", company.id),
                    ],
                    limit=2,
                )
                if len(order) != 1:
                    reasons.append(t("contract '%s' not found", row[t("Contract")]))
            if reasons:
                errors.append((number, "; ".join(reasons)))
                continue
            vals_list.append(
                {
                    "claim_id": claim.id,
                    "date": row[t("Date")],
                    "category_id": category.id,
                    "description": row[t("Description")],
                    "amount": row[t("Amount")],
                    "currency_id": currency.id,
                    "receipt_ref": row[t("Receipt Number")],
                    "partner_id": partner.id,
                    "order_id": order.id,
                }
            )
        importer.raise_errors(errors)
        self.env["backoffice.expense.claim.line"].create(vals_list)
        claim.message_post(
            body=t(
                "%(count)s expense lines imported from %(file)s.",
                count=len(vals_list),
                file=self.file_name or "XLSX",
            ),
            subtype_xmlid="mail.mt_note",
        )
        return {"type": "ir.actions.act_window_close"}
