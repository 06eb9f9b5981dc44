"""Commission benchmark (issue #16 part 4: commissions).

Builds, for one salesperson, contracts confirmed and invoiced through Odoo's
own flows and BO_BENCH_PAYMENT_EVENTS (default 10,000) payment events in one
month on them, then prints figures:

  (a) computing the month's settlement: seconds and queries;
  (b) computing it again (a re-run): seconds, queries, and that the total
      is the same;
  (c) the next month's settlement once the first is confirmed, when every
      payment of the month was recorded late (all left out as already
      settled): seconds and queries;
  (d) posting the confirmed settlement's journal entry: seconds and queries.

The payment events are written directly (as the module's sync code writes
them, under the superuser) rather than by registering 10,000 payments: the
benchmark measures the settlement, not Odoo's payment registration. Figures
only, no assertion; everything is rolled back at the end. Run it like the
contract benchmark:
``python tests/benchmarks/bench_commission.py --odoo-src ... -c conf -d db``.
"""

import time
from datetime import date, timedelta

import benchlib

CONTRACTS = 200


def parse_args():
    parser = benchlib.parser(__doc__)
    parser.add_argument("--events", type=int, default=10000)
    return parser.parse_args()


def measured(env, func):
    env.flush_all()
    env.invalidate_all()
    before = env.cr.sql_log_count
    start = time.perf_counter()
    result = func()
    env.flush_all()
    return time.perf_counter() - start, env.cr.sql_log_count - before, result


def build(env, events):
    company = env.company
    seller = env["res.users"].create(
        {
            "name": "Commission bench seller",
            "login": "bench_commission_seller",
            "group_ids": [(4, env.ref("sales_team.group_sale_salesman").id)],
        }
    )
    product = env["product.product"].create(
        {
            "name": "Commission bench service",
            "type": "service",
            "list_price": 1000.0,
            "invoice_policy": "order",
        }
    )
    partner = env["res.partner"].create({"name": "Commission bench customer"})
    orders = env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "user_id": seller.id,
                "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 10})],
            }
            for _index in range(CONTRACTS)
        ]
    )
    orders.action_confirm()
    invoices = orders._create_invoices()
    invoices.action_post()
    env["backoffice.commission.rule"].create(
        {
            "name": "Bench: 5% of collections",
            "company_id": company.id,
            "user_id": seller.id,
            "base": "collected",
            "rate": 5.0,
            "tier_ids": [(0, 0, {"amount_from": 100000.0, "rate": 6.0})],
        }
    )
    month_start = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    invoice_by_order = {order: order.invoice_ids[:1] for order in orders}
    env["backoffice.contract.event"].sudo().create(
        [
            {
                "order_id": orders[index % CONTRACTS].id,
                "event_type": "payment",
                "date": month_start + timedelta(days=index % 28),
                "amount": 11.5,
                "move_id": invoice_by_order[orders[index % CONTRACTS]].id,
            }
            for index in range(events)
        ]
    )
    return company, seller, month_start


def main():
    args = parse_args()
    with benchlib.superuser_env(args, {"tracking_disable": True, "mail_notrack": True}) as env:
        cr = env.cr
        start = time.perf_counter()
        company, seller, month_start = build(env, args.events)
        print(
            f"built {CONTRACTS} contracts, {args.events} payment events "
            f"in {time.perf_counter() - start:.1f} s"
        )
        month_end = (month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        Settlement = env["backoffice.commission.settlement"]
        settlement = Settlement.create(
            {
                "company_id": company.id,
                "user_id": seller.id,
                "date_from": month_start,
                "date_to": month_end,
            }
        )
        seconds, queries, _result = measured(env, settlement.action_compute)
        total = settlement.amount_total
        print(
            f"(a) monthly settlement over {args.events} payment events: {seconds:.2f} s, "
            f"{queries} queries, {len(settlement.counted_line_ids)} lines, total {total:.2f}"
        )
        seconds, queries, _result = measured(env, settlement.action_compute)
        print(
            f"(b) re-run: {seconds:.2f} s, {queries} queries, total {settlement.amount_total:.2f} "
            f"({'same' if settlement.amount_total == total else 'DIFFERENT'})"
        )
        settlement.action_confirm()
        # Every event of the month recorded during the next month: seen, left out.
        env.cr.execute(
            "UPDATE backoffice_contract_event SET create_date = %s WHERE order_id IN %s",
            (month_end + timedelta(days=2), tuple(settlement.counted_line_ids.order_id.ids)),
        )
        following = Settlement.create(
            {
                "company_id": company.id,
                "user_id": seller.id,
                "date_from": month_end + timedelta(days=1),
                "date_to": month_end + timedelta(days=28),
            }
        )
        seconds, queries, _result = measured(env, following.action_compute)
        print(
            f"(c) next month, {len(following.excluded_line_ids)} events left out as already "
            f"settled: {seconds:.2f} s, {queries} queries, total {following.amount_total:.2f}"
        )
        journal = env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", company.id)], limit=1
        )
        expense = env["account.account"].search([("account_type", "=", "expense")], limit=1)
        company.write(
            {
                "backoffice_commission_journal_id": journal.id,
                "backoffice_commission_expense_account_id": expense.id,
            }
        )
        seconds, queries, _result = measured(env, settlement.action_post)
        print(
            f"(d) posting the entry ({len(settlement.move_id.line_ids)} lines): "
            f"{seconds:.2f} s, {queries} queries"
        )
        cr.rollback()


if __name__ == "__main__":
    main()
