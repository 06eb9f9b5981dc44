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
