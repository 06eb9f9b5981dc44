from datetime import date, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import BackofficeCommon

LOG_MODULE = "odoo.addons.sales_backoffice.models.backoffice_dunning_log"


class Interrupted(Exception):
    """The worker stopped between two batches."""


@tagged("post_install", "-at_install")
class TestDunning(BackofficeCommon):
    """The daily dunning run on real invoices and payments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.levels = cls.env["backoffice.dunning.level"].sudo()._create_default_levels(cls.company)
        cls.reminder, cls.letter, cls.call, cls.escalation = cls.levels
        # The run as the scheduler runs it. Its day is the superuser's (Brussels
        # in the demo), the invoices' below are UTC's (date.today(), and
        # freeze_time at UTC midnight): between 23:00 and midnight UTC the two
        # differ by a day, so the run here takes the tests' time zone.
        cls.Log = cls.env["backoffice.dunning.log"].with_user(SUPERUSER_ID).with_context(tz="UTC")
        # Only this company's contracts are dunned by the runs of these tests.
        cls.env["backoffice.dunning.level"].sudo().search(
            [("company_id", "!=", cls.company.id)]
        ).active = False

    def _overdue_contract(self, days, user=None, customer=None, qty=4):
        order = self._create_contract([(self.product_valve, qty, 150.0)], user=user)
        if customer:
            order.partner_id = customer
        invoice = self._overdue_invoice(order, days)
        return order, invoice

    def _run(self, **kwargs):
        self.env.invalidate_all()
        return self.Log._run_dunning(**kwargs)

    def _mails(self, partner):
        return self.env["mail.mail"].sudo().search([("recipient_ids", "in", partner.ids)])

    # ------------------------------------------------------------ the ladder
    def test_default_levels(self):
        self.assertEqual(self.levels.mapped("days_overdue"), [7, 30, 45, 90])
        self.assertEqual(self.levels.mapped("action"), ["email", "letter", "activity", "escalate"])
        main = self.env.ref("sales_backoffice.dunning_level_reminder").sudo()
        self.assertEqual(main.company_id, self.env.ref("base.main_company"))
        with self.assertRaisesRegex(ValidationError, "at least as many days"):
            self.letter.days_overdue = 3

    def test_levels_climb_once_per_run_never_twice(self):
        """100 days overdue passes every level: one level per run, in order."""
        order, _invoice = self._overdue_contract(100)
        self._run()
        self.assertEqual(order.dunning_level_id, self.reminder)
        # The same day again (a second run, a restarted job): nothing more.
        self._run()
        self.assertEqual(order.dunning_level_id, self.reminder)
        self.assertEqual(len(order.dunning_log_ids), 1)
        self.assertEqual(len(self._mails(self.customer)), 1)
        seen = [self.reminder]
        for offset, level in ((1, self.letter), (2, self.call), (3, self.escalation)):
            with freeze_time(date.today() + timedelta(days=offset)):
                self._run()
                self._run()
            self.assertEqual(order.dunning_level_id, level)
            seen.append(level)
        with freeze_time(date.today() + timedelta(days=4)):
            self._run()
        logs = order.dunning_log_ids.sorted(lambda log: (log.date, log.id))
        self.assertEqual(logs.level_id.ids, [level.id for level in seen])
        self.assertEqual(logs.mapped("state"), ["queued", "to_print", "done", "done"])
        self.assertEqual(len(set(logs.mapped("date"))), 4)
        activities = order.activity_ids
        self.assertIn(
            self.env.ref("sales_backoffice.mail_activity_type_dunning"),
            activities.activity_type_id,
        )
        escalation = activities.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("sales_backoffice.mail_activity_type_dunning_escalation")
        )
        self.assertEqual(len(escalation), 1)
        # Each step is in the chatter.
        notes = order.message_ids.filtered(lambda m: "Dunning level" in (m.body or ""))
        self.assertEqual(len(notes), 4)

    def test_level_waits_for_its_days(self):
        order, _invoice = self._overdue_contract(10)
        self._run()
        self.assertEqual(order.dunning_level_id, self.reminder)
        with freeze_time(date.today() + timedelta(days=5)):
            self._run()
        self.assertEqual(order.dunning_level_id, self.reminder, "15 days: no letter yet")
        not_yet, _invoice = self._overdue_contract(3)
        self._run()
        self.assertFalse(not_yet.dunning_level_id)
        self.assertFalse(not_yet.dunning_log_ids)

    def test_run_narrowed_to_some_contracts(self):
        """A run given a domain steps only those contracts; the next full
        run steps the others, and each contract once."""
        other_customer = self.customer.copy({"name": "Narrowed-run customer"})
        order, _invoice = self._overdue_contract(10)
        other, _invoice = self._overdue_contract(10, customer=other_customer)
        stepped = self._run(domain=[("partner_id", "=", other_customer.id)])
        self.assertEqual(stepped, other)
        self.assertFalse(order.dunning_level_id)
        self.assertEqual(other.dunning_level_id, self.reminder)
        stepped = self._run()
        self.assertIn(order, stepped)
        self.assertNotIn(other, stepped)
        self.assertEqual((order | other).dunning_level_id, self.reminder)
        self.assertEqual(len((order | other).dunning_log_ids), 2)

    def test_call_level_one_message_per_salesperson(self):
        """Two contracts reach the call level in one run: their salesperson
        gets one message listing both, not a notification per activity."""
        orders = self._overdue_contract(50)[0] | self._overdue_contract(50)[0]
        orders.sudo().write({"dunning_level_id": self.letter.id})
        # The run's message is the salesperson's alone (not readable by the
        # test's accountant).
        Message = self.env["mail.message"].sudo()
        before = Message.search([], order="id desc", limit=1).id
        self._run()
        self.assertEqual(orders.dunning_level_id, self.call)
        dunning = self.env.ref("sales_backoffice.mail_activity_type_dunning")
        for order in orders:
            activity = order.activity_ids.filtered(lambda a: a.activity_type_id == dunning)
            self.assertEqual(activity.user_id, self.salesman)
        notices = Message.search(
            [
                ("id", ">", before),
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", self.salesman.partner_id.ids),
            ]
        )
        self.assertEqual(len(notices), 1, notices.mapped("subject"))
        for order in orders:
            self.assertIn(order.contract_ref, notices.body)

    # ------------------------------------------------------------------ mail
    def test_email_queued_with_statement(self):
        """One message per customer and run, listing each contract at its own
        level with what is still due (not the invoice total after a partial
        payment), queued with the statement attached."""
        first, invoice = self._overdue_contract(40)
        self._run()  # first: reminder
        second, second_invoice = self._overdue_contract(10, qty=2)
        self._pay(second_invoice, 100.0)
        self.assertEqual(len(self._mails(self.customer)), 1)
        with freeze_time(date.today() + timedelta(days=1)):
            self._run()
        self.assertEqual(first.dunning_level_id, self.letter)
        self.assertEqual(second.dunning_level_id, self.reminder)
        mails = self._mails(self.customer)
        self.assertEqual(len(mails), 2)
        mail = mails.sorted("id")[-1]
        self.assertEqual(mail.state, "outgoing", "queued, not sent during the run")
        self.assertEqual(mail.attachment_ids.mimetype, "application/pdf")
        self.assertTrue(mail.attachment_ids.raw)
        body = str(mail.body_html)
        for order in first | second:
            self.assertIn(order.contract_ref, body)
        self.assertIn(self.letter.name, body)
        self.assertIn(self.reminder.name, body)
        self.assertEqual(invoice.amount_residual, 690.0)
        self.assertEqual(second_invoice.amount_residual, 245.0)
        self.assertIn("245.00", body)
        table = body[body.index("<th>Still due</th>") :]
        self.assertNotIn("345.00", table, "the invoice total after a partial payment")
        log = second.dunning_log_ids
        self.assertEqual((log.state, log.mail_id), ("queued", mail))
        self.assertAlmostEqual(log.amount_receivable, 245.0)
        # The mail leaves through the queue: the next run marks it sent.
        mail.write({"state": "sent"})
        with freeze_time(date.today() + timedelta(days=1)):
            self._run()
        self.assertEqual(log.state, "sent")

    def test_blacklisted_address_fails_with_activity(self):
        self.env["mail.blacklist"].sudo()._add(self.customer.email)
        order, _invoice = self._overdue_contract(10)
        self._run()
        log = order.dunning_log_ids
        self.assertEqual(log.state, "failed")
        self.assertIn("blacklisted", log.note)
        self.assertFalse(self._mails(self.customer))
        failure = order.activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("sales_backoffice.mail_activity_type_dunning_failure")
        )
        self.assertEqual(failure.user_id, self.salesman)

    def test_bounced_address_fails(self):
        self.customer.message_bounce = 2
        order, _invoice = self._overdue_contract(10)
        self._run()
        self.assertEqual(order.dunning_log_ids.state, "failed")
        self.assertIn("bounced", order.dunning_log_ids.note)

    def test_send_error_marks_step_failed(self):
        """A reminder the queue could not send never stays queued."""
        order, _invoice = self._overdue_contract(10)
        self._run()
        log = order.dunning_log_ids
        self.assertEqual(log.state, "queued")
        log.mail_id.sudo().write(
            {"state": "exception", "failure_reason": "550 mailbox unavailable"}
        )
        self._run()
        self.assertEqual(log.state, "failed")
        self.assertIn("550", log.note)
        self.assertEqual(
            order.activity_ids.filtered(
                lambda a: a.activity_type_id
                == self.env.ref("sales_backoffice.mail_activity_type_dunning_failure")
            ).user_id,
            self.salesman,
        )

    # --------------------------------------------------------------- promise
    def test_promise_pauses_and_broken_promise_resumes(self):
        order, _invoice = self._overdue_contract(10)
        self._run()
        self.assertEqual(order.dunning_level_id, self.reminder)
        action = order.with_user(self.salesman).action_dunning_promise()
        wizard = Form(
            self.env[action["res_model"]]
            .with_user(self.salesman)
            .with_context(**action["context"])
        )
        wizard.date_payment_promised = date.today() + timedelta(days=3)
        wizard.amount_payment_promised = 300.0
        wizard.save().action_confirm()
        self.assertEqual(order.date_payment_promised, date.today() + timedelta(days=3))
        self.assertEqual(order.amount_payment_promised, 300.0)
        # 30 days overdue on day 20, but the promise holds dunning.
        with freeze_time(date.today() + timedelta(days=3)):
            self._run()
        self.assertEqual(order.dunning_level_id, self.reminder)
        self.assertEqual(len(order.dunning_log_ids), 1)
        # The promise date passed unpaid: the next level at once (14 days, not 30).
        with freeze_time(date.today() + timedelta(days=4)):
            self._run()
        self.assertEqual(order.dunning_level_id, self.letter)
        self.assertFalse(order.date_payment_promised)
        self.assertTrue(
            order.message_ids.filtered(lambda m: "not kept" in (m.body or "")),
        )

    def test_promise_is_validated(self):
        order, _invoice = self._overdue_contract(10)
        mine = order.with_user(self.salesman)
        with self.assertRaisesRegex(ValidationError, "today's date or a later one"):
            mine._do_promise_payment(date.today() - timedelta(days=1), 100.0)
        with self.assertRaisesRegex(ValidationError, "at most the"):
            mine._do_promise_payment(date.today() + timedelta(days=2), 10_000.0)
        with self.assertRaisesRegex(ValidationError, "at most 90 days"):
            mine._do_promise_payment(date.today() + timedelta(days=200), 100.0)
        paid = self._create_contract([(self.product_valve, 1, 150.0)])
        with self.assertRaisesRegex(ValidationError, "nothing overdue"):
            paid.with_user(self.salesman)._do_promise_payment(date.today(), 10.0)
        self.assertFalse(order.date_payment_promised)

    def test_paying_resets(self):
        order, invoice = self._overdue_contract(10)
        self._run()
        self.assertEqual(order.dunning_level_id, self.reminder)
        self._pay(invoice, invoice.amount_residual)
        self._run()
        self.assertFalse(order.dunning_level_id)
        self.assertTrue(order.message_ids.filtered(lambda m: "dunning reset" in (m.body or "")))

    # ---------------------------------------------------------- resumption
    def test_interrupted_run_resumes_without_sending_twice(self):
        customers = self.env["res.partner"].create(
            [
                {"name": f"Dunned {index}", "email": f"dunned{index}@example.com"}
                for index in range(3)
            ]
        )
        orders = self.env["sale.order"]
        for customer in customers:
            for _count in range(2):
                order, _invoice = self._overdue_contract(10, customer=customer)
                orders |= order
        calls = []

        def interrupt(env, processed, remaining=None):
            calls.append(processed)
            env.flush_all()
            if len(calls) == 1:
                return float("inf")
            raise Interrupted

        # Not assertRaises: its savepoint would undo the batches "committed"
        # before the stop, which is what the restarted run must build on.
        interrupted = False
        with patch(f"{LOG_MODULE}.commit_progress", side_effect=interrupt):
            try:
                self._run(batch_size=2)
            except Interrupted:
                interrupted = True
        self.assertTrue(interrupted)
        self.assertEqual(calls[0], 2, "a customer's two contracts in one batch")
        half = orders.filtered("dunning_level_id")
        self.assertEqual(len(half), 4, "two batches committed before the stop")
        self._run(batch_size=2)
        self.assertEqual(orders.mapped("dunning_level_id"), self.reminder)
        for customer in customers:
            self.assertEqual(len(self._mails(customer)), 1, customer.name)
        for order in orders:
            self.assertEqual(len(order.dunning_log_ids), 1)

    def test_locked_contract_is_skipped_and_recorded(self):
        order, _invoice = self._overdue_contract(10)
        Log = type(self.Log)
        with patch.object(Log, "_lock_orders", lambda _self, orders: orders):
            self._run()
        log = order.dunning_log_ids
        self.assertEqual(log.state, "skipped")
        self.assertFalse(order.dunning_level_id)
        self.assertTrue(order.message_ids.filtered(lambda m: "skipped" in (m.body or "")))
        # The next run steps it.
        self._run()
        self.assertEqual(order.dunning_level_id, self.reminder)

    def test_letter_to_print(self):
        order, _invoice = self._overdue_contract(40)
        self._run()
        with freeze_time(date.today() + timedelta(days=1)):
            self._run()
        log = order.dunning_log_ids.filtered(lambda log: log.state == "to_print")
        self.assertEqual(log.level_id, self.letter)
        tile = (
            self.env["backoffice.workbench"]
            .with_user(self.bo_user)
            .search([("key", "=", "dunning_letters_to_print")])
        )
        self.assertEqual(tile.count, 1)
        with self.assertRaisesRegex(AccessError, "Only the back office"):
            log.with_user(self.salesman).action_print_letter()
        action = log.with_user(self.bo_user).action_print_letter()
        self.assertEqual(action["report_name"], "sales_backoffice.report_dunning_letter")
        self.assertEqual(log.state, "printed")
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "sales_backoffice.action_report_dunning_letter", order.ids
        )
        self.assertIn(order.contract_ref, html.decode())


@tagged("post_install", "-at_install")
class TestDunningSecurity(BackofficeCommon):
    """Dunning fields and logs are the run's; promises are the salesperson's
    or the back office's; logs follow the contracts' record rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.levels = cls.env["backoffice.dunning.level"].sudo()._create_default_levels(cls.company)
        cls.env["backoffice.dunning.level"].sudo().search(
            [("company_id", "!=", cls.company.id)]
        ).active = False
        cls.order = cls._create_contract([(cls.product_valve, 4, 150.0)], user=cls.salesman)
        invoice = cls.order._create_invoices()
        invoice.invoice_payment_term_id = False
        invoice.invoice_date = date.today() - timedelta(days=10)
        invoice.invoice_date_due = date.today() - timedelta(days=10)
        invoice.action_post()
        cls.env["backoffice.dunning.log"].with_user(SUPERUSER_ID)._run_dunning()

    def test_salesperson_cannot_forge_dunning_fields(self):
        mine = self.order.with_user(self.salesman).with_context(
            default_dunning_level_id=self.levels[-1].id
        )
        for vals in (
            {"dunning_level_id": False},
            {"date_payment_promised": date.today() + timedelta(days=30)},
            {"amount_payment_promised": 1.0},
            {"dunning_log_ids": [Command.clear()]},
        ):
            with self.assertRaisesRegex(AccessError, "dunning"):
                mine.write(vals)
        with self.assertRaisesRegex(AccessError, "dunning_level_id"):
            self.env["sale.order"].with_user(self.salesman).create(
                {"partner_id": self.customer.id, "dunning_level_id": self.levels[-1].id}
            )
        created = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .with_context(default_dunning_level_id=self.levels[-1].id)
            .create({"partner_id": self.customer.id})
        )
        self.assertFalse(created.dunning_level_id)
        with self.assertRaisesRegex(AccessError, "dunning run only"):
            self.env["backoffice.dunning.log"].with_user(self.bo_manager).create(
                {"order_id": self.order.id, "date": date.today(), "state": "done"}
            )
        with self.assertRaises(AccessError):
            self.order.dunning_log_ids.with_user(self.bo_manager).write({"state": "sent"})
        self.order.invalidate_recordset()
        self.assertEqual(self.order.dunning_level_id, self.levels[0])

    def test_promise_on_another_salespersons_contract_refused(self):
        theirs = self.order.with_user(self.other_salesman)
        with self.assertRaises(AccessError):
            theirs.action_dunning_promise()
        with self.assertRaises(AccessError):
            theirs._do_promise_payment(date.today() + timedelta(days=2), 100.0)
        # The back office may.
        self.order.with_user(self.bo_user)._do_promise_payment(
            date.today() + timedelta(days=2), 100.0
        )
        self.assertEqual(self.order.amount_payment_promised, 100.0)

    def test_logs_follow_the_contracts(self):
        Log = self.env["backoffice.dunning.log"]
        self.assertEqual(Log.with_user(self.salesman).search_count([]), 1)
        self.assertEqual(Log.with_user(self.other_salesman).search_count([]), 0)
        with self.assertRaises(AccessError):
            self.order.dunning_log_ids.with_user(self.other_salesman).read(["state"])
        self.assertEqual(Log.with_user(self.bo_user).search_count([]), 1)
        # Another company's back office sees neither the log nor the levels.
        other_company = self.env["res.company"].create({"name": "Other Dunning Co"})
        outsider = new_test_user(
            self.env,
            login="bo_outsider",
            groups="sales_backoffice.group_backoffice_manager",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        self.assertEqual(Log.with_user(outsider).search_count([]), 0)
        self.assertFalse(
            self.env["backoffice.dunning.level"]
            .with_user(outsider)
            .search([("company_id", "=", self.company.id)])
        )
        with self.assertRaises(AccessError):
            self.levels[0].with_user(self.salesman).write({"days_overdue": 1})
