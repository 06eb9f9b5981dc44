from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools.context import without_defaults
from ..tools.cron import batches, commit_progress
from ..tools.groups import USER_GROUP
from .backoffice_work_report_rule import PERIOD_TYPES, period_bounds

STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("reviewed", "Reviewed"),
]
# Decided by the report's actions and the daily run only.
PROTECTED_FIELDS = {
    "state",
    "date_submitted",
    "reviewer_id",
    "review_comment",
    "is_late",
    "date_reminded",
}
# Computed from the period and the rules; nobody writes them.
COMPUTED_FIELDS = {"name", "date_to", "rule_id", "date_due"}
# What may still change on a submitted report: the chatter is the mail modules'.
OPEN_AFTER_DRAFT = ("message_", "activity_")
REMINDER = "sales_backoffice.mail_activity_type_work_report"


class BackofficeWorkReport(models.Model):
    """A salesperson's report for one period: what was done, the plan for the
    next period, what was learnt about the market and the customers visited.
    The salesperson writes and submits it, the back office reviews it."""

    _name = "backoffice.work.report"
    _inherit = ["mail.thread", "mail.activity.mixin", "backoffice.reminder.mixin"]
    _description = "Work Report"
    _order = "date_from desc, user_id, id desc"
    _check_company_auto = True

    # ------------------------------------------------------------------ fields
    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        default=lambda self: self.env.user,
    )
    team_id = fields.Many2one(
        "crm.team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        index=True,
        check_company=True,
    )
    period_type = fields.Selection(PERIOD_TYPES, required=True, default="week", index=True)
    date_from = fields.Date(
        "From",
        required=True,
        index=True,
        default=fields.Date.context_today,
        help="Any day of the period: the report starts on the period's first day.",
    )
    date_to = fields.Date("To", compute="_compute_date_to", store=True)
    summary = fields.Text(help="What was done in the period.")
    plan = fields.Text(help="What is planned for the next period.")
    market_info = fields.Text(
        "Market Information", help="Competitors, prices, tender leads heard of."
    )
    partner_ids = fields.Many2many("res.partner", string="Customers Visited", check_company=True)
    state = fields.Selection(
        STATES,
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    date_submitted = fields.Datetime(readonly=True, copy=False)
    reviewer_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    review_comment = fields.Text(readonly=True, copy=False)
    is_late = fields.Boolean(
        readonly=True,
        copy=False,
        index=True,
        help="Not submitted by the end of the period plus the rule's grace days.",
    )
    date_reminded = fields.Date(
        readonly=True, copy=False, help="When the daily run reminded the salesperson."
    )
    rule_id = fields.Many2one(
        "backoffice.work.report.rule", compute="_compute_rule_id", store=True, index=True
    )
    date_due = fields.Date(compute="_compute_date_due", store=True)
    is_mine = fields.Boolean(compute="_compute_is_mine")

    _user_period_unique = models.Constraint(
        "UNIQUE(company_id, user_id, period_type, date_from)",
        "This salesperson already has a report for this period.",
    )

    # ---------------------------------------------------------------- computes
    @api.depends("user_id", "period_type", "date_from", "date_to")
    def _compute_name(self):
        labels = dict(self._fields["period_type"]._description_selection(self.env))
        for report in self:
            if report.period_type == "day" or report.date_from == report.date_to:
                period = f"{report.date_from}"
            else:
                period = f"{report.date_from} - {report.date_to}"
            report.name = self.env._(
                "%(kind)s report %(period)s, %(user)s",
                kind=labels.get(report.period_type, ""),
                period=period,
                user=report.user_id.name or "",
            )

    @api.depends("user_id")
    @api.depends_context("uid")
    def _compute_is_mine(self):
        for report in self:
            report.is_mine = report.user_id == self.env.user

    @api.depends("user_id")
    def _compute_team_id(self):
        for report in self:
            report.team_id = report.team_id or report.user_id.sale_team_id

    @api.depends("period_type", "date_from")
    def _compute_date_to(self):
        for report in self:
            if report.period_type and report.date_from:
                report.date_to = period_bounds(report.period_type, report.date_from)[1]
            else:
                report.date_to = False

    @api.depends("company_id", "team_id", "period_type")
    def _compute_rule_id(self):
        Rule = self.env["backoffice.work.report.rule"].sudo()
        # The rules are configuration every salesperson depends on; one read
        # for all reports.
        rules = Rule.search(
            [
                ("team_id", "in", self.team_id.ids),
                ("company_id", "in", self.company_id.ids),
            ]
        )
        by_key = {(r.company_id.id, r.team_id.id, r.period_type): r for r in rules}
        for report in self:
            report.rule_id = by_key.get(
                (report.company_id.id, report.team_id.id, report.period_type), Rule
            )

    @api.depends("date_to", "rule_id.grace_days")
    def _compute_date_due(self):
        for report in self:
            report.date_due = report.date_to and report.date_to + timedelta(
                days=report.rule_id.grace_days
            )

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            is_back_office = self.env.user.has_group(USER_GROUP)
            for vals in vals_list:
                if set(vals) & (PROTECTED_FIELDS | COMPUTED_FIELDS):
                    raise UserError(
                        self.env._(
                            "A work report starts as a draft and moves on with its actions only."
                        )
                    )
                if vals.get("user_id", self.env.uid) != self.env.uid and not is_back_office:
                    raise AccessError(self.env._("You write your own work reports only."))
            # A default from the context is client input too.
            self = without_defaults(self, PROTECTED_FIELDS | COMPUTED_FIELDS | {"user_id"})
        for vals in vals_list:
            if vals.get("period_type") and vals.get("date_from"):
                vals["date_from"] = period_bounds(
                    vals["period_type"], fields.Date.to_date(vals["date_from"])
                )[0]
        reports = super().create(vals_list)
        reports._normalize_date_from()
        return reports

    def write(self, vals):
        if not self.env.su:
            self._check_write(vals)
        res = super().write(vals)
        if {"period_type", "date_from"} & set(vals):
            self._normalize_date_from()
        return res

    def _normalize_date_from(self):
        for report in self:
            start = period_bounds(report.period_type, report.date_from)[0]
            if start != report.date_from:
                # The period's first day; the same record, already checked.
                report_sudo = report.sudo()
                report_sudo.date_from = start

    def _check_write(self, vals):
        protected = (PROTECTED_FIELDS | COMPUTED_FIELDS) & set(vals)
        if protected:
            raise UserError(
                self.env._(
                    "%s change through the report's actions only.", ", ".join(sorted(protected))
                )
            )
        content = {name for name in vals if not name.startswith(OPEN_AFTER_DRAFT)}
        if not content:
            return
        for report in self:
            if report.user_id != self.env.user:
                raise AccessError(
                    self.env._("%s is not your report: its author writes it.", report.name)
                )
            if report.state != "draft":
                raise UserError(
                    self.env._(
                        "%s is submitted and can no longer be changed; the back office may send it back.",
                        report.name,
                    )
                )
        if "user_id" in vals and vals["user_id"] != self.env.uid:
            raise AccessError(self.env._("You write your own work reports only."))

    def copy_data(self, default=None):
        # A copy is a new draft of whoever copies it, for the next period.
        default = dict(default or {}, user_id=self.env.uid)
        vals_list = super().copy_data(default=default)
        for report, vals in zip(self, vals_list, strict=True):
            if "date_from" not in default:
                vals["date_from"] = report.date_to + timedelta(days=1)
        return vals_list

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(report.state != "draft" for report in self):
            raise UserError(self.env._("Only draft work reports can be deleted."))

    # ----------------------------------------------------------------- actions
    def _write_protected(self, vals):
        """Write the protected fields; the callers checked who acts and the
        reports' states first."""
        reports_sudo = self.sudo()
        reports_sudo.write(vals)

    def action_submit(self):
        self.check_access("write")
        for report in self:
            if report.user_id != self.env.user:
                raise AccessError(
                    self.env._(
                        "Only %(user)s submits %(report)s.",
                        user=report.user_id.name,
                        report=report.name,
                    )
                )
            if report.state != "draft":
                raise UserError(self.env._("%s is already submitted.", report.name))
            if not (report.summary or "").strip():
                raise UserError(
                    self.env._("%s: write the summary before submitting.", report.name)
                )
        self._write_protected({"state": "submitted", "date_submitted": fields.Datetime.now()})
        self._backoffice_reminder_done(REMINDER, feedback=self.env._("Report submitted."))
        return True

    def _check_can_review(self):
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(self.env._("Only the back office reviews work reports."))
        for report in self:
            if report.user_id == self.env.user:
                raise AccessError(
                    self.env._("%s is your own report; someone else reviews it.", report.name)
                )
            if report.state != "submitted":
                raise UserError(self.env._("%s is not waiting for its review.", report.name))

    def action_review(self):
        """Open the dialog asking for the review comment."""
        self.ensure_one()
        self._check_can_review()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Review Work Report"),
            "res_model": "backoffice.work.report.review",
            "view_mode": "form",
            "target": "new",
            "context": {"default_report_id": self.id},
        }

    def _do_review(self, comment):
        self._check_can_review()
        if not (comment or "").strip():
            raise UserError(self.env._("Write a comment for the salesperson."))
        self._write_protected(
            {"state": "reviewed", "reviewer_id": self.env.uid, "review_comment": comment}
        )
        for report in self:
            report.message_post(
                body=self.env._("Reviewed: %s", comment),
                partner_ids=report.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def action_reset_to_draft(self):
        """The back office sends a report back to its author."""
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(self.env._("Only the back office sends a work report back."))
        for report in self:
            if report.user_id == self.env.user:
                raise AccessError(
                    self.env._("%s is your own report; someone else sends it back.", report.name)
                )
            if report.state == "draft":
                raise UserError(self.env._("%s is already a draft.", report.name))
        self._write_protected(
            {
                "state": "draft",
                "date_submitted": False,
                "reviewer_id": False,
                "review_comment": False,
            }
        )
        for report in self:
            report.message_post(
                body=self.env._("Sent back to draft."),
                partner_ids=report.user_id.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        return True

    # ----------------------------------------------------------- scheduled run
    @api.model
    def _cron_work_reports(self, today=None):
        """The daily run: the reports each rule's team owes exist as drafts,
        each missing one reminds its salesperson once, and those still missing
        after the grace days are marked late.

        Resumable: the reports, ``date_reminded`` and ``is_late`` are what a
        committed batch did, and a restarted run skips them."""
        today = today or fields.Date.context_today(self)
        reports_sudo = self.sudo()._ensure_owed_reports(today)
        to_remind = reports_sudo.search(
            [("state", "=", "draft"), ("date_reminded", "=", False), ("rule_id", "!=", False)]
        )
        late = reports_sudo.search(
            [
                ("state", "=", "draft"),
                ("is_late", "=", False),
                ("rule_id", "!=", False),
                ("date_due", "<", today),
            ]
        )
        total = len(to_remind) + len(late)
        done = 0
        for batch in batches(to_remind):
            batch._remind_missing(today)
            done += len(batch)
            commit_progress(self.env, len(batch), remaining=total - done)
        for batch in batches(late):
            batch._mark_late()
            done += len(batch)
            commit_progress(self.env, len(batch), remaining=total - done)
        return reports_sudo

    @api.model
    def _ensure_owed_reports(self, today):
        """Create the draft of every report owed on ``today`` that does not
        exist yet; answers the created reports."""
        created = self.browse()
        rules = self.env["backoffice.work.report.rule"].search([("active", "=", True)])
        for rule in rules:
            users = rule._salespeople()
            if not users:
                continue
            periods = rule._owed_periods(today)
            existing = {
                (report.user_id.id, report.date_from)
                for report in self.search(
                    [
                        ("company_id", "=", rule.company_id.id),
                        ("period_type", "=", rule.period_type),
                        ("user_id", "in", users.ids),
                        ("date_from", "in", [start for start, _end in periods]),
                    ]
                )
            }
            vals_list = [
                {
                    "company_id": rule.company_id.id,
                    "user_id": user.id,
                    "team_id": rule.team_id.id,
                    "period_type": rule.period_type,
                    "date_from": start,
                }
                for start, _end in periods
                for user in users
                if (user.id, start) not in existing
            ]
            for batch in batches(vals_list):
                created |= self.create(batch)
                commit_progress(self.env, len(batch))
        return created

    def _remind_missing(self, today):
        """One activity per missing report, for its salesperson, due when
        the report is."""
        for due, reports in self.grouped("date_due").items():
            reports._backoffice_remind(
                REMINDER,
                user_by_record=lambda report: report.user_id,
                summary_by_record=lambda report: self.env._("Write %s", report.name),
                date_deadline=due,
            )
        self._write_protected({"date_reminded": today})

    def _mark_late(self):
        self._write_protected({"is_late": True})
        for report in self:
            report.message_post(
                body=self.env._("Late: not submitted by %s.", report.date_due),
                subtype_xmlid="mail.mt_note",
            )
