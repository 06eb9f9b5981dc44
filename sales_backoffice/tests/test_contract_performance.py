from datetime import date, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import SQL

from .common import BackofficeCommon


@tagged("post_install", "-at_install")
class TestContractLifecycle(BackofficeCommon):
    """A whole contract, step by step; after each step the report and the
    performance list equal what stock and accounting say."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency(
            "EUR",
            rates=[
                ("2017-01-01", 2.0),
                (str(date.today() - timedelta(days=1)), 2.0),
                (str(date.today()), 2.5),
            ],
        )

    def test_full_contract(self):
        # 1. Confirmation: contract reference, signature event, ordered amount.
        order = self._create_contract()
        self.assertTrue(order.contract_ref.startswith("CT/"))
        self.assertEqual(order.date_contract_signed, date.today())
        self.assertEqual(order.contract_event_ids.mapped("event_type"), ["signed"])
        perf = self.assertMatchesAccounting(order)
        self.assertAlmostEqual(perf.amount_ordered, 10 * 1200 + 4 * 150)
        self.assertEqual(perf.delivery_rate, 0)

        # 2. Partial delivery.
        delivery = self._deliver(order, {self.product_pump: 6, self.product_valve: 4})
        event = order.contract_event_ids.filtered(lambda e: e.event_type == "delivery")
        self.assertEqual(event.picking_id, delivery)
        self.assertAlmostEqual(event.amount, 6 * 1200 + 4 * 150)
        perf = self.assertMatchesAccounting(order)
        self.assertAlmostEqual(perf.delivery_rate, 100.0 * 7800 / 12600, places=4)

        # 3. Return with a reason and a redelivery flag, by a warehouse user.
        returned = self._return(
            delivery,
            {self.product_pump: 1},
            reason=self.reason_damaged,
            needs_redelivery=True,
            user=self.stock_user,
        )
        event = order.contract_event_ids.filtered(lambda e: e.event_type == "return")
        self.assertEqual(event.picking_id, returned)
        self.assertEqual(event.return_reason_id, self.reason_damaged)
        self.assertTrue(event.needs_redelivery)
        self.assertAlmostEqual(event.amount, -1200.0)
        perf = self.assertMatchesAccounting(order)
        self.assertAlmostEqual(perf.amount_returned, 1200.0)

        # 4. Invoice what the policies allow (5 pumps delivered, 4 valves ordered).
        invoice = self._invoice(order, user=self.bo_user)
        self.assertEqual(invoice.state, "posted")
        perf = self.assertMatchesAccounting(order)
        self.assertAlmostEqual(perf.amount_invoiced, 5 * 1200 + 4 * 150)
        self.assertAlmostEqual(perf.amount_receivable, (5 * 1200 + 4 * 150) * 1.15)

        # 5. A second invoice with a changed price is blocked for the back office user.
        self._deliver(order, {self.product_pump: 2})
        second = order._create_invoices()
        second.invoice_line_ids.filtered(
            lambda line: line.product_id == self.product_pump
        ).price_unit = 1100
        with self.assertRaisesRegex(UserError, "Industrial Pump: unit price 1100"):
            second.with_user(self.bo_user).action_post()
        self.assertEqual(second.state, "draft")
        self.assertMatchesAccounting(order)
        second.button_cancel()
        self.assertMatchesAccounting(order)

        # 6. Partial payment in a foreign currency, at the payment's rate.
        payment = self._pay(invoice, 2000.0, currency=self.eur)
        perf = self.assertMatchesAccounting(order)
        self.assertAlmostEqual(perf.amount_collected, 2000.0 / 2.5)
        self.assertAlmostEqual(perf.amount_receivable, 6600 * 1.15 - 800.0)
        self.assertGreater(perf.collection_rate, 0)

        # 7. Cancelling the payment takes its effect away.
        payment.action_draft()
        payment.action_cancel()
        perf = self.assertMatchesAccounting(order)
        self.assertEqual(perf.amount_collected, 0)
        self.assertFalse(order.contract_event_ids.filtered(lambda e: e.event_type == "payment"))

        # 8. Resetting the invoice to draft removes it; posting again restores it.
        invoice.button_draft()
        perf = self.assertMatchesAccounting(order)
        self.assertEqual(perf.amount_invoiced, 0)
        invoice.action_post()
        perf = self.assertMatchesAccounting(order)
        self.assertAlmostEqual(perf.amount_invoiced, 6600)

    def test_registration_after_install_keeps_milestones_after_signature(self):
        """The install hook registers the orders confirmed before the module, in
        the installing user's time zone, where the order's date may fall on the
        day after the milestones already recorded on it (a closed case): the
        signature then takes the earliest milestone's date."""
        order = self._create_contract()
        yesterday = date.today() - timedelta(days=1)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "DELETE FROM backoffice_contract_event WHERE order_id = %(id)s;"
                "UPDATE sale_order SET date_contract_signed = NULL, date_order = %(now)s"
                " WHERE id = %(id)s",
                id=order.id,
                now=fields.Datetime.now(),
            )
        )
        self.env.invalidate_all()
        self.env["backoffice.contract.event"].sudo().create(
            {"order_id": order.id, "event_type": "installation", "date": yesterday}
        )
        order.with_context(tz="Pacific/Kiritimati")._backoffice_register_contracts()
        self.assertEqual(order.date_contract_signed, yesterday)
        signed = order.contract_event_ids.filtered(lambda e: e.event_type == "signed")
        self.assertEqual(signed.date, yesterday)

    def test_milestone_today_never_before_signature(self):
        """A contract confirmed by a user a time zone ahead can be signed
        'tomorrow' for the back office: a milestone recorded without a date is
        dated on the signature, one dated before it is still refused."""
        order = self._create_contract()
        tomorrow = date.today() + timedelta(days=1)
        order.sudo().date_contract_signed = tomorrow
        env = self.env(user=self.bo_user)
        wizard = env["backoffice.contract.milestone"].create(
            {"order_id": order.id, "event_type": "note", "note": "Called the buyer"}
        )
        self.assertEqual(wizard.date, tomorrow)
        wizard.action_record()
        event = env["backoffice.contract.event"].create(
            {"order_id": order.id, "event_type": "note", "note": "Memo"}
        )
        self.assertEqual(event.date, tomorrow)
        self.assertEqual(
            order.contract_event_ids.filtered(lambda e: e.event_type == "note").mapped("date"),
            [tomorrow, tomorrow],
        )
        with self.assertRaisesRegex(ValidationError, "before the contract was signed"):
            env["backoffice.contract.event"].create(
                {"order_id": order.id, "event_type": "note", "date": date.today()}
            )

    def test_foreign_currency_contract(self):
        order = self._create_contract(
            [(self.product_valve, 10, 100.0)],
            currency=self.eur,
            date_order=date.today() - timedelta(days=1),
        )
        perf = self.assertMatchesAccounting(order)
        # Odoo dates the order at confirmation (today): ordered at today's rate.
        self.assertAlmostEqual(perf.amount_ordered, 1000.0 / 2.5)
        self._deliver(order, {self.product_valve: 10})
        invoice = order._create_invoices()
        invoice.invoice_date = date.today() - timedelta(days=1)
        invoice.action_post()
        perf = self.assertMatchesAccounting(order)
        self.assertAlmostEqual(perf.amount_invoiced, 500.0)
        # Paid today at 2.5 EUR per company unit: 460 collected, not 575.
        self._pay(invoice, 1150.0)
        perf = self.assertMatchesAccounting(order)
        self.assertAlmostEqual(perf.amount_collected, 1150.0 / 2.5)
        self.assertAlmostEqual(perf.amount_receivable, 0.0)

    def test_credit_note(self):
        order = self._create_contract([(self.product_valve, 4, 150.0)])
        invoice = self._invoice(order)
        reversal = invoice._reverse_moves([{"invoice_date": date.today()}])
        reversal.action_post()
        perf = self.assertMatchesAccounting(order)
        self.assertAlmostEqual(perf.amount_invoiced, 0.0)
        self.assertEqual(
            sorted(order.contract_event_ids.mapped("event_type")), ["invoice", "refund", "signed"]
        )


