from odoo import api, fields, models
from odoo.exceptions import AccessError


def _check_sample_link(records, vals_list, field):
    """Only the sample registration's own transfers (created under sudo) link
    stock documents to it: a forged link would fake a dispatch or a return."""
    if not records.env.su and any(vals.get(field) for vals in vals_list):
        raise AccessError(
            records.env._("Transfers of sample registrations come from their actions only.")
        )


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
        check_company=True,
    )

    @api.constrains("return_reason_id", "company_id")
    def _check_return_reason_company(self):
        # stock.picking does not check its companies by itself (no
        # _check_company_auto); the return reason of a transfer is checked here.
        self._check_company(["return_reason_id"])

    @api.model_create_multi
    def create(self, vals_list):
        _check_sample_link(self, vals_list, "backoffice_sample_id")
        return super().create(vals_list)

    def write(self, vals):
        if "backoffice_sample_id" in vals and not self.env.su:
            raise AccessError(
                self.env._("Transfers of sample registrations come from their actions only.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_backoffice_events(self):
        self.env["backoffice.contract.event"]._unlink_for_documents("picking_id", self)

    def _action_done(self):
        res = super()._action_done()
        sales = self.filtered("sale_id")
        if sales:
            self.env["backoffice.contract.event"]._record_pickings(sales)
        return res


class StockMove(models.Model):
    _inherit = "stock.move"

    backoffice_sample_line_id = fields.Many2one(
        "backoffice.sample.line",
        copy=False,
        index="btree_not_null",
        readonly=True,
        check_company=True,
    )

    @api.model_create_multi
    def create(self, vals_list):
        _check_sample_link(self, vals_list, "backoffice_sample_line_id")
        return super().create(vals_list)

    def write(self, vals):
        if "backoffice_sample_line_id" in vals and not self.env.su:
            raise AccessError(
                self.env._("Transfers of sample registrations come from their actions only.")
            )
        return super().write(vals)
