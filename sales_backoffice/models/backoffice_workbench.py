from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.groups import MANAGER_GROUP, USER_GROUP

# How a tile stands out: overdue queues in red, queues at risk in amber,
# empty queues muted.
TONES = [
    ("normal", "Open"),
    ("warning", "At Risk"),
    ("danger", "Overdue"),
    ("muted", "Empty"),
]


class BackofficeWorkbench(models.Model):
    """Sales ▸ Back Office ▸ Today: one tile per queue, with the number of
    records waiting in it for the current user (record rules apply) and, where
    the queue is money, their amount; each tile opens those records.

    The queues where the current user must act (reviews waiting for me, my
    overdue contracts) come first; the general ones follow.
    """

    _name = "backoffice.workbench"
    _description = "Back Office Workbench Tile"
    _auto = False
    _order = "priority, sequence, id"

    key = fields.Char(readonly=True)
    sequence = fields.Integer(readonly=True)
    priority = fields.Integer(
        readonly=True, help="0 for the queues where the current user must act, 1 for the others."
    )
    name = fields.Char(compute="_compute_tile")
    count = fields.Integer(compute="_compute_tile")
    amount = fields.Monetary(compute="_compute_tile", currency_field="currency_id")
    currency_id = fields.Many2one("res.currency", compute="_compute_tile")
    is_money = fields.Boolean(compute="_compute_tile")
    is_mine = fields.Boolean(compute="_compute_tile")
    tone = fields.Selection(TONES, compute="_compute_tile")
    is_visible = fields.Boolean(compute="_compute_tile", search="_search_is_visible")

    @property
    def _table_query(self):
        # The order depends on who asks: their own queues first.
        specs = self._tile_specs()
        values = SQL(", ").join(
            SQL("(%s, %s, %s, %s)", index, key, spec["sequence"], 0 if spec["mine"] else 1)
            for index, (key, spec) in enumerate(self._sorted_specs(specs), start=1)
        )
        return SQL(
            "SELECT * FROM (VALUES %s) AS tiles(id, key, sequence, priority)",
            values,
        )

    # ------------------------------------------------------------------ tiles
    @api.model
    def _tile(self, label, model, domain, action, **options):
        """One queue: what it shows, which records and the action opening them.

        Options: ``sequence`` (where it stands among the tiles, default 100),
        ``visible`` (shown to this user, default True), ``mine`` (the
        user must act on it, default False), ``amount_field`` (the money field
        summed on the tile, default none), ``tone`` (``danger`` for what is
        overdue, ``warning`` for what is at risk, default ``normal``).
        """
        return {
            "label": label,
            "model": model,
            "domain": domain,
            "action": action,
            "visible": options.get("visible", True),
            "mine": options.get("mine", False),
            "amount_field": options.get("amount_field"),
            "tone": options.get("tone", "normal"),
            "sequence": options.get("sequence", 100),
        }

    @api.model
    def _sorted_specs(self, specs):
        """The tiles in their order; the key breaks ties, so a tile keeps its
        id whoever asks."""
        return sorted(specs.items(), key=lambda item: (item[1]["sequence"], item[0]))

    def _tile_specs(self):
        """{key: spec} for the current user, see `_tile`. Capabilities add
        their queues by extending this method."""
        today = fields.Date.context_today(self)
        uid = self.env.uid
        company = self.env.company
        is_manager = self.env.user.has_group(MANAGER_GROUP)
        signed_before = today - timedelta(days=company.signed_copy_days)
        tile = self._tile
        performance_action = "sales_backoffice.backoffice_contract_performance_action"
        return {
            "signed_copy_missing": tile(
                self.env._("Signed copies not back after %s days", company.signed_copy_days),
                "sale.order",
                [
                    ("state", "=", "sale"),
                    ("date_signed_copy_returned", "=", False),
                    ("date_contract_signed", "<", signed_before),
                ],
                "sales_backoffice.backoffice_sale_order_action_workbench",
                tone="warning",
                sequence=10,
            ),
            "invoice_not_dispatched": tile(
                self.env._("Posted invoices not dispatched"),
                "account.move",
                [
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("invoice_line_ids.sale_line_ids", "!=", False),
                    ("contract_event_ids", "not any", [("event_type", "=", "invoice_dispatched")]),
                ],
                "account.action_move_out_invoice_type",
                amount_field="amount_total_signed",
                sequence=20,
            ),
            "overdue_mine": tile(
                self.env._("My overdue contracts"),
                "backoffice.contract.performance",
                [("days_overdue", ">", 0), ("user_id", "=", uid)],
                performance_action,
                mine=True,
                amount_field="amount_receivable",
                tone="danger",
                sequence=29,
            ),
            "overdue_normal": tile(
                self.env._("Overdue contracts"),
                "backoffice.contract.performance",
                [("days_overdue", ">", 0), ("receivable_class", "=", "normal")],
                performance_action,
                amount_field="amount_receivable",
                tone="danger",
                sequence=30,
            ),
            "overdue_concerned": tile(
                self.env._("Concerned receivables"),
                "backoffice.contract.performance",
                [("receivable_class", "=", "concerned")],
                performance_action,
                amount_field="amount_receivable",
                tone="warning",
                sequence=31,
            ),
            "overdue_doubtful": tile(
                self.env._("Doubtful receivables"),
                "backoffice.contract.performance",
                [("receivable_class", "=", "doubtful")],
                performance_action,
                amount_field="amount_receivable",
                tone="danger",
                sequence=32,
            ),
            "sample_to_review": tile(
                self.env._("Registrations waiting for my review"),
                "backoffice.sample",
                [
                    ("state", "=", "to_review"),
                    ("direction", "=", "outgoing"),
                    ("requested_by_id", "!=", uid),
                    ("review_ids", "not any", [("reviewer_id", "=", uid)]),
                ],
                "sales_backoffice.backoffice_sample_action",
                mine=True,
                sequence=40,
            ),
            "sample_return_overdue": tile(
                self.env._("Sample returns overdue"),
                "backoffice.sample",
                [
                    ("state", "in", ("dispatched", "partially_returned")),
                    (
                        "line_ids",
                        "any",
                        [
                            ("is_returnable", "=", True),
                            ("is_consumed", "=", False),
                            ("date_return_due", "<", today),
                        ],
                    ),
                ],
                "sales_backoffice.backoffice_sample_action",
                tone="danger",
                sequence=50,
            ),
            "claim_to_audit": tile(
                self.env._("Claims to audit"),
                "backoffice.expense.claim",
                [("state", "=", "submitted"), ("user_id", "!=", uid)],
                "sales_backoffice.backoffice_expense_claim_action",
                mine=True,
                amount_field="amount_claimed",
                sequence=60,
            ),
            "claim_to_approve": tile(
                self.env._("Claims to approve"),
                "backoffice.expense.claim",
                [("state", "=", "audited"), ("user_id", "!=", uid), ("auditor_id", "!=", uid)],
                "sales_backoffice.backoffice_expense_claim_action",
                visible=is_manager,
                mine=True,
                amount_field="amount_claimed",
                sequence=70,
            ),
            "bid_deadline_soon": tile(
                self.env._("Tender deadlines in the next 7 days"),
                "backoffice.bid",
                [
                    ("is_won", "=", False),
                    ("is_lost", "=", False),
                    ("date_submission_deadline", ">=", today),
                    ("date_submission_deadline", "<=", today + timedelta(days=7)),
                ],
                "sales_backoffice.backoffice_bid_action",
                tone="warning",
                sequence=80,
            ),
            # dealer credit: quotations waiting for a manager's credit decision
            "credit_hold": tile(
                self.env._("Orders on credit hold"),
                "sale.order",
                [("backoffice_credit_state", "=", "hold"), ("state", "in", ("draft", "sent"))],
                "sales_backoffice.backoffice_sale_order_action_workbench",
                visible=is_manager,
                mine=True,
                tone="warning",
                sequence=75,
            ),
            "bid_source_unchecked": tile(
                self.env._("Tender websites to check"),
                "backoffice.bid.source",
                [("is_check_due", "=", True)],
                "sales_backoffice.backoffice_bid_source_action",
                sequence=90,
            ),
            **self._collection_tile_specs(),
            **self._work_report_tile_specs(),
            **self._case_tile_specs(),
        }

    def _collection_tile_specs(self):
        """Collections: salespeople behind this month's plan, letters to print."""
        month = fields.Date.context_today(self).replace(day=1)
        return {
            "collection_behind_plan": self._tile(
                self.env._("Salespeople behind their collection plan"),
                "backoffice.collection.plan.report",
                [("date", "=", month), ("scope", "=", "user"), ("is_behind", "=", True)],
                "sales_backoffice.backoffice_collection_plan_report_action",
                amount_field="amount_behind",
                tone="warning",
                sequence=35,
            ),
            "dunning_letters_to_print": self._tile(
                self.env._("Dunning letters to print"),
                "backoffice.dunning.log",
                [("state", "=", "to_print")],
                "sales_backoffice.backoffice_dunning_log_action_to_print",
                visible=self.env.user.has_group(USER_GROUP),
                tone="warning",
                sequence=33,
            ),
        }

    def _work_report_tile_specs(self):
        """Work reports waiting for a review (the back office, never their
        author) and reports not submitted in time."""
        action = "sales_backoffice.backoffice_work_report_action"
        return {
            "work_report_to_review": self._tile(
                self.env._("Work reports to review"),
                "backoffice.work.report",
                [("state", "=", "submitted"), ("user_id", "!=", self.env.uid)],
                action,
                visible=self.env.user.has_group(USER_GROUP),
                mine=True,
                sequence=95,
            ),
            "work_report_late": self._tile(
                self.env._("Late work reports"),
                "backoffice.work.report",
                [("state", "=", "draft"), ("is_late", "=", True)],
                action,
                tone="danger",
                sequence=96,
            ),
        }

    def _case_tile_specs(self):
        """Customer service: breaches, my cases, cases without an owner and
        installation requests to approve."""
        tile = self._tile
        uid = self.env.uid
        is_backoffice = self.env.user.has_group(USER_GROUP)
        action = "sales_backoffice.backoffice_case_action"
        Case = self.env["backoffice.case"]
        return {
            "case_breached": tile(
                self.env._("Cases past their deadline"),
                "backoffice.case",
                Case._breach_domain(fields.Datetime.now()),
                action,
                tone="danger",
                sequence=95,
            ),
            "case_mine": tile(
                self.env._("My open cases"),
                "backoffice.case",
                [("is_closed", "=", False), ("user_id", "=", uid)],
                action,
                mine=True,
                sequence=96,
            ),
            "case_unassigned": tile(
                self.env._("Cases without an owner"),
                "backoffice.case",
                [("is_closed", "=", False), ("user_id", "=", False)],
                action,
                visible=is_backoffice,
                tone="warning",
                sequence=97,
            ),
            "case_installation_to_approve": tile(
                self.env._("Installation requests to approve"),
                "backoffice.case",
                [
                    ("installation_state", "=", "requested"),
                    ("is_closed", "=", False),
                    ("installation_requested_by_id", "!=", uid),
                ],
                action,
                visible=is_backoffice,
                mine=True,
                sequence=98,
            ),
        }

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_tile(self):
        specs = self._tile_specs()
        currency = self.env.company.currency_id
        for tile in self:
            spec = specs[tile.key]
            tile.name = spec["label"]
            tile.is_visible = spec["visible"]
            tile.is_mine = spec["mine"]
            tile.is_money = bool(spec["amount_field"])
            tile.currency_id = currency
            tile.count, tile.amount = tile._queue_totals(spec) if spec["visible"] else (0, 0.0)
            if not tile.count:
                tile.tone = "muted"
            else:
                tile.tone = spec["tone"]

    def _queue_totals(self, spec):
        """(count, amount) of a queue in one aggregate query, record rules applied."""
        self.ensure_one()
        Model = self.env[spec["model"]]
        if not spec["amount_field"]:
            return Model.search_count(spec["domain"]), 0.0
        [(count, amount)] = Model._read_group(
            spec["domain"], aggregates=["__count", f"{spec['amount_field']}:sum"]
        )
        return count, amount or 0.0

    def _search_is_visible(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        specs = self._tile_specs()
        keys = [key for key, spec in specs.items() if spec["visible"]]
        return [("key", "in" if (operator == "=") == value else "not in", keys)]

    # Only reads (the tile's spec and an action): served on a replica when
    # the server has one (db_replica_host), like the tiles' counts, which
    # the web client reads through web_search_read (read-only in Odoo).
    @api.readonly
    def action_open(self):
        self.ensure_one()
        spec = self._tile_specs()[self.key]
        model = spec["model"]
        action = self.env["ir.actions.act_window"]._for_xml_id(spec["action"])
        action.update(
            {
                "name": spec["label"],
                "domain": spec["domain"],
                "context": {"create": False},
                "view_mode": "list,form"
                if model != "backoffice.contract.performance"
                else "list,pivot",
                "views": [
                    (False, "list"),
                    (False, "form" if model != "backoffice.contract.performance" else "pivot"),
                ],
            }
        )
        return action
