from odoo import fields, models
from odoo.exceptions import ValidationError


class BackofficeBidLost(models.TransientModel):
    _name = "backoffice.bid.lost"
    _description = "Record a Lost Tender"

    bid_id = fields.Many2one("backoffice.bid", required=True, readonly=True)
    currency_id = fields.Many2one(related="bid_id.currency_id")
    our_price = fields.Monetary(currency_field="currency_id", readonly=True)
    winner_name = fields.Char("Winner", required=True)
    winning_price = fields.Monetary(currency_field="currency_id")
    lost_reason_id = fields.Many2one("backoffice.bid.lost.reason", string="Reason", required=True)

    def action_confirm(self):
        self.ensure_one()
        if self.winning_price < 0:
            raise ValidationError(self.env._("The winning price cannot be negative."))
        self.bid_id._mark_lost(self.winner_name, self.winning_price, self.lost_reason_id)
        return {"type": "ir.actions.act_window_close"}