@tagged("post_install", "-at_install")
class TestInvoiceCheck(BackofficeCommon):
    def _mismatched_invoice(self):
        order = self._create_contract(
            [(self.product_valve, 4, 150.0), (self.product_pump, 2, 1200.0)]
        )
        self._deliver(order, {self.product_valve: 4, self.product_pump: 2})
        invoice = order._create_invoices()
        lines = invoice.invoice_line_ids
        lines.filtered(lambda line: line.product_id == self.product_valve).write(
            {"discount": 10.0, "quantity": 5}
        )
        invoice.invoice_line_ids = [
            Command.create({"name": "Freight", "price_unit": 80.0, "quantity": 1})
        ]
        return invoice

    def test_mismatch_lists_every_line(self):
        invoice = self._mismatched_invoice()
        with self.assertRaises(UserError) as caught:
            invoice.with_user(self.bo_user).action_post()
        message = str(caught.exception)
        self.assertIn("Control Valve: discount 10.0%", message)
        self.assertIn("Control Valve: 5.0 invoiced in all, only 4.0 ordered", message)
        self.assertIn("Freight is not on contract", message)
        self.assertNotIn("Industrial Pump", message)
        self.assertEqual(invoice.state, "draft")
        self.assertFalse(invoice.contract_event_ids)

    def test_matching_invoice_posts(self):
        order = self._create_contract([(self.product_valve, 4, 150.0)])
        invoice = self._invoice(order, post=False)
        self.assertFalse(invoice._backoffice_invoice_mismatches())
        invoice.with_user(self.bo_user).action_post()
        self.assertEqual(invoice.state, "posted")
        # Once posted, the invoice does not count twice against the order.
        self.assertFalse(invoice._backoffice_invoice_mismatches())

    def test_manager_override_needs_reason(self):
        invoice = self._mismatched_invoice()
        with self.assertRaisesRegex(UserError, "give an override reason"):
            invoice.with_user(self.bo_manager).action_post()
        invoice.invoice_check_override_reason = (
            "Customer agreed to the extra valve and freight by phone"
        )
        invoice.with_user(self.bo_manager).action_post()
        self.assertEqual(invoice.state, "posted")
        note = invoice.message_ids.filtered(lambda m: "Invoice check overridden" in (m.body or ""))
        self.assertTrue(note)
        self.assertIn("extra valve and freight", note.body)

    def test_automated_flow_is_recorded_not_blocked(self):
        invoice = self._mismatched_invoice()
        invoice.sudo().action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertTrue(
            invoice.message_ids.filtered(lambda m: "Posted by an automated flow" in (m.body or ""))
        )


