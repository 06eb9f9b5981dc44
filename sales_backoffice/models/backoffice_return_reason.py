from odoo import fields, models


class BackofficeReturnReason(models.Model):
    _name = "backoffice.return.reason"
    _description = "Return Reason"
    _order = "sequence, name, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    needs_redelivery = fields.Boolean(
        help="Default of 'Needs redelivery' when this reason is chosen on a return."
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to share the reason between companies."
    )

    _name_company_unique = models.Constraint(
        "UNIQUE(name, company_id)", "A return reason with this name already exists."
    )
