from odoo import fields, models


class BackofficeExpenseClaimReview(models.Model):
    """The claim's audit trail: audit, approval and refusal, one person each."""

    _name = "backoffice.expense.claim.review"
    _inherit = ["backoffice.review.line.mixin"]
    _description = "Expense Claim Audit Trail"

    claim_id = fields.Many2one(
        "backoffice.expense.claim", required=True, ondelete="restrict", index=True, readonly=True
    )
    company_id = fields.Many2one(related="claim_id.company_id", store=True, index=True)

    _unique_reviewer_round = models.UniqueIndex(
        "(claim_id, review_round, reviewer_id)",
        "A person decides once per review round of a claim.",
    )
