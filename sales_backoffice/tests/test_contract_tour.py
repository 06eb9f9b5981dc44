from io import BytesIO

from openpyxl import load_workbook

from odoo.tests import HttpCase, tagged

from .common import BackofficeCommon


@tagged("post_install", "-at_install")
class TestContractTour(BackofficeCommon, HttpCase):
    def test_contract_performance_tour(self):
        order = self._create_contract([(self.product_valve, 3, 150.0)])
        order.contract_ref = "TOUR/CONTRACT"
        self.start_tour("/odoo", "sales_backoffice_contract_tour", login=self.bo_user.login)

        milestone = order.contract_event_ids.filtered(
            lambda e: e.event_type == "signed_copy_returned"
        )
        self.assertEqual(milestone.note, "Signed copy received by courier")
        self.assertEqual(milestone.user_id, self.bo_user)
        self.assertTrue(order.date_signed_copy_returned)

        download = (
            self.env["backoffice.xlsx.download"]
            .sudo()
            .search([("create_uid", "=", self.bo_user.id)], order="id desc", limit=1)
        )
        self.assertEqual(download.file_name, "contract_performance.xlsx")
        sheet = load_workbook(BytesIO(download._get_content()))["Contracts"]
        refs = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
        self.assertIn("TOUR/CONTRACT", refs)
        self.assertEqual(refs[-1], "Total")
