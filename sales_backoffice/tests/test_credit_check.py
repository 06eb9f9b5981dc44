from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, tagged

from .common import BackofficeCommon

SIGNATURE = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


class CreditCommon(BackofficeCommon):
    """A customer with a credit limit in a company that checks dealer credit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.backoffice_credit_check = True
        cls._set_limit(20000.0)

    @classmethod
    def _set_limit(cls, limit):
        cls.customer.with_company(cls.company).credit_limit = limit

    def _quotation(self, lines=None, user=None):
        """A quotation of ``user`` (the salesman) with ``lines`` (product, qty, price)."""
        lines = lines or [(self.product_pump, 10, 1200.0)]
        user = user or self.salesman
        return (
            self.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "user_id": user.id,
                    "company_id": self.company.id,
                    "warehouse_id": self.warehouse.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": qty,
                                "price_unit": price,
                                "tax_ids": [Command.clear()],
                            }
                        )
                        for product, qty, price in lines
                    ],
                }
            )
        )

    def _decide(self, order, action, reason, user=None):
        """Take ``action`` on ``order`` through the manager's dialog."""
        order = order.with_user(user or self.bo_manager)
        method = {
            "override": order.action_credit_override,
            "release": order.action_credit_release,
            "decline": order.action_credit_decline,
        }[action]
        with Form.from_action(order.env, method()) as wizard:
            wizard.reason = reason
        return wizard.record.action_confirm()


