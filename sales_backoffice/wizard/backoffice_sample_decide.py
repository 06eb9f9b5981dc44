from odoo import fields, models

from ..models.backoffice_review_mixin import REVIEW_DECISIONS


class BackofficeSampleDecide(models.TransientModel):
    """A reviewer's approval or rejection of a registration, with a comment."""

    _name = "backoffice.sample.decide"
    _description = "Review Sample Registration"

    sample_id = fields.Many2one("backoffice.sample", required=True, readonly=True)
    decision = fields.Selection(REVIEW_DECISIONS, required=True, default="approve")
    comment = fields.Text()

    def action_confirm(self):
        self.ensure_one()
        # The registration checks the reviewer, its state and the round itself.
        if self.decision == "approve":
            self.sample_id._do_approve(self.comment)
        else:
            self.sample_id._do_reject(self.comment)
        return {"type": "ir.actions.act_window_close"}
