from datetime import date, timedelta

from odoo.tests import HttpCase, tagged

from .common import BackofficeCommon


@tagged("post_install", "-at_install")
class TestWorkbench(BackofficeCommon):
    def _overdue_contract(self, ref=None, user=None):
        order = self._create_contract([(self.product_valve, 1, 150.0)], user=user)
        if ref:
            order.contract_ref = ref
        self._overdue_invoice(order, 10)
        return order

    def _tiles(self, user):
        return self.env["backoffice.workbench"].with_user(user).search([("is_visible", "=", True)])

    def test_counts_equal_what_tiles_open(self):
        self._overdue_contract()
        self._overdue_contract(user=self.other_salesman)
        self.env["backoffice.bid"].with_user(self.bo_manager).create(
            {
                "name": "Tender",
                "tender_ref": "T-1",
                "purchaser_id": self.customer.id,
                "company_id": self.company.id,
                "date_submission_deadline": date.today() + timedelta(days=3),
            }
        )
        for user in (self.bo_user, self.bo_manager):
            tiles = self._tiles(user)
            self.assertEqual("claim_to_approve" in tiles.mapped("key"), user == self.bo_manager)
            for tile in tiles:
                action = tile.action_open()
                opened = (
                    self.env[action["res_model"]].with_user(user).search_count(action["domain"])
                )
                self.assertEqual(tile.count, opened, f"{user.login} {tile.key}")
        counts = {tile.key: tile.count for tile in self._tiles(self.bo_user)}
        self.assertGreaterEqual(counts["overdue_normal"], 2)
        self.assertGreaterEqual(counts["bid_deadline_soon"], 1)
        self.assertGreaterEqual(counts["invoice_not_dispatched"], 2)

    def test_fixed_query_count(self):
        def cost():
            tiles = self._tiles(self.bo_manager)
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            tiles.mapped("count")
            return self.env.cr.sql_log_count - before

        Bid = self.env["backoffice.bid"].with_user(self.bo_manager)
        for index in range(10):
            Bid.create(
                {
                    "name": "T",
                    "tender_ref": f"S-{index}",
                    "purchaser_id": self.customer.id,
                    "company_id": self.company.id,
                    "date_submission_deadline": date.today(),
                }
            )
        cost()  # warm the caches
        small = cost()
        Bid.create(
            [
                {
                    "name": "T",
                    "tender_ref": f"L-{index}",
                    "purchaser_id": self.customer.id,
                    "company_id": self.company.id,
                    "date_submission_deadline": date.today(),
                }
                for index in range(200)
            ]
        )
        self.assertEqual(cost(), small)
        tiles = self._tiles(self.bo_manager)
        self.env.invalidate_all()
        # One count per tile (11), the company's settings and the user's groups.
        with self.assertQueryCount(13):
            tiles.mapped("count")


@tagged("post_install", "-at_install")
class TestWorkbenchTour(BackofficeCommon, HttpCase):
    def test_workbench_tour(self):
        order = self._create_contract([(self.product_valve, 1, 150.0)])
        order.contract_ref = "TOUR/OVERDUE"
        self._overdue_invoice(order, 10)
        self.start_tour("/odoo", "sales_backoffice_workbench_tour", login=self.bo_user.login)
