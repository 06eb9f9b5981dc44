from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.sales_backoffice.models.account_move import AccountMove
from odoo.addons.sales_backoffice.models.backoffice_contract_event import BackofficeContractEvent
from odoo.addons.sales_backoffice.report import (
    backoffice_contract_performance as performance_report,
)

from .common import BackofficeCommon

# What the module may add to Odoo's own work when one invoice is posted or
# one delivery validated (the budget is 5).
MAX_EXTRA_QUERIES = 5


@tagged("post_install", "-at_install")
class TestContractQueryCounts(BackofficeCommon):
    """The module's hooks on posting and delivery cost a small fixed number
    of queries, the same whatever the amount of data already there."""

    @contextmanager
    def _count_module_queries(self):
        """Count the queries run inside the module's posting and delivery hooks."""
        counts = []
        cr = self.env.cr

        def counting(original):
            def wrapper(*args, **kwargs):
                self.env.flush_all()
                before = cr.sql_log_count
                result = original(*args, **kwargs)
                self.env.flush_all()
                counts.append(cr.sql_log_count - before)
                return result

            return wrapper

        with (
            patch.object(
                BackofficeContractEvent,
                "_sync_invoices",
                counting(BackofficeContractEvent._sync_invoices),
            ),
            patch.object(
                BackofficeContractEvent,
                "_record_pickings",
                counting(BackofficeContractEvent._record_pickings),
            ),
            patch.object(
                AccountMove,
                "_backoffice_check_invoices",
                counting(AccountMove._backoffice_check_invoices),
            ),
        ):
            yield counts

    def _post_and_deliver_costs(self):
        order = self._create_contract(
            [
                (self.product_valve, 2, 150.0),
                (self.product_pump, 1, 1200.0),
                (self.product_valve, 1, 140.0),
            ]
        )
        with self._count_module_queries() as delivery_counts:
            self._deliver(order, {self.product_valve: 3, self.product_pump: 1})
        invoice = order._create_invoices()
        with self._count_module_queries() as post_counts:
            invoice.action_post()
        return sum(delivery_counts), sum(post_counts)

    def test_hooks_cost_fixed_queries(self):
        delivery_small, post_small = self._post_and_deliver_costs()
        # Grow the data: more contracts, delivered, invoiced and paid.
        for _index in range(15):
            order = self._create_contract([(self.product_valve, 1, 150.0)])
            self._deliver(order, {self.product_valve: 1})
            invoice = self._invoice(order)
            self._pay(invoice, invoice.amount_total)
        delivery_large, post_large = self._post_and_deliver_costs()
        self.assertLessEqual(delivery_small, MAX_EXTRA_QUERIES)
        self.assertLessEqual(post_small, MAX_EXTRA_QUERIES)
        self.assertEqual((delivery_large, post_large), (delivery_small, post_small))

    def _export_queries(self, orders):
        rows = self.env["backoffice.contract.performance"].search([("order_id", "in", orders.ids)])
        self.env.invalidate_all()
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        rows._export_xlsx_data()
        return self.env.cr.sql_log_count - before

    def test_export_costs_fixed_queries(self):
        orders = self.env["sale.order"]
        for _index in range(2):
            orders |= self._create_contract([(self.product_valve, 1, 150.0)])
        self._export_queries(orders)  # warm the registry caches (rules, translations)
        small = self._export_queries(orders)
        for _index in range(10):
            orders |= self._create_contract([(self.product_valve, 1, 150.0)])
        self.assertEqual(self._export_queries(orders), small)
        rows = self.env["backoffice.contract.performance"].search([("order_id", "in", orders.ids)])
        self.env.invalidate_all()
        # The access check on the rows, then one query for every row and name
        # read through a server-side cursor: declare, fetch, the empty fetch
        # that ends it, close.
        with self.assertQueryCount(5):
            rows._export_xlsx_data()

    def test_export_reads_its_rows_in_chunks(self):
        """The export reads EXPORT_FETCH rows at a time, whatever their number,
        and gives the same rows in the same order as one read."""
        orders = self.env["sale.order"]
        for index in range(7):
            orders |= self._create_contract([(self.product_valve, index + 1, 150.0)])
        rows = self.env["backoffice.contract.performance"].search([("order_id", "in", orders.ids)])

        def read(fetch):
            with patch.object(performance_report, "EXPORT_FETCH", fetch):
                self.env.flush_all()
                before = self.env.cr.sql_log_count
                result = list(rows._xlsx_rows())
                return result, self.env.cr.sql_log_count - before

        read(2000)  # warm the registry caches (rules, translations)
        whole, one_read = read(2000)
        chunked, chunked_queries = read(3)
        self.assertEqual(chunked, whole)
        self.assertEqual(len(chunked), 7)
        # Fetches of 3, 3, 1 and the empty one, against 7 and the empty one.
        self.assertEqual(chunked_queries - one_read, 2)
