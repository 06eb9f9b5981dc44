"""Contract performance benchmark (issue: contract performance lists).

Generates confirmed contracts (3 lines each) with deliveries, invoices and
payments through Odoo's own flows, then prints figures:

  (a) seconds and queries to read the first 80 rows of the contract report
      ordered by days_overdue desc, against the first 80 rows of Odoo's
      sale.report list, and their ratio;
  (b) a read_group by month over all report rows;
  (c) the full XLSX export: seconds and peak Python memory;
  (d) the queries the module adds to posting one invoice and validating one
      delivery (counted inside its hooks), for the first and the last batch.

Figures only, no assertion. Run through `make bench` (scripts/bench.sh).
"""

import argparse
import random
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

BATCH = 250
REPORT_SPEC = {
    name: {}
    for name in (
        "contract_ref",
        "partner_id",
        "user_id",
        "date_order",
        "amount_ordered",
        "amount_delivered",
        "amount_invoiced",
        "amount_collected",
        "amount_receivable",
        "amount_overdue",
        "days_overdue",
        "receivable_class",
        "collection_rate",
        "currency_id",
    )
}
SALE_REPORT_SPEC = {
    name: {}
    for name in (
        "date",
        "order_reference",
        "product_id",
        "partner_id",
        "user_id",
        "product_uom_qty",
        "price_unit",
        "price_total",
        "currency_id",
    )
}


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--odoo-src", required=True)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--contracts", type=int, default=10000)
    return parser.parse_args()


def timed(env, func, repeat=3):
    """Best wall time over ``repeat`` cold-cache runs, and the queries of one run."""
    best, queries = None, None
    for _run in range(repeat):
        env.invalidate_all()
        env.registry.clear_cache()
        before = env.cr.sql_log_count
        start = time.perf_counter()
        func()
        elapsed = time.perf_counter() - start
        queries = env.cr.sql_log_count - before
        best = elapsed if best is None else min(best, elapsed)
    return best, queries


class Generator:
    def __init__(self, env):
        self.env = env
        self.company = env.company
        self.rng = random.Random(19)
        self.today = date.today()
        stock = (
            env["stock.warehouse"]
            .search([("company_id", "=", self.company.id)], limit=1)
            .lot_stock_id
        )
        # Reuse what an earlier run created: the data set only grows.
        self.products = env["product.product"].search(
            [("default_code", "=like", "BENCH-%")], order="id"
        )
        if not self.products:
            self.products = env["product.product"].create(
                [
                    {
                        "name": f"Bench product {index}",
                        "default_code": f"BENCH-{index}",
                        "type": "consu",
                        "is_storable": True,
                        "list_price": price,
                        "invoice_policy": policy,
                    }
                    for index, (price, policy) in enumerate(
                        [(1200.0, "delivery"), (150.0, "order"), (35.5, "delivery")]
                    )
                ]
            )
        for product in self.products:
            env["stock.quant"]._update_available_quantity(product, stock, 10_000_000)
        self.partners = env["res.partner"].search([("ref", "=like", "BENCH-%")], order="id")
        if not self.partners:
            self.partners = env["res.partner"].create(
                [
                    {"name": f"Bench customer {index}", "ref": f"BENCH-{index}"}
                    for index in range(200)
                ]
            )
        self.users = env["res.users"].search([("login", "=like", "bench_seller_%")], order="id")
        if not self.users:
            group = env.ref("sales_team.group_sale_salesman")
            self.users = env["res.users"].create(
                [
                    {
                        "name": f"Bench seller {index}",
                        "login": f"bench_seller_{index}",
                        "group_ids": [(4, group.id)],
                    }
                    for index in range(10)
                ]
            )
        self.term = env.ref("account.account_payment_term_30days", raise_if_not_found=False)

    def batch(self, size):
        env, rng = self.env, self.rng
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": rng.choice(self.partners).id,
                    "user_id": rng.choice(self.users).id,
                    "payment_term_id": self.term.id if self.term else False,
                    "order_line": [
                        (0, 0, {"product_id": product.id, "product_uom_qty": rng.randint(1, 20)})
                        for product in self.products
                    ],
                }
                for _index in range(size)
            ]
        )
        orders.action_confirm()
        to_deliver = orders.filtered(lambda _o: rng.random() < 0.9)
        pickings = to_deliver.picking_ids
        for move in pickings.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        pickings.with_context(skip_backorder=True, skip_sms=True).button_validate()
        to_invoice = to_deliver.filtered(lambda _o: rng.random() < 0.85)
        invoices = to_invoice._create_invoices(grouped=True)
        for invoice in invoices:
            invoice.invoice_date = self.today - timedelta(days=rng.randint(0, 240))
        invoices.action_post()
        to_pay = invoices.filtered(lambda _i: rng.random() < 0.6)
        if to_pay:
            wizard = (
                env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=to_pay.ids)
                .create({"group_payment": False})
            )
            wizard._create_payments()
        return orders


