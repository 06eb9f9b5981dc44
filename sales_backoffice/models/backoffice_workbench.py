from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

MANAGER_GROUP = "sales_backoffice.group_backoffice_manager"


class BackofficeWorkbench(models.Model):
    """Sales ▸ Back Office ▸ Today: one tile per queue, with the number of
    records waiting in it for the current user (record rules apply), each
    opening those records."""

    _name = "backoffice.workbench"
    _description = "Back Office Workbench Tile"
    _auto = False
    _order = "sequence, id"
    # (key, sequence): the tiles; their labels, domains and actions are below.
    _TILES = [
        ("signed_copy_missing", 10),
        ("invoice_not_dispatched", 20),
        ("overdue_normal", 30),
        ("overdue_concerned", 31),
        ("overdue_doubtful", 32),
        ("sample_to_review", 40),
        ("sample_return_overdue", 50),
        ("claim_to_audit", 60),
        ("claim_to_approve", 70),
        ("bid_deadline_soon", 80),
        ("bid_source_unchecked", 90),
    ]

    key = fields.Char(readonly=True)
    sequence = fields.Integer(readonly=True)
    name = fields.Char(compute="_compute_tile")
    count = fields.Integer(compute="_compute_tile")
    is_visible = fields.Boolean(compute="_compute_tile", search="_search_is_visible")

    @property
    def _table_query(self):
        values = SQL(", ").join(
            SQL("(%s, %s, %s)", index, key, sequence)
            for index, (key, sequence) in enumerate(self._TILES, start=1)
        )
        return SQL("SELECT * FROM (VALUES %s) AS tiles(id, key, sequence)", values)

    # ------------------------------------------------------------------ tiles
    def _tile_specs(self):
        """{key: (label, model, domain, action xmlid, visible)} for the current user."""
        today = fields.Date.context_today(self)
        uid = self.env.uid
        company = self.env.company
        is_manager = self.env.user.has_group(MANAGER_GROUP)
        signed_before = today - timedelta(days=company.signed_copy_days)
        return {
            "signed_copy_missing": (
                self.env._("Signed copies not back after %s days", company.signed_copy_days),
                "sale.order",
                [
                    ("state", "=", "sale"),
                    ("date_signed_copy_returned", "=", False),
                    ("date_contract_signed", "<", signed_before),
                ],
                "sales_backoffice.backoffice_sale_order_action_workbench",
                True,
            ),
            "invoice_not_dispatched": (
                self.env._("Posted invoices not dispatched"),
                "account.move",
                [
                    ("move_type", "=", "out_invoice"),
                    ("state", "=", "posted"),
                    ("invoice_line_ids.sale_line_ids", "!=", False),
                    ("contract_event_ids", "not any", [("event_type", "=", "invoice_dispatched")]),
                ],
                "account.action_move_out_invoice_type",
                True,
            ),
            "overdue_normal": (
                self.env._("Overdue contracts"),
                "backoffice.contract.performance",
                [("days_overdue", ">", 0), ("receivable_class", "=", "normal")],
                "sales_backoffice.backoffice_contract_performance_action",
                True,
            ),
            "overdue_concerned": (
                self.env._("Concerned receivables"),
                "backoffice.contract.performance",
                [("receivable_class", "=", "concerned")],
                "sales_backoffice.backoffice_contract_performance_action",
                True,
            ),
            "overdue_doubtful": (
                self.env._("Doubtful receivables"),
                "backoffice.contract.performance",
                [("receivable_class", "=", "doubtful")],
                "sales_backoffice.backoffice_contract_performance_action",
                True,
            ),
            "sample_to_review": (
                self.env._("Registrations waiting for my review"),
                "backoffice.sample",
                [
                    ("state", "=", "to_review"),
                    ("direction", "=", "outgoing"),
                    ("requested_by_id", "!=", uid),
                    ("review_ids", "not any", [("reviewer_id", "=", uid)]),
                ],
                "sales_backoffice.backoffice_sample_action",
                True,
            ),
            "sample_return_overdue": (
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
                True,
            ),
            "claim_to_audit": (
                self.env._("Claims to audit"),
                "backoffice.expense.claim",
                [("state", "=", "submitted"), ("user_id", "!=", uid)],
                "sales_backoffice.backoffice_expense_claim_action",
                True,
            ),
            "claim_to_approve": (
                self.env._("Claims to approve"),
                "backoffice.expense.claim",
                [("state", "=", "audited"), ("user_id", "!=", uid), ("auditor_id", "!=", uid)],
                "sales_backoffice.backoffice_expense_claim_action",
                is_manager,
            ),
            "bid_deadline_soon": (
                self.env._("Tender deadlines in the next 7 days"),
                "backoffice.bid",
                [
                    ("is_won", "=", False),
                    ("is_lost", "=", False),
                    ("date_submission_deadline", ">=", today),
                    ("date_submission_deadline", "<=", today + timedelta(days=7)),
                ],
                "sales_backoffice.backoffice_bid_action",
                True,
            ),
            "bid_source_unchecked": (
                self.env._("Tender websites to check"),
                "backoffice.bid.source",
                [("is_check_due", "=", True)],
                "sales_backoffice.backoffice_bid_source_action",
                True,
            ),
        }

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_tile(self):
        specs = self._tile_specs()
        for tile in self:
            label, model, domain, _action, visible = specs[tile.key]
            tile.name = label
            tile.is_visible = visible
            tile.count = self.env[model].search_count(domain) if visible else 0

    def _search_is_visible(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        specs = self._tile_specs()
        keys = [key for key, _sequence in self._TILES if specs[key][4]]
        return [("key", "in" if (operator == "=") == value else "not in", keys)]

    def action_open(self):
        self.ensure_one()
        label, model, domain, action_xmlid, _visible = self._tile_specs()[self.key]
        action = self.env["ir.actions.act_window"]._for_xml_id(action_xmlid)
        action.update(
            {
                "name": label,
                "domain": domain,
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