@tagged("post_install", "-at_install")
class TestReturnsAndMilestones(BackofficeCommon):
    def test_return_reason_required_for_people(self):
        order = self._create_contract([(self.product_pump, 2, 1200.0)])
        delivery = self._deliver(order, {self.product_pump: 2})
        # In the web client the field is required ...
        wizard = Form(
            self.env["stock.return.picking"]
            .with_user(self.stock_user)
            .with_context(active_id=delivery.id, active_model="stock.picking")
        )
        with self.assertRaisesRegex(AssertionError, "return_reason_id is a required field"):
            wizard.save()
        # ... and over RPC the server refuses it.
        with self.assertRaisesRegex(UserError, "needs a return reason"):
            self._return(delivery, {self.product_pump: 1}, user=self.stock_user)
        self.assertEqual(len(order.picking_ids), 1)

    def test_return_without_reason_by_automation_is_recorded(self):
        order = self._create_contract([(self.product_pump, 2, 1200.0)])
        delivery = self._deliver(order, {self.product_pump: 2})
        returned = self._return(delivery, {self.product_pump: 1})
        self.assertTrue(
            returned.message_ids.filtered(lambda m: "without a return reason" in (m.body or ""))
        )
        event = order.contract_event_ids.filtered(lambda e: e.event_type == "return")
        self.assertFalse(event.return_reason_id)
        self.assertMatchesAccounting(order)

    def test_unknown_return_reason(self):
        order = self._create_contract([(self.product_pump, 2, 1200.0)])
        delivery = self._deliver(order, {self.product_pump: 2})
        wizards = self.env["stock.return.picking"].with_user(self.stock_user)
        with self.assertRaisesRegex(ValidationError, "no return reason with id 999999"):
            wizards.create({"picking_id": delivery.id, "return_reason_id": 999999})
        wizard = wizards.create({"picking_id": delivery.id})
        with self.assertRaisesRegex(ValidationError, "no return reason with id 999999"):
            wizard.write({"return_reason_id": 999999})
        self.assertEqual(len(order.picking_ids), 1)

    def test_record_milestone(self):
        order = self._create_contract([(self.product_valve, 1, 150.0)])
        wizard = Form(
            self.env["backoffice.contract.milestone"]
            .with_user(self.bo_user)
            .with_context(default_order_id=order.id)
        )
        wizard.event_type = "signed_copy_returned"
        wizard.date = date.today()
        wizard.save().action_record()
        self.assertEqual(order.date_signed_copy_returned, date.today())

    def test_record_dispatch(self):
        order = self._create_contract([(self.product_valve, 1, 150.0)])
        invoice = self._invoice(order)
        action = invoice.with_user(self.bo_user).action_backoffice_record_dispatch()
        wizard = Form(
            self.env[action["res_model"]].with_user(self.bo_user).with_context(**action["context"])
        )
        wizard.dispatch_method = "courier"
        wizard.carrier_name = "SF Express"
        wizard.tracking_ref = "SF1234567890"
        wizard.save().action_record()
        event = order.contract_event_ids.filtered(lambda e: e.event_type == "invoice_dispatched")
        self.assertEqual((event.move_id, event.tracking_ref), (invoice, "SF1234567890"))
        self.assertEqual(invoice.date_dispatched, date.today())

    def test_bad_milestones_write_nothing(self):
        order = self._create_contract([(self.product_valve, 1, 150.0)])
        events = self.env["backoffice.contract.event"].with_user(self.bo_user)
        before = len(order.contract_event_ids)
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            events.create({"order_id": order.id, "event_type": "quality_issue", "amount": -5.0})
        with self.assertRaisesRegex(ValidationError, "before the contract was signed"):
            events.create(
                {
                    "order_id": order.id,
                    "event_type": "acceptance",
                    "date": date.today() - timedelta(days=3),
                }
            )
        with self.assertRaisesRegex(ValidationError, "recorded from their documents"):
            events.create({"order_id": order.id, "event_type": "payment", "amount": 100.0})
        order.invalidate_recordset()
        self.assertEqual(len(order.contract_event_ids), before)

    def test_document_events_are_read_only(self):
        order = self._create_contract([(self.product_valve, 2, 150.0)])
        self._deliver(order, {self.product_valve: 2})
        delivery_event = order.contract_event_ids.filtered(lambda e: e.event_type == "delivery")
        with self.assertRaises(ValidationError):
            delivery_event.with_user(self.bo_manager).amount = 1.0
        with self.assertRaises(ValidationError):
            delivery_event.with_user(self.bo_manager).unlink()


