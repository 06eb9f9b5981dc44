from odoo import fields, models

from ..tools.groups import USER_GROUP

FINDING_RULES = [
    ("over_cap", "Over Daily Cap"),
    ("missing_receipt", "Missing Receipt"),
    ("duplicate_receipt", "Duplicate Receipt"),
    ("outside_trip", "Outside the Trip"),
    ("weekend", "Weekend Spending"),
    ("over_budget", "Over Budget"),
]
SEVERITIES = [("warn", "Warning"), ("block", "Blocking")]


class BackofficeExpenseFinding(models.Model):
    _name = "backoffice.expense.finding"
    _description = "Expense Audit Finding"
    _order = "severity desc, id"
    _check_company_auto = True

    claim_id = fields.Many2one(
        "backoffice.expense.claim", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="claim_id.company_id", store=True, index=True)
    line_id = fields.Many2one(
        "backoffice.expense.claim.line", ondelete="cascade", check_company=True
    )
    rule = fields.Selection(FINDING_RULES, required=True)
    severity = fields.Selection(SEVERITIES, required=True)
    message = fields.Char(required=True, help="What the claimant reads.")
    detail = fields.Char(
        groups=USER_GROUP,
        help="The figures behind the finding (budgets, other people's claims): for "
        "the back office only.",
    )
    waived_by_id = fields.Many2one("res.users", readonly=True)
    waive_reason = fields.Char(readonly=True)
    is_open_block = fields.Boolean(compute="_compute_is_open_block")

    def _compute_is_open_block(self):
        for finding in self:
            finding.is_open_block = finding.severity == "block" and not finding.waived_by_id
