"""Load test: simulated back-office users against a running server.

Each simulated user logs in (demo users, password = login) and repeats the
back office's day over real HTTP and JSON-RPC, pausing ``--think`` seconds
(on average) between steps like a person reading the screen:

  today        Today: the visible tiles with their counts and amounts
  list         the contract report, first 80 rows by days overdue
  contract     one contract with its Performance tab (performance list)
  export       XLSX export of 500 contracts, downloaded
  invoice      post a customer invoice (billing)
  approve      approve a sample registration (a back-office reviewer)
  audit        audit an expense claim (back office)

The drafts the last three steps act on are made by the salesperson and
billing users just before (not timed). For each level of users per worker
it prints p50 and p95 per step and the error count. Bounded: ``--duration``
seconds and ``--max-requests`` timed steps per level, loopback only.

  python tests/benchmarks/load.py --base http://127.0.0.1:8069 --db DB \\
      --workers 2 --levels 1,6,12
"""

import argparse
import base64
import random
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.odoo_client import OdooClient

# A one-page PDF, the receipt of a claim line.
RECEIPT = base64.b64encode(
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]"
    b"/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
).decode()
STEPS = ["today", "list", "contract", "export", "invoice", "approve", "audit"]
TILE_SPEC = {name: {} for name in ("key", "name", "count", "amount", "tone", "is_mine")}
REPORT_SPEC = {
    name: {}
    for name in (
        "contract_ref",
        "partner_id",
        "user_id",
        "date_order",
        "amount_ordered",
        "amount_invoiced",
        "amount_collected",
        "amount_receivable",
        "amount_overdue",
        "days_overdue",
        "receivable_class",
        "currency_id",
    )
}
CONTRACT_SPEC = {
    "name": {},
    "contract_ref": {},
    "partner_id": {"fields": {"display_name": {}}},
    "amount_total": {},
    "receivable_class": {},
    "performance_amount_delivered": {},
    "performance_amount_invoiced": {},
    "performance_amount_collected": {},
    "performance_amount_receivable": {},
    "performance_days_overdue": {},
    "performance_collection_rate": {},
    "contract_event_ids": {
        "fields": {
            name: {} for name in ("date", "event_type", "amount", "source_name", "user_id", "note")
        },
        "limit": 40,
    },
}


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", required=True, help="server URL, loopback only")
    parser.add_argument("--db", required=True)
    parser.add_argument("--workers", type=int, default=1, help="the server's HTTP workers")
    parser.add_argument("--levels", default="1,6,12", help="users per worker, comma separated")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per level")
    parser.add_argument("--max-requests", type=int, default=3000, help="timed steps per level")
    parser.add_argument("--think", type=float, default=2.0, help="mean pause between steps (s)")
    parser.add_argument(
        "--ramp",
        type=float,
        default=1.0,
        help="seconds between two users' logins (the whole ramp-up at most 60 s): a "
        "login hashes the password on purpose (PBKDF2), so a crowd logging in within "
        "the same seconds is not the day the level measures",
    )
    parser.add_argument("--export-rows", type=int, default=500)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()
    host = urlsplit(args.base).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        parser.error(f"--base must be a loopback address, not {host}")
    return args


class Budget:
    """Stop a level at its deadline or after its number of timed steps."""

    def __init__(self, seconds, requests):
        self.deadline = time.monotonic() + seconds
        self.left = requests
        self.lock = threading.Lock()

    def take(self):
        with self.lock:
            if self.left <= 0 or time.monotonic() > self.deadline:
                return False
            self.left -= 1
            return True


