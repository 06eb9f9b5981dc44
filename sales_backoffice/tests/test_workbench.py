from datetime import date, timedelta

from odoo.tests import HttpCase, tagged

from .common import BackofficeCommon
from .test_expense import ExpenseCommon

# The queues where the user must act, shown before the general ones.
MY_QUEUES = {
    "overdue_mine",
    "sample_to_review",
    "claim_to_audit",
    "claim_to_approve",
    "credit_hold",
    # customer service
    "case_mine",
    "case_installation_to_approve",
}
# work reports (issue #16)
MY_QUEUES |= {"work_report_to_review"}
MONEY_QUEUES = {
    "invoice_not_dispatched": "amount_total_signed",
    "overdue_mine": "amount_receivable",
    "overdue_normal": "amount_receivable",
    "overdue_concerned": "amount_receivable",
    "overdue_doubtful": "amount_receivable",
    "claim_to_audit": "amount_claimed",
    "claim_to_approve": "amount_claimed",
    # Collection plans
    "collection_behind_plan": "amount_behind",
}


@tagged("post_install", "-at_install")
class TestWorkbench(ExpenseCommon):
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

    def test_amounts_are_what_tiles_open(self):
        self._overdue_contract()
        self._overdue_contract(user=self.bo_user)
        self._invoice(self._create_contract([(self.product_valve, 8, 150.0)]))
        to_audit = self._claim()
        to_audit.action_submit()
        to_approve = self._claim(ref="H-002")
        to_approve.action_submit()
        to_approve.with_user(self.bo_user).action_audit()
        self.env.invalidate_all()
        for user in (self.bo_user, self.bo_manager):
            tiles = self._tiles(user)
            for tile in tiles:
                self.assertEqual(tile.is_money, tile.key in MONEY_QUEUES, tile.key)
                if not tile.is_money:
                    self.assertEqual(tile.amount, 0.0)
                    continue
                action = tile.action_open()
                opened = self.env[action["res_model"]].with_user(user).search(action["domain"])
                self.assertAlmostEqual(
                    tile.amount,
                    sum(opened.mapped(MONEY_QUEUES[tile.key])),
                    places=2,
                    msg=f"{user.login} {tile.key}",
                )
                self.assertEqual(tile.currency_id, self.company.currency_id)
        amounts = {tile.key: tile.amount for tile in self._tiles(self.bo_manager)}
        # 150 + 15% tax owed on each overdue contract, 1,380 on the new invoice.
        self.assertAlmostEqual(amounts["overdue_normal"], 2 * 172.5, places=2)
        self.assertAlmostEqual(amounts["claim_to_audit"], to_audit.amount_claimed, places=2)
        self.assertAlmostEqual(amounts["claim_to_approve"], to_approve.amount_claimed, places=2)
        self.assertGreaterEqual(amounts["invoice_not_dispatched"], 2 * 172.5 + 1380.0)
        mine = {tile.key: tile.amount for tile in self._tiles(self.bo_user)}
        self.assertAlmostEqual(mine["overdue_mine"], 172.5, places=2)
        self.assertAlmostEqual(amounts["overdue_mine"], 0.0, places=2)

    def test_tones(self):
        self._overdue_contract()
        tiles = {tile.key: tile for tile in self._tiles(self.bo_user)}
        self.assertEqual(tiles["overdue_normal"].tone, "danger")
        for key, tile in tiles.items():
            if not tile.count:
                self.assertEqual(tile.tone, "muted", key)
        self.assertEqual(tiles["claim_to_audit"].count, 0)
        self.assertEqual(tiles["claim_to_audit"].tone, "muted")

    def test_own_queues_first(self):
        self._overdue_contract(user=self.bo_user)
        for user in (self.bo_user, self.bo_manager):
            self.env.invalidate_all()
            tiles = self._tiles(user)
            mine = [tile.is_mine for tile in tiles]
            self.assertEqual(mine, sorted(mine, reverse=True), user.login)
            self.assertEqual(
                {tile.key for tile in tiles if tile.is_mine},
                MY_QUEUES & set(tiles.mapped("key")),
                user.login,
            )
            general = [tile.sequence for tile in tiles if not tile.is_mine]
            self.assertEqual(general, sorted(general))
        first = self._tiles(self.bo_user)[:3]
        self.assertEqual(
            first.mapped("key"), ["overdue_mine", "sample_to_review", "claim_to_audit"]
        )
        self.assertEqual(first[0].count, 1)
        self.assertNotIn("claim_to_approve", self._tiles(self.bo_user).mapped("key"))
        self.assertEqual(
            self._tiles(self.bo_manager)[:4].mapped("key"),
            ["overdue_mine", "sample_to_review", "claim_to_audit", "claim_to_approve"],
        )

    def test_fixed_query_count(self):
        def cost():
            tiles = self._tiles(self.bo_manager)
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            tiles.mapped("count")
            return self.env.cr.sql_log_count - before

        self._overdue_contract()
        self._claim().action_submit()
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
        for index in range(5):
            self._overdue_contract()
            self._claim(ref=f"L-{index}").action_submit()
        self.assertEqual(cost(), small)
        tiles = self._tiles(self.bo_manager)
        self.env.invalidate_all()
        # One count or one count-and-sum per tile, the company's settings and
        # the user's groups: a tile costs one query whatever its queue holds.
        with self.assertQueryCount(len(tiles) + 2):
            tiles.mapped("count")


@tagged("post_install", "-at_install")
class TestWorkbenchTour(BackofficeCommon, HttpCase):
    def test_workbench_tour(self):
        order = self._create_contract([(self.product_valve, 1, 150.0)])
        order.contract_ref = "TOUR/OVERDUE"
        self._overdue_invoice(order, 10)
        self.start_tour("/odoo", "sales_backoffice_workbench_tour", login=self.bo_user.login)
