from contextlib import contextmanager
from datetime import date, timedelta

from odoo import Command
from odoo.tests import Form, new_test_user

from odoo.addons.sale.tests.common import TestSaleCommon


class BackofficeCommon(TestSaleCommon):
    """Company with a chart of accounts and a warehouse, users of each group,
    a customer, storable products, and helpers that drive Odoo's own documents
    (confirm, deliver, return, invoice, pay) the way people do."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.write(
            {"backoffice_return_reason_required": True, "backoffice_invoice_check": True}
        )
        cls.currency = cls.company.currency_id
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        user_vals = {"company_id": cls.company.id, "company_ids": [Command.set(cls.company.ids)]}
        cls.salesman = new_test_user(
            cls.env,
            login="bo_salesman",
            name="Sam Salesman",
            groups="sales_team.group_sale_salesman",
            **user_vals,
        )
        cls.other_salesman = new_test_user(
            cls.env,
            login="bo_salesman2",
            name="Olga Salesman",
            groups="sales_team.group_sale_salesman",
            **user_vals,
        )
        cls.bo_user = new_test_user(
            cls.env,
            login="bo_user",
            name="Bea Backoffice",
            groups="sales_backoffice.group_backoffice_user,account.group_account_invoice,stock.group_stock_user",
            **user_vals,
        )
        cls.bo_manager = new_test_user(
            cls.env,
            login="bo_manager",
            name="Max Manager",
            groups="sales_backoffice.group_backoffice_manager,account.group_account_invoice,stock.group_stock_user",
            **user_vals,
        )
        cls.accountant = new_test_user(
            cls.env,
            login="bo_accountant",
            name="Fiona Finance",
            groups="account.group_account_invoice",
            **user_vals,
        )
        cls.stock_user = new_test_user(
            cls.env,
            login="bo_stock",
            name="Walter Warehouse",
            groups="stock.group_stock_user,sales_team.group_sale_salesman_all_leads",
            **user_vals,
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Contoso Trading", "email": "buyer@contoso.example", "company_id": False}
        )
        cls.product_pump = cls._create_storable("Industrial Pump", 1200.0, "delivery")
        cls.product_valve = cls._create_storable("Control Valve", 150.0, "order")
        cls.tax_15 = cls.env["account.tax"].create(
            {
                "name": "VAT 15%",
                "amount": 15.0,
                "type_tax_use": "sale",
                "company_id": cls.company.id,
            }
        )
        cls.reason_damaged = cls.env.ref("sales_backoffice.return_reason_damaged")

    @classmethod
    def _create_storable(cls, name, price, policy):
        product = cls.env["product.product"].create(
            {
                "name": name,
                "type": "consu",
                "is_storable": True,
                "list_price": price,
                "invoice_policy": policy,
                "taxes_id": [Command.clear()],
                "categ_id": cls.product_category.id,
            }
        )
        cls.env["stock.quant"]._update_available_quantity(
            product, cls.warehouse.lot_stock_id, 1000.0
        )
        return product

    # ---------------------------------------------------------------- helpers
    @contextmanager
    def assertRaisesRegex(self, exception, regex, msg=None):
        """unittest's assertRaisesRegex inside a savepoint, like Odoo's assertRaises,
        so that what failed is rolled back and "writes nothing" can be checked."""
        with self.assertRaises(exception, msg=msg) as caught:
            yield caught
        self.assertRegex(str(caught.exception), regex)

    @classmethod
    def _create_contract(cls, lines=None, user=None, currency=None, date_order=None):
        """Confirm an order; ``lines`` is a list of (product, qty, price)."""
        lines = lines or [(cls.product_pump, 10, 1200.0), (cls.product_valve, 4, 150.0)]
        vals = {
            "partner_id": cls.customer.id,
            "user_id": (user or cls.salesman).id,
            "company_id": cls.company.id,
            "warehouse_id": cls.warehouse.id,
            "order_line": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": qty,
                        "price_unit": price,
                        "tax_ids": [Command.set(cls.tax_15.ids)],
                    }
                )
                for product, qty, price in lines
            ],
        }
        if currency:
            vals["currency_id"] = currency.id
            vals["pricelist_id"] = (
                cls.env["product.pricelist"]
                .create({"name": f"{currency.name} prices", "currency_id": currency.id})
                .id
            )
        if date_order:
            vals["date_order"] = date_order
        order = cls.env["sale.order"].create(vals)
        order.action_confirm()
        return order

    def _deliver(self, order, quantities):
        """Validate the open delivery with ``{product: qty}`` (backorder the rest)."""
        picking = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))[:1]
        for move in picking.move_ids:
            move.quantity = quantities.get(move.product_id, 0.0)
            move.picked = True
        picking.with_context(cancel_backorder=False).button_validate()
        if picking.state != "done":
            wizard = Form.from_action(self.env, picking.button_validate()).save()
            wizard.process()
        self.assertEqual(picking.state, "done")
        return picking

    def _return(self, picking, quantities, reason=None, needs_redelivery=False, user=None):
        """Return ``{product: qty}`` of ``picking`` through Odoo's return wizard,
        as ``user`` (as the superuser, like an automated flow, when None)."""
        env = self.env(user=user) if user else self.env(su=True)
        wizard = (
            env["stock.return.picking"]
            .with_context(active_id=picking.id, active_model="stock.picking")
            .create(
                {
                    "picking_id": picking.id,
                    "return_reason_id": reason.id if reason else False,
                    "needs_redelivery": needs_redelivery,
                }
            )
        )
        for line in wizard.product_return_moves:
            line.quantity = quantities.get(line.product_id, 0.0)
        action = wizard.action_create_returns()
        return_picking = self.env["stock.picking"].browse(action["res_id"])
        for move in return_picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        return_picking.button_validate()
        return return_picking

    def _invoice(self, order, post=True, user=None):
        invoice = order._create_invoices()
        invoice.invoice_date = invoice.invoice_date or date.today()
        if post:
            (invoice.with_user(user) if user else invoice).action_post()
        return invoice

    def _overdue_invoice(self, order, days):
        """Invoice and post ``order`` with its due date ``days`` days ago."""
        invoice = order._create_invoices()
        invoice.invoice_payment_term_id = False
        invoice.invoice_date = date.today() - timedelta(days=days)
        invoice.invoice_date_due = date.today() - timedelta(days=days)
        invoice.action_post()
        return invoice

    def _pay(self, invoice, amount, currency=None, payment_date=None):
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "amount": amount,
                    "currency_id": (currency or invoice.currency_id).id,
                    "payment_date": payment_date or date.today(),
                }
            )
        )
        return wizard._create_payments()

    def _performance(self, order):
        # The report is a query: forget rows read before the last change.
        self.env["backoffice.contract.performance"].invalidate_model()
        return self.env["backoffice.contract.performance"].search([("order_id", "=", order.id)])

    def assertMatchesAccounting(self, order):
        """The report and the performance list say what stock and accounting say."""
        perf = self._performance(order)
        self.assertEqual(len(perf), 1)
        company = order.company_id
        currency = company.currency_id
        to_company = lambda amount, day: order.currency_id._convert(amount, currency, company, day)  # noqa: E731
        # Delivered net of returns: the order lines' delivered quantities at the contract price.
        delivered = sum(
            to_company(line.qty_delivered * line.price_reduce_taxexcl, date.today())
            for line in order.order_line
        )
        self.assertAlmostEqual(perf.amount_delivered - perf.amount_returned, delivered, places=2)
        invoices = order.invoice_ids.filtered(lambda m: m.state == "posted")
        self.assertAlmostEqual(
            perf.amount_invoiced, sum(invoices.mapped("amount_untaxed_signed")), places=2
        )
        self.assertAlmostEqual(
            perf.amount_receivable, sum(invoices.mapped("amount_residual_signed")), places=2
        )
        payment_lines = invoices.line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        )
        partials = payment_lines.matched_debit_ids | payment_lines.matched_credit_ids
        collected = 0.0
        for partial in partials:
            for inv_line, pay_line, amount_currency, sign in (
                (partial.debit_move_id, partial.credit_move_id, partial.credit_amount_currency, 1),
                (partial.credit_move_id, partial.debit_move_id, partial.debit_amount_currency, -1),
            ):
                if inv_line in payment_lines and pay_line.move_id.origin_payment_id:
                    rate = (
                        abs(pay_line.balance / pay_line.amount_currency)
                        if pay_line.amount_currency
                        else 1
                    )
                    collected += sign * amount_currency * rate
        self.assertAlmostEqual(perf.amount_collected, collected, places=2)
        events = order.contract_event_ids
        self.assertAlmostEqual(
            sum(events.filtered(lambda e: e.event_type == "payment").mapped("amount")),
            perf.amount_collected,
            places=2,
        )
        return perf
