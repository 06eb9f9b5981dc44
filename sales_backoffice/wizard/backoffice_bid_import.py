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

    def _columns(self):
        return [
            xlsx.ImportColumn(
                "reference", self.env._("Tender Reference"), required=True, example="ZB-2026-0042"
            ),
            xlsx.ImportColumn(
                "title",
                self.env._("Title"),
                required=True,
                example=self.env._("Water pumps for the new plant"),
            ),
            xlsx.ImportColumn(
                "purchaser",
                self.env._("Purchaser"),
                required=True,
                example=self.env._("City Water Authority"),
            ),
            xlsx.ImportColumn("source", self.env._("Source")),
            xlsx.ImportColumn("url", self.env._("URL")),
            xlsx.ImportColumn("region", self.env._("Region")),
            xlsx.ImportColumn("category", self.env._("Category")),
            xlsx.ImportColumn("budget", self.env._("Budget"), "number", example=250000.0),
            xlsx.ImportColumn("published", self.env._("Published"), "date"),
            xlsx.ImportColumn("questions_deadline", self.env._("Questions Deadline"), "date"),
            xlsx.ImportColumn(
                "submission_deadline", self.env._("Submission Deadline"), "date", required=True
            ),
            xlsx.ImportColumn("opening", self.env._("Opening"), "date"),
            xlsx.ImportColumn("salesperson", self.env._("Salesperson")),
        ]

    def _importer(self):
        return xlsx.bilingual_importer(
            self, self.env._("Tenders"), self.env._("The file has no tender to import.")
        )

    def _deadline_labels(self):
        return {
            "questions_deadline": self.env._("Questions Deadline"),
            "submission_deadline": self.env._("Submission Deadline"),
            "opening": self.env._("Opening"),
        }

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
        importer = self._importer()
        rows, errors = importer.read_file(self.file_data)
        company = self.env.company
        Bid = self.env["backoffice.bid"]
        plans, seen = [], set()
        purchasers = {}  # lower-cased name -> partner found (or empty: to create)
        for number, row in rows:
            reasons = []
            published, deadline = row["published"], row["submission_deadline"]
            for key, label in self._deadline_labels().items():
                if published and row[key] and row[key] < published:
                    reasons.append(self.env._("%(what)s is before the publication", what=label))
            if row["opening"] and row["opening"] < deadline:
                reasons.append(self.env._("the opening is before the submission deadline"))
            if row["budget"] is not None and row["budget"] < 0:
                reasons.append(self.env._("the budget cannot be negative"))
            region = self._lookup(
                "res.country.state",
                row["region"],
                ("name", "code"),
                [("country_id", "=", company.country_id.id)] if company.country_id else None,
            )
            if row["region"] and len(region) != 1:
                reasons.append(self.env._("unknown region '%s'", row["region"]))
            source = self._lookup(
                "backoffice.bid.source", row["source"], extra=[("company_id", "=", company.id)]
            )
            if row["source"] and len(source) != 1:
                reasons.append(self.env._("unknown source '%s'", row["source"]))
            category = self._lookup("backoffice.bid.category", row["category"])
            if row["category"] and len(category) != 1:
                reasons.append(self.env._("unknown category '%s'", row["category"]))
            user = self._lookup(
                "res.users",
                row["salesperson"],
                ("login", "name"),
                [("share", "=", False), ("company_ids", "in", company.id)],
            )
            if row["salesperson"] and len(user) != 1:
                reasons.append(self.env._("unknown salesperson '%s'", row["salesperson"]))
            purchaser_key = row["purchaser"].casefold()
            if purchaser_key not in purchasers:
                purchasers[purchaser_key] = self._find_purchaser(row["purchaser"], company)
            purchaser = purchasers[purchaser_key]
            if len(purchaser) > 1:
                reasons.append(self.env._("several partners are called '%s'", row["purchaser"]))
            key = (row["reference"].casefold(), purchaser_key)
            if key in seen:
                reasons.append(self.env._("the tender appears twice in the file"))
            seen.add(key)
            if reasons:
                errors.append((number, "; ".join(reasons)))
                continue
            vals = {
                "tender_ref": row["reference"],
                "name": row["title"],
                "source_id": source.id,
                "source_url": row["url"],
                "region_id": region.id,
                "category_id": category.id,
                "budget_amount": row["budget"] or 0.0,
                "date_published": published,
                "date_questions_deadline": row["questions_deadline"],
                "date_submission_deadline": deadline,
                "date_opening": row["opening"],
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
            plans.append((existing, purchaser_key, row["purchaser"], vals))
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
