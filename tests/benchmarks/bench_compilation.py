"""Work report compilation benchmark (issue #16).

Generates a sales team of 50 salespeople (reused on later runs) with a year of
weekly work reports, submitted or late, runs the daily work report run, then
prints figures:

  (a) seconds and queries of the compilation data (``_compile()``: reports,
      figures) for one week of the team;
  (b) the same for the XLSX workbook and the HTML of the PDF;
  (c) seconds and queries of the daily run once everything exists (nothing
      to create: what every later day costs).

Figures only, no assertion. Run with the same arguments as bench_contracts.py:
  python tests/benchmarks/bench_compilation.py --odoo-src SRC -c CONF -d DB
"""

import time
from datetime import date, timedelta

import benchlib

SALESPEOPLE = 50
WEEKS = 52


def parse_args():
    parser = benchlib.parser(__doc__)
    parser.add_argument("--salespeople", type=int, default=SALESPEOPLE)
    parser.add_argument("--weeks", type=int, default=WEEKS)
    return parser.parse_args()


def generate(env, salespeople, weeks):
    """The bench team, its users and a year of weekly reports."""
    team = env["crm.team"].search([("name", "=", "Bench work report team")], limit=1)
    if not team:
        team = env["crm.team"].create(
            {"name": "Bench work report team", "company_id": env.company.id}
        )
    users = env["res.users"].search([("login", "=like", "bench_reporter_%")], order="id")
    if len(users) < salespeople:
        group = env.ref("sales_team.group_sale_salesman")
        users |= env["res.users"].create(
            [
                {
                    "name": f"Bench reporter {index}",
                    "login": f"bench_reporter_{index}",
                    "group_ids": [(4, group.id)],
                }
                for index in range(len(users), salespeople)
            ]
        )
    users = users[:salespeople]
    missing = users - team.member_ids
    if missing:
        team.crm_team_member_ids = [(0, 0, {"user_id": user.id}) for user in missing]
    if not env["backoffice.work.report.rule"].search([("team_id", "=", team.id)]):
        env["backoffice.work.report.rule"].create(
            {"team_id": team.id, "period_type": "week", "grace_days": 2}
        )
    Report = env["backoffice.work.report"]
    monday = date.today() - timedelta(days=date.today().weekday())
    existing = {
        (report.user_id.id, report.date_from)
        for report in Report.search([("team_id", "=", team.id), ("period_type", "=", "week")])
    }
    vals_list = []
    for week in range(1, weeks + 1):
        start = monday - timedelta(weeks=week)
        for index, user in enumerate(users):
            if (user.id, start) in existing:
                continue
            vals_list.append(
                {
                    "user_id": user.id,
                    "team_id": team.id,
                    "period_type": "week",
                    "date_from": start,
                    "summary": f"Week {week}: visited {index % 7 + 1} customers.",
                    "plan": "Follow up the quotations.",
                    "market_info": f"Competitor price {100 + index}" if index % 3 == 0 else False,
                    # One in ten is late, the others are submitted.
                    "state": "draft" if index % 10 == 0 else "submitted",
                }
            )
    for offset in range(0, len(vals_list), 2000):
        Report.create(vals_list[offset : offset + 2000])
        env.cr.commit()
    Report._cron_work_reports()
    env.cr.commit()
    return team


def main():
    args = parse_args()
    with benchlib.superuser_env(args, {"tracking_disable": True, "mail_notrack": True}) as env:
        cr = env.cr
        start = time.perf_counter()
        team = generate(env, args.salespeople, args.weeks)
        reports = env["backoffice.work.report"].search_count([("team_id", "=", team.id)])
        print(
            f"team of {len(team.member_ids)} salespeople, {reports} reports "
            f"(ready in {time.perf_counter() - start:.1f} s)"
        )
        compilation = env["backoffice.work.report.compilation"].create(
            {
                "team_id": team.id,
                "period_type": "week",
                # Two weeks ago: past its grace days, so the late reports show.
                "date": date.today() - timedelta(days=14),
            }
        )

        def compile_data():
            data = compilation._compile()
            # Touch what the documents show, as the PDF does.
            for report in data["submitted"] | data["late"]:
                _ = (report.user_id.name, report.summary, report.partner_ids.ids)

        seconds, queries = benchlib.timed(env, compile_data)
        data = compilation._compile()
        print(
            f"(a) compilation data: {seconds:.3f} s, {queries} queries "
            f"({len(data['submitted'])} submitted, {len(data['late'])} late)"
        )
        seconds, queries = benchlib.timed(env, compilation._export_xlsx_data)
        print(f"(b) compilation XLSX: {seconds:.3f} s, {queries} queries")
        report = env.ref("sales_backoffice.action_report_work_report_compilation")
        seconds, queries = benchlib.timed(
            env, lambda: report._render_qweb_html(report.report_name, compilation.ids)
        )
        print(f"(b) compilation PDF (HTML): {seconds:.3f} s, {queries} queries")
        seconds, queries = benchlib.timed(
            env, env["backoffice.work.report"]._cron_work_reports, repeat=1
        )
        print(f"(c) daily run with nothing to create: {seconds:.3f} s, {queries} queries")
        cr.rollback()


if __name__ == "__main__":
    main()
