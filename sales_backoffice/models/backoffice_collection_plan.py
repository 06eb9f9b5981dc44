"""Collection plans (the "fund withdrawal plan"): how much a salesperson or a
sales team plans to collect in a month, against what was collected, i.e. the
payments reconciled that month with their contracts' invoices."""

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class BackofficeCollectionPlan(models.Model):
    _name = "backoffice.collection.plan"
    _description = "Collection Plan"
    _order = "date desc, user_id, team_id, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index=True,
        check_company=True,
        domain=[("share", "=", False)],
        help="Empty for a team's plan: then every contract of the team counts.",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        index=True,
        check_company=True,
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
        help="A salesperson's plan is shown under the salesperson's team; a team's plan "
        "counts the collections of all the team's contracts.",
    )
    date = fields.Date(
        "Month",
        required=True,
        index=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="The first day of the planned month.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_planned = fields.Monetary("Planned", required=True)
    amount_collected = fields.Monetary(
        "Collected",
        compute="_compute_amount_collected",
        help="Payments reconciled with the invoices of the plan's contracts, dated in "
        "the month, in company currency.",
    )
    rate = fields.Float("Collected (%)", compute="_compute_amount_collected")
    note = fields.Text()

    _unique_user_month = models.UniqueIndex(
        "(company_id, user_id, date) WHERE user_id IS NOT NULL",
        "A salesperson has one collection plan per month and company.",
    )
    _unique_team_month = models.UniqueIndex(
        "(company_id, team_id, date) WHERE user_id IS NULL",
        "A sales team has one collection plan per month and company.",
    )
    _amount_planned_positive = models.Constraint(
        "CHECK (amount_planned >= 0)", "The planned amount cannot be negative."
    )

    @api.depends("user_id")
    def _compute_team_id(self):
        for plan in self:
            if plan.user_id:
                plan.team_id = plan.user_id.sale_team_id

    @api.depends("user_id", "team_id", "date", "company_id", "amount_planned")
    def _compute_amount_collected(self):
        ids = [plan._origin.id for plan in self if plan._origin.id]
        collected = {}
        if ids:
            # Safe: the figures of plans the user already reads, from the
            # report that has the same scope as the plans.
            rows = (
                self.env["backoffice.collection.plan.report"]
                .sudo()
                .search_fetch([("id", "in", ids)], ["amount_collected"])
            )
            collected = {row.id: row.amount_collected for row in rows}
        for plan in self:
            amount = collected.get(plan._origin.id, 0.0) if plan._origin.id else 0.0
            plan.amount_collected = amount
            plan.rate = 100.0 * amount / plan.amount_planned if plan.amount_planned else 0.0

    @api.depends("user_id", "team_id", "date")
    def _compute_display_name(self):
        for plan in self:
            who = plan.user_id.name or plan.team_id.name or ""
            month = plan.date.strftime("%Y-%m") if plan.date else ""
            plan.display_name = f"{who} {month}".strip()

    @api.constrains("user_id", "team_id")
    def _check_owner(self):
        for plan in self:
            if not plan.user_id and not plan.team_id:
                raise ValidationError(
                    self.env._("A collection plan is for a salesperson or for a sales team.")
                )

    @api.model
    def _month_start(self, value):
        day = fields.Date.to_date(value)
        return day and day.replace(day=1)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("date"):
                vals["date"] = self._month_start(vals["date"])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("date"):
            vals = dict(vals, date=self._month_start(vals["date"]))
        return super().write(vals)
