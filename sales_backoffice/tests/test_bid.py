import base64
import inspect
from datetime import date, timedelta

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..tools.xlsx import Column, XlsxWriter
from .common import BackofficeCommon

HEADER = (
    "Tender Reference",
    "Title",
    "Purchaser",
    "Region",
    "Category",
    "Budget",
    "Published",
    "Submission Deadline",
    "Opening",
    "Salesperson",
)


@tagged("post_install", "-at_install")
class TestBid(BackofficeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = date.today()
        cls.category = (
            cls.env["backoffice.bid.category"]
            .sudo()
            .create(
                {
                    "name": "Pumps",
                    "template_ids": [
                        (0, 0, {"name": "Business licence", "document_type": "qualification"}),
                        (0, 0, {"name": "ISO 9001 certificate", "document_type": "certificate"}),
                        (
                            0,
                            0,
                            {
                                "name": "Inspection report",
                                "document_type": "inspection_report",
                                "is_required": False,
                            },
                        ),
                    ],
                }
            )
        )
        cls.purchaser = cls.env["res.partner"].create(
            {"name": "City Water Authority", "is_company": True}
        )
        cls.company.country_id = cls.env.ref("base.us")
        cls.Bid = cls.env["backoffice.bid"].with_user(cls.bo_user)

    def _bid(self, **vals):
        return self.Bid.create(
            {
                "name": "Pumps for plant 2",
                "tender_ref": "ZB-1",
                "purchaser_id": self.purchaser.id,
                "company_id": self.company.id,
                "date_published": self.today,
                "date_submission_deadline": self.today + timedelta(days=20),
                **vals,
            }
        )

    def _file(self, rows):
        writer = XlsxWriter()
        writer.add_sheet("Tenders", [Column(label) for label in HEADER], rows)
        return base64.b64encode(writer.save())

    def _import(self, rows):
        wizard = (
            self.env["backoffice.bid.import"]
            .with_user(self.bo_user)
            .create({"file_data": self._file(rows)})
        )
        wizard.action_import()
        return wizard

    # --------------------------------------------------------------- import
    def test_import_creates_then_updates(self):
        deadline = self.today + timedelta(days=15)
        rows = [
            [
                "ZB-10",
                "Valves",
                "City Water Authority",
                "California",
                "Pumps",
                50000,
                self.today,
                deadline,
                None,
                "bo_salesman",
            ],
            [
                "ZB-11",
                "Meters",
                "Port Authority",
                "NY",
                None,
                "12,500",
                self.today,
                deadline,
                deadline,
                None,
            ],
        ]
        wizard = self._import(rows)
        self.assertEqual(
            (wizard.created_count, wizard.updated_count, wizard.rejected_count), (2, 0, 0)
        )
        bid = self.env["backoffice.bid"].search([("tender_ref", "=", "ZB-10")])
        self.assertEqual(
            (bid.purchaser_id, bid.region_id.code, bid.user_id),
            (self.purchaser, "CA", self.salesman),
        )
        self.assertEqual(len(bid.document_ids), 3)
        self.assertTrue(self.env["res.partner"].search([("name", "=", "Port Authority")]))
        rows[0][5] = 65000
        wizard = self._import(rows)
        self.assertEqual((wizard.created_count, wizard.updated_count), (0, 2))
        self.assertEqual(
            self.env["backoffice.bid"].search_count([("tender_ref", "in", ("ZB-10", "ZB-11"))]), 2
        )
        self.assertEqual(bid.budget_amount, 65000)

    def test_import_rejects_everything_and_lists_rows(self):
        deadline = self.today + timedelta(days=15)
        rows = [
            [
                "ZB-20",
                "Good row",
                "City Water Authority",
                None,
                None,
                1000,
                self.today,
                deadline,
                None,
                None,
            ],
            [
                None,
                "No reference",
                "City Water Authority",
                None,
                None,
                1000,
                self.today,
                deadline,
                None,
                None,
            ],
            [
                "ZB-22",
                "Deadline first",
                "City Water Authority",
                None,
                None,
                1000,
                self.today,
                self.today - timedelta(days=1),
                None,
                None,
            ],
            [
                "ZB-23",
                "Unknown region",
                "City Water Authority",
                "Atlantis",
                None,
                1000,
                self.today,
                deadline,
                None,
                None,
            ],
            [
                "ZB-24",
                "Bad number",
                "City Water Authority",
                None,
                None,
                "lots",
                self.today,
                deadline,
                None,
                None,
            ],
        ]
        with self.assertRaises(ValidationError) as caught:
            self._import(rows)
        message = str(caught.exception)
        self.assertIn("Nothing was imported: 4 rows are wrong", message)
        self.assertIn("Row 3: Tender Reference is required", message)
        self.assertIn("Row 4: Submission Deadline is before the publication", message)
        self.assertIn("Row 5: unknown region 'Atlantis'", message)
        self.assertIn("Row 6: Budget: 'lots' is not a number", message)
        self.assertNotIn("Row 2", message)
        self.assertFalse(self.env["backoffice.bid"].search([("tender_ref", "like", "ZB-2")]))

    # ------------------------------------------------------------- records
    def test_reference_unique_per_purchaser_and_company(self):
        self._bid()
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self._bid()
        other = self.env["res.partner"].create({"name": "Other Buyer"})
        self.assertTrue(self._bid(purchaser_id=other.id))

    def test_bad_dates_and_amounts(self):
        with self.assertRaisesRegex(ValidationError, "before the publication"):
            self._bid(date_submission_deadline=self.today - timedelta(days=2))
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self._bid(budget_amount=-1)
        self.assertFalse(self.env["backoffice.bid"].search([("tender_ref", "=", "ZB-1")]))

    def test_checklist_and_submitted_guard(self):
        bid = self._bid()
        self.assertFalse(bid.document_ids)
        bid.category_id = self.category
        self.assertEqual(len(bid.document_ids), 3)
        self.assertEqual(
            bid.document_ids.filtered(lambda d: d.name == "Business licence").date_due,
            bid.date_submission_deadline - timedelta(days=2),
        )
        submitted = self.env.ref("sales_backoffice.bid_stage_submitted")
        with self.assertRaisesRegex(UserError, "Business licence"):
            bid.stage_id = submitted
        bid.document_ids.filtered("is_required").write({"is_ready": True})
        bid.stage_id = submitted
        self.assertEqual(bid.stage_id, submitted)

    def test_certificate_expiry_flag(self):
        bid = self._bid(category_id=self.category.id)
        certificate = bid.document_ids.filtered(lambda d: d.document_type == "certificate")
        certificate.date_expiry = bid.date_submission_deadline - timedelta(days=1)
        self.assertTrue(certificate.is_expiring)
        self.assertTrue(bid.has_expiring_document)
        certificate.date_expiry = bid.date_submission_deadline + timedelta(days=100)
        self.assertFalse(bid.has_expiring_document)

    def test_assignment_and_deadline_activities_once(self):
        bid = self._bid(
            user_id=self.salesman.id,
            date_questions_deadline=self.today + timedelta(days=1),
            date_submission_deadline=self.today + timedelta(days=2),
            date_opening=self.today + timedelta(days=30),
        )
        assigned = self.env.ref("sales_backoffice.mail_activity_type_bid_assigned")
        self.assertEqual(
            bid.activity_ids.filtered(lambda a: a.activity_type_id == assigned).user_id,
            self.salesman,
        )
        Bid = self.env["backoffice.bid"].sudo()
        Bid._cron_deadline_reminders()
        Bid._cron_deadline_reminders()
        types = bid.activity_ids.activity_type_id
        self.assertIn(self.env.ref("sales_backoffice.mail_activity_type_bid_questions"), types)
        self.assertIn(self.env.ref("sales_backoffice.mail_activity_type_bid_submission"), types)
        self.assertNotIn(self.env.ref("sales_backoffice.mail_activity_type_bid_opening"), types)
        self.assertEqual(len(bid.activity_ids), 3)
        # Done activities are not created again for the same deadline.
        bid.activity_ids.filtered(lambda a: a.activity_type_id != assigned).action_feedback("Done")
        Bid._cron_deadline_reminders()
        self.assertEqual(len(bid.activity_ids), 1)

    def test_source_check_reminder(self):
        source = (
            self.env["backoffice.bid.source"]
            .with_user(self.bo_manager)
            .create(
                {
                    "name": "State procurement portal",
                    "url": "https://procurement.example",
                    "check_interval_days": 2,
                    "user_id": self.bo_user.id,
                    "company_id": self.company.id,
                }
            )
        )
        self.env["backoffice.bid.source"].sudo()._cron_remind_checks()
        self.assertEqual(len(source.activity_ids), 1)
        self.env["backoffice.bid.source.check"].with_user(self.bo_user).create(
            {"source_id": source.id, "new_tender_count": 3}
        )
        self.assertFalse(source.is_check_due)

    def test_won_creates_linked_quotation(self):
        bid = self._bid(user_id=self.salesman.id, our_price=48000)
        action = bid.action_mark_won()
        order = self.env["sale.order"].browse(action["res_id"])
        self.assertEqual(
            (order.partner_id, order.bid_id, bid.order_id), (self.purchaser, bid, order)
        )
        self.assertEqual(order.state, "draft")
        self.assertTrue(bid.is_won)
        self.assertEqual(bid.win_rate, 100)
        self.assertEqual(bid.date_closed, date.today())

    def test_lost_records_winner(self):
        bid = self._bid(our_price=50000)
        reason = self.env.ref("sales_backoffice.bid_lost_reason_price")
        wizard = (
            self.env["backoffice.bid.lost"]
            .with_user(self.bo_user)
            .create(
                {
                    "bid_id": bid.id,
                    "winner_name": "Acme Pumps",
                    "winning_price": 46000,
                    "lost_reason_id": reason.id,
                }
            )
        )
        wizard.action_confirm()
        self.assertTrue(bid.is_lost)
        self.assertEqual(
            (bid.winner_name, bid.winning_price, bid.lost_reason_id), ("Acme Pumps", 46000, reason)
        )
        self.assertEqual(bid.price_gap, 4000)

    def test_access_rules(self):
        mine = self._bid(user_id=self.salesman.id)
        theirs = self._bid(tender_ref="ZB-2", user_id=self.other_salesman.id)
        Bid = self.env["backoffice.bid"]
        self.assertEqual(
            Bid.with_user(self.salesman).search([("id", "in", (mine | theirs).ids)]), mine
        )
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesman).read(["name"])
        with self.assertRaises(AccessError):
            Bid.with_user(self.salesman).create(
                {"name": "x", "tender_ref": "x", "purchaser_id": self.purchaser.id}
            )
        self.assertEqual(
            Bid.with_user(self.bo_user).search([("id", "in", (mine | theirs).ids)]), mine | theirs
        )
        with self.assertRaises(AccessError):
            mine.with_user(self.bo_user).unlink()
        with self.assertRaises(AccessError):
            self.env["backoffice.bid.stage"].with_user(self.bo_user).create(
                {"name": "Shortlisted"}
            )

    def test_other_company_records_refused(self):
        other_company = self.env["res.company"].create({"name": "Other Tenders Co"})
        other_source = (
            self.env["backoffice.bid.source"]
            .sudo()
            .create({"name": "Foreign portal", "company_id": other_company.id})
        )
        other_purchaser = self.env["res.partner"].create(
            {"name": "Foreign Buyer", "company_id": other_company.id}
        )
        bid = self._bid()
        with self.assertRaisesRegex(UserError, "belongs to another company"):
            bid.sudo().source_id = other_source
        with self.assertRaisesRegex(UserError, "belongs to another company"):
            self._bid(tender_ref="ZB-9", purchaser_id=other_purchaser.id)
        stranger = self.env["res.users"].create(
            {
                "name": "Stranger",
                "login": "bo_stranger",
                "company_id": other_company.id,
                "company_ids": [(6, 0, other_company.ids)],
            }
        )
        with self.assertRaisesRegex(UserError, "belongs to another company"):
            bid.sudo().user_id = stranger
        with self.assertRaisesRegex(UserError, "belongs to another company"):
            self.env["backoffice.bid.source.check"].sudo().create(
                {"source_id": other_source.id, "user_id": self.bo_user.id}
            )
        self.assertFalse(bid.source_id or bid.user_id)

    def test_buttons_take_no_arguments(self):
        models = (
            "backoffice.bid",
            "backoffice.bid.source",
            "backoffice.bid.source.check",
            "backoffice.bid.lost",
            "backoffice.bid.import",
        )
        for model in models:
            records = self.env[model]
            # The buttons of this module (not those of mail's mixins).
            actions = {
                name
                for cls in type(records).__mro__
                if cls.__module__.startswith("odoo.addons.sales_backoffice")
                for name in vars(cls)
                if name.startswith("action_")
            }
            self.assertTrue(actions, model)
            for name in actions:
                parameters = list(inspect.signature(getattr(records, name)).parameters)
                self.assertEqual(parameters, [], f"{model}.{name} takes {parameters}")
