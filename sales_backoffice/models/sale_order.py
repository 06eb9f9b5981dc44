from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..tools import cron
from ..tools.context import without_defaults
from ..tools.groups import MANAGER_GROUP
from .backoffice_contract_event import DOCUMENT_EVENT_TYPES

RECEIVABLE_CLASSES = [
    ("normal", "Normal"),
    ("concerned", "Concerned"),
    ("doubtful", "Doubtful"),
]
OVERRIDE_FIELDS = {"receivable_class_manual", "receivable_class_reason"}
# Written by the module only (the classification run, the milestones and a
# manager's override through write's own checks), never by a caller's values.
CLASSIFIED_FIELDS = {"receivable_class"}
MILESTONE_DATE_FIELDS = {"date_signed_copy_returned", "date_original_archived"}


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "backoffice.reminder.mixin"]

    # ------------------------------------------------------------------ fields
    contract_ref = fields.Char(
        "Contract Reference",
        copy=False,
        index=True,
        tracking=True,
        help="Given from the contract sequence at confirmation when left empty.",
    )
    date_contract_signed = fields.Date("Contract Signed On", copy=False, tracking=True)
    date_signed_copy_returned = fields.Date(
        "Signed Copy Returned On", compute="_compute_milestone_dates", store=True
    )
    date_original_archived = fields.Date(
        "Original Archived On",
        compute="_compute_milestone_dates",
        store=True,
        help="When the signed original was handed to finance.",
    )
    contract_event_ids = fields.One2many(
        "backoffice.contract.event", "order_id", string="Performance List"
    )
    contract_event_count = fields.Integer(compute="_compute_contract_event_count")
    bid_id = fields.Many2one(
        "backoffice.bid",
        string="Tender",
        copy=False,
        index="btree_not_null",
        readonly=True,
        check_company=True,
    )
    # Not required: the column is on Odoo's own table, and code that runs
    # without this module loaded (other modules' at-install tests, an upgrade
    # in progress) inserts orders without it. Empty means "normal" everywhere.
    receivable_class = fields.Selection(
        RECEIVABLE_CLASSES,
        default="normal",
        copy=False,
        tracking=True,
        index=True,
        readonly=True,
    )
    receivable_class_manual = fields.Boolean(
        "Class Set by Manager",
        copy=False,
        tracking=True,
        help="The daily classification leaves this contract's class alone.",
    )
    receivable_class_reason = fields.Char("Class Override Reason", copy=False, tracking=True)
    backoffice_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    contract_performance_id = fields.Many2one(
        "backoffice.contract.performance", compute="_compute_contract_performance"
    )
    performance_amount_delivered = fields.Monetary(
        compute="_compute_contract_performance", currency_field="backoffice_currency_id"
    )
    performance_amount_invoiced = fields.Monetary(
        compute="_compute_contract_performance", currency_field="backoffice_currency_id"
    )
    performance_amount_collected = fields.Monetary(
        compute="_compute_contract_performance", currency_field="backoffice_currency_id"
    )
    performance_amount_receivable = fields.Monetary(
        compute="_compute_contract_performance", currency_field="backoffice_currency_id"
    )
    performance_amount_overdue = fields.Monetary(
        compute="_compute_contract_performance", currency_field="backoffice_currency_id"
    )
    performance_days_overdue = fields.Integer(compute="_compute_contract_performance")
    performance_delivery_rate = fields.Float(compute="_compute_contract_performance")
    performance_invoice_rate = fields.Float(compute="_compute_contract_performance")
    performance_collection_rate = fields.Float(compute="_compute_contract_performance")

    _contract_ref_company_unique = models.Constraint(
        "UNIQUE(company_id, contract_ref)",
        "This contract reference is already used in this company.",
    )

    # ---------------------------------------------------------------- computes
    @api.depends("contract_event_ids.date", "contract_event_ids.event_type")
    def _compute_milestone_dates(self):
        for order in self:
            dates = {}
            for event in order.contract_event_ids:
                if event.event_type in ("signed_copy_returned", "original_archived"):
                    dates[event.event_type] = max(
                        event.date, dates.get(event.event_type, event.date)
                    )
            order.date_signed_copy_returned = dates.get("signed_copy_returned", False)
            order.date_original_archived = dates.get("original_archived", False)

    def _compute_contract_event_count(self):
        counts = dict(
            self.env["backoffice.contract.event"]._read_group(
                [("order_id", "in", self.ids)], ["order_id"], ["__count"]
            )
        )
        for order in self:
            order.contract_event_count = counts.get(order, 0)

    def _compute_contract_performance(self):
        performance = self.env["backoffice.contract.performance"]
        performance.invalidate_model()
        rows = performance.search([("order_id", "in", self.ids)]) if self.ids else performance
        by_order = {row.order_id.id: row for row in rows}
        for order in self:
            row = by_order.get(order.id, performance)
            order.contract_performance_id = row
            order.performance_amount_delivered = row.amount_delivered - row.amount_returned
            order.performance_amount_invoiced = row.amount_invoiced
            order.performance_amount_collected = row.amount_collected
            order.performance_amount_receivable = row.amount_receivable
            order.performance_amount_overdue = row.amount_overdue
            order.performance_days_overdue = row.days_overdue
            order.performance_delivery_rate = row.delivery_rate
            order.performance_invoice_rate = row.invoice_rate
            order.performance_collection_rate = row.collection_rate

    # ------------------------------------------------------------- constraints
    @api.constrains("receivable_class_manual", "receivable_class_reason")
    def _check_receivable_class_reason(self):
        for order in self:
            if order.receivable_class_manual and not (order.receivable_class_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "%(contract)s: give a reason for overriding the receivable class.",
                        contract=order.display_name,
                    )
                )

    @api.constrains("date_contract_signed")
    def _check_date_contract_signed(self):
        for order in self:
            signed = order.date_contract_signed
            if not signed:
                continue
            earlier = [
                event
                for event in order.contract_event_ids
                if event.event_type != "signed"
                and event.event_type not in DOCUMENT_EVENT_TYPES
                and event.date < signed
            ]
            if earlier:
                raise ValidationError(
                    self.env._(
                        "%(contract)s: milestones are recorded before the new signature date %(date)s.",
                        contract=order.display_name,
                        date=signed,
                    )
                )

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            protected = CLASSIFIED_FIELDS | OVERRIDE_FIELDS | MILESTONE_DATE_FIELDS
            forged = protected & {key for vals in vals_list for key in vals}
            if forged:
                raise AccessError(
                    self.env._(
                        "%(fields)s of a contract are set by the back office, not when "
                        "creating an order.",
                        fields=", ".join(sorted(forged)),
                    )
                )
            # A default from the context is client input too.
            self = without_defaults(self, protected)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_protected_write(vals)
        res = super().write(vals)
        if "date_contract_signed" in vals:
            for order in self:
                signed = order.contract_event_ids.filtered(lambda e: e.event_type == "signed")
                if signed and order.date_contract_signed:
                    # The signature event follows the contract's date; it is the
                    # module's own bookkeeping, so no right on events is needed.
                    signed.sudo().date = order.date_contract_signed
        return res

    def _check_protected_write(self, vals):
        """Refuse what people may not write on contracts: the receivable class
        (the daily classification's, or a manager's on a contract they took
        out of it) and the dates that follow the milestones."""
        if MILESTONE_DATE_FIELDS & set(vals):
            raise AccessError(
                self.env._(
                    "The dates of returned copies and archived originals follow the "
                    "contract's milestones; record a milestone instead."
                )
            )
        if not (OVERRIDE_FIELDS | CLASSIFIED_FIELDS) & set(vals):
            return
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a Back Office Manager may override a receivable class.")
            )
        if "receivable_class" in vals:
            manual = vals.get("receivable_class_manual")
            unmanaged = self.filtered(lambda order: not order.receivable_class_manual)
            if manual is False or (manual is None and unmanaged):
                raise AccessError(
                    self.env._(
                        "%(contracts)s: the daily classification sets the receivable class; "
                        "tick 'Class Set by Manager' and give a reason to set it yourself.",
                        contracts=", ".join((unmanaged or self).mapped("display_name")),
                    )
                )

    # ---------------------------------------------------------------- business
    def _action_confirm(self):
        res = super()._action_confirm()
        self._backoffice_register_contracts()
        return res

    def _backoffice_register_contracts(self):
        """Give confirmed orders their contract reference and signature event."""
        events = []
        today = fields.Date.context_today(self)
        for order in self:
            vals = {}
            if not order.contract_ref:
                vals["contract_ref"] = (
                    self.env["ir.sequence"]
                    .with_company(order.company_id)
                    .next_by_code("backoffice.contract", sequence_date=order.date_order)
                )
            if not order.date_contract_signed:
                vals["date_contract_signed"] = (
                    fields.Date.context_today(order, order.date_order)
                    if order.date_order
                    else today
                )
            if vals:
                order.write(vals)
            if not order.contract_event_ids.filtered(lambda e: e.event_type == "signed"):
                events.append(
                    {
                        "order_id": order.id,
                        "date": order.date_contract_signed,
                        "event_type": "signed",
                        "res_model": "sale.order",
                        "res_id": order.id,
                        "user_id": self.env.uid,
                    }
                )
        # The signature is recorded for whoever confirms (a salesperson or a
        # portal customer signing online), who may hold no right on events.
        self.env["backoffice.contract.event"].sudo().create(events)

    @api.model
    def _receivable_class_for(self, days_overdue, company):
        if days_overdue >= company.receivable_doubtful_days:
            return "doubtful"
        if days_overdue >= company.receivable_concerned_days:
            return "concerned"
        return "normal"

    @api.model
    def _cron_classify_receivables(self):
        """Daily: reclassify contracts from their oldest overdue invoice and give
        the salesperson one dunning activity when a contract gets worse.

        Works in batches (``tools.cron``): in a cron job each batch, classes and
        activities together, is committed, so an interrupted run keeps what it
        did and a restarted one finds only the contracts whose class still
        differs from the report; contracts a user is saving are skipped (row
        lock ``SKIP LOCKED``), logged, and classified by the next run."""
        pending = self._backoffice_classification_pending()
        cron.commit_progress(self.env, 0, remaining=len(pending))
        worse = self.browse()
        skipped = self.browse()
        orders = self.browse(sorted(pending))
        for batch in cron.batches(orders):
            locked, batch_skipped = batch._backoffice_lock_or_skip()
            skipped |= batch_skipped
            worse |= locked._backoffice_classify_batch(pending)
            if cron.commit_progress(self.env, len(batch)) <= 0:
                # Time is up: Odoo runs the job again for the rest.
                break
        skipped._backoffice_log_skipped("Receivable classification")
        return worse

    @api.model
    def _backoffice_classification_pending(self):
        """{order id: (class, days overdue)} of the contracts whose class in
        the report differs from the one their oldest overdue invoice gives."""
        performance = self.env["backoffice.contract.performance"]
        # The report is a query over documents changed in this transaction too.
        performance.invalidate_model()
        rows = performance.search_fetch(
            ["|", ("days_overdue", ">", 0), ("receivable_class", "!=", "normal")],
            ["order_id", "company_id", "days_overdue", "receivable_class"],
        )
        pending = {}
        for row in rows:
            new_class = self._receivable_class_for(row.days_overdue, row.company_id)
            if new_class != row.receivable_class:
                pending[row.order_id.id] = (new_class, row.days_overdue)
        return pending

    def _backoffice_classify_batch(self, pending):
        """Write the classes ``pending`` gives to the (locked) orders of
        ``self`` and dun those that get worse; answers the worse ones."""
        rank = {key: index for index, (key, _label) in enumerate(RECEIVABLE_CLASSES)}
        to_write = {}
        worse = self.browse()
        for order in self:
            if order.receivable_class_manual:
                continue
            new_class, _days = pending[order.id]
            old_class = order.receivable_class or "normal"
            if new_class == old_class:
                continue
            to_write.setdefault(new_class, self.browse())
            to_write[new_class] |= order
            if rank[new_class] > rank[old_class]:
                worse |= order
        for receivable_class, orders in to_write.items():
            # The classification is the module's own decision from the report;
            # the field refuses every other writer.
            orders_sudo = orders.sudo()
            orders_sudo.write({"receivable_class": receivable_class})
        worse._backoffice_remind(
            "sales_backoffice.mail_activity_type_dunning",
            user_by_record=lambda order: order.user_id,
            summary_by_record=lambda order: self.env._(
                "Dunning: %(contract)s is %(class)s (%(days)s days overdue)",
                contract=order.contract_ref or order.name,
                **{"class": dict(RECEIVABLE_CLASSES)[order.receivable_class]},
                days=pending[order.id][1],
            ),
        )
        return worse

    # ----------------------------------------------------------------- actions
    @api.readonly  # scale: only reads, served on a replica when there is one
    def action_view_contract_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_backoffice.backoffice_contract_event_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"default_order_id": self.id}
        return action

    def action_record_milestone(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record Milestone"),
            "res_model": "backoffice.contract.milestone",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_order_id": self.id,
                "default_event_type": self.env.context.get(
                    "default_event_type", "signed_copy_returned"
                ),
                "default_move_id": self.env.context.get("default_move_id"),
            },
        }
