"""Dunning run benchmark (issue #15, dunning by level).

Generates overdue contracts (confirmed, invoiced and posted through Odoo's own
flows, due 8 to 120 days ago, spread over 250 customers with an e-mail), then
prints figures for the dunning run over all of them, run the way the
scheduler runs it (a cron progress record in the context, so every batch is
committed):

  (a) one full run: seconds, queries, batches committed, steps, e-mails queued;
  (b) a run interrupted halfway (the worker stops after half the batches),
      then resumed: peak Python memory of the two, and a check that no
      customer received two messages and no contract took two steps.

Figures only, no assertion but the check of (b). The number of contracts is
``--contracts`` (default 10000; BO_BENCH_DUNNING_CONTRACTS in scripts/bench.sh
for a quick run). The statements are rendered by wkhtmltopdf, which loads
the report's assets over HTTP: the benchmark serves Odoo's web client from
its own process on ``--http-port`` (as the scheduler of a running server
would have it) and points ``report.url`` at it for the run.
BO_BENCH_DUNNING_PDF=0 attaches the statement as HTML instead.
"""

import os
import random
import sys
import time
import tracemalloc
from datetime import date, timedelta

import benchlib

BATCH = 250
CUSTOMERS = 250
# Bulk generation, as Odoo's own populate does it: no chatter message, no
# tracking and no "you have been assigned" mail for each generated record.
GENERATION_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
}
# How long ago the invoices fell due, in days: a few values, so the dates are
# written once per value and batch rather than once per invoice.
DUE_AGO = tuple(range(8, 121, 8))


def parse_args():
    parser = benchlib.parser(__doc__)
    parser.add_argument(
        "--contracts", type=int, default=int(os.environ.get("BO_BENCH_DUNNING_CONTRACTS", 10000))
    )
    parser.add_argument(
        "--http-port", type=int, default=int(os.environ.get("BO_BENCH_HTTP_PORT", 8079))
    )
    parser.add_argument(
        "--generate-only", action="store_true", help="generate the contracts and stop"
    )
    return parser.parse_args()


class Stop(Exception):
    """The worker stopped between two batches."""


class Generator:
    def __init__(self, env):
        self.env = env
        self.rng = random.Random(15)
        self.today = date.today()
        self.product = env["product.product"].search([("default_code", "=", "DUNBENCH")])
        if not self.product:
            self.product = env["product.product"].create(
                {
                    "name": "Dunning bench service",
                    "default_code": "DUNBENCH",
                    "type": "service",
                    "list_price": 250.0,
                    "invoice_policy": "order",
                    "taxes_id": [(5, 0, 0)],
                }
            )
        self.partners = env["res.partner"].search([("ref", "=like", "DUNBENCH-%")], order="id")
        if not self.partners:
            self.partners = env["res.partner"].create(
                [
                    {
                        "name": f"Dunning bench customer {index}",
                        "ref": f"DUNBENCH-{index}",
                        "email": f"dunbench{index}@example.com",
                    }
                    for index in range(CUSTOMERS)
                ]
            )
        self.user = env.ref("base.user_admin")

    def existing(self):
        return self.env["sale.order"].search_count(
            [("partner_id", "in", self.partners.ids), ("state", "=", "sale")]
        )

    def batch(self, size):
        env, rng = self.env(context=dict(self.env.context, **GENERATION_CONTEXT)), self.rng
        orders = env["sale.order"].create(
            [
                {
                    "partner_id": rng.choice(self.partners).id,
                    "user_id": self.user.id,
                    "order_line": [
                        (
                            0,
                            0,
                            {"product_id": self.product.id, "product_uom_qty": rng.randint(1, 9)},
                        )
                    ],
                }
                for _index in range(size)
            ]
        )
        orders.action_confirm()
        invoices = orders._create_invoices(grouped=True)
        by_due = {}
        for invoice in invoices:
            by_due.setdefault(rng.choice(DUE_AGO), []).append(invoice.id)
        for days, ids in by_due.items():
            due = self.today - timedelta(days=days)
            invoices.browse(ids).write(
                {"invoice_payment_term_id": False, "invoice_date": due, "invoice_date_due": due}
            )
        invoices.action_post()
        return orders


def reset(env, generator):
    """Forget the bench contracts' dunning, so each measured run starts from
    the same state (bench data only)."""
    from odoo.tools import SQL  # noqa: PLC0415

    orders = env["sale.order"].search([("partner_id", "in", generator.partners.ids)])
    env.cr.execute(SQL("DELETE FROM backoffice_dunning_log WHERE order_id = ANY(%s)", orders.ids))
    env.cr.execute(
        SQL(
            "UPDATE sale_order SET dunning_level_id = NULL, date_payment_promised = NULL "
            "WHERE id = ANY(%s)",
            orders.ids,
        )
    )
    env.cr.commit()
    env.invalidate_all()
    return orders


def cron_env(env):
    """The environment the scheduler gives the job: its progress record."""
    cron = env.ref("sales_backoffice.ir_cron_dunning")
    progress = env["ir.cron.progress"].create({"cron_id": cron.id, "remaining": 0, "done": 0})
    env.cr.commit()
    return env(
        context=dict(env.context, ir_cron_progress_id=progress.id, cron_id=cron.id)
    ), progress


