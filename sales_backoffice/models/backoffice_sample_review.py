from odoo import fields, models


class BackofficeSampleReview(models.Model):
    _name = "backoffice.sample.review"
    _inherit = ["backoffice.review.line.mixin"]
    _description = "Sample Registration Review"

    sample_id = fields.Many2one(
        "backoffice.sample", required=True, ondelete="restrict", index=True, readonly=True
    )
    company_id = fields.Many2one(related="sample_id.company_id", store=True, index=True)
