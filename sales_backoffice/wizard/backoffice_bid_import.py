from odoo import fields, models

from ..tools import xlsx


class BackofficeBidImport(models.TransientModel):
    """Import tenders from an XLSX file. Rows are matched on tender reference
    and purchaser, case-insensitively: a known tender is updated, a new one
    created, and a new purchaser is created once however many rows name it.
    One bad row and nothing is imported; every bad row is listed."""

    _name = "backoffice.bid.import"
    _description = "Import Tenders"

    file_data = fields.Binary("File", attachment=False)
    file_name = fields.Char()
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    created_count = fields.Integer(readonly=True)
    updated_count = fields.Integer(readonly=True)
    rejected_count = fields.Integer(readonly=True)

    def _importer(self):
        t = self.env._
        columns = [
            xlsx.ImportColumn(t("Tender Reference"), required=True, example="ZB-2026-0042"),
            xlsx.ImportColumn(
                t("Title"), required=True, example=t("Water pumps for the new plant")
            ),
            xlsx.ImportColumn(t("Purchaser"), required=True, example=t("City Water Authority")),
            xlsx.ImportColumn(t("Source")),
            xlsx.ImportColumn(t("URL")),
            xlsx.ImportColumn(t("Region")),
            xlsx.ImportColumn(t("Category")),
            xlsx.ImportColumn(t("Budget"), "number", example=250000.0),
            xlsx.ImportColumn(t("Published"), "date"),
            xlsx.ImportColumn(t("Questions Deadline"), "date"),
            xlsx.ImportColumn(t("Submission Deadline"), "date", required=True),
            xlsx.ImportColumn(t("Opening"), "date"),
            xlsx.ImportColumn(t("Salesperson")),
        ]
        return xlsx.XlsxImporter(
            self.env, columns, t("Tenders"), t("The file has no tender to import.")
        )

    def action_download_template(self):
        return self.env["backoffice.xlsx.download"]._download_action(
            "tenders_template.xlsx", self._importer().template()
        )

    def _lookup(self, model, value, fields_=("name",), extra=None):
        """Records whose field equals ``value`` exactly (case aside): a cell's
        ``%`` or ``_`` is a character, never a wildcard."""
        if not value:
            return self.env[model]
        domain = ["|"] * (len(fields_) - 1) + [xlsx.exact_match(f, value) for f in fields_]
        return self.env[model].search(domain + (extra or []), limit=2)

    def _find_purchaser(self, name, company):
        partners = self._lookup(
            "res.partner", name, extra=[("company_id", "in", [False, company.id])]
        )
        if len(partners) > 1:
            # A company and one of its contacts may share the name.
            partners = partners.filtered("is_company") or partners
        return partners

    def action_import(self):
        self.ensure_one()
        t = self.env._
        importer = self._importer()
        rows, errors = importer.read_file(self.file_data)
        company = self.env.company
        Bid = self.env["backoffice.bid"]
        plans, seen = [], set()
        purchasers = {}  # lower-cased name -> partner found (or empty: to create)
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
            source = self._lookup(
                "backoffice.bid.source", row[t("Source")], extra=[("company_id", "=", company.id)]
            )
            if row[t("Source")] and len(source) != 1:
                reasons.append(t("unknown source '%s'", row[t("Source")]))
            category = self._lookup("backoffice.bid.category", row[t("Category")])
            if row[t("Category")] and len(category) != 1:
                reasons.append(t("unknown category '%s'", row[t("Category")]))
            user = self._lookup(
                "res.users",
                row[t("Salesperson")],
                ("login", "name"),
                [("share", "=", False), ("company_ids", "in", company.id)],
            )
            if row[t("Salesperson")] and len(user) != 1:
                reasons.append(t("unknown salesperson '%s'", row[t("Salesperson")]))
            purchaser_key = row[t("Purchaser")].casefold()
            if purchaser_key not in purchasers:
                purchasers[purchaser_key] = self._find_purchaser(row[t("Purchaser")], company)
            purchaser = purchasers[purchaser_key]
            if len(purchaser) > 1:
                reasons.append(t("several partners are called '%s'", row[t("Purchaser")]))
            key = (row[t("Tender Reference")].casefold(), purchaser_key)
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
                    xlsx.exact_match("tender_ref", vals["tender_ref"]),
                    ("purchaser_id", "=", purchaser.id),
                    ("company_id", "=", company.id),
                ],
                limit=1,
            )
            plans.append((existing, purchaser_key, row[t("Purchaser")], vals))
        importer.raise_errors(errors)
        created = updated = 0
        for existing, purchaser_key, purchaser_name, vals in plans:
            if existing:
                vals.pop("tender_ref")  # keep the reference as it was first written
                existing.write(
                    {key: value for key, value in vals.items() if value or key == "budget_amount"}
                )
                updated += 1
                continue
            if not purchasers[purchaser_key]:
                # The first row naming a new purchaser creates it, the next reuse it.
                purchasers[purchaser_key] = self.env["res.partner"].create(
                    {"name": purchaser_name, "is_company": True}
                )
            Bid.create(dict(vals, purchaser_id=purchasers[purchaser_key].id))
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

    def action_open_bids(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "sales_backoffice.backoffice_bid_action"
        )
