from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class StockReturnPicking(models.TransientModel):
    _inherit = "stock.return.picking"

    return_reason_id = fields.Many2one("backoffice.return.reason", check_company=True)
    needs_redelivery = fields.Boolean()
    return_note = fields.Text()
    is_customer_return = fields.Boolean(compute="_compute_is_customer_return")

    is_reason_required = fields.Boolean(compute="_compute_is_customer_return")
    # customer service: a return started from a quality case is linked to it.
    backoffice_case_id = fields.Many2one("backoffice.case", string="Customer Service Case")

    @api.depends("picking_id")
    def _compute_is_customer_return(self):
        for wizard in self:
            picking = wizard.picking_id
            wizard.is_customer_return = picking.location_dest_id.usage == "customer"
            wizard.is_reason_required = (
                wizard.is_customer_return and picking.company_id.backoffice_return_reason_required
            )

    @api.onchange("return_reason_id")
    def _onchange_return_reason_id(self):
        if self.return_reason_id:
            self.needs_redelivery = self.return_reason_id.needs_redelivery

    def _check_return_reason_exists(self, vals_list):
        for vals in vals_list:
            reason_id = vals.get("return_reason_id")
            if reason_id and not self.env["backoffice.return.reason"].browse(reason_id).exists():
                raise ValidationError(
                    self.env._("Return reason: there is no return reason with id %s.", reason_id)
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_return_reason_exists(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_return_reason_exists([vals])
        return super().write(vals)

    def _create_return(self):
        reason = self.return_reason_id
        missing = self.is_reason_required and not reason
        if missing and not self.env.su:
            raise UserError(
                self.env._(
                    "Returning customer delivery %s needs a return reason.", self.picking_id.name
                )
            )
        # customer service: the case must accept the link (see backoffice.case).
        self.backoffice_case_id._check_return_delivery(self.picking_id)
        new_picking = super()._create_return()
        if self.backoffice_case_id:
            self.backoffice_case_id._link_picking(new_picking)
        new_picking.write(
            {
                "return_reason_id": reason.id,
                "needs_redelivery": self.needs_redelivery,
                "return_note": self.return_note,
            }
        )
        if missing:
            new_picking.message_post(
                body=self.env._(
                    "Customer return created by an automated flow without a return reason."
                ),
                subtype_xmlid="mail.mt_note",
            )
        return new_picking
