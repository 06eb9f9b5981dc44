from odoo.tests import HttpCase, tagged

from .common import BackofficeCommon


@tagged("post_install", "-at_install")
class TestWorkReportTour(BackofficeCommon, HttpCase):
    def test_work_report_tour(self):
        self.start_tour(
            "/odoo", "sales_backoffice_work_report_submit_tour", login=self.salesman.login
        )
        report = (
            self.env["backoffice.work.report"].sudo().search([("user_id", "=", self.salesman.id)])
        )
        self.assertEqual(len(report), 1)
        self.assertEqual((report.state, report.period_type), ("submitted", "week"))
        self.assertEqual(report.market_info, "Competitor Acme quotes 8% lower.")
        self.start_tour(
            f"/odoo/backoffice-work-reports/{report.id}",
            "sales_backoffice_work_report_review_tour",
            login=self.bo_user.login,
        )
        self.assertEqual(report.state, "reviewed")
        self.assertEqual(report.reviewer_id, self.bo_user)
        self.assertEqual(report.review_comment, "Good work, send me the Acme offer.")
