from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    backoffice_document_ids = fields.One2many(
        "backoffice.sample",
        "partner_id",
        string="Documents Received",
        domain=[("direction", "=", "incoming")],
    )
    backoffice_document_count = fields.Integer(compute="_compute_backoffice_document_count")
    # ------------------------------------------------------ customer statements
    backoffice_statement_monthly = fields.Boolean(
        "Monthly Statement",
        help="E-mail this customer its statement of account at the start of each month.",
    )
    backoffice_statement_contact_id = fields.Many2one(
        "res.partner",
        string="Statement Recipient",
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="The contact who receives the statements; the customer itself when empty.",
    )

    def _compute_backoffice_document_count(self):
        counts = dict(
            self.env["backoffice.sample"]._read_group(
                [("partner_id", "in", self.ids), ("direction", "=", "incoming")],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.backoffice_document_count = counts.get(partner, 0)

    def action_view_backoffice_documents(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_backoffice.backoffice_sample_action"
        )
        action["domain"] = [("partner_id", "=", self.id), ("direction", "=", "incoming")]
        action["context"] = {
            "default_partner_id": self.id,
            "default_direction": "incoming",
            "default_material_type": "certificate",
        }
        return action

    # ------------------------------------------------- customer service: file
    # The customer's file: contacts, cases, contracts and samples sent, each a
    # smart button of the partner's form (counts with the reader's rights).
    backoffice_case_open_count = fields.Integer(compute="_compute_backoffice_file_counts")
    backoffice_case_closed_count = fields.Integer(compute="_compute_backoffice_file_counts")
    backoffice_contract_count = fields.Integer(compute="_compute_backoffice_file_counts")
    backoffice_sample_sent_count = fields.Integer(compute="_compute_backoffice_file_counts")
    backoffice_contact_count = fields.Integer(compute="_compute_backoffice_file_counts")

    def _backoffice_file_domains(self):
        partners = self.commercial_partner_id.ids or self.ids
        family = [("partner_id", "child_of", partners)]
        return {
            "backoffice_case_open_count": (
                "backoffice.case",
                [*family, ("is_closed", "=", False)],
            ),
            "backoffice_case_closed_count": (
                "backoffice.case",
                [*family, ("is_closed", "=", True)],
            ),
            "backoffice_contract_count": ("backoffice.contract.performance", family),
            "backoffice_sample_sent_count": (
                "backoffice.sample",
                [*family, ("direction", "=", "outgoing")],
            ),
        }

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_backoffice_file_counts(self):
        for partner in self:
            for field_name, (model, domain) in partner._backoffice_file_domains().items():
                Model = self.env[model]
                partner[field_name] = (
                    Model.search_count(domain) if partner.id and Model.has_access("read") else 0
                )
            partner.backoffice_contact_count = len(partner.child_ids)

    def _backoffice_file_action(self, field_name, xmlid, context=None):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = self._backoffice_file_domains()[field_name][1]
        action["context"] = context or {}
        return action

    def action_view_backoffice_open_cases(self):
        return self._backoffice_file_action(
            "backoffice_case_open_count",
            "sales_backoffice.backoffice_case_action",
            {"default_partner_id": self.id},
        )

    def action_view_backoffice_closed_cases(self):
        return self._backoffice_file_action(
            "backoffice_case_closed_count", "sales_backoffice.backoffice_case_action"
        )

    def action_view_backoffice_contracts(self):
        return self._backoffice_file_action(
            "backoffice_contract_count",
            "sales_backoffice.backoffice_contract_performance_action",
        )

    def action_view_backoffice_samples_sent(self):
        return self._backoffice_file_action(
            "backoffice_sample_sent_count", "sales_backoffice.backoffice_sample_action"
        )

    def action_view_backoffice_contacts(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Contacts"),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("parent_id", "=", self.id)],
            "context": {"default_parent_id": self.id},
        }

    # ------------------------------------------------------ customer statements
    def action_open_customer_statement(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_backoffice.backoffice_customer_statement_action"
        )
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
