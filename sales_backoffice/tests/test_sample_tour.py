from odoo.tests import HttpCase, new_test_user, tagged

from .common import BackofficeCommon


@tagged("post_install", "-at_install")
class TestSampleTour(BackofficeCommon, HttpCase):
    def test_sample_request_review_dispatch_tour(self):
        self.env["res.partner"].create({"name": "Tour Customer"})
        reviewer2 = new_test_user(
            self.env,
            login="bo_tour_reviewer",
            name="Rita Reviewer",
            groups="sales_backoffice.group_backoffice_user",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        self.start_tour("/odoo", "sales_backoffice_sample_request_tour", login=self.salesman.login)
        sample = (
            self.env["backoffice.sample"]
            .sudo()
            .search([("requested_by_id", "=", self.salesman.id)])
        )
        self.assertEqual(len(sample), 1)
        self.assertEqual(sample.state, "to_review")
        self.assertEqual(sample.line_ids.description, "Colour card RAL 7035")

        url = f"/odoo/backoffice-samples/{sample.id}"
        self.start_tour(url, "sales_backoffice_sample_approve_tour", login=self.bo_user.login)
        self.assertEqual((sample.state, sample.review_approval_count), ("to_review", 1))
        self.start_tour(url, "sales_backoffice_sample_approve_tour", login=reviewer2.login)
        self.assertEqual(sample.state, "approved")
        self.start_tour(url, "sales_backoffice_sample_dispatch_tour", login=reviewer2.login)
        self.assertEqual(sample.state, "dispatched")
        self.assertEqual(sample.review_ids.reviewer_id, self.bo_user | reviewer2)
