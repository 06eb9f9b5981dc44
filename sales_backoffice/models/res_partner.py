from odoo import fields, models


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

    # ------------------------------------------------------ customer statements
    def action_open_customer_statement(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_backoffice.backoffice_customer_statement_action"
        )
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