def module_hook_queries(env, generator):
    """Queries run inside the module's hooks when one invoice is posted and
    one delivery validated, next to the whole operation's queries."""
    from odoo.addons.sales_backoffice.models.account_move import AccountMove  # noqa: PLC0415
    from odoo.addons.sales_backoffice.models.backoffice_contract_event import (  # noqa: PLC0415
        BackofficeContractEvent,
    )

    counts = []

    def counting(original):
        def wrapper(*args, **kwargs):
            env.flush_all()
            before = env.cr.sql_log_count
            result = original(*args, **kwargs)
            env.flush_all()
            counts.append(env.cr.sql_log_count - before)
            return result

        return wrapper

    patched = [
        (BackofficeContractEvent, "_record_pickings"),
        (BackofficeContractEvent, "_sync_invoices"),
        (AccountMove, "_backoffice_check_invoices"),
    ]
    originals = [(cls, name, getattr(cls, name)) for cls, name in patched]
    order = env["sale.order"].create(
        {
            "partner_id": generator.partners[0].id,
            "order_line": [
                (0, 0, {"product_id": p.id, "product_uom_qty": 2}) for p in generator.products
            ],
        }
    )
    order.action_confirm()
    picking = order.picking_ids
    for move in picking.move_ids:
        move.quantity = move.product_uom_qty
        move.picked = True
    try:
        for cls, name, original in originals:
            setattr(cls, name, counting(original))
        env.flush_all()
        start = env.cr.sql_log_count
        picking.button_validate()
        env.flush_all()
        delivery_total, delivery_module = env.cr.sql_log_count - start, sum(counts)
        counts.clear()
        invoice = order._create_invoices()
        env.flush_all()
        start = env.cr.sql_log_count
        invoice.action_post()
        env.flush_all()
        post_total, post_module = env.cr.sql_log_count - start, sum(counts)
    finally:
        for cls, name, original in originals:
            setattr(cls, name, original)
    env.cr.rollback()
    return delivery_total, delivery_module, post_total, post_module


def main():
    args = parse_args()
    sys.path.insert(0, args.odoo_src)
    import odoo  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415
    from odoo.tools import config  # noqa: PLC0415

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(
            cr, odoo.SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True}
        )
        existing = env["backoffice.contract.performance"].search_count([])
        generator = Generator(env)
        cr.commit()
        print(f"contracts already in the database: {existing}")
        first = module_hook_queries(env, generator)
        to_make = max(args.contracts - existing, 0)
        start = time.perf_counter()
        made = 0
        while made < to_make:
            size = min(BATCH, to_make - made)
            generator.batch(size)
            cr.commit()
            made += size
            print(
                f"  generated {made}/{to_make} contracts ({time.perf_counter() - start:.0f} s)",
                flush=True,
            )
        generation = time.perf_counter() - start
        total = env["backoffice.contract.performance"].search_count([])
        events = env["backoffice.contract.event"].search_count([])
        print(
            f"generated {made} contracts in {generation:.1f} s; {total} contracts, {events} events in all"
        )

        report = env["backoffice.contract.performance"]
        sale_report = env["sale.report"]
        report_s, report_q = timed(
            env,
            lambda: report.web_search_read([], REPORT_SPEC, limit=80, order="days_overdue desc"),
        )
        sale_s, sale_q = timed(
            env, lambda: sale_report.web_search_read([], SALE_REPORT_SPEC, limit=80)
        )
        print(f"(a) first 80 rows by days_overdue desc: {report_s:.3f} s, {report_q} queries")
        print(f"    sale.report first 80 rows:          {sale_s:.3f} s, {sale_q} queries")
        print(f"    ratio (contract report / sale.report): {report_s / sale_s:.2f}x")

        group_s, group_q = timed(
            env,
            lambda: report.formatted_read_group(
                [], ["date_order:month"], ["amount_ordered:sum", "amount_collected:sum", "__count"]
            ),
        )
        print(f"(b) read_group by month over {total} rows: {group_s:.3f} s, {group_q} queries")

        rows = report.search([])
        env.invalidate_all()
        start = time.perf_counter()
        data = rows._export_xlsx_data()
        export_s = time.perf_counter() - start
        # Memory in a second run: tracing slows Python down, so it is not timed.
        env.invalidate_all()
        tracemalloc.start()
        rows._export_xlsx_data()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out = Path(config["data_dir"]) / "bench_contracts.xlsx"
        out.write_bytes(data)
        print(
            f"(c) XLSX export of {len(rows)} rows: {export_s:.2f} s, peak {peak / 2**20:.0f} MB "
            f"(Python allocations), {len(data) / 2**20:.1f} MB file ({out})"
        )

        last = module_hook_queries(env, generator)
        for label, figures in (("empty-ish database", first), (f"{total} contracts", last)):
            delivery_total, delivery_module, post_total, post_module = figures
            print(
                f"(d) {label}: validate one delivery {delivery_total} queries, {delivery_module} by the module; "
                f"post one invoice {post_total} queries, {post_module} by the module"
            )


if __name__ == "__main__":
    main()
