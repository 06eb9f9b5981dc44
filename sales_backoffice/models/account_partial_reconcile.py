from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        self.env["backoffice.contract.event"]._record_partials(partials)
        return partials

    @api.ondelete(at_uninstall=False)
    def _unlink_backoffice_events(self):
        self.env["backoffice.contract.event"]._unlink_for_documents("partial_id", self)
