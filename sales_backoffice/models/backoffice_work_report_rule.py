from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

PERIOD_TYPES = [
    ("day", "Daily"),
    ("week", "Weekly"),
    ("month", "Monthly"),
    ("half_year", "Half-Yearly"),
    ("year", "Yearly"),
]


def period_bounds(period_type, day):
    """(first day, last day) of the ``period_type`` period holding ``day``."""
    if period_type == "day":
        return day, day
    if period_type == "week":
        start = day - timedelta(days=day.weekday())
        return start, start + timedelta(days=6)
    if period_type == "month":
        start = day.replace(day=1)
        return start, start + relativedelta(months=1, days=-1)
    if period_type == "half_year":
        start = date(day.year, 1 if day.month <= 6 else 7, 1)
        return start, start + relativedelta(months=6, days=-1)
    if period_type == "year":
        return date(day.year, 1, 1), date(day.year, 12, 31)
    raise ValueError(period_type)


class BackofficeWorkReportRule(models.Model):
    """Which reports a sales team owes (one per salesperson and period) and
    how many days after the period's end they are late."""

    _name = "backoffice.work.report.rule"
    _description = "Work Report Rule"
    _order = "company_id, team_id, period_type, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    team_id = fields.Many2one("crm.team", required=True, index=True, check_company=True)
    period_type = fields.Selection(PERIOD_TYPES, required=True, default="week")
    grace_days = fields.Integer(
        default=1, help="Days after the end of the period before a missing report is late."
    )
    active = fields.Boolean(default=True)

    _team_period_unique = models.Constraint(
        "UNIQUE(company_id, team_id, period_type)",
        "This team already has a rule for this kind of report.",
    )

    @api.depends("team_id", "period_type")
    def _compute_display_name(self):
        labels = dict(self._fields["period_type"]._description_selection(self.env))
        for rule in self:
            rule.display_name = f"{rule.team_id.name or ''}: {labels.get(rule.period_type, '')}"

    @api.constrains("grace_days")
    def _check_grace_days(self):
        for rule in self:
            if rule.grace_days < 0:
                raise ValidationError(
                    self.env._("%s: the grace days cannot be negative.", rule.display_name)
                )

    @api.model_create_multi
    def create(self, vals_list):
        rules = super().create(vals_list)
        rules._recompute_reports()
        return rules

    def write(self, vals):
        res = super().write(vals)
        if {"team_id", "period_type", "company_id", "active"} & set(vals):
            self._recompute_reports()
        return res

    def _recompute_reports(self):
        """Reports written before their rule existed follow it from now on."""
        # The rule is configuration of every report of the team, whoever wrote them.
        reports_sudo = (
            self.env["backoffice.work.report"]
            .sudo()
            .search([("team_id", "in", self.team_id.ids), ("state", "=", "draft")])
        )
        if reports_sudo:
            self.env.add_to_compute(reports_sudo._fields["rule_id"], reports_sudo)

    def _owed_periods(self, today):
        """The periods the rule's team owes a report for on ``today``: the
        current one (written during the period) and the last one that ended."""
        self.ensure_one()
        current = period_bounds(self.period_type, today)
        previous = period_bounds(self.period_type, current[0] - timedelta(days=1))
        return [previous, current]

    def _salespeople(self):
        """The team's active members who work in the rule's company."""
        self.ensure_one()
        return self.team_id.member_ids.filtered(
            lambda user: user.active and self.company_id in user.company_ids
        )
