from odoo import fields, models


class BackofficeWorkReportReview(models.TransientModel):
    """Review a work report with a comment for its salesperson. The report's
    private ``_do_review`` checks who may do it."""

    _name = "backoffice.work.report.review"
    _description = "Review Work Report"

    report_id = fields.Many2one("backoffice.work.report", required=True, readonly=True)
    comment = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.report_id._do_review(self.comment)
        return {"type": "ir.actions.act_window_close"}
