"""Contract performance benchmark (issue: contract performance lists).

Generates confirmed contracts (3 lines each) with deliveries, invoices and
payments through Odoo's own flows, then prints figures:

  (a) seconds and queries to read the first 80 rows of the contract report
      ordered by days_overdue desc, against the first 80 rows of Odoo's
      sale.report list, and their ratio;
  (b) a read_group by month over all report rows;
  (c) the full XLSX export: seconds and peak Python memory;
  (d) the queries the module adds to posting one invoice and validating one
      delivery (counted inside its hooks), for the first and the last batch;
  (e) the Today counts of a back-office manager (seconds, queries) against
      one count over sale.report;
  (f) the daily classification run (and the dunning run, when the module has
      one) over every contract: seconds, queries, peak memory;
and, right after generation, that the report's totals equal what
account.move and stock.move say for the generated contracts.

Every time is also given as a ratio to a reference measured in the same run.
The generation batches the ORM work: orders are created from value lists,
confirmed, delivered, invoiced and paid BATCH at a time, committed batch by
batch (an interrupted generation goes on from what is committed), in one
process per core (--jobs).

Figures only, no assertion. Run through `make bench` (scripts/bench.sh).
"""

import argparse
import os
import random
import subprocess
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

import benchlib

BATCH = 250
# Bulk generation, as Odoo's own populate does it: no chatter message, no
# tracking and no "you have been assigned" mail for each generated record.
GENERATION_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
}
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
    parser = benchlib.parser(__doc__)
    parser.add_argument("--contracts", type=int, default=10000)
    parser.add_argument(
        "--http-port", type=int, default=int(os.environ.get("BO_BENCH_HTTP_PORT", 8079))
    )
    parser.add_argument(
        "--max-minutes",
        type=float,
        default=0,
        help="stop generating after this many minutes and measure what is there "
        "(0: no limit); a later run goes on from the committed batches",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=int(os.environ.get("BO_BENCH_JOBS", 0)) or os.cpu_count() or 1,
        help="generating processes (default: one per core), each committing its batches",
    )
    parser.add_argument(
        "--generate-only",
        action="store_true",
        default=bool(os.environ.get("BO_BENCH_GENERATE_ONLY")),
        help="generate (and check the totals), measure nothing: builds the data set "
        "ahead of a measuring run",
    )
    parser.add_argument(
        "--job",
        type=int,
        default=None,
        help=argparse.SUPPRESS,  # a generating process: make --contracts contracts, then stop
    )
    return parser.parse_args()


