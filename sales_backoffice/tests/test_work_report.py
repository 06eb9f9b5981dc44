from datetime import date, timedelta
from io import BytesIO

from openpyxl import load_workbook

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .test_expense import ExpenseCommon

REMINDER = "sales_backoffice.mail_activity_type_work_report"
# A Wednesday: the week's reports run Monday 2026-11-16 to Sunday 2026-11-22
# for the last week, 2026-11-23 to 2026-11-29 for this one.
TODAY = date(2026, 11, 25)


class WorkReportCommon(ExpenseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team = cls.env["crm.team"].create(
            {
                "name": "East Sales",
                "company_id": cls.company.id,
                "crm_team_member_ids": [
                    Command.create({"user_id": cls.salesman.id}),
                    Command.create({"user_id": cls.other_salesman.id}),
                ],
            }
        )
        cls.outsider = new_test_user(
            cls.env,
            login="bo_salesman3",
            name="Otto Outsider",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        # Configuration and the whole list, read as the scheduler does.
        Rule = cls.env["backoffice.work.report.rule"].sudo()
        cls.weekly = Rule.create(
            {
                "company_id": cls.company.id,
                "team_id": cls.team.id,
                "period_type": "week",
                "grace_days": 2,
            }
        )
        cls.monthly = Rule.create(
            {
                "company_id": cls.company.id,
                "team_id": cls.team.id,
                "period_type": "month",
                "grace_days": 5,
            }
        )
        cls.Report = cls.env["backoffice.work.report"].sudo()

    def _report(self, user=None, period_type="week", day=TODAY, **vals):
        return (
            self.Report.with_user(user or self.salesman)
            .create(
                {
                    "company_id": self.company.id,
                    "period_type": period_type,
                    "date_from": day,
                    "team_id": self.team.id,
                    "summary": "Visited three plants.",
                    **vals,
                }
            )
            .sudo()  # read back as the test reads everything
        )

    def _submitted(self, user=None, **vals):
        report = self._report(user=user, **vals)
        report.with_user(user or self.salesman).action_submit()
        return report

    def _review(self, report, user, comment="Good week."):
        action = report.with_user(user).action_review()
        wizard = Form(
            self.env[action["res_model"]].with_user(user).with_context(**action["context"])
        )
        wizard.comment = comment
        wizard.save().action_confirm()


@tagged("post_install", "-at_install")
class TestWorkReport(WorkReportCommon):
    # -------------------------------------------------------------- owed
    def test_reports_owed_per_rule(self):
        self.Report._cron_work_reports(TODAY)
        reports = self.Report.search([("team_id", "=", self.team.id)])
        found = {(r.user_id, r.period_type, r.date_from, r.date_to) for r in reports}
        expected = set()
        for user in self.salesman | self.other_salesman:
            expected |= {
                (user, "week", date(2026, 11, 16), date(2026, 11, 22)),
                (user, "week", date(2026, 11, 23), date(2026, 11, 29)),
                (user, "month", date(2026, 10, 1), date(2026, 10, 31)),
                (user, "month", date(2026, 11, 1), date(2026, 11, 30)),
            }
        self.assertEqual(found, expected)
        self.assertFalse(self.Report.search([("user_id", "=", self.outsider.id)]))
        self.assertEqual(set(reports.mapped("state")), {"draft"})
        week = reports.filtered(lambda r: r.period_type == "week")[:1]
        self.assertEqual(week.rule_id, self.weekly)
        self.assertEqual(week.date_due, week.date_to + timedelta(days=2))
        # A second run (or a restarted one) creates nothing more.
        self.Report._cron_work_reports(TODAY)
        self.assertEqual(self.Report.search_count([("team_id", "=", self.team.id)]), 8)

    def test_report_written_before_the_run_is_kept(self):
        mine = self._report(day=date(2026, 11, 18))
        self.assertEqual(mine.date_from, date(2026, 11, 16), "the period's first day")
        self.Report._cron_work_reports(TODAY)
        weeks = self.Report.search(
            [("user_id", "=", self.salesman.id), ("period_type", "=", "week")]
        )
        self.assertEqual(len(weeks), 2)
        self.assertIn(mine, weeks)

    def test_report_follows_a_rule_made_later(self):
        daily = self._report(period_type="day", day=TODAY - timedelta(days=3))
        self.assertFalse(daily.rule_id)
        rule = (
            self.env["backoffice.work.report.rule"]
            .sudo()
            .create({"company_id": self.company.id, "team_id": self.team.id, "period_type": "day"})
        )
        self.assertEqual(daily.rule_id, rule)
        self.assertEqual(daily.date_due, daily.date_to + timedelta(days=1))
        rule.active = False
        self.assertFalse(daily.rule_id)

    def test_one_reminder_per_missing_report(self):
        self.Report._cron_work_reports(TODAY)
        reports = self.Report.search([("team_id", "=", self.team.id)])
        activity_type = self.env.ref(REMINDER)
        for report in reports:
            activities = report.activity_ids.filtered(
                lambda a: a.activity_type_id == activity_type
            )
            self.assertEqual(len(activities), 1, report.name)
            self.assertEqual(activities.user_id, report.user_id)
            self.assertEqual(activities.date_deadline, report.date_due)
        # The salesperson dismisses one: the next runs never give a second.
        reports[0].activity_ids.unlink()
        self.Report._cron_work_reports(TODAY + timedelta(days=1))
        self.assertFalse(reports[0].activity_ids)
        self.assertEqual(
            self.env["mail.activity"]
            .sudo()
            .search_count(
                [
                    ("res_model", "=", self.Report._name),
                    ("res_id", "in", reports.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            ),
            len(reports) - 1,
        )
        # Submitting closes the reminder.
        report = reports.filtered(lambda r: r.user_id == self.salesman and r.activity_ids)[:1]
        report.with_user(self.salesman).write({"summary": "Done."})
        report.with_user(self.salesman).action_submit()
        self.assertFalse(report.activity_ids)

    def test_late_after_the_grace_days(self):
        self.Report._cron_work_reports(date(2026, 11, 24))
        last_week = self.Report.search(
            [
                ("user_id", "=", self.salesman.id),
                ("period_type", "=", "week"),
                ("date_from", "=", date(2026, 11, 16)),
            ]
        )
        other_last_week = self.Report.search(
            [
                ("user_id", "=", self.other_salesman.id),
                ("period_type", "=", "week"),
                ("date_from", "=", date(2026, 11, 16)),
            ]
        )
        # Due on Tuesday the 24th: on Wednesday it is late, unless submitted.
        other_last_week.with_user(self.other_salesman).write({"summary": "On time."})
        other_last_week.with_user(self.other_salesman).action_submit()
        self.Report._cron_work_reports(date(2026, 11, 24))
        self.assertFalse(last_week.is_late, "still within the grace days")
        self.Report._cron_work_reports(TODAY)
        self.assertTrue(last_week.is_late)
        self.assertFalse(other_last_week.is_late)
        current = self.Report.search(
            [
                ("user_id", "=", self.salesman.id),
                ("period_type", "=", "week"),
                ("date_from", "=", date(2026, 11, 23)),
            ]
        )
        self.assertFalse(current.is_late)
        october = self.Report.search(
            [
                ("user_id", "=", self.salesman.id),
                ("period_type", "=", "month"),
                ("date_from", "=", date(2026, 10, 1)),
            ]
        )
        self.assertTrue(october.is_late, "due on 5 November")
        # A late report submitted afterwards stays marked late.
        last_week.with_user(self.salesman).write({"summary": "Sorry, late."})
        last_week.with_user(self.salesman).action_submit()
        self.assertEqual(last_week.state, "submitted")
        self.assertTrue(last_week.is_late)

    # ------------------------------------------------------------ access
    def test_salespeople_see_their_own_reports_only(self):
        mine = self._report()
        theirs = self._report(user=self.other_salesman)
        found = self.Report.with_user(self.salesman).search([])
        self.assertIn(mine, found)
        self.assertNotIn(theirs, found)
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesman).read(["summary"])
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesman).write({"summary": "Mine now"})
        with self.assertRaises(AccessError):
            self.Report.with_user(self.salesman).create(
                {"user_id": self.other_salesman.id, "period_type": "week", "date_from": TODAY}
            )
        with self.assertRaises(AccessError):
            mine.with_user(self.salesman).write({"user_id": self.other_salesman.id})
        # The back office reads every report of its company, writes none.
        self.assertEqual(
            self.Report.with_user(self.bo_user).search([("id", "in", (mine | theirs).ids)]),
            mine | theirs,
        )
        with self.assertRaises(AccessError):
            mine.with_user(self.bo_user).write({"summary": "Better words"})

    def test_other_company_is_refused(self):
        other_company = self.env["res.company"].create({"name": "Other Branch"})
        stranger = new_test_user(
            self.env,
            login="bo_user_other",
            name="Other Backoffice",
            groups="sales_backoffice.group_backoffice_user",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        report = self._submitted()
        self.assertFalse(self.Report.with_user(stranger).search([("id", "=", report.id)]))
        with self.assertRaises(AccessError):
            report.with_user(stranger).read(["summary"])
        with self.assertRaises(AccessError):
            report.with_user(stranger).action_review()
        with self.assertRaises(AccessError):
            self.weekly.with_user(stranger).read(["grace_days"])

    def test_rules_are_configured_by_managers(self):
        self.assertEqual(self.weekly.with_user(self.salesman).grace_days, 2)
        with self.assertRaises(AccessError):
            self.weekly.with_user(self.salesman).write({"grace_days": 30})
        with self.assertRaises(AccessError):
            self.weekly.with_user(self.bo_user).write({"grace_days": 30})
        self.weekly.with_user(self.bo_manager).write({"grace_days": 3})
        self.assertEqual(self.weekly.grace_days, 3)

    def test_protected_fields_are_refused(self):
        for field, value in (
            ("state", "reviewed"),
            ("is_late", True),
            ("reviewer_id", self.bo_user.id),
            ("review_comment", "Fine"),
            ("date_submitted", "2026-11-20 10:00:00"),
            ("date_due", "2030-01-01"),
        ):
            with self.assertRaises(UserError, msg=field):
                self._report(**{field: value})
        report = self._report()
        for field, value in (("state", "reviewed"), ("is_late", False), ("date_reminded", TODAY)):
            with self.assertRaises(UserError, msg=field):
                report.with_user(self.salesman).write({field: value})
            with self.assertRaises(UserError, msg=field):
                report.with_user(self.bo_manager).write({field: value})
        # Defaults from the context are client input: ignored.
        forged = (
            self.Report.with_user(self.salesman)
            .with_context(default_state="reviewed", default_is_late=True)
            .create({"period_type": "month", "date_from": TODAY, "summary": "x"})
        )
        self.assertEqual(forged.state, "draft")
        self.assertFalse(forged.is_late)

    def test_submitted_report_is_locked_for_its_author(self):
        report = self._submitted()
        self.assertEqual(report.state, "submitted")
        self.assertTrue(report.date_submitted)
        for vals in ({"summary": "Changed"}, {"partner_ids": [Command.link(self.customer.id)]}):
            with self.assertRaises(UserError):
                report.with_user(self.salesman).write(vals)
        with self.assertRaises(UserError):
            report.with_user(self.salesman).unlink()
        with self.assertRaises(UserError):
            report.with_user(self.salesman).action_submit()
        # Sent back by the back office, it opens again.
        with self.assertRaises(AccessError):
            report.with_user(self.salesman).action_reset_to_draft()
        report.with_user(self.bo_user).action_reset_to_draft()
        self.assertEqual(report.state, "draft")
        report.with_user(self.salesman).write({"summary": "Changed"})

    def test_only_the_author_submits(self):
        report = self._report()
        with self.assertRaises(AccessError):
            report.with_user(self.bo_user).action_submit()
        empty = self._report(period_type="month", summary=False)
        with self.assertRaises(UserError):
            empty.with_user(self.salesman).action_submit()

    def test_back_office_reviews_with_a_comment(self):
        report = self._submitted()
        with self.assertRaises(AccessError):
            report.with_user(self.salesman).action_review()
        with self.assertRaises(AccessError):
            report.with_user(self.salesman)._do_review("Self praise")
        self._review(report, self.bo_user, "Follow up with Contoso.")
        self.assertEqual(report.state, "reviewed")
        self.assertEqual(report.reviewer_id, self.bo_user)
        self.assertEqual(report.review_comment, "Follow up with Contoso.")
        with self.assertRaises(UserError):
            report.with_user(self.bo_manager).action_review()
        # The salesperson reads the review.
        self.assertEqual(report.with_user(self.salesman).review_comment, "Follow up with Contoso.")

    def test_back_office_author_does_not_review_own_report(self):
        self.team.crm_team_member_ids = [Command.create({"user_id": self.bo_user.id})]
        report = self._submitted(user=self.bo_user)
        with self.assertRaises(AccessError):
            report.with_user(self.bo_user).action_review()
        with self.assertRaises(UserError):
            report.with_user(self.bo_manager)._do_review("  ")
        self.assertEqual(report.state, "submitted")
        self._review(report, self.bo_manager)
        self.assertEqual(report.state, "reviewed")

    def test_market_information_is_searchable(self):
        self._submitted(market_info="Competitor Acme cut its pump price by 8%.")
        self._submitted(
            user=self.other_salesman, market_info="Tender lead: Suzhou water plant, pumps."
        )
        found = self.Report.with_user(self.bo_user).search([("market_info", "ilike", "pump")])
        self.assertEqual(len(found), 2)
        found = self.Report.with_user(self.bo_user).search([("market_info", "ilike", "acme")])
        self.assertEqual(found.user_id, self.salesman)

    def test_today_tiles(self):
        report = self._submitted()
        self.Report._cron_work_reports(TODAY)
        tiles = {
            tile.key: tile
            for tile in self.env["backoffice.workbench"]
            .with_user(self.bo_user)
            .search([("is_visible", "=", True)])
        }
        to_review = tiles["work_report_to_review"]
        self.assertEqual(to_review.count, 1)
        action = to_review.action_open()
        self.assertEqual(self.Report.with_user(self.bo_user).search(action["domain"]), report)
        late = self.Report.search(
            [("state", "=", "draft"), ("is_late", "=", True), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(tiles["work_report_late"].count, len(late))
        self.assertTrue(late)
        # Today is the back office's: salespeople find their reports in their menu.
        with self.assertRaises(AccessError):
            self.env["backoffice.workbench"].with_user(self.salesman).search([])


@tagged("post_install", "-at_install")
class TestWorkReportCompilation(WorkReportCommon):
    def _compilation(self, user=None, day=None):
        return (
            self.env["backoffice.work.report.compilation"]
            .with_user(user or self.bo_user)
            .create(
                {
                    "company_id": self.company.id,
                    "team_id": self.team.id,
                    "period_type": "week",
                    "date": day or date.today(),
                }
            )
        )

    def test_compilation_lists_submitted_and_late(self):
        today = date.today()
        last_week = today - timedelta(days=7)
        self.Report._cron_work_reports(today)
        reports = self.Report.search(
            [("period_type", "=", "week"), ("team_id", "=", self.team.id)]
        )
        mine = reports.filtered(lambda r: r.user_id == self.salesman and r.date_to < today)
        mine.with_user(self.salesman).write(
            {"summary": "Closed the Contoso deal.", "plan": "Install.", "market_info": "Acme -5%"}
        )
        mine.with_user(self.salesman).action_submit()
        late = reports.filtered(lambda r: r.user_id == self.other_salesman and r.date_to < today)
        # Late in the data: past its due date and not submitted.
        self.Report._cron_work_reports(last_week + timedelta(days=14))
        self.assertTrue(late.is_late)
        data = self._compilation(day=last_week)._compile()
        self.assertEqual(data["submitted"], mine)
        self.assertEqual(data["late"], late)
        self.assertEqual([user for user, _reports in data["by_user"]], [self.salesman])
        self.assertEqual(data["market_info"], mine)
        # This week's reports are not in last week's compilation.
        self.assertFalse(
            (data["submitted"] | data["late"])
            & reports.filtered(lambda r: r.date_from > last_week)
        )

    def test_compilation_figures_are_the_module_figures(self):
        self.salesman.sale_team_id = self.team
        order = self._create_contract()
        self.assertEqual(order.team_id, self.team)
        self._deliver(order, {self.product_pump: 4, self.product_valve: 4})
        invoice = self._invoice(order)
        self._pay(invoice, 1000.0)
        claim = self._approved_claim(team_id=self.team.id)
        other_team = self.env["crm.team"].create({"name": "West", "company_id": self.company.id})
        other = self._create_contract(user=self.other_salesman)
        other.team_id = other_team
        figures = self._compilation()._figures()
        events = order.contract_event_ids
        today = date.today()

        def total(types):
            return sum(
                events.filtered(lambda e: e.event_type in types and e.date <= today).mapped(
                    "amount"
                )
            )

        perf = self._performance(order)
        self.assertEqual(figures["signed_count"], 1)
        self.assertAlmostEqual(figures["signed_amount"], perf.amount_ordered, places=2)
        self.assertAlmostEqual(figures["delivered"], total(("delivery", "return")), places=2)
        self.assertAlmostEqual(figures["delivered"], perf.amount_delivered, places=2)
        self.assertAlmostEqual(figures["invoiced"], perf.amount_invoiced, places=2)
        self.assertAlmostEqual(figures["collected"], perf.amount_collected, places=2)
        self.assertAlmostEqual(figures["overdue"], perf.amount_overdue, places=2)
        if claim.date_approved >= today - timedelta(days=today.weekday()):
            self.assertEqual(figures["claims_count"], 1)
            self.assertAlmostEqual(figures["claims_amount"], claim.amount_approved, places=2)
        self.assertEqual((figures["bids_won"], figures["bids_lost"]), (0, 0))
        # Last week had none of it.
        empty = self._compilation(day=today - timedelta(days=7))._figures()
        self.assertEqual(empty["signed_count"], 0)
        self.assertEqual(empty["collected"], 0.0)

    def test_compilation_pdf_and_xlsx(self):
        report = self._submitted(day=date.today(), market_info="Acme =SUM(A1)")
        compilation = self._compilation()
        html, _type = (
            self.env["ir.actions.report"]
            .with_user(self.bo_user)
            ._render_qweb_html(
                "sales_backoffice.action_report_work_report_compilation", compilation.ids
            )
        )
        self.assertIn(b"Visited three plants.", html)
        self.assertIn(b"Acme =SUM(A1)", html)
        action = compilation.action_export_xlsx()
        download = self.env["backoffice.xlsx.download"].browse(int(action["url"].split("/")[4]))
        workbook = load_workbook(BytesIO(download._get_content()))
        sheet = workbook.worksheets[1]
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        self.assertEqual(rows[0][0], report.user_id.name)
        self.assertEqual(rows[0][7], "Acme =SUM(A1)")
        self.assertEqual(workbook.worksheets[0]["A2"].value, "Contracts signed")

    def test_compilation_is_for_the_back_office(self):
        with self.assertRaises(AccessError):
            self._compilation(user=self.salesman)

    def test_briefing_one_mail_per_recipient(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        director = self.env["res.partner"].create(
            {"name": "Director", "email": "director@example.com", "lang": "en_US"}
        )
        deputy = self.env["res.partner"].create(
            {"name": "Deputy", "email": "deputy@example.com", "lang": "fr_FR"}
        )
        briefing = (
            self.env["backoffice.briefing"]
            .with_user(self.bo_manager)
            .create(
                {
                    "name": "East daily briefing",
                    "company_id": self.company.id,
                    "team_id": self.team.id,
                    "frequency": "daily",
                    "partner_ids": [Command.set((director | deputy).ids)],
                }
            )
        )
        with self.assertRaises(AccessError):
            briefing.with_user(self.salesman).read(["name"])
        with self.assertRaises(AccessError):
            briefing.with_user(self.bo_user).write({"frequency": "weekly"})
        # Only this briefing's mails: the demo database has a briefing of its own.
        before = self.env["mail.mail"].sudo().search([]).ids
        ours = [("id", "not in", before), ("recipient_ids", "in", (director | deputy).ids)]
        self.env["backoffice.briefing"].sudo()._cron_send_briefings(TODAY)
        mails = self.env["mail.mail"].sudo().search(ours)
        self.assertEqual(len(mails), 2)
        self.assertEqual(
            {tuple(mail.recipient_ids.ids) for mail in mails}, {(director.id,), (deputy.id,)}
        )
        for mail in mails:
            self.assertEqual(len(mail.attachment_ids), 1)
            self.assertIn("2026-11-24", mail.subject)
        self.assertEqual(briefing.date_last_sent, TODAY)
        # Sent once a day.
        self.env["backoffice.briefing"].sudo()._cron_send_briefings(TODAY)
        self.assertEqual(self.env["mail.mail"].sudo().search_count(ours), 2)
        self.env["backoffice.briefing"].sudo()._cron_send_briefings(TODAY + timedelta(days=1))
        self.assertEqual(self.env["mail.mail"].sudo().search_count(ours), 4)


@tagged("post_install", "-at_install")
class TestTripSummary(WorkReportCommon):
    def test_trip_days_equal_the_claims_days(self):
        first = self._claim(partner_ids=[Command.set(self.customer.ids)])
        second = self._claim(
            ref="H-002",
            route="Hangzhou - Ningbo",
            date_from=self.monday + timedelta(days=3),
            date_to=self.monday + timedelta(days=4),
            lines=[
                {
                    "date": self.monday + timedelta(days=3),
                    "category_id": self.meals.id,
                    "amount": 60.0,
                }
            ],
        )
        draft = self._claim(ref="H-003")
        (first | second).action_submit()
        other = self._claim(user=self.other_salesman, ref="H-004")
        other.with_user(self.other_salesman).action_submit()
        visitor = self.env["res.partner"].create({"name": "Suzhou Water Works"})
        self._submitted(day=self.monday, partner_ids=[Command.set((visitor | self.customer).ids)])
        Summary = self.env["backoffice.trip.summary"]
        Summary.invalidate_model()
        claims = (first | second).filtered(
            lambda c: c.date_from.replace(day=1) == self.monday.replace(day=1)
        )
        rows = Summary.with_user(self.bo_user).search(
            [("user_id", "=", self.salesman.id), ("month", "=", self.monday.replace(day=1))]
        )
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows.trip_days, sum(claims.mapped("trip_days")))
        self.assertEqual(rows.trip_count, len(claims))
        self.assertAlmostEqual(rows.amount_claimed, sum(claims.mapped("amount_claimed")))
        self.assertEqual(rows.customer_count, 2)
        self.assertEqual(draft.state, "draft", "a draft is no trip yet")
        all_rows = Summary.with_user(self.bo_user).search([("user_id", "=", self.salesman.id)])
        self.assertEqual(sum(all_rows.mapped("trip_days")), first.trip_days + second.trip_days)
        # Salespeople see their own trips only.
        own = Summary.with_user(self.salesman).search([])
        self.assertEqual(own.user_id, self.salesman)
        self.assertTrue(
            Summary.with_user(self.bo_user).search([("user_id", "=", self.other_salesman.id)])
        )
        # The pivot groups by salesperson and month.
        [(user, days)] = Summary.with_user(self.bo_user)._read_group(
            [("user_id", "=", self.salesman.id)], ["user_id"], ["trip_days:sum"]
        )
        self.assertEqual((user, days), (self.salesman, first.trip_days + second.trip_days))
        action = own.with_user(self.salesman).action_export_xlsx()
        download = self.env["backoffice.xlsx.download"].browse(int(action["url"].split("/")[4]))
        sheet = load_workbook(BytesIO(download._get_content())).active
        values = list(sheet.iter_rows(min_row=2, values_only=True))
        self.assertEqual(values[-1][4], first.trip_days + second.trip_days)
