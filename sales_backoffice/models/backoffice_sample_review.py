from odoo import fields, models


class BackofficeSampleReview(models.Model):
    _name = "backoffice.sample.review"
    _inherit = ["backoffice.review.line.mixin"]
    _description = "Sample Registration Review"

    sample_id = fields.Many2one(
        "backoffice.sample", required=True, ondelete="restrict", index=True, readonly=True
    )
    company_id = fields.Many2one(related="sample_id.company_id", store=True, index=True)

    _unique_reviewer_round = models.UniqueIndex(
        "(sample_id, review_round, reviewer_id)",
        "A reviewer decides once per review round of a registration.",
    )
