from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        # Payment events disappear with their partial (ondelete cascade).
        self.env["backoffice.contract.event"]._record_partials(partials)
        return partials