@tagged("post_install", "-at_install")
class TestCreditCheck(CreditCommon):
    def test_quotation_shows_exposure_and_limit(self):
        contract = self._quotation([(self.product_pump, 5, 1200.0)])
        contract.action_confirm()
        quotation = self._quotation([(self.product_valve, 10, 150.0)])
        self.assertEqual(quotation.backoffice_credit_limit, 20000.0)
        # The contract is not invoiced yet: all of it counts, and this quotation.
        self.assertAlmostEqual(quotation.backoffice_credit_exposure, 6000.0 + 1500.0)
        self.assertAlmostEqual(quotation.backoffice_credit_available, 20000.0 - 7500.0)
        self.assertFalse(quotation.is_backoffice_credit_blocked)
        # Once invoiced and posted, the contract counts as open receivable instead.
        self._deliver(contract, {self.product_pump: 5})
        self._invoice(contract)
        self.assertEqual(contract.amount_to_invoice, 0.0)
        quotation.invalidate_recordset()
        self.assertAlmostEqual(quotation.backoffice_credit_exposure, 7500.0)
        self.assertAlmostEqual(self.customer.sudo().with_company(self.company).credit, 6000.0)

    def test_refused_over_limit(self):
        self._set_limit(10000.0)
        order = self._quotation()
        self.assertTrue(order.is_backoffice_credit_blocked)
        self.assertLess(order.backoffice_credit_available, 0.0)
        with self.assertRaisesRegex(UserError, r"Contoso Trading would owe .*12,000.*10,000"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.contract_ref)
        # The same order within the limit is confirmed as usual.
        self._set_limit(15000.0)
        order.invalidate_recordset()
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.backoffice_credit_state)

    def test_open_orders_count_towards_the_limit(self):
        self._set_limit(15000.0)
        self._quotation([(self.product_pump, 10, 1200.0)]).action_confirm()
        order = self._quotation([(self.product_valve, 21, 150.0)])
        with self.assertRaisesRegex(UserError, "over its credit limit"):
            order.action_confirm()

    def test_doubtful_contract_refused(self):
        self._set_limit(0.0)  # no limit: only the doubtful contract blocks
        contract = self._quotation([(self.product_valve, 1, 150.0)])
        contract.action_confirm()
        contract.sudo().receivable_class = "doubtful"
        order = self._quotation([(self.product_valve, 1, 150.0)])
        with self.assertRaisesRegex(UserError, f"doubtful contracts: {contract.contract_ref}"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_check_off_confirms(self):
        self.company.backoffice_credit_check = False
        self._set_limit(100.0)
        order = self._quotation()
        self.assertFalse(order.is_backoffice_credit_blocked)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_manager_override_with_reason_in_chatter(self):
        self._set_limit(10000.0)
        order = self._quotation()
        # A manager confirming is refused too, and pointed at the override.
        with self.assertRaisesRegex(UserError, "Confirm with Credit Override"):
            order.with_user(self.bo_manager).action_confirm()
        with self.assertRaises(UserError):
            self._decide(order, "override", "   ")
        self.assertEqual(order.state, "draft")
        self._decide(order, "override", "Bank guarantee received")
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.contract_ref)
        self.assertEqual(order.backoffice_credit_state, "released")
        self.assertEqual(order.backoffice_credit_decision, "Bank guarantee received")
        self.assertEqual(order.backoffice_credit_decided_by_id, self.bo_manager)
        note = order.message_ids.filtered(lambda m: "Bank guarantee received" in m.body)
        self.assertTrue(note)
        self.assertIn("over its credit limit", note.body)
        self.assertIn(self.salesman.partner_id, note.partner_ids)

    def test_salesperson_cannot_decide_or_write_credit(self):
        self._set_limit(10000.0)
        order = self._quotation()
        as_salesman = order.with_user(self.salesman)
        for call in (
            as_salesman.action_credit_override,
            as_salesman.action_credit_release,
            as_salesman.action_credit_decline,
            lambda: as_salesman._do_credit_release("mine"),
        ):
            with self.assertRaises(AccessError):
                call()
        with self.assertRaises(AccessError):
            as_salesman.write({"backoffice_credit_state": "released"})
        with self.assertRaises(AccessError):
            as_salesman.write({"backoffice_credit_decision": "ok"})
        # A back-office user is no manager either.
        with self.assertRaises(AccessError):
            order.with_user(self.bo_user)._do_credit_release("mine")
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(self.salesman).create(
                {"partner_id": self.customer.id, "backoffice_credit_state": "released"}
            )
        # A default in the context is client input too: it is dropped.
        forged = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .with_context(default_backoffice_credit_state="released")
            .create({"partner_id": self.customer.id})
        )
        self.assertFalse(forged.backoffice_credit_state)
        with self.assertRaises(UserError):
            order.with_user(self.salesman).with_context(
                default_backoffice_credit_state="released"
            ).action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.backoffice_credit_state)

    def test_hold_queue_release(self):
        self._set_limit(10000.0)
        order = self._quotation()
        order.with_user(self.salesman).action_credit_request()
        self.assertEqual(order.backoffice_credit_state, "hold")
        self.assertIn("over its credit limit", order.backoffice_credit_reason)
        hold_type = self.env.ref("sales_backoffice.mail_activity_type_credit_hold")
        activity = order.activity_ids.filtered(lambda a: a.activity_type_id == hold_type)
        self.assertEqual(len(activity), 1)
        self.assertTrue(activity.user_id.has_group("sales_backoffice.group_backoffice_manager"))
        # Asking again changes nothing; confirming while held is refused.
        order.with_user(self.salesman).action_credit_request()
        self.assertEqual(
            len(order.activity_ids.filtered(lambda a: a.activity_type_id == hold_type)), 1
        )
        with self.assertRaisesRegex(UserError, "waits on credit hold"):
            order.with_user(self.salesman).action_confirm()

        tiles = {
            tile.key: tile
            for tile in self.env["backoffice.workbench"]
            .with_user(self.bo_manager)
            .with_company(self.company)
            .search([])
        }
        self.assertEqual(tiles["credit_hold"].count, 1)
        self.assertTrue(tiles["credit_hold"].is_mine)
        action = tiles["credit_hold"].action_open()
        self.assertEqual(
            self.env["sale.order"].with_user(self.bo_manager).search(action["domain"]), order
        )

        self._decide(order, "release", "Customer paid a deposit")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.backoffice_credit_state, "released")
        self.assertFalse(order.activity_ids.filtered(lambda a: a.activity_type_id == hold_type))
        told = order.message_ids.filtered(
            lambda m: self.salesman.partner_id in m.partner_ids and "Credit released" in m.body
        )
        self.assertIn("Customer paid a deposit", told.body)
        # Nothing is waiting any more.
        with self.assertRaises(UserError):
            self._decide(order, "decline", "too late")

    def test_hold_queue_decline(self):
        self._set_limit(10000.0)
        order = self._quotation()
        # Only held orders are declined.
        with self.assertRaisesRegex(UserError, "no credit decision is waiting"):
            self._decide(order, "decline", "No")
        order.with_user(self.salesman).action_credit_request()
        self._decide(order, "decline", "Overdue since March, ask for prepayment")
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.backoffice_credit_state, "declined")
        todo = order.activity_ids.filtered(lambda a: a.user_id == self.salesman)
        self.assertEqual(len(todo), 1)
        self.assertIn("ask for prepayment", todo.note)
        self.assertTrue(
            order.message_ids.filtered(
                lambda m: self.salesman.partner_id in m.partner_ids and "Credit declined" in m.body
            )
        )
        # Still refused for the salesperson; the manager may still confirm.
        with self.assertRaises(UserError):
            order.with_user(self.salesman).action_confirm()
        self._decide(order, "override", "Prepayment received")
        self.assertEqual(order.state, "sale")

    def test_hold_ends_when_the_customer_is_within_limit(self):
        self._set_limit(10000.0)
        order = self._quotation()
        order.with_user(self.salesman).action_credit_request()
        self._set_limit(50000.0)
        order.invalidate_recordset()
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.backoffice_credit_state)
        self.assertFalse(order.activity_ids)

    def test_automated_confirmation_recorded_not_blocked(self):
        self._set_limit(10000.0)
        order = self._quotation()
        order.sudo().action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(
            order.message_ids.filtered(
                lambda m: "automated flow" in m.body and "over its credit limit" in m.body
            )
        )

    def test_growth_rechecked(self):
        self._set_limit(15000.0)
        order = self._quotation([(self.product_pump, 10, 1200.0)])
        order.action_confirm()
        line = order.order_line
        as_salesman = line.with_user(self.salesman)
        # Within the limit the order may grow.
        as_salesman.product_uom_qty = 11
        self.assertEqual(order.amount_total, 13200.0)
        with self.assertRaisesRegex(UserError, "cannot grow"):
            as_salesman.product_uom_qty = 13
        with self.assertRaisesRegex(UserError, "cannot grow"):
            as_salesman.price_unit = 1500.0
        with self.assertRaisesRegex(UserError, "cannot grow"):
            order.with_user(self.salesman).write(
                {
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product_valve.id,
                                "product_uom_qty": 20,
                                "price_unit": 150.0,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ]
                }
            )
        self.assertEqual(line.product_uom_qty, 11)
        self.assertEqual(line.price_unit, 1200.0)
        self.assertEqual(len(order.order_line), 1)
        # Shrinking is always allowed; a manager may grow it, noted in the chatter.
        as_salesman.product_uom_qty = 10
        line.with_user(self.bo_manager).product_uom_qty = 14
        self.assertEqual(order.amount_total, 16800.0)
        self.assertTrue(
            order.message_ids.filtered(
                lambda m: "Grown beyond the credit limit" in m.body
                and self.bo_manager.name in m.body
            )
        )


