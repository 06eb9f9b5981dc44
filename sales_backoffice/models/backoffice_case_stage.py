from odoo import fields, models


class BackofficeCaseStage(models.Model):
    _name = "backoffice.case.stage"
    _description = "Customer Service Case Stage"
    _order = "sequence, id desc"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean()
    is_closed = fields.Boolean(
        "Closed Stage", help="Cases in this stage are solved: their closing date is set."
    )