def mails_by_partner(env, partners, after_id):
    counts = {}
    for mail in env["mail.mail"].search([("id", ">", after_id)]):
        for partner in mail.recipient_ids & partners:
            counts[partner.id] = counts.get(partner.id, 0) + 1
    return counts


def last_mail_id(env):
    return env["mail.mail"].search([], order="id desc", limit=1).id or 0


def main():
    args = parse_args()
    with benchlib.superuser_env(args) as env:
        from odoo.tools import SQL  # noqa: PLC0415

        from odoo.addons.sales_backoffice.models import backoffice_dunning_log  # noqa: PLC0415

        cr = env.cr
        generator = Generator(env)
        cr.commit()
        to_make = max(args.contracts - generator.existing(), 0)
        start = time.perf_counter()
        made = 0
        while made < to_make:
            size = min(BATCH, to_make - made)
            generator.batch(size)
            cr.commit()
            made += size
            print(
                f"  generated {made}/{to_make} ({time.perf_counter() - start:.0f} s)", flush=True
            )
        print(f"generated {made} overdue contracts in {time.perf_counter() - start:.1f} s")
        if args.generate_only:
            return
        # Only the bench's customers' contracts are dunned: in the database of
        # the contract benchmark (100,000 contracts, a quarter of them
        # overdue) bench_contracts.py measures the run over everything.
        scope = [("partner_id", "in", generator.partners.ids)]
        previous_report_url = None
        if os.environ.get("BO_BENCH_DUNNING_PDF", "1") != "0":
            previous_report_url = benchlib.serve_reports(env, args.http_port)
            print(f"statements rendered by wkhtmltopdf, assets served on port {args.http_port}")
        else:
            # The HTML statement (the run's own fallback) instead of the PDF.
            from odoo.exceptions import UserError  # noqa: PLC0415

            def no_pdf(*_args, **_kwargs):
                raise UserError("PDF engine disabled for the benchmark")

            env.registry["ir.actions.report"]._render_qweb_pdf = no_pdf
            print("PDF rendering disabled (BO_BENCH_DUNNING_PDF=0): statements attached as HTML")
        Log = env["backoffice.dunning.log"]

        # (a) one full run
        orders = reset(env, generator)
        run_env, progress = cron_env(env)
        first_mail = last_mail_id(env)
        before = cr.sql_log_count
        start = time.perf_counter()
        stepped = Log.with_env(run_env)._run_dunning(domain=scope)
        seconds = time.perf_counter() - start
        queries = cr.sql_log_count - before
        cr.commit()
        mails = env["mail.mail"].search_count([("id", ">", first_mail)])
        progress.invalidate_recordset()
        print(
            f"(a) dunning run over {len(orders)} overdue contracts: {seconds:.1f} s, "
            f"{queries} queries ({queries / max(len(stepped), 1):.1f} per step), "
            f"{len(stepped)} steps, {mails} e-mails queued, progress committed "
            f"{progress.done} done / {progress.remaining} remaining"
        )

        # (b) interrupted halfway, then resumed
        orders = reset(env, generator)
        run_env, progress = cron_env(env)
        first_mail = last_mail_id(env)
        batches = -(-len(orders) // backoffice_dunning_log.BATCH_SIZE)
        original = backoffice_dunning_log.commit_progress
        calls = []

        def stopping(env_, processed, remaining=None):
            result = original(env_, processed, remaining=remaining)
            calls.append(processed)
            if len(calls) >= max(batches // 2, 1):
                raise Stop
            return result

        tracemalloc.start()
        backoffice_dunning_log.commit_progress = stopping
        try:
            Log.with_env(run_env)._run_dunning(domain=scope)
        except Stop:
            cr.rollback()  # what the worker had not committed
        finally:
            backoffice_dunning_log.commit_progress = original
        env.invalidate_all()
        half = Log.search_count([("order_id", "in", orders.ids)])
        start = time.perf_counter()
        Log.with_env(run_env)._run_dunning(domain=scope)
        resumed = time.perf_counter() - start
        cr.commit()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        counts = mails_by_partner(env, generator.partners, first_mail)
        twice = {pid: count for pid, count in counts.items() if count > 1}
        env.cr.execute(
            SQL(
                "SELECT order_id FROM backoffice_dunning_log WHERE order_id = ANY(%s) "
                "AND state != 'skipped' GROUP BY order_id, date HAVING COUNT(*) > 1",
                orders.ids,
            )
        )
        stepped_twice = env.cr.fetchall()
        print(
            f"(b) interrupted after {len(calls)} of ~{batches} batches with {half} steps committed; "
            f"resumed in {resumed:.1f} s; peak {peak / 2**20:.0f} MB (Python allocations, both runs); "
            f"customers messaged twice: {len(twice)}, contracts stepped twice: {len(stepped_twice)}"
        )
        if previous_report_url is not None:
            env["ir.config_parameter"].set_param("report.url", previous_report_url or False)
            cr.commit()
        if twice or stepped_twice:
            sys.exit("the resumed run sent something twice")


if __name__ == "__main__":
    main()