@tagged("post_install", "-at_install")
class TestCreditPortal(CreditCommon, HttpCase):
    def test_portal_signature_lands_on_hold(self):
        self._set_limit(10000.0)
        order = self._quotation()
        order.sudo().write({"require_signature": True, "require_payment": False})
        order.action_quotation_sent()
        token = order.sudo()._portal_ensure_token()
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {"access_token": token, "name": "Carla Customer", "signature": SIGNATURE},
        )
        self.assertNotIn("error", result)
        order.invalidate_recordset()
        self.assertEqual(order.signed_by, "Carla Customer")
        self.assertIn(order.state, ("draft", "sent"))
        self.assertEqual(order.backoffice_credit_state, "hold")
        hold_type = self.env.ref("sales_backoffice.mail_activity_type_credit_hold")
        self.assertTrue(order.activity_ids.filtered(lambda a: a.activity_type_id == hold_type))
        # The manager releases it from the queue; the salesperson is told.
        self._decide(order, "release", "Signed by the customer, guarantee on file")
        self.assertEqual(order.state, "sale")
        self.assertTrue(
            order.message_ids.filtered(
                lambda m: self.salesman.partner_id in m.partner_ids and "Credit released" in m.body
            )
        )

    def test_portal_signature_within_limit_confirms(self):
        order = self._quotation([(self.product_valve, 2, 150.0)])
        order.sudo().write({"require_signature": True, "require_payment": False})
        order.action_quotation_sent()
        token = order.sudo()._portal_ensure_token()
        self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {"access_token": token, "name": "Carla Customer", "signature": SIGNATURE},
        )
        order.invalidate_recordset()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.backoffice_credit_state)