@tagged("post_install", "-at_install")
class TestReceivables(BackofficeCommon):
    def _overdue_contract(self, days, user=None):
        order = self._create_contract([(self.product_valve, 2, 150.0)], user=user)
        return order, self._overdue_invoice(order, days)

    def _dunning(self, order):
        return order.activity_ids.filtered(
            lambda a: a.activity_type_id
            == self.env.ref("sales_backoffice.mail_activity_type_dunning")
        )

    def test_classification_and_single_dunning_activity(self):
        late, _invoice = self._overdue_contract(40)
        very_late, _invoice = self._overdue_contract(100)
        on_time, _invoice = self._overdue_contract(5)
        perf = self._performance(late)
        self.assertEqual(perf.days_overdue, 40)
        self.assertAlmostEqual(perf.amount_overdue, 300 * 1.15)
        Message = self.env["mail.message"].sudo()  # the salesperson's own messages
        before = Message.search([], order="id desc", limit=1).id
        self.env["sale.order"].with_context(
            tracking_disable=False, mail_notrack=False
        )._cron_classify_receivables()
        # One message tells the salesperson of both new activities, instead
        # of Odoo's "assigned to you" notification per activity.
        notices = Message.search(
            [
                ("id", ">", before),
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", self.salesman.partner_id.ids),
            ]
        )
        self.assertEqual(len(notices), 1, notices.mapped("subject"))
        self.assertIn("2 activities assigned to you", notices.subject)
        for order in (late, very_late):
            self.assertIn(order.contract_ref, notices.body)
            self.assertIn(f"res_id={order.id}", notices.body)
        self.assertNotIn(on_time.contract_ref, notices.body)
        if self.salesman.notification_type == "email":
            self.assertEqual(notices.mail_ids.recipient_ids, self.salesman.partner_id)
        self.assertEqual(
            (late.receivable_class, very_late.receivable_class, on_time.receivable_class),
            ("concerned", "doubtful", "normal"),
        )
        self.assertEqual(len(self._dunning(late)), 1)
        self.assertEqual(self._dunning(late).user_id, self.salesman)
        self.assertFalse(self._dunning(on_time))
        # The next day's run adds nothing.
        self.env["sale.order"]._cron_classify_receivables()
        self.assertEqual(len(self._dunning(late)), 1)
        self.assertEqual(len(self._dunning(very_late)), 1)
        # Class changes are tracked in the contract's chatter.
        self.assertIn("receivable_class", self.env["sale.order"]._track_get_fields())

    def test_paid_contract_returns_to_normal(self):
        order, invoice = self._overdue_contract(40)
        self.env["sale.order"]._cron_classify_receivables()
        self.assertEqual(order.receivable_class, "concerned")
        self._pay(invoice, invoice.amount_total)
        self.env["sale.order"]._cron_classify_receivables()
        self.assertEqual(order.receivable_class, "normal")

    def test_manager_override(self):
        order, _invoice = self._overdue_contract(100)
        with self.assertRaises(AccessError):
            order.with_user(self.bo_user).write(
                {"receivable_class_manual": True, "receivable_class_reason": "x"}
            )
        with self.assertRaisesRegex(ValidationError, "give a reason"):
            order.with_user(self.bo_manager).write(
                {"receivable_class_manual": True, "receivable_class": "normal"}
            )
        order.with_user(self.bo_manager).write(
            {
                "receivable_class_manual": True,
                "receivable_class": "normal",
                "receivable_class_reason": "Public customer, pays after budget approval",
            }
        )
        self.env["sale.order"]._cron_classify_receivables()
        self.assertEqual(order.receivable_class, "normal")
        self.assertFalse(self._dunning(order))


