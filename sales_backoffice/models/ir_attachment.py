from odoo import api, models
from odoo.exceptions import UserError

from .backoffice_expense_claim import FROZEN_STATES

# Documents whose attachments freeze with the claim: the claim and its lines
# (whose receipts are attachments bound to the line).
CLAIM_MODELS = {
    "backoffice.expense.claim": False,
    "backoffice.expense.claim.line": "claim_id",
}
# What Odoo itself writes on any attachment that is read or shared.
FREE_FIELDS = {"access_token"}


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._backoffice_check_claims_open(
                (vals.get("res_model"), vals.get("res_id")) for vals in vals_list
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and set(vals) - FREE_FIELDS:
            targets = self._backoffice_claim_targets()
            if "res_model" in vals or "res_id" in vals:
                targets += [
                    (vals.get("res_model", att.res_model), vals.get("res_id", att.res_id))
                    for att in self.sudo()
                ]
            self._backoffice_check_claims_open(targets)
        return super().write(vals)

    def unlink(self):
        if not self.env.su:
            self._backoffice_check_claims_open(self._backoffice_claim_targets())
        return super().unlink()

    def _backoffice_claim_targets(self):
        # Read as superuser: where an attachment belongs is not a secret to
        # the checks, whoever may write it.
        return [
            (att.res_model, att.res_id)
            for att in self.sudo()
            if att.res_model in CLAIM_MODELS and att.res_id
        ]

    @api.model
    def _backoffice_check_claims_open(self, targets):
        """Receipts and documents of a claim that is audited or further along
        are evidence: nobody adds, replaces or deletes them."""
        ids_by_model = {}
        for res_model, res_id in targets:
            if res_model in CLAIM_MODELS and res_id:
                ids_by_model.setdefault(res_model, set()).add(res_id)
        for res_model, ids in ids_by_model.items():
            # Read as superuser: the check needs the claim's state only.
            records_sudo = self.env[res_model].sudo().browse(ids).exists()
            parent = CLAIM_MODELS[res_model]
            claims_sudo = records_sudo[parent] if parent else records_sudo
            frozen = claims_sudo.filtered(lambda claim: claim.state in FROZEN_STATES)
            if frozen:
                raise UserError(
                    self.env._(
                        "The receipts and documents of %s are frozen since its audit.",
                        ", ".join(frozen.mapped("name")),
                    )
                )
