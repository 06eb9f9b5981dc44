from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

REVIEW_DECISIONS = [("approve", "Approve"), ("reject", "Reject")]


class BackofficeReviewMixin(models.AbstractModel):
    """Four-eyes reviews for any back-office document (sample registrations,
    expense claims): who may review, distinct reviewers, never the requester,
    every decision recorded and immutable, all of it enforced server-side.

    A model using it defines ``review_ids`` (One2many to its review model) and
    may override the ``_review_*`` hooks.
    """

    _name = "backoffice.review.mixin"
    _description = "Back Office Four-Eyes Review"

    # Group a reviewer needs, and the field naming the person who asked.
    _review_group = "sales_backoffice.group_backoffice_user"
    _review_requester_field = "requested_by_id"

    review_approval_count = fields.Integer(compute="_compute_review_approval_count")
    can_review = fields.Boolean(compute="_compute_can_review")

    @api.depends("review_ids.decision")
    def _compute_review_approval_count(self):
        for record in self:
            record.review_approval_count = len(
                record.review_ids.filtered(lambda review: review.decision == "approve")
            )

    @api.depends_context("uid")
    @api.depends("review_ids.reviewer_id")
    def _compute_can_review(self):
        for record in self:
            record.can_review = not record._review_refusal(self.env.user)

    def _review_required(self):
        """How many distinct approvals the record needs."""
        self.ensure_one()
        return 2

    def _review_refusal(self, user):
        """Why ``user`` may not review this record now, or None."""
        self.ensure_one()
        if not user.has_group(self._review_group):
            return self.env._(
                "Only a %(group)s may review %(record)s.",
                group=self.env.ref(self._review_group).name,
                record=self.display_name,
            )
        if self[self._review_requester_field] == user:
            return self.env._(
                "%(user)s asked for %(record)s and cannot review it.",
                user=user.name,
                record=self.display_name,
            )
        if user in self.review_ids.reviewer_id:
            return self.env._(
                "%(user)s has already reviewed %(record)s.",
                user=user.name,
                record=self.display_name,
            )
        return None

    def _review_record(self, decision, comment=None):
        """Record the current user's decision; returns the review.
        Raises AccessError for who may not review, UserError for a rejection
        without a comment."""
        self.ensure_one()
        user = self.env.user
        refusal = self._review_refusal(user)
        if refusal:
            raise AccessError(refusal)
        if decision == "reject" and not (comment or "").strip():
            raise UserError(self.env._("Say why %s is rejected.", self.display_name))
        review_model = self.env[self._fields["review_ids"].comodel_name]
        inverse = self._fields["review_ids"].inverse_name
        # Reviews are written by the module only, after the checks above; the
        # reviewer holds no create right on the review model itself.
        return (
            review_model.sudo()
            .with_context(backoffice_review_write=True)
            .create(
                {
                    inverse: self.id,
                    "reviewer_id": user.id,
                    "decision": decision,
                    "comment": comment,
                }
            )
        )

    def _review_is_approved(self):
        self.ensure_one()
        return self.review_approval_count >= self._review_required()


class BackofficeReviewLineMixin(models.AbstractModel):
    """One reviewer's decision; created by the module, never edited or deleted."""

    _name = "backoffice.review.line.mixin"
    _description = "Back Office Review Decision"
    _order = "date desc, id desc"

    reviewer_id = fields.Many2one("res.users", required=True, readonly=True, index=True)
    decision = fields.Selection(REVIEW_DECISIONS, required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    comment = fields.Text(readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.context.get("backoffice_review_write"):
            raise AccessError(
                self.env._("Reviews are recorded with the Approve and Reject actions only.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if vals:
            raise AccessError(self.env._("A review cannot be changed once recorded."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise AccessError(self.env._("A review cannot be deleted."))
