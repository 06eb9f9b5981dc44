from odoo import api, models

from .sale_order import CREDIT_LINE_FIELDS


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    # ---------------------------------------------------------- dealer credit
    # A confirmed order that grows (a new line, more quantity, a higher price)
    # is checked against its customer's credit again, whoever changes it.
    @api.model_create_multi
    def create(self, vals_list):
        orders = self.env["sale.order"].browse(
            {vals["order_id"] for vals in vals_list if vals.get("order_id")}
        )
        before = orders._backoffice_credit_growth_start()
        lines = super().create(vals_list)
        if before:
            orders._backoffice_credit_growth_check(before)
        return lines

    def write(self, vals):
        before = {}
        if CREDIT_LINE_FIELDS & set(vals):
            before = self.order_id._backoffice_credit_growth_start()
        res = super().write(vals)
        if before:
            self.order_id._backoffice_credit_growth_check(before)
        return res
