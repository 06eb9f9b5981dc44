from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import BackofficeCommon

# Keys an attacker adds to the context; the invoice check ignores them all.
FORGED_CONTEXT = {
    "backoffice_classify": True,
    "backoffice_invoice_check_override": True,
    "skip_invoice_check": True,
}


@tagged("post_install", "-at_install")
class TestInvoiceCheckBypasses(BackofficeCommon):
    """The ways around the invoice check found over JSON-RPC, each closed."""

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

    def _valve_invoice(self, qty=4):
        order = self._create_contract([(self.product_valve, qty, 150.0)])
        return order, self._invoice(order, post=False)

    def _post_refused(self, invoice, user, regex):
        with self.assertRaisesRegex(UserError, regex):
            invoice.with_user(user).with_context(**FORGED_CONTEXT).action_post()
        self.assertEqual(invoice.state, "draft")
        self.assertFalse(invoice.contract_event_ids)

    def test_currency_switch_is_checked(self):
        _order, invoice = self._valve_invoice()
        invoice.with_user(self.bo_user).currency_id = self.eur
        # 150 EUR is 60 in company currency today, the contract says 150.
        self.assertEqual(invoice.invoice_line_ids.price_unit, 150.0)
        self._post_refused(invoice, self.bo_user, r"unit price 150.0 EUR, contract 150.0")
        self._post_refused(invoice, self.accountant, r"unit price 150.0 EUR")

    def test_other_currency_at_the_contract_price_posts(self):
        _order, invoice = self._valve_invoice()
        invoice.currency_id = self.eur
        invoice.invoice_line_ids.price_unit = 150.0 * 2.5
        self.assertFalse(invoice._backoffice_invoice_mismatches())
        invoice.with_user(self.bo_user).action_post()
        self.assertEqual(invoice.state, "posted")

    def test_unlinked_lines_are_checked(self):
        order, invoice = self._valve_invoice()
        self.assertEqual(invoice.backoffice_order_ids, order)
        line = invoice.invoice_line_ids
        line.with_user(self.bo_user).write({"sale_line_ids": [Command.clear()], "price_unit": 1.0})
        self.assertFalse(invoice.invoice_line_ids.sale_line_ids)
        self._post_refused(invoice, self.bo_user, r"Control Valve is not on contract")
        # Nor can the remembered link be removed.
        with self.assertRaisesRegex(AccessError, "follow its order lines"):
            invoice.with_user(self.bo_user).write({"backoffice_order_ids": [Command.clear()]})
        with self.assertRaisesRegex(AccessError, "follow its order lines"):
            self.env["account.move"].with_user(self.bo_user).create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "backoffice_order_ids": [Command.set(order.ids)],
                }
            )
        self.assertEqual(invoice.backoffice_order_ids, order)

    def test_one_unlinked_line_is_checked(self):
        order = self._create_contract(
            [(self.product_valve, 4, 150.0), (self.product_pump, 1, 1200.0)]
        )
        self._deliver(order, {self.product_pump: 1})
        invoice = self._invoice(order, post=False)
        pump_line = invoice.invoice_line_ids.filtered(
            lambda line: line.product_id == self.product_pump
        )
        pump_line.write({"sale_line_ids": [Command.clear()]})
        self._post_refused(invoice, self.bo_user, r"Industrial Pump is not on contract")

    def test_credit_note_beyond_invoiced(self):
        order, invoice = self._valve_invoice()
        invoice.action_post()
        refund = invoice._reverse_moves([{"invoice_date": date.today()}])
        self.assertEqual(refund.backoffice_order_ids, order)
        refund.invoice_line_ids.quantity = 6
        self._post_refused(refund, self.bo_user, r"Control Valve: 6.0 credited, only 4.0 invoiced")
        refund.invoice_line_ids.quantity = 4
        refund.invoice_line_ids.price_unit = 200.0
        self._post_refused(refund, self.accountant, r"Control Valve: unit price 200.0")
        # The credit note of what was invoiced, at the contract's price, posts.
        refund.invoice_line_ids.write({"price_unit": 150.0, "quantity": 2})
        refund.with_user(self.bo_user).action_post()
        self.assertEqual(refund.state, "posted")
        self.assertAlmostEqual(self._performance(order).amount_invoiced, 300.0)

    def test_credit_note_line_without_order(self):
        _order, invoice = self._valve_invoice()
        invoice.action_post()
        refund = invoice._reverse_moves([{"invoice_date": date.today()}])
        refund.invoice_line_ids = [
            Command.create({"name": "Goodwill", "price_unit": 500.0, "quantity": 1})
        ]
        self._post_refused(refund, self.bo_user, r"Goodwill is not on contract")

    def test_auto_post_recorded_and_refused_for_people(self):
        _order, invoice = self._valve_invoice()
        invoice.invoice_line_ids.price_unit = 100.0
        for user in (self.bo_user, self.accountant):
            with self.assertRaisesRegex(ValidationError, "cannot be scheduled"):
                invoice.with_user(user).with_context(**FORGED_CONTEXT).auto_post = "at_date"
            self.assertEqual(invoice.auto_post, "no")
        # A manager may schedule it; the scheduler (superuser) then posts it,
        # and the mismatch is noted and handed to a manager.
        invoice.with_user(self.bo_manager).auto_post = "at_date"
        invoice.sudo()._post()
        self.assertEqual(invoice.state, "posted")
        self.assertTrue(
            invoice.message_ids.filtered(lambda m: "Posted by an automated flow" in (m.body or ""))
        )
        activity = invoice.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertIn("unit price 100.0", activity.note)
        self.assertTrue(activity.user_id.has_group("sales_backoffice.group_backoffice_manager"))
        self.assertTrue(invoice.contract_event_ids)

    def test_auto_post_of_a_matching_invoice(self):
        _order, invoice = self._valve_invoice()
        invoice.with_user(self.bo_user).auto_post = "at_date"
        invoice.sudo()._post()
        self.assertEqual(invoice.state, "posted")
        self.assertFalse(invoice.activity_ids)

    def test_override_reason_is_a_managers_and_cleared_on_reset(self):
        _order, invoice = self._valve_invoice()
        invoice.invoice_line_ids.price_unit = 100.0
        for user in (self.bo_user, self.accountant, self.salesman):
            with self.assertRaisesRegex(AccessError, "override reason"):
                invoice.with_user(user).invoice_check_override_reason = "I say so"
        self.assertFalse(invoice.invoice_check_override_reason)
        invoice.with_user(self.bo_manager).invoice_check_override_reason = "Agreed discount"
        # A reason does not let anybody but a manager post.
        self._post_refused(invoice, self.bo_user, "Ask a Back Office Manager")
        invoice.with_user(self.bo_manager).action_post()
        self.assertEqual(invoice.state, "posted")
        invoice.with_user(self.accountant).button_draft()
        self.assertFalse(invoice.invoice_check_override_reason)
        invoice.invoice_line_ids.price_unit = 10.0
        with self.assertRaisesRegex(UserError, "give an override reason"):
            invoice.with_user(self.bo_manager).action_post()
        self.assertEqual(invoice.state, "draft")

    def test_billing_user_posts_matching_invoice(self):
        order, invoice = self._valve_invoice()
        invoice.with_user(self.accountant).action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertAlmostEqual(self._performance(order).amount_invoiced, 600.0)