@tagged("post_install", "-at_install")
class TestContractAccess(BackofficeCommon):
    def test_salesman_sees_own_contracts_only(self):
        mine = self._create_contract([(self.product_valve, 1, 150.0)], user=self.salesman)
        theirs = self._create_contract([(self.product_valve, 1, 150.0)], user=self.other_salesman)
        report = self.env["backoffice.contract.performance"].with_user(self.salesman)
        self.assertEqual(report.search([("order_id", "in", (mine | theirs).ids)]).order_id, mine)
        event = theirs.contract_event_ids[:1]
        with self.assertRaises(AccessError):
            event.with_user(self.salesman).read(["amount"])
        with self.assertRaises(AccessError):
            self.env["backoffice.contract.event"].with_user(self.salesman).create(
                {"order_id": mine.id, "event_type": "note", "note": "x"}
            )

    def test_back_office_sees_company_contracts(self):
        orders = self._create_contract(
            [(self.product_valve, 1, 150.0)], user=self.salesman
        ) | self._create_contract([(self.product_valve, 1, 150.0)], user=self.other_salesman)
        report = self.env["backoffice.contract.performance"].with_user(self.bo_user)
        self.assertEqual(report.search([("order_id", "in", orders.ids)]).order_id, orders)

    def test_other_company_is_invisible(self):
        other = self.setup_other_company()["company"]
        order = (
            self.env["sale.order"]
            .with_company(other)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": other.id,
                    "order_line": [
                        Command.create({"product_id": self.product_valve.id, "product_uom_qty": 1})
                    ],
                }
            )
        )
        order.with_company(other).action_confirm()
        report = self.env["backoffice.contract.performance"].with_user(self.bo_user)
        self.assertFalse(report.search([("order_id", "=", order.id)]))
        with self.assertRaises(AccessError):
            order.contract_event_ids.with_user(self.bo_user).read(["amount"])

    def test_return_reasons_configured_by_managers_only(self):
        with self.assertRaises(AccessError):
            self.env["backoffice.return.reason"].with_user(self.bo_user).create(
                {"name": "Too late"}
            )
        reason = (
            self.env["backoffice.return.reason"]
            .with_user(self.bo_manager)
            .create({"name": "Too late"})
        )
        self.assertTrue(reason.with_user(self.stock_user).name)
