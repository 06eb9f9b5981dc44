import base64

from odoo import fields, models
from odoo.exceptions import ValidationError

from ..tools import xlsx


class BackofficeBidImport(models.TransientModel):
    """Import tenders from an XLSX file. Rows are matched on tender reference
    and purchaser: a known tender is updated, a new one created. One bad row
    and nothing is imported; every bad row is listed."""

    _name = "backoffice.bid.import"
    _description = "Import Tenders"

    file_data = fields.Binary("File", attachment=False)
    file_name = fields.Char()
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    created_count = fields.Integer(readonly=True)
    updated_count = fields.Integer(readonly=True)
    rejected_count = fields.Integer(readonly=True)

    def _columns(self):
        t = self.env._
        return [
            xlsx.ImportColumn(
                t("Tender Reference"), xlsx.parse_text, required=True, example="ZB-2026-0042"
            ),
            xlsx.ImportColumn(
                t("Title"),
                xlsx.parse_text,
                required=True,
                example=t("Water pumps for the new plant"),
            ),
            xlsx.ImportColumn(
                t("Purchaser"), xlsx.parse_text, required=True, example=t("City Water Authority")
            ),
            xlsx.ImportColumn(t("Source"), xlsx.parse_text),
            xlsx.ImportColumn(t("URL"), xlsx.parse_text),
            xlsx.ImportColumn(t("Region"), xlsx.parse_text),
            xlsx.ImportColumn(t("Category"), xlsx.parse_text),
            xlsx.ImportColumn(t("Budget"), xlsx.parse_number, example=250000.0),
            xlsx.ImportColumn(t("Published"), xlsx.parse_date),
            xlsx.ImportColumn(t("Questions Deadline"), xlsx.parse_date),
            xlsx.ImportColumn(t("Submission Deadline"), xlsx.parse_date, required=True),
            xlsx.ImportColumn(t("Opening"), xlsx.parse_date),
            xlsx.ImportColumn(t("Salesperson"), xlsx.parse_text),
        ]

    def action_download_template(self):
        return self.env["backoffice.xlsx.download"]._download_action(
            "tenders_template.xlsx", xlsx.template(self._columns(), self.env._("Tenders"))
        )

    def _messages(self):
        return {
            "not_xlsx": self.env._("The file is not an XLSX workbook."),
            "missing_column": self.env._("the column '%s' is missing"),
            "required": self.env._("%s is required"),
            "empty": self.env._("The file has no tender to import."),
        }

    def _lookup(self, model, value, fields_=("name",), extra=None):
        if not value:
            return self.env[model]
        domain = ["|"] * (len(fields_) - 1) + [(f, "=ilike", value) for f in fields_]
        return self.env[model].search(domain + (extra or []), limit=2)

    def action_import(self):
        self.ensure_one()
        t = self.env._
        if not self.file_data:
            raise ValidationError(t("Choose the file to import."))
        try:
            rows, errors = xlsx.read_rows(
                base64.b64decode(self.file_data), self._columns(), self._messages()
            )
        except xlsx.XlsxImportError as error:
            raise ValidationError(self._report(error.errors)) from None
        company = self.env.company
        Bid = self.env["backoffice.bid"]
        plans, seen = [], set()
        for number, row in rows:
            reasons = []
            published, deadline = row[t("Published")], row[t("Submission Deadline")]
            for label in (t("Questions Deadline"), t("Submission Deadline"), t("Opening")):
                if published and row[label] and row[label] < published:
                    reasons.append(t("%(what)s is before the publication", what=label))
            if row[t("Opening")] and row[t("Opening")] < deadline:
                reasons.append(t("the opening is before the submission deadline"))
            if row[t("Budget")] is not None and row[t("Budget")] < 0:
                reasons.append(t("the budget cannot be negative"))
            region = self._lookup(
                "res.country.state",
                row[t("Region")],
                ("name", "code"),
                [("country_id", "=", company.country_id.id)] if company.country_id else None,
            )
            if row[t("Region")] and len(region) != 1:
                reasons.append(t("unknown region '%s'", row[t("Region")]))
            source = self._lookup("backoffice.bid.source", row[t("Source")])
            if row[t("Source")] and len(source) != 1:
                reasons.append(t("unknown source '%s'", row[t("Source")]))
            category = self._lookup("backoffice.bid.category", row[t("Category")])
            if row[t("Category")] and len(category) != 1:
                reasons.append(t("unknown category '%s'", row[t("Category")]))
            user = self._lookup("res.users", row[t("Salesperson")], ("login", "name"))
            if row[t("Salesperson")] and len(user) != 1:
                reasons.append(t("unknown salesperson '%s'", row[t("Salesperson")]))
            purchaser = self._lookup("res.partner", row[t("Purchaser")])
            if len(purchaser) > 1:
                reasons.append(t("several partners are called '%s'", row[t("Purchaser")]))
            key = (row[t("Tender Reference")].lower(), row[t("Purchaser")].lower())
            if key in seen:
                reasons.append(t("the tender appears twice in the file"))
            seen.add(key)
            if reasons:
                errors.append((number, "; ".join(reasons)))
                continue
            vals = {
                "tender_ref": row[t("Tender Reference")],
                "name": row[t("Title")],
                "source_id": source.id,
                "source_url": row[t("URL")],
                "region_id": region.id,
                "category_id": category.id,
                "budget_amount": row[t("Budget")] or 0.0,
                "date_published": published,
                "date_questions_deadline": row[t("Questions Deadline")],
                "date_submission_deadline": deadline,
                "date_opening": row[t("Opening")],
                "user_id": user.id,
                "company_id": company.id,
            }
            existing = purchaser and Bid.search(
                [
                    ("tender_ref", "=", vals["tender_ref"]),
                    ("purchaser_id", "=", purchaser.id),
                    ("company_id", "=", company.id),
                ],
                limit=1,
            )
            plans.append((existing, purchaser, row[t("Purchaser")], vals))
        if errors:
            raise ValidationError(self._report(sorted(errors)))
        created = updated = 0
        for existing, purchaser, purchaser_name, vals in plans:
            if existing:
                existing.write(
                    {key: value for key, value in vals.items() if value or key == "budget_amount"}
                )
                updated += 1
                continue
            if not purchaser:
                purchaser = self.env["res.partner"].create(
                    {"name": purchaser_name, "is_company": True}
                )
            Bid.create(dict(vals, purchaser_id=purchaser.id))
            created += 1
        self.write(
            {
                "state": "done",
                "created_count": created,
                "updated_count": updated,
                "rejected_count": 0,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _report(self, errors):
        lines = [
            self.env._(
                "Nothing was imported: %s rows are wrong. Fix them and import the file again:",
                len(errors),
            )
        ]
        lines += [
            self.env._("Row %(row)s: %(reason)s", row=n, reason=r) if n else r for n, r in errors
        ]
        return "\n".join(lines)

    def action_open_bids(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "sales_backoffice.backoffice_bid_action"
        )
