from odoo import api, fields, models
from odoo.exceptions import ValidationError

BUDGET_MODES = [("warn", "Warn"), ("block", "Block")]
# Claims that consume a budget.
CONSUMING_STATES = ("approved", "posted", "paid")


class BackofficeExpenseBudget(models.Model):
    _name = "backoffice.expense.budget"
    _description = "Sales Expense Budget"
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one("res.users", string="Salesperson", index=True, check_company=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True, check_company=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    amount = fields.Monetary(currency_field="currency_id", required=True)
    amount_consumed = fields.Monetary(
        currency_field="currency_id", compute="_compute_amount_consumed"
    )
    amount_remaining = fields.Monetary(
        currency_field="currency_id", compute="_compute_amount_consumed"
    )
    mode = fields.Selection(BUDGET_MODES, required=True, default="warn")

    @api.depends("user_id", "team_id", "date_from", "date_to")
    def _compute_name(self):
        for budget in self:
            who = budget.user_id.name or budget.team_id.name or ""
            budget.name = f"{who} {budget.date_from or ''} - {budget.date_to or ''}".strip()

    def _claim_domain(self):
        self.ensure_one()
        owner = (
            ("user_id", "=", self.user_id.id)
            if self.user_id
            else ("team_id", "=", self.team_id.id)
        )
        return [
            owner,
            ("company_id", "=", self.company_id.id),
            ("date_from", ">=", self.date_from),
            ("date_from", "<=", self.date_to),
        ]

    def _compute_amount_consumed(self):
        Claim = self.env["backoffice.expense.claim"]
        for budget in self:
            if not budget.id or not (budget.user_id or budget.team_id):
                budget.amount_consumed = 0.0
            else:
                # A budget counts every claim of its owner, also those the
                # reader may not open; only the total is shown.
                claims = Claim.sudo().search(
                    [*budget._claim_domain(), ("state", "in", CONSUMING_STATES)]
                )
                budget.amount_consumed = sum(claims.mapped("amount_approved"))
            budget.amount_remaining = budget.amount - budget.amount_consumed

    @api.constrains("user_id", "team_id", "date_from", "date_to", "amount")
    def _check_budget(self):
        for budget in self:
            if bool(budget.user_id) == bool(budget.team_id):
                raise ValidationError(self.env._("A budget is for one salesperson or one team."))
            if budget.date_from > budget.date_to:
                raise ValidationError(
                    self.env._("Budget %s: the start date is after the end date.", budget.name)
                )
            if budget.amount < 0:
                raise ValidationError(
                    self.env._("Budget %s: the amount cannot be negative.", budget.name)
                )
