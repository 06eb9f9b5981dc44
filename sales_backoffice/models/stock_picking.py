from odoo import api, fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    return_reason_id = fields.Many2one(
        "backoffice.return.reason",
        copy=False,
        tracking=True,
        index="btree_not_null",
        check_company=True,
    )
    needs_redelivery = fields.Boolean(copy=False, tracking=True)
    return_note = fields.Text(copy=False)
    backoffice_sample_id = fields.Many2one(
        "backoffice.sample",
        string="Sample Registration",
        copy=False,
        index="btree_not_null",
        readonly=True,
    )

    @api.constrains("return_reason_id", "company_id")
    def _check_return_reason_company(self):
        # stock.picking does not check its companies by itself (no
        # _check_company_auto); the return reason of a transfer is checked here.
        self._check_company(["return_reason_id"])

    def _action_done(self):
        res = super()._action_done()
        sales = self.filtered("sale_id")
        if sales:
            self.env["backoffice.contract.event"]._record_pickings(sales)
        return res


class StockMove(models.Model):
    _inherit = "stock.move"

    backoffice_sample_line_id = fields.Many2one(
        "backoffice.sample.line", copy=False, index="btree_not_null", readonly=True
    )