class User(threading.Thread):
    def __init__(self, args, index, budget, results, ready):
        super().__init__(daemon=True)
        self.args = args
        self.budget = budget
        self.results = results
        self.ready = ready
        self.rng = random.Random(args.seed + index)
        self.index = index
        self.users = 1

    def login(self, login):
        return OdooClient(self.args.base, self.args.db).login(login, login)

    def setup(self):
        self.bo = self.login("backoffice")
        self.billing = self.login("billing")
        self.seller = self.login("salesperson")
        self.contract_ids = self.bo.call(
            "sale.order", "search", [["contract_ref", "!=", False]], limit=200
        )
        self.export_ids = self.bo.call(
            "backoffice.contract.performance",
            "search",
            [],
            limit=self.args.export_rows,
            order="days_overdue desc",
        )
        self.invoice_partner = self.billing.call(
            "res.partner", "search", [["customer_rank", ">", 0]], limit=1
        )[0]
        self.sample_partner = self.seller.call(
            "res.partner", "search", [["customer_rank", ">", 0]], limit=1
        )[0]
        self.category = self.seller.call(
            "backoffice.expense.category", "search", [], limit=1, order="id"
        )[0]

    # ------------------------------------------------------------- drafts
    def draft_invoice(self):
        return self.billing.call(
            "account.move",
            "create",
            {
                "move_type": "out_invoice",
                "partner_id": self.invoice_partner,
                "invoice_line_ids": [(0, 0, {"name": "Load test service", "price_unit": 100.0})],
            },
        )

    def submitted_sample(self):
        sample = self.seller.call(
            "backoffice.sample",
            "create",
            {
                "direction": "outgoing",
                "material_type": "brochure",
                "partner_id": self.sample_partner,
                "purpose": "Load test",
                "line_ids": [
                    (0, 0, {"description": "Brochure", "quantity": 1, "is_returnable": False})
                ],
            },
        )
        self.seller.call("backoffice.sample", "action_submit", [sample])
        return sample

    def submitted_claim(self):
        # A Tuesday-Wednesday trip a week ago: no weekend, small amounts.
        monday = date.today() - timedelta(days=date.today().weekday() + 7)
        day = (monday + timedelta(days=1)).isoformat()
        ref = f"LOAD-{uuid.uuid4().hex[:12]}"
        receipt = self.seller.call(
            "ir.attachment",
            "create",
            {"name": f"{ref}.pdf", "datas": RECEIPT, "mimetype": "application/pdf"},
        )
        claim = self.seller.call(
            "backoffice.expense.claim",
            "create",
            {
                "date_from": day,
                "date_to": (monday + timedelta(days=2)).isoformat(),
                "route": "Load test",
                "purpose": "Load test",
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "date": day,
                            "category_id": self.category,
                            "description": "Taxi",
                            "amount": 9.0,
                            "receipt_ref": ref,
                            "attachment_ids": [(6, 0, [receipt])],
                        },
                    )
                ],
            },
        )
        self.seller.call("backoffice.expense.claim", "action_submit", [claim])
        return claim

    # -------------------------------------------------------------- steps
    def step(self, name):
        bo = self.bo
        if name == "today":
            bo.call(
                "backoffice.workbench", "web_search_read", [["is_visible", "=", True]], TILE_SPEC
            )
        elif name == "list":
            bo.call(
                "backoffice.contract.performance",
                "web_search_read",
                [],
                REPORT_SPEC,
                limit=80,
                order="days_overdue desc",
            )
        elif name == "contract":
            bo.call("sale.order", "web_read", [self.rng.choice(self.contract_ids)], CONTRACT_SPEC)
        elif name == "export":
            action = bo.call(
                "backoffice.contract.performance", "action_export_xlsx", self.export_ids
            )
            response = bo.get(action["url"])
            response.raise_for_status()
            if not response.content.startswith(b"PK"):
                raise RuntimeError("the export is not an XLSX file")
        elif name == "invoice":
            invoice = self.timed_setup(self.draft_invoice)
            start = time.perf_counter()
            self.billing.call("account.move", "action_post", [invoice])
            return time.perf_counter() - start
        elif name == "approve":
            sample = self.timed_setup(self.submitted_sample)
            start = time.perf_counter()
            action = bo.call("backoffice.sample", "action_approve", [sample])
            wizard = bo.call(
                action["res_model"], "create", {"comment": "Load test"}, context=action["context"]
            )
            bo.call(action["res_model"], "action_confirm", [wizard])
            return time.perf_counter() - start
        elif name == "audit":
            claim = self.timed_setup(self.submitted_claim)
            start = time.perf_counter()
            bo.call("backoffice.expense.claim", "action_audit", [claim])
            return time.perf_counter() - start
        return None

    def timed_setup(self, func):
        start = time.perf_counter()
        result = func()
        self.record("(drafts)", time.perf_counter() - start, None)
        return result

    def record(self, name, seconds, error):
        with self.results["lock"]:
            self.results["times"].setdefault(name, [])
            if error:
                self.results["errors"].setdefault(name, []).append(error)
            else:
                self.results["times"][name].append(seconds)

    def run(self):
        # People do not all log in within the same second: the logins are
        # spread over --ramp seconds per user (at most 60 s); the level's clock
        # starts once everybody is in.
        time.sleep(self.index * min(self.args.ramp, 60 / max(self.users, 1)))
        try:
            self.setup()
        except Exception as error:
            self.record("(login)", 0, repr(error))
            self.ready.wait()
            return
        self.ready.wait()
        time.sleep(self.rng.uniform(0, self.args.think))
        steps = STEPS[:]
        while True:
            self.rng.shuffle(steps)
            for name in steps:
                if not self.budget.take():
                    return
                start = time.perf_counter()
                try:
                    seconds = self.step(name)
                    seconds = seconds if seconds is not None else time.perf_counter() - start
                    self.record(name, seconds, None)
                except Exception as error:
                    self.record(name, 0, repr(error)[:300])
                time.sleep(self.rng.expovariate(1 / self.args.think) if self.args.think else 0)


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run_level(args, per_worker):
    users = per_worker * args.workers
    budget = Budget(args.duration, args.max_requests)
    results = {"lock": threading.Lock(), "times": {}, "errors": {}}
    ready = threading.Barrier(users + 1)

    class Ready:
        @staticmethod
        def wait():
            try:
                ready.wait(timeout=600)
            except threading.BrokenBarrierError:
                pass

    threads = [User(args, index, budget, results, Ready) for index in range(users)]
    for thread in threads:
        thread.users = users
    for thread in threads:
        thread.start()
    Ready.wait()
    # The level's clock starts when every user is logged in.
    budget.deadline = time.monotonic() + args.duration
    start = time.monotonic()
    for thread in threads:
        thread.join(args.duration + 600)
    return users, time.monotonic() - start, results


