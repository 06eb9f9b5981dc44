import base64
from datetime import date, timedelta

from odoo.tests import HttpCase, tagged

from ..tools.xlsx import Column, XlsxWriter
from .common import BackofficeCommon


@tagged("post_install", "-at_install")
class TestBidTour(BackofficeCommon, HttpCase):
    def test_bid_tour(self):
        self.env["backoffice.bid.category"].sudo().create(
            {
                "name": "Harbour",
                "template_ids": [
                    (0, 0, {"name": "Business licence", "document_type": "qualification"})
                ],
            }
        )
        writer = XlsxWriter()
        writer.add_sheet(
            "Tenders",
            [
                Column(label)
                for label in (
                    "Tender Reference",
                    "Title",
                    "Purchaser",
                    "Category",
                    "Submission Deadline",
                )
            ],
            [
                [
                    "TOUR-7",
                    "Harbour cranes maintenance",
                    "Harbour Authority",
                    "Harbour",
                    date.today() + timedelta(days=20),
                ]
            ],
        )
        attachment = self.env["ir.attachment"].create(
            {"name": "tenders.xlsx", "datas": base64.b64encode(writer.save()), "public": True}
        )
        self.env["ir.model.data"].create(
            {
                "module": "__test__",
                "name": "tour_bid_file",
                "model": "ir.attachment",
                "res_id": attachment.id,
            }
        )
        self.start_tour("/odoo", "sales_backoffice_bid_tour", login=self.bo_user.login)
        bid = self.env["backoffice.bid"].search([("tender_ref", "=", "TOUR-7")])
        self.assertTrue(bid.is_won)
        self.assertEqual(bid.document_ids.state, "ready")
        self.assertEqual(
            (bid.order_id.bid_id, bid.order_id.partner_id.name), (bid, "Harbour Authority")
        )
