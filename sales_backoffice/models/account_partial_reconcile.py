from odoo import api, models


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        # Payment events disappear with their partial (ondelete cascade).
        self.env["backoffice.contract.event"]._record_partials(partials)
        (
            partials.debit_move_id.move_id | partials.credit_move_id.move_id
        )._backoffice_sync_claims()
        return partials

    def unlink(self):
        moves = self.debit_move_id.move_id | self.credit_move_id.move_id
        res = super().unlink()
        moves.exists()._backoffice_sync_claims()
        return res
