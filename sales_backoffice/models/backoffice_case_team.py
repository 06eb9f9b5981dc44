from ast import literal_eval

from odoo import fields, models


class BackofficeCaseTeam(models.Model):
    """A customer service desk: its e-mail alias opens a case for each
    message sent to it (Odoo's mail gateway)."""

    _name = "backoffice.case.team"
    _inherit = ["mail.alias.mixin", "mail.thread"]
    _description = "Customer Service Team"
    _order = "sequence, name, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one(
        "res.users", string="Team Leader", check_company=True, domain="[('share', '=', False)]"
    )
    case_ids = fields.One2many("backoffice.case", "team_id", string="Cases")

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("backoffice.case")
        if self.id:
            values["alias_defaults"] = defaults = literal_eval(self.alias_defaults or "{}")
            defaults["team_id"] = self.id
            defaults["company_id"] = self.company_id.id
        return values
