from odoo import api, fields, models


class BackofficeDunningPromise(models.TransientModel):
    """Promise to Pay: the salesperson or the back office records the date
    and amount a customer promised; dunning pauses until that date."""

    _name = "backoffice.dunning.promise"
    _description = "Promise to Pay"
    _check_company_auto = True

    order_id = fields.Many2one("sale.order", string="Contract", required=True, readonly=True)
    company_id = fields.Many2one(related="order_id.company_id")
    currency_id = fields.Many2one(related="order_id.backoffice_currency_id")
    amount_receivable = fields.Monetary(
        "Still Due", related="order_id.performance_amount_receivable"
    )
    date_payment_promised = fields.Date(
        "Payment Promised On", required=True, default=lambda self: self._default_date()
    )
    amount_payment_promised = fields.Monetary("Amount Promised", required=True)

    @api.model
    def _default_date(self):
        return fields.Date.context_today(self)

    def action_confirm(self):
        self.ensure_one()
        # The checks (who, which contract, what values) are the contract's.
        self.order_id._do_promise_payment(self.date_payment_promised, self.amount_payment_promised)
        return {"type": "ir.actions.act_window_close"}
