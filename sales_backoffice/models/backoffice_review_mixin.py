from psycopg2 import errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, LockError, UserError

from ..tools.groups import MANAGER_GROUP, USER_GROUP

REVIEW_DECISIONS = [("approve", "Approve"), ("reject", "Reject")]


class BackofficeReviewMixin(models.AbstractModel):
    """Four-eyes reviews for any back-office document (sample registrations,
    expense claims): who may review, distinct reviewers, never the requester
    nor the creator, every decision recorded and immutable, all of it enforced
    server-side.

    Decisions are counted per review round: a record that goes back to its
    draft state starts a new round (``review_round``), and only the decisions
    of the current round count; the earlier ones stay in the history.

    A model using it defines ``review_ids`` (One2many to its review model,
    which inherits ``backoffice.review.line.mixin`` and declares a unique
    index on (record, round, reviewer)) and may override the ``_review_*``
    hooks.
    """

    _name = "backoffice.review.mixin"
    _description = "Back Office Four-Eyes Review"

    # Group a reviewer needs, the field naming the person who asked, and the
    # state a record goes back to when it is reset (which opens a new round).
    _review_group = USER_GROUP
    _review_requester_field = "requested_by_id"
    _review_draft_state = "draft"
    _review_state_field = "state"

    review_round = fields.Integer(
        default=1,
        required=True,
        readonly=True,
        copy=False,
        help="Goes up each time the record is reset to draft; only the decisions "
        "of the current round count.",
    )
    review_approval_count = fields.Integer(compute="_compute_review_approval_count")
    can_review = fields.Boolean(compute="_compute_can_review")

    @api.depends("review_ids.decision", "review_ids.review_round", "review_round")
    def _compute_review_approval_count(self):
        for record in self:
            record.review_approval_count = len(record._review_approvers())

    @api.depends_context("uid")
    @api.depends("review_ids.reviewer_id", "review_ids.review_round", "review_round")
    def _compute_can_review(self):
        for record in self:
            record.can_review = not record._review_refusal(self.env.user)

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            {"review_round", "review_ids"} & set(vals) for vals in vals_list
        ):
            raise AccessError(
                self.env._("Reviews are recorded with the Approve and Reject actions only.")
            )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            if {"review_round", "review_ids"} & set(vals):
                raise AccessError(
                    self.env._("Reviews are recorded with the Approve and Reject actions only.")
                )
            field = self._review_requester_field
            if (
                field in vals
                and not self.env.user.has_group(MANAGER_GROUP)
                and any(record[field].id != vals[field] for record in self)
            ):
                raise AccessError(
                    self.env._(
                        "Only a Back Office Manager changes who asked for %s.",
                        ", ".join(self.mapped("display_name")),
                    )
                )
        draft, state_field = self._review_draft_state, self._review_state_field
        # Going back to draft opens a new round: the decisions taken so far stay
        # on record but no longer count.
        new_round = (
            self.filtered(lambda record: record[state_field] != draft)
            if state_field in self._fields
            and vals.get(state_field) == draft
            and "review_round" not in vals
            else self.browse()
        )
        result = super().write(vals)
        for record in new_round:
            super(BackofficeReviewMixin, record).write({"review_round": record.review_round + 1})
        return result

    def copy_data(self, default=None):
        default = dict(default or {})
        # A copy is asked for by whoever copies it, never by the colleague who
        # asked for the original.
        if not (self.env.su and self._review_requester_field in default):
            default[self._review_requester_field] = self.env.uid
        return super().copy_data(default)

    # ----------------------------------------------------------------- reviews
    def _review_current(self):
        """The decisions of the current round."""
        self.ensure_one()
        return self.sudo().review_ids.filtered(
            lambda review: review.review_round == self.review_round
        )

    def _review_approvers(self):
        """The distinct users who approved in the current round."""
        self.ensure_one()
        return (
            self._review_current()
            .filtered(lambda review: review.decision == "approve")
            .reviewer_id
        )

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
        # Nobody decides on their own request, managers included; whoever
        # entered the record counts as asking for it.
        if user in (self.sudo()[self._review_requester_field] | self.sudo().create_uid):
            return self.env._(
                "%(user)s asked for %(record)s and cannot review it.",
                user=user.name,
                record=self.display_name,
            )
        if user in self._review_current().reviewer_id:
            return self.env._(
                "%(user)s has already reviewed %(record)s.",
                user=user.name,
                record=self.display_name,
            )
        return None

    def _review_lock(self):
        """Lock the record's row until the end of the transaction, so that two
        decisions on it are never recorded at the same time."""
        try:
            self.lock_for_update()
        except LockError:
            raise UserError(
                self.env._(
                    "Someone is recording a decision on %s right now; reload it and try again.",
                    ", ".join(self.mapped("display_name")),
                )
            ) from None
        # Read the decisions again now that nobody else can add one.
        self.invalidate_recordset(["review_ids", "review_round"])

    def _review_record(self, decision, comment=None):
        """Record the current user's decision in the current round; returns the
        review. Raises AccessError for who may not review, UserError for a
        rejection without a comment or a decision taken at the same time."""
        self.ensure_one()
        if decision not in dict(REVIEW_DECISIONS):
            raise UserError(self.env._("Unknown decision %s.", decision))
        self._review_lock()
        user = self.env.user
        refusal = self._review_refusal(user)
        if refusal:
            raise AccessError(refusal)
        if decision == "reject" and not (comment or "").strip():
            raise UserError(self.env._("Say why %s is rejected.", self.display_name))
        review_field = self._fields["review_ids"]
        # Safe: the group, the requester and the earlier decisions of this
        # round were checked above, under the row lock; the reviewer holds no
        # create right on the review model itself.
        review_model_sudo = self.env[review_field.comodel_name].sudo()
        try:
            with self.env.cr.savepoint():
                return review_model_sudo.create(
                    {
                        review_field.inverse_name: self.id,
                        "review_round": self.review_round,
                        "reviewer_id": user.id,
                        "decision": decision,
                        "comment": comment,
                    }
                )
        except errors.UniqueViolation:
            # A concurrent transaction recorded this reviewer's decision and
            # committed between our snapshot and our lock.
            raise UserError(
                self.env._(
                    "%(user)s has already reviewed %(record)s.",
                    user=user.name,
                    record=self.display_name,
                )
            ) from None

    def _review_is_approved(self):
        self.ensure_one()
        return len(self._review_approvers()) >= self._review_required()


class BackofficeReviewLineMixin(models.AbstractModel):
    """One reviewer's decision in one review round; created by the module
    (under sudo, after the mixin's checks), never edited or deleted.

    The concrete model declares a unique index on (record, round, reviewer)."""

    _name = "backoffice.review.line.mixin"
    _description = "Back Office Review Decision"
    _order = "date desc, id desc"

    reviewer_id = fields.Many2one("res.users", required=True, readonly=True, index=True)
    decision = fields.Selection(REVIEW_DECISIONS, required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    comment = fields.Text(readonly=True)
    review_round = fields.Integer("Round", required=True, readonly=True, default=1)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
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
