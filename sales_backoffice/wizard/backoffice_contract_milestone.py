from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..models.backoffice_contract_event import DISPATCH_METHODS, EVENT_TYPES, USER_EVENT_TYPES

MILESTONE_TYPES = [(key, label) for key, label in EVENT_TYPES if key in USER_EVENT_TYPES]


class BackofficeContractMilestone(models.TransientModel):
    """Record a dated milestone on a contract's performance list."""

    _name = "backoffice.contract.milestone"
    _description = "Record Contract Milestone"

    order_id = fields.Many2one("sale.order", string="Contract", required=True)
    event_type = fields.Selection(
        MILESTONE_TYPES, string="Milestone", required=True, default="signed_copy_returned"
    )
    date = fields.Date(
        compute="_compute_date", store=True, readonly=False, precompute=True, required=True
    )
    amount = fields.Monetary(
        currency_field="currency_id", help="Optional cost or value of the milestone."
    )
    currency_id = fields.Many2one(related="order_id.company_id.currency_id")
    note = fields.Text()
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        domain="[('id', 'in', available_move_ids)]",
    )
    available_move_ids = fields.Many2many("account.move", compute="_compute_available_move_ids")
    dispatch_method = fields.Selection(DISPATCH_METHODS)
    carrier_name = fields.Char("Courier")
    tracking_ref = fields.Char("Tracking Number")

    @api.depends("order_id")
    def _compute_date(self):
        events = self.env["backoffice.contract.event"]
        for wizard in self:
            wizard.date = events._today_for(wizard.order_id)

    @api.depends("order_id")
    def _compute_available_move_ids(self):
        for wizard in self:
            wizard.available_move_ids = wizard.order_id.invoice_ids.filtered(
                lambda m: m.state == "posted"
            )

    def action_record(self):
        self.ensure_one()
        if self.event_type == "invoice_dispatched" and not self.move_id:
            raise ValidationError(self.env._("Choose the invoice that was dispatched."))
        self.env["backoffice.contract.event"].create(
            {
                "order_id": self.order_id.id,
                "event_type": self.event_type,
                "date": self.date,
                "amount": self.amount,
                "note": self.note,
                "move_id": self.move_id.id,
                "dispatch_method": self.dispatch_method,
                "carrier_name": self.carrier_name,
                "tracking_ref": self.tracking_ref,
            }
        )
        return {"type": "ir.actions.act_window_close"}
