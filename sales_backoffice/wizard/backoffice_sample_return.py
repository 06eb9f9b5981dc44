from odoo import api, fields, models
from odoo.exceptions import ValidationError


class BackofficeSampleReturn(models.TransientModel):
    """Register what came back (or was consumed) of a dispatched registration."""

    _name = "backoffice.sample.return"
    _description = "Register Sample Return"

    sample_id = fields.Many2one("backoffice.sample", required=True)
    line_ids = fields.One2many(
        "backoffice.sample.return.line",
        "wizard_id",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )

    @api.depends("sample_id")
    def _compute_line_ids(self):
        for wizard in self:
            wizard.line_ids = [(5, 0, 0)] + [
                (
                    0,
                    0,
                    {
                        "sample_line_id": line.id,
                        "quantity": max(line.qty_dispatched - line.qty_returned, 0.0),
                    },
                )
                for line in wizard.sample_id.line_ids
                if line.is_returnable and not line.is_consumed
            ]

    def action_confirm(self):
        self.ensure_one()
        sample = self.sample_id
        sample._check_backoffice_user(self.env._("register the return of"))
        # One return registration at a time per registration.
        sample.lock_for_update()
        sample._check_returnable()
        to_return = {}
        for line in self.line_ids:
            item = line.sample_line_id
            if item.sample_id != sample:
                raise ValidationError(
                    self.env._(
                        "%(item)s is not an item of %(sample)s.",
                        item=item.description,
                        sample=sample.name,
                    )
                )
            if not item.is_returnable or item.is_consumed:
                raise ValidationError(self.env._("%s is not expected back.", item.description))
            outstanding = item.qty_dispatched - item.qty_returned
            if line.quantity < 0:
                raise ValidationError(
                    self.env._("%s: a returned quantity cannot be negative.", item.description)
                )
            if item.uom_id.compare(line.quantity, outstanding) > 0:
                raise ValidationError(
                    self.env._(
                        "%(item)s: %(qty)s returned, but only %(out)s are out.",
                        item=item.description,
                        qty=line.quantity,
                        out=outstanding,
                    )
                )
            if line.quantity:
                to_return[item] = line.quantity
        stocked = {item: qty for item, qty in to_return.items() if item.product_id.is_storable}
        sample._transfer(stocked, to_samples=False)
        # Safe: a back-office user registers the return of items of this
        # dispatched registration, checked above; the items are locked for
        # everyone else.
        consumed_sudo = self.line_ids.filtered("is_consumed").sample_line_id.sudo()
        if consumed_sudo:
            consumed_sudo.write({"is_consumed": True})
        # Items without stock tracking come back without a transfer.
        for item, qty in to_return.items():
            if not item.product_id.is_storable:
                item_sudo = item.sudo()
                item_sudo.qty_returned_untracked += qty
        sample._update_return_state()
        return {"type": "ir.actions.act_window_close"}


class BackofficeSampleReturnLine(models.TransientModel):
    _name = "backoffice.sample.return.line"
    _description = "Register Sample Return Line"

    wizard_id = fields.Many2one("backoffice.sample.return", required=True, ondelete="cascade")
    sample_line_id = fields.Many2one("backoffice.sample.line", required=True, readonly=True)
    quantity = fields.Float("Returned", digits="Product Unit")
    is_consumed = fields.Boolean("Consumed")
