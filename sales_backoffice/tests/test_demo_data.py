from collections import defaultdict

from odoo.tests import TransactionCase, tagged

# Tiles that have work for the demo back-office user (claims to approve and
# orders on credit hold are the managers' tiles).
USER_TILES = {
    "signed_copy_missing",
    "invoice_not_dispatched",
    "overdue_normal",
    "overdue_concerned",
    "overdue_doubtful",
    "sample_to_review",
    "sample_return_overdue",
    "claim_to_audit",
    "bid_deadline_soon",
    "bid_source_unchecked",
    # Collection plans
    "collection_behind_plan",
    # work reports (issue #16)
    "work_report_to_review",
    "work_report_late",
    # customer service
    "case_breached",
    "case_mine",
    "case_unassigned",
    "case_installation_to_approve",
    "dunning_letters_to_print",
}
# Every list and report of the module.
LISTED_MODELS = [
    "backoffice.contract.event",
    "backoffice.contract.performance",
    "backoffice.return.reason",
    "backoffice.sample",
    "backoffice.sample.line",
    "backoffice.sample.review",
    "backoffice.expense.claim",
    "backoffice.expense.claim.line",
    "backoffice.expense.claim.review",
    "backoffice.expense.finding",
    "backoffice.expense.budget",
    "backoffice.expense.category",
    "backoffice.bid",
    "backoffice.bid.document",
    "backoffice.bid.question",
    "backoffice.bid.source",
    "backoffice.bid.source.check",
    "backoffice.bid.category",
    # Collection plans
    "backoffice.collection.plan",
    "backoffice.collection.plan.report",
    # work reports (issue #16)
    "backoffice.work.report",
    "backoffice.work.report.rule",
    "backoffice.briefing",
    "backoffice.trip.summary",
    # Commissions
    "backoffice.commission.rule",
    "backoffice.commission.settlement",
    "backoffice.commission.line",
    # customer service
    "backoffice.case",
    "backoffice.case.stage",
    "backoffice.case.type.policy",
    "backoffice.case.team",
    "backoffice.case.report",
    "backoffice.dunning.level",
    "backoffice.dunning.log",
    "backoffice.statement.log",
]


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo database tells the whole story, and its figures are the
    documents' figures (the demo data is loaded in the test database)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.bo_user = ref("sales_backoffice.user_backoffice_user_demo")
        cls.manager = ref("sales_backoffice.user_backoffice_manager_demo")
        cls.company = ref("base.main_company")
        cls.orders = cls.env["sale.order"].browse(
            ref(f"sales_backoffice.demo_contract_{index:02d}").id for index in range(1, 33)
        )

    def _tiles(self, user):
        return {
            tile.key: tile
            for tile in self.env["backoffice.workbench"]
            .with_user(user)
            .search([("is_visible", "=", True)])
        }

    def test_today_tiles_have_work(self):
        for user, keys in (
            (self.bo_user, USER_TILES),
            (self.manager, USER_TILES | {"claim_to_approve", "credit_hold"}),
        ):
            tiles = self._tiles(user)
            # Every tile is there; the back office owns no contract of its own,
            # so "my overdue contracts" is the one tile that may stay empty.
            self.assertEqual(
                set(tiles) - {"overdue_mine"}, keys | ({"claim_to_approve"} & set(tiles))
            )
            for key in keys:
                tile = tiles[key]
                self.assertGreater(tile.count, 0, f"{user.login}: tile {key} is empty")
                action = tile.action_open()
                opened = (
                    self.env[action["res_model"]].with_user(user).search_count(action["domain"])
                )
                self.assertEqual(opened, tile.count, f"{user.login}: tile {key}")
        self.assertNotIn("claim_to_approve", self._tiles(self.bo_user))
        self.assertNotIn("credit_hold", self._tiles(self.bo_user))

    def test_every_list_has_rows(self):
        for model in LISTED_MODELS:
            self.assertTrue(
                self.env[model].with_user(self.manager).search_count([]), f"{model} has no row"
            )
        self.assertGreaterEqual(len(self.orders), 30)
        self.assertEqual(set(self.orders.mapped("state")), {"sale"})
        self.assertGreaterEqual(len(self.orders.partner_id), 5)
        self.assertGreaterEqual(len(self.orders.user_id), 2)
        self.assertIn("EUR", self.orders.currency_id.mapped("name"))
        events = self.orders.contract_event_ids
        self.assertLessEqual(
            {
                "signed",
                "signed_copy_returned",
                "original_archived",
                "delivery",
                "return",
                "invoice",
                "invoice_dispatched",
                "payment",
                "acceptance",
                "installation",
                "quality_issue",
            },
            set(events.mapped("event_type")),
        )
        returns = events.filtered(lambda e: e.event_type == "return")
        self.assertTrue(all(returns.mapped("return_reason_id")))
        self.assertTrue(any(returns.mapped("needs_redelivery")))
        # Six months of work, not one day of it.
        dates = events.filtered(lambda e: e.event_type == "delivery").mapped("date")
        self.assertGreater((max(dates) - min(dates)).days, 120)
        invoices = self.orders.invoice_ids
        overridden = invoices.filtered("invoice_check_override_reason")
        self.assertEqual(overridden.mapped("state"), ["posted"])
        blocked = invoices.filtered(lambda m: m.state == "draft")
        self.assertTrue(blocked._backoffice_invoice_mismatches())
        self.assertIn("partial", invoices.mapped("payment_state"))
        Sample = self.env["backoffice.sample"]
        self.assertLessEqual(
            {
                "draft",
                "to_review",
                "approved",
                "dispatched",
                "partially_returned",
                "done",
                "rejected",
            },
            set(Sample.search([("direction", "=", "outgoing")]).mapped("state")),
        )
        incoming = Sample.search([("direction", "=", "incoming")])
        self.assertTrue(incoming.filtered("verified_by_id"))
        self.assertTrue(incoming.filtered(lambda s: s.date_expiry and s.state == "done"))
        claims = self.env["backoffice.expense.claim"].search([])
        self.assertEqual(
            set(claims.mapped("state")),
            {"draft", "submitted", "audited", "approved", "posted", "paid", "refused"},
        )
        self.assertLessEqual(
            {"over_cap", "missing_receipt", "duplicate_receipt", "over_budget"},
            set(claims.finding_ids.mapped("rule")),
        )
        self.assertTrue(claims.finding_ids.filtered("waived_by_id"))
        self.assertTrue(self.env["backoffice.expense.budget"].search([("team_id", "!=", False)]))
        bids = self.env["backoffice.bid"].search([])
        self.assertEqual(
            set(bids.stage_id.ids), set(self.env["backoffice.bid.stage"].search([]).ids)
        )
        self.assertTrue(bids.filtered("is_won").order_id)
        lost = bids.filtered("is_lost")
        self.assertGreaterEqual(len(lost.filtered(lambda b: b.winner_name and b.winning_price)), 2)
        self.assertTrue(all(bids.filtered("category_id").mapped("document_ids")))

    def test_monthly_statements_were_sent(self):
        marked = self.env["res.partner"].search([("backoffice_statement_monthly", "=", True)])
        self.assertGreaterEqual(len(marked), 3)
        logs = self.env["backoffice.statement.log"].search([("origin", "=", "monthly")])
        self.assertEqual(set(logs.mapped("state")), {"queued", "failed"})
        queued = logs.filtered(lambda log: log.state == "queued")
        self.assertTrue(all(queued.mapped("mail_id")))
        for log in queued:
            self.assertEqual(log.contact_id, log.partner_id.backoffice_statement_contact_id)
            self.assertIn(log.contact_id, log.mail_id.recipient_ids)
            self.assertTrue(log.mail_id.attachment_ids)
        self.assertTrue(logs.filtered(lambda log: log.state == "failed").error)

    def test_receivable_classes_follow_thresholds(self):
        Report = self.env["backoffice.contract.performance"]
        rows = Report.search([("order_id", "in", self.orders.ids)])
        self.assertEqual(
            set(rows.filtered(lambda r: r.days_overdue > 0).mapped("receivable_class")),
            {"normal", "concerned", "doubtful"},
        )
        for row in rows:
            self.assertEqual(
                row.receivable_class,
                self.env["sale.order"]._receivable_class_for(row.days_overdue, self.company),
                row.order_id.name,
            )

    def test_report_agrees_with_stock_and_accounting(self):
        """Delivered from the done stock moves, invoiced from the posted
        invoice lines, collected from the reconciliations, all in company
        currency and computed here from Odoo's documents only."""
        currency = self.company.currency_id
        delivered, returned = defaultdict(float), defaultdict(float)
        moves = self.env["stock.move"].search(
            [("sale_line_id.order_id", "in", self.orders.ids), ("state", "=", "done")]
        )
        for move in moves:
            line = move.sale_line_id
            order = line.order_id
            qty = move.product_uom._compute_quantity(move.quantity, line.product_uom_id)
            value = order.currency_id._convert(
                qty * line.price_reduce_taxexcl, currency, self.company, move.date.date()
            )
            if move.location_dest_id.usage == "customer":
                delivered[order] += value
            elif move.location_id.usage == "customer":
                returned[order] += value
        invoiced, collected, receivable = (
            defaultdict(float),
            defaultdict(float),
            defaultdict(float),
        )
        lines = self.env["account.move.line"].search(
            [
                ("sale_line_ids.order_id", "in", self.orders.ids),
                ("display_type", "=", "product"),
                ("parent_state", "=", "posted"),
                ("move_id.move_type", "in", ("out_invoice", "out_refund")),
            ]
        )
        for line in lines:
            invoiced[line.sale_line_ids.order_id] -= line.balance
        for invoice in lines.move_id:
            order = invoice.invoice_line_ids.sale_line_ids.order_id
            self.assertEqual(len(order), 1, "one contract per demo invoice")
            receivable[order] += invoice.amount_residual_signed
            terms = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
            for partial in terms.matched_credit_ids:
                pay_line = partial.credit_move_id
                if not pay_line.move_id.origin_payment_id:
                    continue
                rate = (
                    abs(pay_line.balance / pay_line.amount_currency)
                    if pay_line.amount_currency
                    else 1.0
                )
                collected[order] += partial.credit_amount_currency * rate
        Report = self.env["backoffice.contract.performance"]
        rows = Report.search([("order_id", "in", self.orders.ids)])
        self.assertEqual(len(rows), len(self.orders))
        for row in rows:
            order = row.order_id
            for label, reported, reference in (
                ("delivered", row.amount_delivered, delivered[order]),
                ("returned", row.amount_returned, returned[order]),
                ("invoiced", row.amount_invoiced, invoiced[order]),
                ("collected", row.amount_collected, collected[order]),
                ("receivable", row.amount_receivable, receivable[order]),
            ):
                self.assertAlmostEqual(
                    reported, reference, delta=0.02, msg=f"{order.name} {label}"
                )
        # The report's totals, as its pivot and list sum them.
        [(total_delivered, total_invoiced, total_collected)] = Report._read_group(
            [("order_id", "in", self.orders.ids)],
            aggregates=["amount_delivered:sum", "amount_invoiced:sum", "amount_collected:sum"],
        )
        self.assertAlmostEqual(total_delivered, sum(delivered.values()), delta=0.1)
        self.assertAlmostEqual(total_invoiced, sum(invoiced.values()), delta=0.1)
        self.assertAlmostEqual(total_collected, sum(collected.values()), delta=0.1)
        # Not a story of zeros.
        self.assertTrue(
            all(
                sum(figures.values()) > 0 for figures in (delivered, returned, invoiced, collected)
            )
        )

    # ---------------------------------------------- portal and collection plans
    def test_portal_customer_sees_its_contracts(self):
        portal = self.env.ref("sales_backoffice.user_portal_customer_demo")
        self.assertTrue(portal._is_portal())
        customer = self.env.ref("base.res_partner_2")
        contracts = self.env["backoffice.contract.performance"].with_user(portal).search([])
        self.assertEqual(contracts.partner_id, customer)
        self.assertEqual(
            set(contracts.order_id.ids),
            set(self.orders.filtered(lambda o: o.partner_id == customer).ids),
        )
        self.assertTrue(contracts.filtered(lambda c: c.amount_collected > 0))
        self.assertTrue(contracts.filtered(lambda c: c.amount_receivable > 0))

    def test_collection_plans(self):
        plans = self.env["backoffice.collection.plan"].with_user(self.manager).search([])
        salespeople = self.env.ref("sales_backoffice.user_salesperson_demo") | self.env.ref(
            "sales_backoffice.user_salesperson2_demo"
        )
        self.assertEqual(plans.user_id, salespeople)
        self.assertGreaterEqual(len(set(plans.mapped("date"))), 6)
        self.assertTrue(plans.filtered(lambda p: not p.user_id and p.team_id))
        self.assertTrue(plans.filtered(lambda p: p.amount_collected >= p.amount_planned > 0))
        self.assertTrue(plans.filtered(lambda p: p.amount_collected < p.amount_planned))
        behind = self.env.ref("sales_backoffice.demo_collection_plan_sp1_this_month")
        report = self.env["backoffice.collection.plan.report"].browse(behind.id)
        self.assertTrue(report.is_behind)

    # ----------------------------------------------------- work reports (#16)
    def test_work_reports_tell_the_story(self):
        reports = self.env["backoffice.work.report"].with_user(self.manager).search([])
        self.assertLessEqual({"draft", "submitted", "reviewed"}, set(reports.mapped("state")))
        self.assertTrue(reports.filtered(lambda r: r.is_late and r.state == "draft"))
        self.assertTrue(reports.filtered("market_info"))
        self.assertTrue(
            all(reports.filtered(lambda r: r.state == "reviewed").mapped("review_comment"))
        )
        salesperson = self.env.ref("sales_backoffice.user_salesperson_demo")
        own = self.env["backoffice.work.report"].with_user(salesperson).search([])
        self.assertEqual(own.user_id, salesperson)
        self.assertTrue(
            self.env["backoffice.briefing"].with_user(self.manager).search([]).partner_ids
        )

    # ------------------------------------------------------------ commissions
    def test_commission_settlement_posted(self):
        settlement = self.env.ref("sales_backoffice.commission_settlement_posted_demo")
        self.assertEqual(settlement.state, "posted")
        self.assertEqual(
            settlement.user_id, self.env.ref("sales_backoffice.user_salesperson_demo")
        )
        self.assertTrue(settlement.line_ids)
        self.assertGreater(settlement.amount_total, 0)
        move = settlement.move_id
        self.assertEqual(move.state, "posted")
        self.assertAlmostEqual(sum(move.line_ids.mapped("debit")), settlement.amount_total)
        self.assertAlmostEqual(sum(move.line_ids.mapped("credit")), settlement.amount_total)
        drafts = self.env["backoffice.commission.settlement"].search([("state", "=", "draft")])
        self.assertEqual(len(drafts), 2)

    # ---------------------------------------------------------- dealer credit
    def test_dealer_credit_story(self):
        ref = self.env.ref
        self.assertTrue(self.company.backoffice_credit_check)
        within = ref("sales_backoffice.demo_credit_within")
        overridden = ref("sales_backoffice.demo_credit_overridden")
        held = ref("sales_backoffice.demo_credit_held")
        self.assertEqual(within.state, "sale")
        self.assertFalse(within.backoffice_credit_state)
        self.assertEqual(overridden.state, "sale")
        self.assertEqual(overridden.backoffice_credit_state, "released")
        self.assertEqual(overridden.backoffice_credit_decided_by_id, self.manager)
        self.assertTrue(
            any(
                overridden.backoffice_credit_decision in body
                for body in overridden.message_ids.mapped("body")
            )
        )
        self.assertEqual(held.state, "draft")
        self.assertEqual(held.backoffice_credit_state, "hold")
        self.assertTrue(held.is_backoffice_credit_blocked)
        self.assertGreater(held.backoffice_credit_exposure, held.backoffice_credit_limit)
        self.assertEqual(held.backoffice_credit_limit, 6500.0)
        self.assertEqual(self._tiles(self.manager)["credit_hold"].count, 1)
        self.assertTrue(self._tiles(self.manager)["credit_hold"].is_mine)

    # ------------------------------------------------------- customer service
    def test_demo_cases_at_every_stage(self):
        ref = self.env.ref
        mailed = ref("sales_backoffice.demo_case_email")
        self.assertEqual(mailed.channel, "email")
        self.assertTrue(mailed.order_id, "the contract reference of the subject was found")
        self.assertTrue(mailed.message_ids.filtered(lambda m: m.message_type == "email"))
        cases = self.env["backoffice.case"].search([])
        self.assertLessEqual(
            set(self.env["backoffice.case.stage"].search([]).ids), set(cases.stage_id.ids)
        )
        self.assertTrue(ref("sales_backoffice.demo_case_quality").picking_ids)
        self.assertEqual(
            ref("sales_backoffice.demo_case_installation").installation_state, "scheduled"
        )
        self.assertEqual(
            ref("sales_backoffice.demo_case_installation_requested").installation_state,
            "requested",
        )
        acceptance = ref("sales_backoffice.demo_case_acceptance")
        self.assertTrue(
            acceptance.order_id.contract_event_ids.filtered(
                lambda e: e.event_type == "acceptance" and acceptance.name in (e.note or "")
            )
        )
        self.assertTrue(ref("sales_backoffice.demo_case_late").is_breached)

    # ---------------------------------------------------------------- dunning
    def test_dunning_levels_reached_by_runs(self):
        """The demo's dunning runs left contracts at several levels, each
        step logged, and one promise to pay."""
        levels = self.orders.mapped("dunning_level_id")
        self.assertGreaterEqual(len(levels), 2, levels.mapped("name"))
        Log = self.env["backoffice.dunning.log"]
        for order in self.orders.filtered("dunning_level_id"):
            steps = Log.search([("order_id", "=", order.id), ("state", "!=", "skipped")])
            self.assertEqual(len(steps), len(set(steps.mapped("date"))), order.name)
            self.assertEqual(steps.sorted("date")[-1].level_id, order.dunning_level_id)
        self.assertTrue(self.orders.filtered("date_payment_promised"))
        self.assertTrue(Log.search_count([("state", "=", "to_print")]))
