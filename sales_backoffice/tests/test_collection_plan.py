from datetime import date

from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import BackofficeCommon


@tagged("post_install", "-at_install")
class TestCollectionPlan(BackofficeCommon):
    """Collection plans: collected is what the payments reconciled with the
    contracts' invoices brought in that month."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.this_month = date.today().replace(day=1)
        cls.last_month = cls.this_month - relativedelta(months=1)
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Pumps Team",
                "company_id": cls.company.id,
                "member_ids": [Command.set((cls.salesman | cls.other_salesman).ids)],
            }
        )
        cls.Plan = cls.env["backoffice.collection.plan"]

    def _plan(self, amount, user=None, team=None, month=None, company=None):
        vals = {
            "company_id": (company or self.company).id,
            "date": month or self.this_month,
            "amount_planned": amount,
        }
        if user:
            vals["user_id"] = user.id
        if team:
            vals["team_id"] = team.id
        return self.Plan.with_user(self.bo_manager).create(vals)

    def _refresh(self):
        self.env.invalidate_all()

    def _collections(self):
        """Two contracts, each paid partly last month and partly this month."""
        mine = self._create_contract([(self.product_valve, 10, 100.0)])
        theirs = self._create_contract([(self.product_valve, 10, 100.0)], user=self.other_salesman)
        self.assertEqual(mine.team_id, self.team)
        invoice = self._invoice(mine)  # 1150 with taxes
        self._pay(invoice, 300.0, payment_date=self.last_month + relativedelta(days=3))
        self._pay(invoice, 200.0, payment_date=self.this_month)
        other_invoice = self._invoice(theirs)
        self._pay(other_invoice, 50.0, payment_date=self.this_month)
        return mine, invoice

    def test_actuals_are_reconciled_payments_by_month(self):
        mine, invoice = self._collections()
        last = self._plan(400.0, user=self.salesman, month=self.last_month + relativedelta(days=9))
        current = self._plan(1000.0, user=self.salesman)
        team = self._plan(5000.0, team=self.team)
        self.assertEqual(last.date, self.last_month, "the month's first day")
        self.assertEqual(last.team_id, self.team, "a salesperson's plan is shown under the team")
        self.assertEqual(last.amount_collected, 300.0)
        self.assertEqual(last.rate, 75.0)
        self.assertEqual(current.amount_collected, 200.0)
        self.assertEqual(team.amount_collected, 250.0)
        # What the events say is what accounting reconciled.
        payments = mine.contract_event_ids.filtered(lambda e: e.event_type == "payment")
        self.assertEqual(
            sum(payments.filtered(lambda e: e.date >= self.this_month).mapped("amount")),
            current.amount_collected,
        )
        # Plan against actual by month, in the analysis.
        Report = self.env["backoffice.collection.plan.report"].with_user(self.bo_manager)
        by_month = {
            month.replace(day=1): (planned, collected)
            for month, planned, collected in Report._read_group(
                [("scope", "=", "user"), ("user_id", "=", self.salesman.id)],
                ["date:month"],
                ["amount_planned:sum", "amount_collected:sum"],
            )
        }
        self.assertEqual(by_month[self.last_month], (400.0, 300.0))
        self.assertEqual(by_month[self.this_month], (1000.0, 200.0))
        self.assertEqual(
            Report._read_group([("team_id", "=", self.team.id)], ["team_id"], ["__count"])[0][1],
            3,
        )

        # Unreconciling takes the payment away from the month.
        invoice.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        ).remove_move_reconcile()
        self._refresh()
        self.assertEqual(last.amount_collected, 0.0)
        self.assertEqual(current.amount_collected, 0.0)
        self.assertEqual(team.amount_collected, 50.0)

    def test_other_company_payments_do_not_count(self):
        self._collections()
        other_company = self.env["res.company"].create({"name": "Other Branch"})
        self.salesman.company_ids = [Command.link(other_company.id)]
        plan = self.Plan.sudo().create(
            {
                "company_id": other_company.id,
                "user_id": self.salesman.id,
                "team_id": False,
                "date": self.this_month,
                "amount_planned": 100.0,
            }
        )
        self.assertEqual(plan.amount_collected, 0.0)

    def test_checks(self):
        with self.assertRaisesRegex(ValidationError, "salesperson or for a sales team"):
            self._plan(100.0)
        self._plan(100.0, user=self.salesman)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self._plan(200.0, user=self.salesman, month=self.this_month + relativedelta(days=5))
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self._plan(-1.0, user=self.other_salesman)
        # A team plan and the team's salespeople plans live side by side.
        self._plan(100.0, team=self.team)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self._plan(100.0, team=self.team)

    def test_access(self):
        mine = self._plan(100.0, user=self.salesman)
        theirs = self._plan(100.0, user=self.other_salesman)
        team = self._plan(500.0, team=self.team)
        Plan = self.Plan.with_user(self.salesman)
        self.assertEqual(Plan.search([]), mine | team)
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesman).read(["amount_planned"])
        with self.assertRaises(AccessError):
            mine.with_user(self.salesman).amount_planned = 1.0
        with self.assertRaises(AccessError):
            Plan.create(
                {"user_id": self.salesman.id, "date": self.last_month, "amount_planned": 1.0}
            )
        Report = self.env["backoffice.collection.plan.report"]
        self.assertEqual(Report.with_user(self.salesman).search([]).plan_id, mine | team)
        self.assertEqual(Report.with_user(self.bo_user).search([]).plan_id, mine | theirs | team)
        # The back office reads every plan; only managers plan.
        self.assertEqual(self.Plan.with_user(self.bo_user).search([]), mine | theirs | team)
        with self.assertRaises(AccessError):
            theirs.with_user(self.bo_user).amount_planned = 1.0
        with self.assertRaises(AccessError):
            theirs.with_user(self.bo_user).unlink()
        with self.assertRaises(AccessError):
            Report.with_user(self.portal_like_user()).search([])
        theirs.with_user(self.bo_manager).amount_planned = 150.0
        self.assertEqual(theirs.amount_planned, 150.0)

    def portal_like_user(self):
        return new_test_user(self.env, login="bo_plan_portal", groups="base.group_portal")

    def test_multi_company(self):
        other_company = self.env["res.company"].create({"name": "Other Branch"})
        foreign = self.Plan.sudo().create(
            {
                "company_id": other_company.id,
                "team_id": self.env["crm.team"]
                .create({"name": "Branch Team", "company_id": other_company.id})
                .id,
                "date": self.this_month,
                "amount_planned": 100.0,
            }
        )
        self.assertNotIn(foreign, self.Plan.with_user(self.bo_manager).search([]))
        with self.assertRaises(AccessError):
            foreign.with_user(self.bo_manager).read(["amount_planned"])
        with self.assertRaises(AccessError):
            foreign.with_user(self.bo_manager).amount_planned = 1.0
        Report = self.env["backoffice.collection.plan.report"].with_user(self.bo_manager)
        self.assertNotIn(foreign.id, Report.search([]).ids)

    def test_today_tile_behind_plan(self):
        self._collections()
        behind = self._plan(1_000_000.0, user=self.salesman)
        self._plan(0.0, user=self.other_salesman)
        self._plan(1_000_000.0, team=self.team)  # team plans are not salespeople
        tiles = {
            tile.key: tile
            for tile in self.env["backoffice.workbench"]
            .with_user(self.bo_user)
            .search([("is_visible", "=", True)])
        }
        tile = tiles["collection_behind_plan"]
        self.assertEqual(tile.count, 1)
        report = self.env["backoffice.collection.plan.report"].browse(behind.id)
        self.assertTrue(report.is_behind)
        self.assertEqual(tile.amount, report.amount_behind)
        self.assertGreater(report.amount_expected, 200.0)
        action = tile.action_open()
        opened = self.env[action["res_model"]].with_user(self.bo_user).search(action["domain"])
        self.assertEqual(opened.plan_id, behind)