class Generator:
    """Generates contracts through Odoo's flows. With several generating
    processes (``--jobs``), process ``job`` of ``jobs`` has its own products,
    sales and bank journals and slice of the customers, so that concurrent
    transactions do not queue on the same quants, journal sequences or
    customer's receivables (Odoo locks each journal's sequence until commit)."""

    PRODUCTS = [(1200.0, "delivery"), (150.0, "order"), (35.5, "delivery")]

    def __init__(self, env, job=0, jobs=1):
        self.env = env
        self.company = env.company
        self.rng = random.Random(19 + job)
        self.today = date.today()
        stock = (
            env["stock.warehouse"]
            .search([("company_id", "=", self.company.id)], limit=1)
            .lot_stock_id
        )
        # Reuse what an earlier run created: the data set only grows. The
        # first process keeps the names of a one-process run.
        codes = [
            f"BENCH-{index}" if not job else f"BENCH-J{job}-{index}"
            for index in range(len(self.PRODUCTS))
        ]
        Product = env["product.product"]
        self.products = Product.search([("default_code", "in", codes)], order="id")
        if not self.products:
            self.products = Product.create(
                [
                    {
                        "name": f"Bench product {code.removeprefix('BENCH-')}",
                        "default_code": code,
                        "type": "consu",
                        "is_storable": True,
                        "list_price": price,
                        "invoice_policy": policy,
                    }
                    for code, (price, policy) in zip(codes, self.PRODUCTS, strict=True)
                ]
            )
        for product in self.products:
            env["stock.quant"]._update_available_quantity(product, stock, 10_000_000)
        partners = env["res.partner"].search([("ref", "=like", "BENCH-%")], order="id")
        if not partners:
            partners = env["res.partner"].create(
                [
                    {"name": f"Bench customer {index}", "ref": f"BENCH-{index}"}
                    for index in range(200)
                ]
            )
        self.partners = partners[job::jobs]
        self.sale_journal, self.bank_journal = self._journals(job)
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
        self.seconds = {}

    def _journals(self, job):
        """The first process uses the company's default journals; the others
        their own (created once, reused by later runs)."""
        if not job:
            return self.env["account.journal"], self.env["account.journal"]
        Journal = self.env["account.journal"]
        journals = []
        for kind, code in (("sale", f"BS{job}"), ("bank", f"BB{job}")):
            journal = Journal.search(
                [("code", "=", code), ("company_id", "=", self.company.id)], limit=1
            )
            journals.append(
                journal
                or Journal.create(
                    {
                        "name": f"Bench {kind} {job}",
                        "code": code,
                        "type": kind,
                        "company_id": self.company.id,
                    }
                )
            )
        return journals

    def phase(self, name, func, *args, **kwargs):
        """Run one step of the generation, adding its seconds to ``self.seconds``."""
        start = time.perf_counter()
        result = func(*args, **kwargs)
        self.env.flush_all()
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
        return result

    def batch(self, size):
        env, rng = self.env(context=dict(self.env.context, **GENERATION_CONTEXT)), self.rng
        # A batch's contracts belong to a fifth of the customers, so that a
        # customer pays several invoices with one payment, as customers do.
        customers = rng.sample(list(self.partners), max(len(self.partners) // 5, 1))
        orders = self.phase(
            "create",
            env["sale.order"].create,
            [
                {
                    "partner_id": rng.choice(customers).id,
                    "user_id": rng.choice(self.users).id,
                    "payment_term_id": self.term.id if self.term else False,
                    **({"journal_id": self.sale_journal.id} if self.sale_journal else {}),
                    "order_line": [
                        (0, 0, {"product_id": product.id, "product_uom_qty": rng.randint(1, 20)})
                        for product in self.products
                    ],
                }
                for _index in range(size)
            ],
        )
        self.phase("confirm", orders.action_confirm)
        to_deliver = orders.filtered(lambda _o: rng.random() < 0.9)
        pickings = to_deliver.picking_ids

        def deliver():
            for move in pickings.move_ids:
                move.quantity = move.product_uom_qty
                move.picked = True
            pickings.with_context(skip_backorder=True, skip_sms=True).button_validate()

        self.phase("deliver", deliver)
        to_invoice = to_deliver.filtered(lambda _o: rng.random() < 0.85)
        invoices = self.phase("invoice", to_invoice._create_invoices, grouped=True)

        def date_and_post():
            # Invoice dates over the last eight months, written once per date
            # and batch rather than once per invoice (each write
            # resynchronises the invoices' journal items).
            by_date = {}
            for invoice in invoices:
                by_date.setdefault(rng.randrange(0, 241, 5), []).append(invoice.id)
            for days, ids in by_date.items():
                invoices.browse(ids).write({"invoice_date": self.today - timedelta(days=days)})
            invoices.action_post()

        self.phase("post", date_and_post)
        return invoices.filtered(lambda _i: rng.random() < 0.6)

    def pay(self, invoices):
        """Customers pay ``invoices``, one payment per customer.

        Odoo numbers a payment of several invoices from the company's one
        no-gap sequence (BATCH/...), which stays locked until the commit: the
        payments get their own transaction, so that a conflict with another
        generating process costs this step only."""
        env = self.env(context=dict(self.env.context, **GENERATION_CONTEXT))
        wizard = (
            env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create(
                {
                    "group_payment": True,
                    **({"journal_id": self.bank_journal.id} if self.bank_journal else {}),
                }
            )
        )
        self.phase("pay", wizard._create_payments)


def check_totals(env):
    """The report's totals of the generated contracts against account.move
    (invoiced, collected, receivable) and stock.move (delivered)."""
    from odoo.tools import SQL  # noqa: PLC0415

    env.flush_all()
    cr = env.cr
    bench_orders = SQL(
        "SELECT so.id FROM sale_order so JOIN res_partner p ON p.id = so.partner_id"
        " WHERE p.ref LIKE %s AND so.state = 'sale'",
        "BENCH-%",
    )
    report = env["backoffice.contract.performance"]
    report.invalidate_model()
    query = report._table_query
    cr.execute(
        SQL(
            """SELECT COUNT(*), SUM(amount_delivered), SUM(amount_invoiced),
                      SUM(amount_collected), SUM(amount_receivable)
                 FROM (%s) r
                WHERE r.order_id IN (%s)""",
            query,
            bench_orders,
        )
    )
    count, delivered, invoiced, collected, receivable = cr.fetchone()
    cr.execute(
        SQL(
            """SELECT SUM(m.amount_untaxed_signed),
                      SUM(m.amount_total_signed - m.amount_residual_signed),
                      SUM(m.amount_residual_signed)
                 FROM account_move m JOIN res_partner p ON p.id = m.partner_id
                WHERE p.ref LIKE %s AND m.state = 'posted'
                  AND m.move_type IN ('out_invoice', 'out_refund')""",
            "BENCH-%",
        )
    )
    move_invoiced, move_collected, move_receivable = cr.fetchone()
    cr.execute(
        SQL(
            """SELECT SUM(sm.quantity * sol.price_unit)
                 FROM stock_move sm
                 JOIN sale_order_line sol ON sol.id = sm.sale_line_id
                 JOIN stock_location dest ON dest.id = sm.location_dest_id
                WHERE sm.state = 'done' AND dest.usage = 'customer'
                  AND sol.order_id IN (%s)""",
            bench_orders,
        )
    )
    (stock_delivered,) = cr.fetchone()
    checks = [
        ("delivered", delivered, stock_delivered, "stock.move"),
        ("invoiced", invoiced, move_invoiced, "account.move"),
        ("collected", collected, move_collected, "account.move"),
        ("receivable", receivable, move_receivable, "account.move"),
    ]
    print(f"totals check over {count} generated contracts:")
    ok = True
    for label, ours, theirs, source in checks:
        ours, theirs = float(ours or 0), float(theirs or 0)
        same = abs(ours - theirs) < 0.01 * max(1, count)
        ok &= same
        print(
            f"    {label:<10} report {ours:,.2f}  {source} {theirs:,.2f}  "
            f"{'equal' if same else 'DIFFERENT'}"
        )
    return ok


def measure_run(env, func, rollback=True):
    """Seconds, queries and peak memory (tracemalloc, MB) of a run, rolled
    back unless ``rollback`` is False."""
    env.invalidate_all()
    env.cr.execute("SAVEPOINT bench_run")
    before = env.cr.sql_log_count
    tracemalloc.start()
    start = time.perf_counter()
    func()
    env.flush_all()
    seconds = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    queries = env.cr.sql_log_count - before
    if rollback:
        env.cr.execute("ROLLBACK TO SAVEPOINT bench_run")
        env.invalidate_all()
    return seconds, queries, peak / 2**20


def openpyxl_alone(rows, columns):
    """The reference: openpyxl writing the same cells (values and number
    formats, the way its documentation sets them), nothing else."""
    import io  # noqa: PLC0415

    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Contracts")
    sheet.append([column.label for column in columns])
    formats = [column.number_format for column in columns]
    for row in rows:
        cells = []
        for number_format, value in zip(formats, row, strict=True):
            if number_format and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format
                cells.append(cell)
            else:
                cells.append(value)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


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


def retried(env, error, retries, label):
    """Roll back a step that lost a concurrency conflict to another
    generating process (it is made again); anything else is raised. The
    conflicts are the ones Odoo's RPC layer retries."""
    from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY  # noqa: PLC0415

    if not isinstance(error, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY) or retries >= 50:
        raise error
    env.cr.rollback()
    env.invalidate_all()
    print(f"  {label}rolled back ({type(error).__name__}), made again", flush=True)
    return 1


def generate(env, generator, count, max_minutes=0, label=""):
    """Make ``count`` contracts BATCH at a time: one commit for a batch's
    contracts, deliveries and invoices, one for its payments. A step that
    loses a concurrency conflict to another generating process is rolled
    back and made again. Returns the contracts made."""
    start = time.perf_counter()
    made = retries = 0
    while made < count:
        if max_minutes and time.perf_counter() - start > max_minutes * 60:
            print(f"  {label}stopped generating after {max_minutes:g} minutes (--max-minutes)")
            break
        size = min(BATCH, count - made)
        try:
            to_pay = generator.batch(size).ids
            env.cr.commit()
        except Exception as error:
            retries += retried(env, error, retries, label)
            continue
        while to_pay:
            try:
                generator.pay(env["account.move"].browse(to_pay))
                env.cr.commit()
                to_pay = []
            except Exception as error:
                retries += retried(env, error, retries, label)
                time.sleep(generator.rng.uniform(0.5, 3))
        made += size
        print(
            f"  {label}generated {made}/{count} contracts ({time.perf_counter() - start:.0f} s)",
            flush=True,
        )
    phases = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in generator.seconds.items())
    print(f"  {label}time per step: {phases}; {retries} steps made again", flush=True)
    return made


def prepare_shared_sequences(env):
    """Create this year's range of the company's grouped-payment sequence
    before the generating processes start: on a new database their first
    payments would both create it, and one of them would fail on the
    range's unique constraint (not a conflict that can be retried)."""
    sequence = env.company.sudo().batch_payment_sequence_id
    today = date.today()
    if sequence.use_date_range and not env["ir.sequence.date_range"].search_count(
        [
            ("sequence_id", "=", sequence.id),
            ("date_from", "<=", today),
            ("date_to", ">=", today),
        ]
    ):
        sequence._create_date_range_seq(today)


def generate_in_parallel(args, to_make):
    """Split ``to_make`` over ``--jobs`` processes (this script with
    ``--job``), each on its own cursor and share of the resources."""
    jobs = min(args.jobs, max(to_make // BATCH, 1))
    shares = [to_make // jobs + (job < to_make % jobs) for job in range(jobs)]
    command = [sys.executable, "-u", __file__, "--odoo-src", args.odoo_src]
    command += ["-c", args.config, "-d", args.database, "--jobs", str(jobs)]
    command += ["--max-minutes", str(args.max_minutes)]
    processes = [
        subprocess.Popen([*command, "--job", str(job), "--contracts", str(share)])
        for job, share in enumerate(shares)
        if share
    ]
    failed = [process.args for process in processes if process.wait()]
    if failed:
        raise SystemExit(f"{len(failed)} generating processes failed")


def main():
    args = parse_args()
    if args.job is not None:
        with benchlib.superuser_env(args) as env:
            generator = Generator(env, args.job, args.jobs)
            env.cr.commit()
            generate(env, generator, args.contracts, args.max_minutes, f"[{args.job}] ")
        return
    # The measured runs get the context the scheduler gives them (none):
    # only the generation turns the chatter off (GENERATION_CONTEXT).
    with benchlib.superuser_env(args) as env:
        from odoo.tools import config  # noqa: PLC0415

        cr = env.cr
        # The data set's size leaves out the dunning benchmark's contracts
        # (bench_dunning.py, customers DUNBENCH-*), which the same database
        # holds after a full `make bench`.
        own = ["!", ("partner_id.ref", "=like", "DUNBENCH-%")]
        existing = env["backoffice.contract.performance"].search_count(own)
        generator = Generator(env)
        cr.commit()
        print(f"contracts already in the database: {existing}")
        first = module_hook_queries(env, generator)
        to_make = max(args.contracts - existing, 0)
        start = time.perf_counter()
        if to_make and args.jobs > 1:
            # Each process makes its resources first, one after the other.
            for job in range(1, args.jobs):
                Generator(env, job, args.jobs)
            prepare_shared_sequences(env)
            cr.commit()
            generate_in_parallel(args, to_make)
            env.invalidate_all()
            made = env["backoffice.contract.performance"].search_count(own) - existing
        else:
            made = generate(env, generator, to_make, args.max_minutes)
        generation = time.perf_counter() - start
        total = env["backoffice.contract.performance"].search_count([])
        events = env["backoffice.contract.event"].search_count([])
        print(
            f"generated {made} contracts in {generation:.1f} s with {args.jobs} processes; "
            f"{total} contracts, {events} events in all"
        )
        check_totals(env)
        if args.generate_only:
            return

        report = env["backoffice.contract.performance"]
        sale_report = env["sale.report"]
        report_s, report_q = benchlib.timed(
            env,
            lambda: report.web_search_read([], REPORT_SPEC, limit=80, order="days_overdue desc"),
        )
        sale_s, sale_q = benchlib.timed(
            env, lambda: sale_report.web_search_read([], SALE_REPORT_SPEC, limit=80)
        )
        print(f"(a) first 80 rows by days_overdue desc: {report_s:.3f} s, {report_q} queries")
        print(f"    sale.report first 80 rows:          {sale_s:.3f} s, {sale_q} queries")
        print(f"    ratio (contract report / sale.report): {report_s / sale_s:.2f}x")

        group_s, group_q = benchlib.timed(
            env,
            lambda: report.formatted_read_group(
                [], ["date_order:month"], ["amount_ordered:sum", "amount_collected:sum", "__count"]
            ),
        )
        sale_group_s, _sale_group_q = benchlib.timed(
            env,
            lambda: sale_report.formatted_read_group(
                [], ["date:month"], ["price_total:sum", "__count"]
            ),
        )
        print(f"(b) read_group by month over {total} rows: {group_s:.3f} s, {group_q} queries")
        print(
            f"    sale.report read_group by month: {sale_group_s:.3f} s; "
            f"ratio {group_s / sale_group_s:.2f}x"
        )

        rows = report.search([])
        columns = rows._xlsx_columns()
        # Best of three runs of each, alternating, after a warm-up on a few
        # rows: one run of either varies by a third on this machine, and a
        # first run pays the imports and caches that the other then finds warm.
        warm_up = rows[:100]
        openpyxl_alone([list(row) for row in warm_up._xlsx_rows()], columns)
        warm_up._export_xlsx_data()
        cells = [list(row) for row in rows._xlsx_rows()]
        export_runs, ref_runs, export_mb, ref_mb = [], [], [], []
        for _run in range(3):
            env.invalidate_all()
            with benchlib.RssPeak() as rss:
                start = time.perf_counter()
                data = rows._export_xlsx_data()
                export_runs.append(time.perf_counter() - start)
            with benchlib.RssPeak() as ref_rss:
                start = time.perf_counter()
                openpyxl_alone(cells, columns)
                ref_runs.append(time.perf_counter() - start)
            export_mb.append(rss.mb)
            ref_mb.append(ref_rss.mb)
        del cells
        export_s, ref_s = min(export_runs), min(ref_runs)
        export_peak, ref_peak = max(export_mb), max(ref_mb)
        # Python allocations in a second run: tracing slows Python down, so it is not timed.
        env.invalidate_all()
        tracemalloc.start()
        rows._export_xlsx_data()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out = Path(config["data_dir"]) / "bench_contracts.xlsx"
        out.write_bytes(data)
        print(
            f"(c) XLSX export of {len(rows)} rows (best of 3): {export_s:.2f} s, "
            f"peak RSS +{export_peak:.0f} MB, "
            f"peak {peak / 2**20:.0f} MB Python allocations, {len(data) / 2**20:.1f} MB file ({out})"
        )
        print(
            f"    openpyxl alone, same cells (best of 3): {ref_s:.2f} s, peak RSS +{ref_peak:.0f} MB; "
            f"ratio {export_s / ref_s:.2f}x time"
        )

        manager = env.ref("sales_backoffice.user_backoffice_manager", raise_if_not_found=False)
        manager = manager or env["res.users"].search([("login", "=", "backoffice_manager")])
        tiles = env["backoffice.workbench"].with_user(manager)
        today_s, today_q = benchlib.timed(
            env,
            lambda: tiles.web_search_read(
                [("is_visible", "=", True)], {"key": {}, "count": {}, "amount": {}, "tone": {}}
            ),
        )
        ref_count_s, ref_count_q = benchlib.timed(
            env, lambda: sale_report.with_user(manager).search_count([])
        )
        print(
            f"(e) Today counts ({manager.login}): {today_s:.3f} s, {today_q} queries; "
            f"one sale.report count {ref_count_s:.3f} s, {ref_count_q} queries; "
            f"ratio {today_s / ref_count_s:.2f}x"
        )

        orders = env["sale.order"]

        def classify_from_scratch():
            # Every contract back to normal, then the daily run classifies them all.
            env.cr.execute(
                "UPDATE sale_order SET receivable_class = 'normal' WHERE state = 'sale'"
            )
            env.invalidate_all()
            orders._cron_classify_receivables()

        # The next day's run follows the first one (nothing changed since):
        # both inside one savepoint, rolled back together.
        cr.execute("SAVEPOINT bench_classes")
        class_s, class_q, class_mb = measure_run(env, classify_from_scratch, rollback=False)
        again_s, again_q, again_mb = measure_run(
            env, orders._cron_classify_receivables, rollback=False
        )
        cr.execute("ROLLBACK TO SAVEPOINT bench_classes")
        env.invalidate_all()
        print(
            f"(f) classification run from scratch over {total} contracts: {class_s:.1f} s, "
            f"{class_q} queries, peak {class_mb:.0f} MB; the next day's run (nothing changes): "
            f"{again_s:.2f} s, {again_q} queries, peak {again_mb:.0f} MB"
        )
        print(f"    reference: (a)'s report read, {report_s:.3f} s")
        # The dunning run, statements rendered by wkhtmltopdf as under a
        # running server (benchlib.serve_reports).
        previous_report_url = benchlib.serve_reports(env, args.http_port)
        Log = env["backoffice.dunning.log"]
        stepped = []
        run_s, run_q, run_mb = measure_run(env, lambda: stepped.append(Log._cron_dunning()))
        env["ir.config_parameter"].set_param("report.url", previous_report_url or False)
        cr.commit()
        print(
            f"    dunning run over the overdue contracts: {run_s:.1f} s, {run_q} queries, "
            f"peak {run_mb:.0f} MB, {len(stepped[0]) if stepped else 0} steps"
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