def main():
    args = parse_args()
    levels = [int(level) for level in args.levels.split(",")]
    table = []
    single = {}
    for per_worker in levels:
        users, elapsed, results = run_level(args, per_worker)
        errors = sum(len(v) for v in results["errors"].values())
        print(
            f"\n{per_worker} user(s) per worker x {args.workers} worker(s) = {users} users, "
            f"{elapsed:.0f} s, think {args.think:g} s, {errors} error(s)",
            flush=True,
        )
        print(
            f"  {'step':<10} {'n':>5} {'p50 s':>8} {'p95 s':>8} {'x 1-user p50':>13} {'errors':>7}"
        )
        for name in [*STEPS, "(drafts)", "(login)"]:
            times = results["times"].get(name, [])
            errs = results["errors"].get(name, [])
            if not times and not errs:
                continue
            p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
            if per_worker == levels[0]:
                single[name] = p50
            ratio = p50 / single[name] if single.get(name) else float("nan")
            print(
                f"  {name:<10} {len(times):>5} {p50:>8.3f} {p95:>8.3f} {ratio:>12.2f}x {len(errs):>7}"
            )
            table.append((per_worker, name, len(times), p50, p95, ratio, len(errs)))
        for name, errs in results["errors"].items():
            for error in errs[:3]:
                print(f"  error in {name}: {error}")
    print("\nMarkdown:")
    print("| users/worker | step | n | p50 s | p95 s | p50 / 1-user p50 | errors |")
    print("|---|---|---|---|---|---|---|")
    for per_worker, name, count, p50, p95, ratio, errs in table:
        print(
            f"| {per_worker} | {name} | {count} | {p50:.3f} | {p95:.3f} | {ratio:.2f} | {errs} |"
        )


if __name__ == "__main__":
    main()
