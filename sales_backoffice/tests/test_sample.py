from datetime import date, timedelta
from io import BytesIO

from openpyxl import load_workbook

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import BackofficeCommon


class SampleCommon(BackofficeCommon):
    """Registrations and the reviewers' clicks, shared by the sample tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bo_user2 = new_test_user(
            cls.env,
            login="bo_user2",
            name="Ben Backoffice",
            groups="sales_backoffice.group_backoffice_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.stock = cls.warehouse.lot_stock_id
        cls.carrier = cls.env["res.partner"].create({"name": "SF Express", "company_id": False})

    def _sample(self, user=None, **vals):
        env = self.env(user=user or self.salesman)
        return env["backoffice.sample"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product_valve.id,
                            "quantity": 3,
                            "date_return_due": date.today() + timedelta(days=14),
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "description": "Colour card RAL 2024",
                            "quantity": 1,
                            "is_returnable": False,
                        },
                    ),
                ],
                **vals,
            }
        )

    def _decide(self, sample, user, decision, comment=None):
        """Click Approve or Reject as ``user`` and confirm the dialog."""
        record = sample.with_user(user)
        action = record.action_approve() if decision == "approve" else record.action_reject()
        self.assertEqual(action["res_model"], "backoffice.sample.decide")
        wizard = (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
            .create({"comment": comment})
        )
        self.assertEqual((wizard.sample_id, wizard.decision), (sample, decision))
        return wizard.action_confirm()

    def _approved(self):
        sample = self._sample()
        sample.action_submit()
        self._decide(sample, self.bo_user, "approve", "Checked quantities")
        self._decide(sample, self.bo_user2, "approve")
        return sample

    def _on_hand(self):
        return self.product_valve.with_context(location=self.stock.id).qty_available


@tagged("post_install", "-at_install")
class TestSampleRegistry(SampleCommon):
    # ----------------------------------------------------------- four eyes
    def test_requester_cannot_review(self):
        sample = self._sample(user=self.bo_user)
        sample.action_submit()
        with self.assertRaisesRegex(AccessError, "cannot review"):
            sample.with_user(self.bo_user).action_approve()
        with self.assertRaisesRegex(AccessError, "cannot review"):
            sample.with_user(self.bo_user)._do_approve()
        self.assertFalse(sample.review_ids)

    def test_same_reviewer_counts_once_and_one_is_not_enough(self):
        sample = self._sample()
        sample.action_submit()
        self.assertEqual(sample.required_reviews, 2)
        self._decide(sample, self.bo_user, "approve")
        self.assertEqual(sample.state, "to_review")
        with self.assertRaisesRegex(AccessError, "already reviewed"):
            sample.with_user(self.bo_user).action_approve()
        with self.assertRaisesRegex(AccessError, "already reviewed"):
            sample.with_user(self.bo_user)._do_approve()
        self.assertEqual(len(sample.review_ids), 1)
        self._decide(sample, self.bo_manager, "approve")
        self.assertEqual(sample.state, "approved")
        self.assertEqual(sample.review_ids.reviewer_id, self.bo_user | self.bo_manager)

    def test_salesman_cannot_review(self):
        sample = self._sample(user=self.other_salesman, user_id=self.salesman.id)
        sample.action_submit()
        with self.assertRaises(AccessError):
            sample.with_user(self.salesman).action_approve()
        with self.assertRaises(AccessError):
            sample.with_user(self.salesman)._do_approve()
        self.assertFalse(sample.review_ids)

    def test_rejection_stops_it_and_needs_comment(self):
        sample = self._sample()
        sample.action_submit()
        self._decide(sample, self.bo_user, "approve")
        with self.assertRaisesRegex(UserError, "Say why"):
            self._decide(sample, self.bo_user2, "reject", "  ")
        self._decide(sample, self.bo_user2, "reject", "Wrong colour batch")
        self.assertEqual(sample.state, "rejected")
        self.assertEqual(
            sample.review_ids.filtered(lambda r: r.decision == "reject").comment,
            "Wrong colour batch",
        )
        with self.assertRaises(UserError):
            sample.with_user(self.bo_manager)._do_approve()
        with self.assertRaises(UserError):
            sample.with_user(self.bo_manager).action_dispatch()

    def test_never_below_two_reviewers(self):
        with self.assertRaisesRegex(ValidationError, "at least two reviewers"):
            self._sample(required_reviews=1)
        with self.assertRaises(ValidationError):
            self.company.sample_required_reviews = 1
        three = self._sample(required_reviews=3)
        three.action_submit()
        self._decide(three, self.bo_user, "approve")
        self._decide(three, self.bo_user2, "approve")
        self.assertEqual(three.state, "to_review")
        self._decide(three, self.bo_manager, "approve")
        self.assertEqual(three.state, "approved")

    def test_no_shortcut_through_write_create_or_rpc(self):
        sample = self._sample()
        sample.action_submit()
        for user in (self.bo_user, self.bo_manager):
            with self.assertRaisesRegex(UserError, "actions only"):
                sample.with_user(user).write({"state": "approved"})
            with self.assertRaisesRegex(UserError, "needs 2 approvals"):
                sample.with_user(user).action_dispatch()
        with self.assertRaisesRegex(
            UserError, "review_ids change through the registration's actions"
        ):
            sample.with_user(self.bo_manager).write(
                {"review_ids": [(0, 0, {"reviewer_id": self.bo_user.id, "decision": "approve"})]}
            )
        with self.assertRaises(AccessError):
            self.env["backoffice.sample.review"].with_user(self.bo_manager).create(
                {"sample_id": sample.id, "reviewer_id": self.bo_user.id, "decision": "approve"}
            )
        with self.assertRaisesRegex(UserError, "starts as a draft"):
            self.env["backoffice.sample"].with_user(self.bo_manager).create(
                {"partner_id": self.customer.id, "state": "approved"}
            )
        self.assertEqual(sample.state, "to_review")
        self.assertFalse(sample.review_ids)

    def test_reviews_are_immutable(self):
        sample = self._approved()
        review = sample.review_ids[:1]
        with self.assertRaises(AccessError):
            review.with_user(self.bo_manager).comment = "changed"
        with self.assertRaises(AccessError):
            review.sudo().write({"decision": "reject"})
        with self.assertRaises(AccessError):
            review.with_user(self.bo_manager).unlink()

    # -------------------------------------------------------------- stock
    def test_dispatch_and_return_move_stock(self):
        sample = self._approved()
        before = self._on_hand()
        sample.with_user(self.bo_user).write(
            {"carrier_partner_id": self.carrier.id, "tracking_ref": "SF001"}
        )
        sample.with_user(self.bo_user).action_dispatch()
        self.assertEqual(sample.state, "dispatched")
        self.assertEqual(self._on_hand(), before - 3)
        samples_location = self.company.sample_location_id
        self.assertEqual(sample.picking_ids.location_dest_id, samples_location)
        self.assertEqual(sample.picking_ids.state, "done")
        valve_line = sample.line_ids.filtered("product_id")
        self.assertEqual(valve_line.qty_dispatched, 3)

        wizard = (
            self.env["backoffice.sample.return"]
            .with_user(self.bo_user)
            .create({"sample_id": sample.id})
        )
        wizard.line_ids.filtered(lambda line: line.sample_line_id == valve_line).quantity = 2
        wizard.action_confirm()
        self.assertEqual(valve_line.qty_returned, 2)
        self.assertEqual(self._on_hand(), before - 1)
        self.assertEqual(sample.state, "partially_returned")

        wizard = (
            self.env["backoffice.sample.return"]
            .with_user(self.bo_user)
            .create({"sample_id": sample.id})
        )
        line = wizard.line_ids.filtered(lambda line: line.sample_line_id == valve_line)
        line.quantity = 0
        line.is_consumed = True
        wizard.action_confirm()
        self.assertEqual(sample.state, "done")

    def test_return_more_than_dispatched(self):
        sample = self._approved()
        sample.with_user(self.bo_user).action_dispatch()
        wizard = (
            self.env["backoffice.sample.return"]
            .with_user(self.bo_user)
            .create({"sample_id": sample.id})
        )
        wizard.line_ids.quantity = 5
        with self.assertRaisesRegex(ValidationError, "5.0 returned, but only 3.0 are out"):
            wizard.action_confirm()
        self.assertEqual(len(sample.picking_ids), 1)
        self.assertEqual(sample.state, "dispatched")

    def test_bad_lines(self):
        with self.assertRaisesRegex(ValidationError, "quantity must be positive"):
            self._sample(line_ids=[(0, 0, {"description": "Brochure", "quantity": 0})])
        with self.assertRaisesRegex(ValidationError, "quantity must be positive"):
            self._sample(line_ids=[(0, 0, {"description": "Brochure", "quantity": -2})])
        with self.assertRaisesRegex(ValidationError, "before the dispatch"):
            self._sample(
                line_ids=[
                    (
                        0,
                        0,
                        {
                            "description": "Card",
                            "quantity": 1,
                            "date_return_due": date.today() - timedelta(days=1),
                        },
                    )
                ]
            )
        self.assertFalse(
            self.env["backoffice.sample"].search([("partner_id", "=", self.customer.id)])
        )

    def test_overdue_return_reminder_once(self):
        sample = self._approved()
        sample.with_user(self.bo_user).action_dispatch()
        # Back-date the due date past the dispatch (the form refuses that).
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE backoffice_sample_line SET date_return_due = %s WHERE sample_id = %s",
            (date.today() - timedelta(days=3), sample.id),
        )
        self.env.invalidate_all()
        self.env["backoffice.sample"].sudo()._cron_remind_samples()
        self.env["backoffice.sample"].sudo()._cron_remind_samples()
        reminders = sample.activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("sales_backoffice.mail_activity_type_sample_return")
        )
        self.assertEqual(len(reminders), 1)
        self.assertEqual(reminders.user_id, self.salesman)

    # -------------------------------------------------------------- fee
    def test_courier_fee_vendor_bill(self):
        sample = self._approved()
        sample.with_user(self.bo_user).write(
            {"carrier_partner_id": self.carrier.id, "tracking_ref": "SF002", "shipping_fee": 42.0}
        )
        sample.with_user(self.bo_user).action_dispatch()
        sample.with_user(self.bo_manager).action_post_fee()
        bill = sample.fee_move_id
        self.assertEqual(
            (bill.move_type, bill.state, bill.partner_id), ("in_invoice", "posted", self.carrier)
        )
        lines = bill.line_ids
        self.assertAlmostEqual(sum(lines.mapped("debit")), sum(lines.mapped("credit")))
        expense = lines.filtered(lambda line: line.account_id.account_type == "expense")
        payable = lines.filtered(lambda line: line.account_id.account_type == "liability_payable")
        self.assertAlmostEqual(expense.debit, 42.0)
        self.assertAlmostEqual(payable.credit, 42.0)
        self.assertFalse(sample.is_fee_paid)
        self._pay(bill, 42.0)
        self.assertTrue(sample.is_fee_paid)
        with self.assertRaisesRegex(UserError, "already posted"):
            sample.with_user(self.bo_manager).action_post_fee()

    def test_courier_fee_entry_without_carrier(self):
        bank = self.company_data["default_journal_bank"]
        account = self.company_data["default_account_expense"]
        self.company.write({"sample_fee_journal_id": bank.id, "sample_fee_account_id": account.id})
        sample = self._approved()
        sample.with_user(self.bo_user).write({"shipping_fee": 15.0})
        sample.with_user(self.bo_user).action_dispatch()
        sample.with_user(self.bo_user).action_post_fee()
        entry = sample.fee_move_id
        self.assertEqual(entry.journal_id, bank)
        debit = entry.line_ids.filtered(lambda line: line.debit)
        credit = entry.line_ids.filtered(lambda line: line.credit)
        self.assertEqual((debit.account_id, debit.debit), (account, 15.0))
        self.assertEqual((credit.account_id, credit.credit), (bank.default_account_id, 15.0))

    # ----------------------------------------------------------- incoming
    def test_incoming_document_verified_and_expiry_warning(self):
        document = self._sample(
            direction="incoming",
            material_type="certificate",
            date_expiry=date.today() + timedelta(days=10),
            line_ids=[
                (0, 0, {"description": "Business licence", "quantity": 1, "is_returnable": False})
            ],
        )
        document.action_submit()
        with self.assertRaises(UserError):
            document.with_user(self.salesman).action_verify()
        document.with_user(self.bo_user).action_verify()
        self.assertEqual((document.state, document.verified_by_id), ("done", self.bo_user))
        self.customer.invalidate_recordset(
            ["backoffice_document_ids", "backoffice_document_count"]
        )
        self.assertIn(document, self.customer.backoffice_document_ids)
        self.assertEqual(self.customer.backoffice_document_count, 1)
        self.env["backoffice.sample"].sudo()._cron_remind_samples()
        self.env["backoffice.sample"].sudo()._cron_remind_samples()
        warning = document.activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("sales_backoffice.mail_activity_type_document_expiry")
        )
        self.assertEqual(len(warning), 1)

    # ------------------------------------------------------------- access
    def test_access_rules(self):
        mine = self._sample(user=self.salesman)
        theirs = self._sample(user=self.other_salesman)
        Sample = self.env["backoffice.sample"]
        self.assertEqual(
            Sample.with_user(self.salesman).search([("id", "in", (mine | theirs).ids)]), mine
        )
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesman).read(["name"])
        self.assertEqual(
            Sample.with_user(self.bo_user).search([("id", "in", (mine | theirs).ids)]),
            mine | theirs,
        )
        with self.assertRaises(AccessError):
            mine.with_user(self.bo_user).unlink()
        mine.action_submit()
        with self.assertRaisesRegex(UserError, "Only the back office"):
            mine.with_user(self.salesman).write({"purpose": "changed"})
        other = self.setup_other_company()["company"]
        foreign = (
            self.env["backoffice.sample"]
            .sudo()
            .create(
                {"company_id": other.id, "line_ids": [(0, 0, {"description": "x", "quantity": 1})]}
            )
        )
        with self.assertRaises(AccessError):
            foreign.with_user(self.bo_user).read(["name"])

    def test_export(self):
        sample = self._approved()
        action = (
            self.env["backoffice.sample"]
            .with_user(self.bo_user)
            .browse(sample.ids)
            .action_export_xlsx()
        )
        download = (
            self.env["backoffice.xlsx.download"].sudo().browse(int(action["url"].split("/")[4]))
        )
        rows = list(
            load_workbook(BytesIO(download._get_content()))["Samples"].iter_rows(values_only=True)
        )
        self.assertEqual(rows[0][0], "Reference")
        self.assertEqual(rows[1][0], sample.name)
        self.assertEqual(rows[1][8], 2)
        self.assertEqual(rows[-1][0], "Total")
