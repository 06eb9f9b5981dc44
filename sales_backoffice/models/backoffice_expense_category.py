from odoo import fields, models


class BackofficeExpenseCategory(models.Model):
    _name = "backoffice.expense.category"
    _description = "Expense Category"
    _order = "sequence, name, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    account_id = fields.Many2one(
        "account.account",
        string="Expense Account",
        required=True,
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost'))]",
        check_company=True,
    )
    daily_cap = fields.Monetary(
        currency_field="currency_id",
        help="Most that may be spent in this category on one day (0: no cap).",
    )
    receipt_required_above = fields.Monetary(
        currency_field="currency_id", help="Lines above this amount need a receipt (0: always)."
    )
    active = fields.Boolean(default=True)

    _name_company_unique = models.Constraint(
        "UNIQUE(name, company_id)", "An expense category with this name already exists."
    )
