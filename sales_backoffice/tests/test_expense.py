import base64
from datetime import date, timedelta
from io import BytesIO

from openpyxl import load_workbook

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from ..tools.xlsx import Column, XlsxWriter
from .common import BackofficeCommon


@tagged("post_install", "-at_install")
class ExpenseCommon(BackofficeCommon):
    """Categories, a trip and helpers shared by the expense tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.expense_account = cls.company_data["default_account_expense"]
        Category = cls.env["backoffice.expense.category"].sudo()  # configuration data
        cls.hotel = Category.create(
            {
                "name": "Hotel",
                "account_id": cls.expense_account.id,
                "daily_cap": 500.0,
                "receipt_required_above": 100.0,
                "company_id": cls.company.id,
            }
        )
        cls.meals = Category.create(
            {
                "name": "Meals",
                "account_id": cls.copy_account(cls.expense_account).id,
                "daily_cap": 200.0,
                "receipt_required_above": 300.0,
                "company_id": cls.company.id,
            }
        )
        # A Monday to Wednesday trip, well in the past so every date is settled.
        cls.monday = date.today() - timedelta(days=date.today().weekday() + 14)
        cls.analytic_plan = cls.env["account.analytic.plan"].create({"name": "Projects"})
        cls.analytic = cls.env["account.analytic.account"].create(
            {
                "name": "Contoso rollout",
                "plan_id": cls.analytic_plan.id,
                "company_id": cls.company.id,
            }
        )

    def _receipt(self, user=None):
        return (
            self.env["ir.attachment"]
            .with_user(user or self.salesman)
            .create({"name": "receipt.pdf", "datas": base64.b64encode(b"%PDF-1.4 receipt")})
        )

    def _claim(self, lines=None, user=None, ref="H-001", **vals):
        lines = (
            lines
            if lines is not None
            else [
                {
                    "date": self.monday,
                    "category_id": self.hotel.id,
                    "amount": 420.0,
                    "receipt_ref": ref,
                    "attachment_ids": [(6, 0, self._receipt(user).ids)],
                },
                {
                    "date": self.monday + timedelta(days=1),
                    "category_id": self.meals.id,
                    "amount": 80.0,
                },
            ]
        )
        env = self.env(user=user or self.salesman)
        return env["backoffice.expense.claim"].create(
            {
                "company_id": self.company.id,
                "date_from": self.monday,
                "date_to": self.monday + timedelta(days=2),
                "route": "Shanghai - Suzhou",
                "line_ids": [(0, 0, line) for line in lines],
                **vals,
            }
        )

    def _rules(self, claim):
        return {(f.rule, f.severity) for f in claim.finding_ids}

    def _approved_claim(self, **vals):
        claim = self._claim(**vals)
        claim.action_submit()
        claim.with_user(self.bo_user).action_audit()
        claim.with_user(self.bo_manager).action_approve()
        return claim


@tagged("post_install", "-at_install")
class TestExpenseClaims(ExpenseCommon):
    # ------------------------------------------------------------- findings
    def test_clean_claim_has_no_findings(self):
        claim = self._claim()
        claim.action_submit()
        self.assertEqual(claim.state, "submitted")
        self.assertFalse(claim.finding_ids)
        self.assertEqual(claim.trip_days, 3)
        self.assertAlmostEqual(claim.amount_claimed, 500.0)

    def test_each_finding_rule(self):
        saturday = self.monday + timedelta(days=5)
        claim = self._claim(
            [
                {"date": self.monday, "category_id": self.meals.id, "amount": 150.0},
                {"date": self.monday, "category_id": self.meals.id, "amount": 90.0},
                {
                    "date": self.monday + timedelta(days=1),
                    "category_id": self.hotel.id,
                    "amount": 300.0,
                },
                {"date": saturday, "category_id": self.meals.id, "amount": 20.0},
            ]
        )
        claim.action_submit()
        self.assertEqual(
            self._rules(claim),
            {
                ("over_cap", "block"),
                ("missing_receipt", "block"),
                ("outside_trip", "block"),
                ("weekend", "warn"),
            },
        )
        over_cap = claim.finding_ids.filtered(lambda f: f.rule == "over_cap")
        self.assertIn("240", over_cap.message)

    def test_duplicate_receipt(self):
        first = self._claim()
        first.action_submit()
        second = self._claim(user=self.other_salesman)
        second.action_submit()
        self.assertIn(("duplicate_receipt", "block"), self._rules(second))
        duplicate = second.finding_ids.filtered(lambda f: f.rule == "duplicate_receipt")
        self.assertIn(first.name, duplicate.with_user(self.bo_user).detail)
        # The other claimant's claim is named to the back office only.
        self.assertNotIn(first.name, duplicate.message)

    def test_findings_follow_line_changes(self):
        claim = self._claim()
        claim.action_submit()
        meals = claim.line_ids.filtered(lambda line: line.category_id == self.meals)
        with self.assertRaisesRegex(UserError, "lines are locked"):
            meals.with_user(self.salesman).amount = 260.0
        claim.action_reset_to_draft()
        meals.with_user(self.salesman).amount = 260.0
        claim.action_submit()
        self.assertIn(("over_cap", "block"), self._rules(claim))

    def test_blocking_finding_stops_audit_until_waived(self):
        claim = self._claim([{"date": self.monday, "category_id": self.hotel.id, "amount": 250.0}])
        claim.action_submit()
        with self.assertRaisesRegex(UserError, "needs a receipt"):
            claim.with_user(self.bo_user).action_audit()
        with self.assertRaises(AccessError):
            claim.with_user(self.bo_user).action_waive_findings()
        with self.assertRaises(AccessError):
            claim.with_user(self.bo_user)._do_waive_findings("fine")
        with self.assertRaisesRegex(UserError, "Say why"):
            claim.with_user(self.bo_manager)._do_waive_findings(" ")
        action = claim.with_user(self.bo_manager).action_waive_findings()
        self.assertEqual(action["res_model"], "backoffice.expense.decide")
        self.assertEqual(action["context"]["default_action"], "waive")
        decide = Form(
            self.env["backoffice.expense.decide"]
            .with_user(self.bo_manager)
            .with_context(**action["context"])
        )
        decide.reason = "Hotel lost the receipt; confirmed by phone"
        decide.save().action_confirm()
        claim.with_user(self.bo_user).action_audit()
        self.assertEqual(claim.state, "audited")
        self.assertEqual(claim.finding_ids.waived_by_id, self.bo_manager)

    # ------------------------------------------------------------- workflow
    def test_self_audit_and_self_approval_refused(self):
        claim = self._claim(user=self.bo_manager)
        claim.action_submit()
        with self.assertRaisesRegex(AccessError, "cannot review"):
            claim.with_user(self.bo_manager).action_audit()
        claim.with_user(self.bo_user).action_audit()
        with self.assertRaisesRegex(AccessError, "cannot review"):
            claim.with_user(self.bo_manager).action_approve()
        self.assertEqual(claim.state, "audited")

    def test_auditor_cannot_approve_and_approval_needs_audit(self):
        manager2 = self.env["res.users"].create(
            {
                "name": "Mia Manager",
                "login": "bo_manager2",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "group_ids": [
                    (6, 0, self.env.ref("sales_backoffice.group_backoffice_manager").ids)
                ],
            }
        )
        claim = self._claim()
        claim.action_submit()
        with self.assertRaisesRegex(UserError, "must be audited"):
            claim.with_user(self.bo_manager).action_approve()
        with self.assertRaises(AccessError):
            claim.with_user(self.bo_user).action_approve()
        claim.with_user(self.bo_manager).action_audit()
        with self.assertRaisesRegex(AccessError, "already reviewed"):
            claim.with_user(self.bo_manager).action_approve()
        claim.with_user(manager2).action_approve()
        self.assertEqual(
            (claim.state, claim.auditor_id, claim.approver_id),
            ("approved", self.bo_manager, manager2),
        )
        self.assertEqual(len(claim.review_ids), 2)

    def test_no_shortcut_through_write(self):
        claim = self._claim()
        claim.action_submit()
        for user in (self.salesman, self.bo_user, self.bo_manager):
            with self.assertRaisesRegex(UserError, "actions only"):
                claim.with_user(user).write({"state": "approved"})
        with self.assertRaisesRegex(UserError, "starts as a draft"):
            self.env["backoffice.expense.claim"].with_user(self.bo_manager).create(
                {"date_from": self.monday, "date_to": self.monday, "state": "approved"}
            )
        self.assertEqual(claim.state, "submitted")

    def test_audit_lowers_amount_with_reason(self):
        claim = self._claim()
        claim.action_submit()
        hotel_line = claim.line_ids.filtered(lambda line: line.category_id == self.hotel)
        with self.assertRaisesRegex(UserError, "claimant does not adjust"):
            hotel_line.with_user(self.salesman).amount_approved = 300.0
        with self.assertRaisesRegex(ValidationError, "say why"):
            hotel_line.with_user(self.bo_user).amount_approved = 300.0
        hotel_line.with_user(self.bo_user).write(
            {"amount_approved": 300.0, "adjust_reason": "Hotel cap per policy"}
        )
        self.assertAlmostEqual(claim.amount_claimed, 500.0)
        self.assertAlmostEqual(claim.amount_approved, 380.0)

    # --------------------------------------------------------------- posting
    def test_post_pay_unreconcile(self):
        order = self._create_contract([(self.product_valve, 2, 150.0)])
        order.order_line.analytic_distribution = {str(self.analytic.id): 100}
        claim = self._approved_claim().with_env(self.env)  # finance looks at it
        claim.line_ids.filtered(
            lambda line: line.category_id == self.hotel
        ).sudo().order_id = order
        claim.with_user(self.bo_manager).action_post()
        move = claim.move_id
        self.assertEqual(
            (claim.state, move.state, move.move_type), ("posted", "posted", "in_receipt")
        )
        self.assertEqual(move.currency_id, self.company.currency_id)
        self.assertEqual(move.partner_id, self.salesman.partner_id)
        hotel = move.invoice_line_ids.filtered(
            lambda line: line.account_id == self.hotel.account_id
        )
        meals = move.invoice_line_ids.filtered(
            lambda line: line.account_id == self.meals.account_id
        )
        self.assertAlmostEqual(hotel.debit, 420.0)
        self.assertAlmostEqual(meals.debit, 80.0)
        self.assertEqual(hotel.analytic_distribution, {str(self.analytic.id): 100})
        self.assertFalse(meals.analytic_distribution)
        payable = move.line_ids.filtered(
            lambda line: line.account_id.account_type == "liability_payable"
        )
        self.assertAlmostEqual(payable.credit, 500.0)
        self.assertEqual(
            payable.account_id,
            self.salesman.partner_id.with_company(self.company).property_account_payable_id,
        )

        payment = self._pay(move, 500.0)
        self.assertEqual(claim.state, "paid")
        self.assertTrue(payment)
        # Unreconciling the payment brings the claim back to posted.
        payable.remove_move_reconcile()
        self.assertEqual(claim.state, "posted")
        move.button_draft()
        self.assertEqual(claim.state, "approved")
        claim.with_user(self.bo_manager).action_post()
        self.assertEqual((claim.state, claim.move_id), ("posted", move))

    # --------------------------------------------------------------- budgets
    def test_budget_consumed_and_blocking(self):
        budget = (
            self.env["backoffice.expense.budget"]
            .with_user(self.bo_manager)
            .create(
                {
                    "user_id": self.salesman.id,
                    "company_id": self.company.id,
                    "date_from": self.monday - timedelta(days=30),
                    "date_to": self.monday + timedelta(days=30),
                    "amount": 800.0,
                    "mode": "block",
                }
            )
        )
        first = self._approved_claim()
        budget.invalidate_recordset()
        self.assertAlmostEqual(budget.amount_consumed, 500.0)
        self.assertAlmostEqual(budget.amount_remaining, 300.0)
        second = self._claim(
            [
                {
                    "date": self.monday,
                    "category_id": self.hotel.id,
                    "amount": 400.0,
                    "receipt_ref": "H-777",
                    "attachment_ids": [(6, 0, self._receipt().ids)],
                }
            ]
        )
        second.action_submit()
        self.assertIn(("over_budget", "block"), self._rules(second))
        with self.assertRaisesRegex(UserError, "Budget"):
            second.with_user(self.bo_user).action_audit()
        budget.mode = "warn"
        second._compute_findings()
        self.assertIn(("over_budget", "warn"), self._rules(second))
        second.with_user(self.bo_user).action_audit()
        self.assertEqual(first.state, "approved")

    # ---------------------------------------------------------------- import
    def _workbook(self, rows):
        writer = XlsxWriter()
        writer.add_sheet(
            "Expenses",
            [
                Column(label)
                for label in (
                    "Date",
                    "Category",
                    "Description",
                    "Amount",
                    "Currency",
                    "Receipt Number",
                )
            ],
            rows,
        )
        return base64.b64encode(writer.save())

    def test_import_all_or_nothing(self):
        claim = self._claim(lines=[])
        wizard = self.env["backoffice.expense.import"].with_user(self.salesman)
        bad = wizard.create(
            {
                "claim_id": claim.id,
                "file_name": "trip.xlsx",
                "file_data": self._workbook(
                    [
                        [self.monday, "Hotel", "Night 1", 300.0, None, "H-9"],
                        [self.monday, "Taxi", "Airport", 50.0, None, None],
                        ["not a date", "Meals", "Dinner", "abc", None, None],
                        [self.monday, "Meals", "Lunch", -5, None, None],
                    ]
                ),
            }
        )
        with self.assertRaises(ValidationError) as caught:
            bad.action_import()
        message = str(caught.exception)
        self.assertIn("Nothing was imported", message)
        self.assertIn("Row 3: unknown category 'Taxi'", message)
        self.assertIn("Row 4: Date: 'not a date' is not a date", message)
        self.assertIn("Amount: 'abc' is not a number", message)
        self.assertIn("Row 5: the amount must be positive", message)
        self.assertNotIn("Row 2", message)
        self.assertFalse(claim.line_ids)

        good = wizard.create(
            {
                "claim_id": claim.id,
                "file_name": "trip.xlsx",
                "file_data": self._workbook(
                    [
                        [self.monday, "Hotel", "Night 1", 300.0, None, "H-9"],
                        [
                            str(self.monday + timedelta(days=1)),
                            "meals",
                            "Lunch",
                            45.5,
                            "USD",
                            None,
                        ],
                    ]
                ),
            }
        )
        good.action_import()
        self.assertEqual(len(claim.line_ids), 2)
        self.assertAlmostEqual(sum(claim.line_ids.mapped("amount")), 345.5)

    def test_import_template_round_trip(self):
        claim = self._claim(lines=[])
        wizard = (
            self.env["backoffice.expense.import"]
            .with_user(self.salesman)
            .create({"claim_id": claim.id, "file_data": base64.b64encode(b"x")})
        )
        action = wizard.action_download_template()
        download = (
            self.env["backoffice.xlsx.download"].sudo().browse(int(action["url"].split("/")[4]))
        )
        # The template's example row imports as it is.
        wizard.file_data = download.file_data
        wizard.action_import()
        self.assertEqual(claim.line_ids.category_id, self.hotel)
        self.assertAlmostEqual(claim.line_ids.amount, 560.0)

    # --------------------------------------------------------------- reports
    def test_statistics_workbook_and_claim_form(self):
        claim = self._approved_claim()
        wizard = (
            self.env["backoffice.expense.statistics"]
            .with_user(self.bo_user)
            .create(
                {
                    "date_from": self.monday - timedelta(days=40),
                    "date_to": self.monday + timedelta(days=10),
                    "company_id": self.company.id,
                }
            )
        )
        action = wizard.action_export_xlsx()
        download = (
            self.env["backoffice.xlsx.download"].sudo().browse(int(action["url"].split("/")[4]))
        )
        workbook = load_workbook(BytesIO(download._get_content()))
        month = self.monday.strftime("%Y-%m")
        self.assertIn(month, workbook.sheetnames)
        rows = list(workbook[month].iter_rows(values_only=True))
        header = rows[0]
        salesman_row = next(row for row in rows if row[0] == self.salesman.name)
        self.assertAlmostEqual(salesman_row[header.index("Hotel")], 420.0)
        self.assertAlmostEqual(salesman_row[header.index("Meals")], 80.0)
        self.assertAlmostEqual(salesman_row[header.index("Total")], 500.0)
        self.assertEqual(rows[-1][0], "Total")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("sales_backoffice.action_report_expense_claim", claim.ids)[0]
            .decode()
        )
        self.assertIn(claim.name, html)
        self.assertIn("Audit Trail", html)
        self.assertIn(self.bo_user.name, html)

    # ------------------------------------------------------------ bad input
    def test_bad_input_writes_nothing(self):
        Claim = self.env["backoffice.expense.claim"].with_user(self.salesman)
        with self.assertRaisesRegex(ValidationError, "ends .* before it starts"):
            Claim.create({"date_from": self.monday, "date_to": self.monday - timedelta(days=1)})
        with self.assertRaisesRegex(ValidationError, "amount must be positive"):
            self._claim([{"date": self.monday, "category_id": self.hotel.id, "amount": -10.0}])
        with self.assertRaises(ValidationError):
            self._claim([{"date": self.monday, "amount": 10.0}])
        self.assertFalse(Claim.search([]))

    # ---------------------------------------------------------------- access
    def test_access_rules(self):
        mine = self._claim()
        theirs = self._claim(user=self.other_salesman, lines=[])
        Claim = self.env["backoffice.expense.claim"]
        self.assertEqual(
            Claim.with_user(self.salesman).search([("id", "in", (mine | theirs).ids)]), mine
        )
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesman).read(["name"])
        self.assertEqual(
            Claim.with_user(self.bo_user).search([("id", "in", (mine | theirs).ids)]),
            mine | theirs,
        )
        with self.assertRaises(AccessError):
            mine.with_user(self.accountant).read(["name"])
        mine.action_submit()
        mine.with_user(self.bo_user).action_audit()
        mine.with_user(self.bo_manager).action_approve()
        mine.with_user(self.bo_manager).action_post()
        self.assertTrue(mine.with_user(self.accountant).read(["name"]))
        with self.assertRaises(AccessError):
            self.hotel.with_user(self.bo_user).daily_cap = 1000
        with self.assertRaises(AccessError):
            self.env["backoffice.expense.budget"].with_user(self.bo_user).create(
                {
                    "user_id": self.salesman.id,
                    "date_from": self.monday,
                    "date_to": self.monday,
                    "amount": 1,
                }
            )
