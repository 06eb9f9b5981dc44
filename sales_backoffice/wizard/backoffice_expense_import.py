import base64

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import xlsx


class BackofficeExpenseImport(models.TransientModel):
    """Import expense lines into a draft claim from an XLSX file: every row
    valid, or nothing imported and every bad row listed."""

    _name = "backoffice.expense.import"
    _description = "Import Expense Lines"

    claim_id = fields.Many2one("backoffice.expense.claim", required=True)
    file_data = fields.Binary("File", required=True, attachment=False)
    file_name = fields.Char()

    def _columns(self):
        return [
            xlsx.ImportColumn(
                self.env._("Date"),
                xlsx.parse_date,
                required=True,
                example=fields.Date.context_today(self),
            ),
            xlsx.ImportColumn(
                self.env._("Category"), xlsx.parse_text, required=True, example=self.env._("Hotel")
            ),
            xlsx.ImportColumn(
                self.env._("Description"),
                xlsx.parse_text,
                example=self.env._("Two nights, Suzhou"),
            ),
            xlsx.ImportColumn(
                self.env._("Amount"), xlsx.parse_number, required=True, example=560.0
            ),
            xlsx.ImportColumn(
                self.env._("Currency"), xlsx.parse_text, example=self.env.company.currency_id.name
            ),
            xlsx.ImportColumn(
                self.env._("Receipt Number"), xlsx.parse_text, example="INV-2026-0001"
            ),
            xlsx.ImportColumn(self.env._("Customer"), xlsx.parse_text),
            xlsx.ImportColumn(self.env._("Contract"), xlsx.parse_text),
        ]

    def action_download_template(self):
        return self.env["backoffice.xlsx.download"]._download_action(
            "expense_lines_template.xlsx", xlsx.template(self._columns(), self.env._("Expenses"))
        )

    def _messages(self):
        return {
            "not_xlsx": self.env._("The file is not an XLSX workbook."),
            "missing_column": self.env._("the column '%s' is missing"),
            "required": self.env._("%s is required"),
            "empty": self.env._("The file has no line to import."),
        }

    def action_import(self):
        self.ensure_one()
        claim = self.claim_id
        if claim.state != "draft":
            raise UserError(self.env._("Lines are imported into draft claims only."))
        try:
            rows, errors = xlsx.read_rows(
                base64.b64decode(self.file_data), self._columns(), self._messages()
            )
        except xlsx.XlsxImportError as error:
            raise ValidationError(self._report(error.errors)) from None
        categories = {
            c.name.lower(): c
            for c in self.env["backoffice.expense.category"].search(
                [("company_id", "=", claim.company_id.id)]
            )
        }
        currencies = {c.name: c for c in self.env["res.currency"].search([])}
        vals_list = []
        for number, row in rows:
            reasons = []
            category = categories.get(row[self.env._("Category")].lower())
            if not category:
                reasons.append(self.env._("unknown category '%s'", row[self.env._("Category")]))
            currency = claim.currency_id
            if row[self.env._("Currency")]:
                currency = currencies.get(row[self.env._("Currency")].upper())
                if not currency:
                    reasons.append(
                        self.env._("unknown currency '%s'", row[self.env._("Currency")])
                    )
            if row[self.env._("Amount")] <= 0:
                reasons.append(self.env._("the amount must be positive"))
            partner = order = self.env["res.partner"]
            if row[self.env._("Customer")]:
                partner = self.env["res.partner"].search(
                    [("name", "=ilike", row[self.env._("Customer")])], limit=2
                )
                if len(partner) != 1:
                    reasons.append(
                        self.env._(
                            "customer '%s' not found (or not unique)", row[self.env._("Customer")]
                        )
                    )
            order = self.env["sale.order"]
            if row[self.env._("Contract")]:
                order = self.env["sale.order"].search(
                    [
                        "|",
                        ("name", "=", row[self.env._("Contract")]),
                        ("contract_ref", "=", row[self.env._("Contract")]),
                    ],
                    limit=1,
                )
                if not order:
                    reasons.append(
                        self.env._("contract '%s' not found", row[self.env._("Contract")])
                    )
            if reasons:
                errors.append((number, "; ".join(reasons)))
                continue
            vals_list.append(
                {
                    "claim_id": claim.id,
                    "date": row[self.env._("Date")],
                    "category_id": category.id,
                    "description": row[self.env._("Description")],
                    "amount": row[self.env._("Amount")],
                    "currency_id": currency.id,
                    "receipt_ref": row[self.env._("Receipt Number")],
                    "partner_id": partner.id,
                    "order_id": order.id,
                }
            )
        if errors:
            raise ValidationError(self._report(sorted(errors)))
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

    def _report(self, errors):
        lines = [self.env._("Nothing was imported. Fix these rows and import the file again:")]
        lines += [
            self.env._("Row %(row)s: %(reason)s", row=number, reason=reason) if number else reason
            for number, reason in errors
        ]
        return "\n".join(lines)
