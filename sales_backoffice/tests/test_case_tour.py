from odoo.tests import HttpCase, tagged

from .test_case import CaseCommon


@tagged("post_install", "-at_install")
class TestCaseTour(CaseCommon, HttpCase):
    def test_case_tour(self):
        domain = self.env["mail.alias.domain"].sudo().create({"name": "tour.example.com"})
        self.env["backoffice.case.team"].sudo().create(
            {
                "name": "Tour desk",
                "company_id": self.company.id,
                "alias_name": "tour-service",
                "alias_domain_id": domain.id,
            }
        )
        raw = (
            "From: Contoso Buyer <buyer@contoso.example>\r\n"
            "To: tour-service@tour.example.com\r\n"
            "Subject: Tour: valve leaking\r\n"
            "Message-Id: <tour-case@contoso.example>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n"
            "The valve leaks since yesterday.\r\n"
        )
        case = self.env["backoffice.case"].browse(
            self.env["mail.thread"].sudo().message_process(False, raw)
        )
        self.assertFalse(case.user_id)
        self.start_tour("/odoo", "sales_backoffice_case_tour", login=self.bo_user.login)
        self.assertEqual(case.user_id, self.bo_user)
        self.assertTrue(case.is_closed)
        self.assertIn("Gasket replaced", case.resolution)
        self.assertTrue(case.date_first_response and case.date_closed)
