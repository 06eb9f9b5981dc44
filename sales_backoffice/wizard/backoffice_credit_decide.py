from odoo import api, fields, models

ACTIONS = [("release", "Confirm the order"), ("decline", "Decline the order")]


class BackofficeCreditDecide(models.TransientModel):
    """A Back Office Manager's credit decision on an order the credit check
    blocks, always with a reason. The order's private methods check who may
    decide and on what."""

    _name = "backoffice.credit.decide"
    _description = "Credit Decision"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    action = fields.Selection(ACTIONS, required=True, default="release", readonly=True)
    credit_warning = fields.Text(compute="_compute_credit_warning")
    reason = fields.Text(required=True)

    @api.depends("order_id")
    def _compute_credit_warning(self):
        for wizard in self:
            wizard.credit_warning = (
                wizard.order_id.backoffice_credit_warning
                or wizard.order_id.backoffice_credit_reason
            )

    def action_confirm(self):
        self.ensure_one()
        if self.action == "release":
            self.order_id._do_credit_release(self.reason)
        else:
            self.order_id._do_credit_decline(self.reason)
        return {"type": "ir.actions.act_window_close"}
