from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import BackofficeCommon


@tagged("post_install", "-at_install")
class TestCommission(BackofficeCommon):
    """Commissions from the performance lists, on real invoices and payments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "backoffice_commission_journal_id": cls.company_data["default_journal_misc"].id,
                "backoffice_commission_expense_account_id": cls.company_data[
                    "default_account_expense"
                ].id,
                "backoffice_commission_payable_account_id": cls.company_data[
                    "default_account_payable"
                ].id,
            }
        )
        cls.other_manager = new_test_user(
            cls.env,
            login="bo_manager2",
            name="Mia Manager",
            groups="sales_backoffice.group_backoffice_manager,sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        Rule = cls.env["backoffice.commission.rule"].with_user(cls.bo_manager)
        cls.rule = Rule.create(
            {
                "name": "Sam: 5% of collections",
                "company_id": cls.company.id,
                "user_id": cls.salesman.id,
                "base": "collected",
                "rate": 5.0,
            }
        )
        cls.rule_invoiced = Rule.create(
            {
                "name": "Olga: 10% of invoices",
                "company_id": cls.company.id,
                "user_id": cls.other_salesman.id,
                "base": "invoiced",
                "rate": 10.0,
            }
        )
        today = date.today()
        cls.month_start = today.replace(day=1)
        cls.month_end = (cls.month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        cls.last_end = cls.month_start - timedelta(days=1)
        cls.last_start = cls.last_end.replace(day=1)

    # ---------------------------------------------------------------- helpers
    def _contract(self, user=None, qty=10, price=100.0, product=None):
        """A contract of 1000 untaxed, 1150 with its 15% tax."""
        return self._create_contract([(product or self.product_valve, qty, price)], user=user)

    def _settle(self, user=None, date_from=None, date_to=None):
        settlement = (
            self.env["backoffice.commission.settlement"]
            .with_user(self.bo_manager)
            .create(
                {
                    "company_id": self.company.id,
                    "user_id": (user or self.salesman).id,
                    "date_from": date_from or self.month_start,
                    "date_to": date_to or self.month_end,
                }
            )
        )
        settlement.action_compute()
        return settlement

    def _lines(self, settlement, **criteria):
        return settlement.line_ids.filtered(
            lambda line: all(line[key] == value for key, value in criteria.items())
        )

    # ------------------------------------------------------------------ tests
    def test_partly_paid_contract(self):
        order = self._contract()
        invoice = self._invoice(order)
        self._pay(invoice, 575.0)
        settlement = self._settle()
        counted = settlement.counted_line_ids
        self.assertEqual(len(counted), 1)
        # 575 collected, net of taxes in the contract's proportion (1000/1150): 500.
        self.assertAlmostEqual(counted.amount_base, 500.0)
        self.assertEqual(counted.rate, 5.0)
        self.assertAlmostEqual(counted.amount, 25.0)
        self.assertEqual(counted.order_id, order)
        self.assertEqual(counted.event_id.event_type, "payment")
        self.assertAlmostEqual(settlement.amount_total, 25.0)
        # The rest is paid later: only the new payment counts next time.
        settlement.with_user(self.bo_manager).action_confirm()
        self._pay(invoice, 575.0, payment_date=self.month_end + timedelta(days=1))
        next_month = self._settle(
            date_from=self.month_end + timedelta(days=1),
            date_to=self.month_end + timedelta(days=28),
        )
        self.assertAlmostEqual(next_month.amount_total, 25.0)
        self.assertEqual(len(next_month.counted_line_ids), 1)

    def test_rerun_never_counts_twice(self):
        order = self._contract()
        invoice = self._invoice(order)
        self._pay(invoice, 1150.0, payment_date=self.last_end)
        last = self._settle(date_from=self.last_start, date_to=self.last_end)
        self.assertAlmostEqual(last.amount_total, 50.0)
        # Computing again gives the same lines, not twice as many.
        last.with_user(self.bo_manager).action_compute()
        self.assertEqual(len(last.counted_line_ids), 1)
        self.assertAlmostEqual(last.amount_total, 50.0)
        last.with_user(self.bo_manager).action_confirm()
        # This month sees the back-dated payment (recorded now) and leaves it out:
        # it is already settled.
        current = self._settle()
        self.assertFalse(current.counted_line_ids)
        left_out = current.excluded_line_ids
        self.assertEqual(left_out.mapped("reason"), ["already_settled"])
        self.assertEqual(left_out.amount, 0.0)
        # Forcing a second count fails at the database.
        with mute_logger("odoo.sql_db"), self.assertRaises(Exception):  # noqa: B017
            line = last.counted_line_ids
            self.env["backoffice.commission.line"].sudo().create(
                {
                    "settlement_id": current.id,
                    "event_id": line.event_id.id,
                    "rule_id": line.rule_id.id,
                    "is_counted": True,
                    "amount": 50.0,
                }
            )
            self.env.flush_all()
        # A cancelled settlement frees what it counted.
        current.with_user(self.bo_manager).action_cancel()
        last.with_user(self.bo_manager).action_cancel()
        again = self._settle(date_from=self.last_start, date_to=self.last_end)
        self.assertAlmostEqual(again.amount_total, 50.0)

    def test_cancelled_and_unreconciled_payments_reverse(self):
        order = self._contract()
        invoice = self._invoice(order)
        payment = self._pay(invoice, 575.0, payment_date=self.last_end)
        second = self._pay(invoice, 230.0, payment_date=self.last_end)
        last = self._settle(date_from=self.last_start, date_to=self.last_end)
        self.assertAlmostEqual(last.amount_total, 25.0 + 10.0)
        last.with_user(self.bo_manager).action_confirm()
        # The first payment is cancelled, the second unreconciled.
        payment.action_draft()
        payment.action_cancel()
        second.move_id.line_ids.remove_move_reconcile()
        self.assertFalse(last.counted_line_ids.event_id)
        current = self._settle()
        reversals = current.counted_line_ids
        self.assertEqual(len(reversals), 2)
        self.assertEqual(set(reversals.mapped("reason")), {"reversed"})
        self.assertEqual(reversals.reversed_line_id, last.counted_line_ids)
        self.assertAlmostEqual(current.amount_total, -35.0)
        # Computed again, still reversed once.
        current.with_user(self.bo_manager).action_compute()
        self.assertAlmostEqual(current.amount_total, -35.0)
        current.with_user(self.bo_manager).action_confirm()
        following = self._settle(
            date_from=self.month_end + timedelta(days=1),
            date_to=self.month_end + timedelta(days=28),
        )
        self.assertFalse(following.line_ids)
        # The earlier settlement cannot be cancelled under its reversals.
        with self.assertRaisesRegex(UserError, "reverses some of its lines"):
            last.with_user(self.bo_manager).action_cancel()

    def test_credit_note(self):
        order = self._contract(user=self.other_salesman)
        invoice = order._create_invoices()
        invoice.invoice_date = self.last_end
        invoice.action_post()
        last = self._settle(self.other_salesman, self.last_start, self.last_end)
        self.assertAlmostEqual(last.amount_total, 100.0)
        self.assertEqual(last.counted_line_ids.event_type, "invoice")
        last.with_user(self.bo_manager).action_confirm()
        refund = invoice._reverse_moves([{"invoice_date": date.today()}])
        refund.invoice_line_ids.quantity = 4
        refund.action_post()
        current = self._settle(self.other_salesman)
        counted = current.counted_line_ids
        self.assertEqual(counted.event_type, "refund")
        self.assertAlmostEqual(counted.amount_base, -400.0)
        self.assertAlmostEqual(current.amount_total, -40.0)
        # A payment is no invoice: Olga's rule leaves it aside without noise.
        self._pay(invoice, 690.0)
        current.with_user(self.bo_manager).action_compute()
        self.assertAlmostEqual(current.amount_total, -40.0)
        # The invoice dated last month, recorded now: seen and already settled.
        self.assertEqual(current.excluded_line_ids.mapped("reason"), ["already_settled"])

    def test_left_out_with_reasons(self):
        nobody = new_test_user(
            self.env,
            login="bo_norule",
            name="Nora Norule",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        order = self._contract(user=nobody)
        order.team_id = False
        invoice = self._invoice(order)
        self._pay(invoice, 115.0)
        settlement = self._settle(nobody)
        self.assertEqual(settlement.amount_total, 0.0)
        self.assertEqual(settlement.excluded_line_ids.mapped("reason"), ["no_rule"])
        self.assertAlmostEqual(settlement.excluded_line_ids.amount_base, 100.0)
        # A payment recorded now with last month's date is outside this month.
        mine = self._invoice(self._contract())
        self._pay(mine, 115.0, payment_date=self.last_end)
        current = self._settle()
        self.assertEqual(current.excluded_line_ids.mapped("reason"), ["outside_period"])
        self.assertFalse(current.counted_line_ids)

    def test_team_rule_categories_and_tiers(self):
        team = self.env["crm.team"].create({"name": "Pumps Team", "company_id": self.company.id})
        category = self.env["product.category"].create(
            {"name": "Pumps", "parent_id": self.product_category.id}
        )
        self.product_pump.categ_id = category
        team_user = new_test_user(
            self.env,
            login="bo_teamer",
            name="Tim Teamer",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        Rule = self.env["backoffice.commission.rule"].with_user(self.bo_manager)
        Rule.create(
            {
                "name": "Team: 2% generic",
                "company_id": self.company.id,
                "team_id": team.id,
                "base": "invoiced",
                "rate": 2.0,
            }
        )
        Rule.create(
            {
                "name": "Team: pumps tiered",
                "company_id": self.company.id,
                "team_id": team.id,
                "product_categ_id": self.product_category.id,
                "base": "invoiced",
                "rate": 1.0,
                "tier_ids": [
                    Command.create({"amount_from": 5000.0, "rate": 4.0}),
                    Command.create({"amount_from": 10000.0, "rate": 6.0}),
                ],
            }
        )
        # Pumps (in a sub-category) and valves both fall under the category
        # rule; nothing is left for the generic rule.
        order = self._create_contract(
            [(self.product_pump, 5, 1200.0), (self.product_valve, 4, 100.0)], user=team_user
        )
        order.team_id = team
        self._deliver(order, {self.product_pump: 5})
        self._invoice(order)
        settlement = self._settle(team_user)
        counted = settlement.counted_line_ids
        self.assertEqual(len(counted), 1)
        # 6400 reaches the 5000 tier: 4% of the whole base.
        self.assertAlmostEqual(counted.amount_base, 6400.0)
        self.assertEqual(counted.rate, 4.0)
        self.assertAlmostEqual(settlement.amount_total, 256.0)
        # A rule for the sub-category takes the pumps' share, the rest stays.
        Rule.create(
            {
                "name": "Team: pumps 10%",
                "company_id": self.company.id,
                "team_id": team.id,
                "product_categ_id": category.id,
                "base": "invoiced",
                "rate": 10.0,
            }
        )
        settlement.with_user(self.bo_manager).action_compute()
        by_rule = {line.rule_id.name: line for line in settlement.counted_line_ids}
        self.assertAlmostEqual(by_rule["Team: pumps 10%"].amount_base, 6000.0)
        self.assertAlmostEqual(by_rule["Team: pumps 10%"].amount, 600.0)
        self.assertAlmostEqual(by_rule["Team: pumps tiered"].amount_base, 400.0)
        self.assertEqual(by_rule["Team: pumps tiered"].rate, 1.0)
        # A salesperson's own rule replaces the team's.
        Rule.create(
            {
                "name": "Tim: 3%",
                "company_id": self.company.id,
                "user_id": team_user.id,
                "base": "invoiced",
                "rate": 3.0,
            }
        )
        settlement.with_user(self.bo_manager).action_compute()
        self.assertEqual(settlement.counted_line_ids.rule_id.name, "Tim: 3%")
        self.assertAlmostEqual(settlement.amount_total, 192.0)

    def test_post_balanced_entry_and_pay(self):
        order = self._contract()
        invoice = self._invoice(order)
        self._pay(invoice, 1150.0)
        settlement = self._settle()
        with self.assertRaises(AccessError):
            settlement.with_user(self.accountant).action_post()
        settlement.with_user(self.bo_manager).action_confirm()
        self.assertEqual(settlement.confirmed_by_id, self.bo_manager)
        with self.assertRaises(AccessError):
            settlement.with_user(self.salesman).action_post()
        settlement.with_user(self.accountant).action_post()
        self.assertEqual(settlement.state, "posted")
        move = settlement.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id, self.company_data["default_journal_misc"])
        self.assertAlmostEqual(sum(move.line_ids.mapped("debit")), 50.0)
        self.assertAlmostEqual(sum(move.line_ids.mapped("credit")), 50.0)
        payable = move.line_ids.filtered(lambda line: line.credit)
        self.assertEqual(payable.partner_id, self.salesman.partner_id)
        self.assertEqual(payable.account_id, self.company_data["default_account_payable"])
        expense = move.line_ids.filtered(lambda line: line.debit)
        self.assertEqual(expense.account_id, self.company_data["default_account_expense"])
        self.assertFalse(settlement.is_paid)
        # Finance pays it with Odoo's payment registration.
        wizard = (
            self.env["account.payment.register"]
            .with_user(self.accountant)
            .with_context(active_model="account.move.line", active_ids=payable.ids)
            .create({"payment_date": date.today()})
        )
        self.assertAlmostEqual(wizard.amount, 50.0)
        wizard._create_payments()
        self.assertTrue(payable.reconciled)
        settlement.invalidate_recordset(["is_paid"])
        self.assertTrue(settlement.is_paid)
        # A posted settlement stays as it is.
        with self.assertRaisesRegex(UserError, "posted"):
            settlement.with_user(self.bo_manager).action_cancel()
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "sales_backoffice.action_report_commission_statement", settlement.ids
            )[0]
            .decode()
        )
        self.assertIn("Commission Statement", html)
        self.assertIn(order.name, html)
        self.assertIn(self.salesman.name, html)

    def test_analytic_distribution_by_contract(self):
        plan = self.env["account.analytic.plan"].create({"name": "Contracts"})
        analytic = self.env["account.analytic.account"].create(
            {"name": "Contract A", "plan_id": plan.id, "company_id": self.company.id}
        )
        order = self._contract()
        order.order_line.analytic_distribution = {str(analytic.id): 100}
        self._pay(self._invoice(order), 1150.0)
        settlement = self._settle()
        settlement.with_user(self.bo_manager).action_confirm()
        settlement.with_user(self.accountant).action_post()
        expense = settlement.move_id.line_ids.filtered(lambda line: line.debit)
        self.assertEqual(expense.analytic_distribution, {str(analytic.id): 100})

    def test_confirm_controls(self):
        own = self._contract(user=self.bo_manager)
        self._pay(self._invoice(own), 1150.0)
        self.env["backoffice.commission.rule"].with_user(self.bo_manager).create(
            {
                "name": "Max: 5%",
                "company_id": self.company.id,
                "user_id": self.bo_manager.id,
                "rate": 5.0,
            }
        )
        settlement = self._settle(self.bo_manager)
        self.assertAlmostEqual(settlement.amount_total, 50.0)
        with self.assertRaisesRegex(AccessError, "own commission settlement"):
            settlement.with_user(self.bo_manager).action_confirm()
        self.assertEqual(settlement.state, "draft")
        # Nobody but the module writes the state, the lines or the entry.
        for user in (self.bo_manager, self.salesman, self.accountant):
            with self.assertRaises(AccessError):
                settlement.with_user(user).write({"state": "confirmed"})
        with self.assertRaises(AccessError):
            settlement.counted_line_ids.with_user(self.bo_manager).write({"amount": 1e6})
        with self.assertRaises(AccessError):
            self.env["backoffice.commission.settlement"].with_user(self.bo_manager).with_context(
                default_state="posted"
            ).create(
                {
                    "user_id": self.salesman.id,
                    "date_from": self.last_start,
                    "date_to": self.last_end,
                    "state": "posted",
                }
            )
        # Another period: what was computed goes, to be computed again.
        settlement.with_user(self.other_manager).write({"date_to": self.month_end})
        self.assertFalse(settlement.line_ids)
        settlement.with_user(self.other_manager).action_compute()
        self.assertAlmostEqual(settlement.amount_total, 50.0)
        settlement.with_user(self.other_manager).action_confirm()
        self.assertEqual(settlement.state, "confirmed")
        # Confirmed: the period and the salesperson stay.
        with self.assertRaises(UserError):
            settlement.with_user(self.other_manager).write({"date_to": self.month_end})

    def test_access(self):
        mine = self._settle()
        theirs = self._settle(self.other_salesman)
        Settlement = self.env["backoffice.commission.settlement"].sudo()
        # Salespeople read their own settlement and its lines only, and act on none.
        self.assertEqual(Settlement.with_user(self.salesman).search([]), mine)
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesman).read(["amount_total"])
        with self.assertRaises(AccessError):
            mine.with_user(self.salesman).action_confirm()
        with self.assertRaises(AccessError):
            mine.with_user(self.salesman).action_compute()
        with self.assertRaises(AccessError):
            Settlement.with_user(self.salesman).create(
                {
                    "user_id": self.salesman.id,
                    "date_from": self.last_start,
                    "date_to": self.last_end,
                }
            )
        # The back office reads, does not compute or confirm.
        with self.assertRaises(AccessError):
            mine.with_user(self.bo_user).action_compute()
        with self.assertRaises(AccessError):
            mine.with_user(self.bo_user).action_confirm()
        # Finance sees confirmed settlements only and does not confirm.
        with self.assertRaises(AccessError):
            mine.with_user(self.accountant).read(["amount_total"])
        with self.assertRaises(AccessError):
            mine.with_user(self.accountant).action_confirm()
        # Rules are the managers' configuration.
        with self.assertRaises(AccessError):
            self.rule.with_user(self.bo_user).write({"rate": 50.0})
        # Another company's settlement is out of reach, even for a manager.
        other_company = self.env["res.company"].create({"name": "Other Co"})
        foreign = Settlement.sudo().create(
            {
                "company_id": other_company.id,
                "user_id": self.salesman.id,
                "date_from": self.month_start,
                "date_to": self.month_end,
            }
        )
        with self.assertRaises(AccessError):
            foreign.with_user(self.bo_manager).read(["amount_total"])
        with self.assertRaises(AccessError):
            foreign.with_user(self.bo_manager).action_compute()
