from datetime import timedelta

from markupsafe import escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import formatLang

from ..tools import cron
from ..tools.context import without_defaults
from ..tools.groups import MANAGER_GROUP, USER_GROUP
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
# Dealer credit: where a blocked quotation stands, decided by the module and a
# Back Office Manager only (empty: never blocked).
CREDIT_STATES = [
    ("hold", "On Credit Hold"),
    ("released", "Credit Released"),
    ("declined", "Credit Declined"),
]
CREDIT_FIELDS = {
    "backoffice_credit_state",
    "backoffice_credit_reason",
    "backoffice_credit_decision",
    "backoffice_credit_decided_by_id",
}
# Line values that change what a confirmed order is worth.
CREDIT_LINE_FIELDS = {"product_id", "product_uom_qty", "price_unit", "discount", "tax_ids"}
# A promise to pay holds dunning this many days at most.
PROMISE_MAX_DAYS = 90
# Dunning: written by the dunning run and the promise-to-pay dialog only.
DUNNING_FIELDS = {
    "dunning_level_id",
    "dunning_log_ids",
    "date_payment_promised",
    "amount_payment_promised",
}
# What a contract's events add up to: written by their compute only.
EVENT_TOTAL_FIELDS = {
    "event_amount_delivered",
    "event_amount_returned",
    "event_amount_invoiced",
    "event_amount_invoiced_total",
    "event_amount_collected",
}


def _event_total(string, help_text=None):
    """A stored total of the contract's events, in company currency."""
    return fields.Monetary(
        string,
        compute="_compute_event_totals",
        store=True,
        currency_field="backoffice_currency_id",
        help=help_text,
    )


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
    # What the contract's deliveries, returns, invoices and payments add up
    # to, in company currency. Stored so that the contract report reads them
    # with the order instead of summing every event of every contract at each
    # read (a read_group by month over 100,000 contracts went from about a
    # second to a scan of sale_order).
    event_amount_delivered = _event_total("Delivered Value")
    event_amount_returned = _event_total(
        "Returned Value", help_text="Positive: the value of what customers sent back."
    )
    event_amount_invoiced = _event_total(
        "Invoiced Value", help_text="Invoices less credit notes, net of taxes."
    )
    event_amount_invoiced_total = _event_total("Invoiced Value (Taxes Included)")
    event_amount_collected = _event_total("Collected Value")
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

    # dealer credit -------------------------------------------------------
    backoffice_credit_state = fields.Selection(
        CREDIT_STATES,
        "Credit Hold",
        copy=False,
        tracking=True,
        index="btree_not_null",
        readonly=True,
    )
    backoffice_credit_reason = fields.Text(
        "Credit Hold Reason",
        copy=False,
        readonly=True,
        help="What the credit check found when the order was blocked.",
    )
    backoffice_credit_decision = fields.Text(
        "Credit Decision",
        copy=False,
        readonly=True,
        help="The Back Office Manager's reason for confirming, releasing or declining.",
    )
    backoffice_credit_decided_by_id = fields.Many2one(
        "res.users", "Credit Decided By", copy=False, readonly=True
    )
    backoffice_credit_check_active = fields.Boolean(related="company_id.backoffice_credit_check")
    backoffice_credit_exposure = fields.Monetary(
        "Credit Exposure",
        compute="_compute_backoffice_credit",
        currency_field="backoffice_currency_id",
        help="Open receivables of the customer, its confirmed orders not yet invoiced and "
        "this order, in company currency.",
    )
    backoffice_credit_limit = fields.Monetary(
        "Credit Limit",
        compute="_compute_backoffice_credit",
        currency_field="backoffice_currency_id",
    )
    backoffice_credit_available = fields.Monetary(
        "Available Credit",
        compute="_compute_backoffice_credit",
        currency_field="backoffice_currency_id",
    )
    backoffice_credit_warning = fields.Text(compute="_compute_backoffice_credit")
    is_backoffice_credit_blocked = fields.Boolean(compute="_compute_backoffice_credit")
    # ----------------------------------------------------------------- dunning
    dunning_level_id = fields.Many2one(
        "backoffice.dunning.level",
        copy=False,
        readonly=True,
        tracking=True,
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
    )
    dunning_log_ids = fields.One2many("backoffice.dunning.log", "order_id", readonly=True)
    date_payment_promised = fields.Date(
        "Payment Promised On",
        copy=False,
        readonly=True,
        tracking=True,
        help="Dunning pauses until this date; a promise not kept resumes at the next level.",
    )
    amount_payment_promised = fields.Monetary(
        "Amount Promised",
        currency_field="backoffice_currency_id",
        copy=False,
        readonly=True,
        tracking=True,
    )

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

    @api.depends(
        "contract_event_ids.event_type",
        "contract_event_ids.amount",
        "contract_event_ids.amount_total",
    )
    def _compute_event_totals(self):
        # From the events in memory: the milestone dates read the same ones,
        # so recording an event costs no query of its own here. Every event
        # counts, whoever triggers the computation.
        for order in self:
            sums = dict.fromkeys(DOCUMENT_EVENT_TYPES, 0.0)
            invoiced_total = 0.0
            for event in order.sudo().contract_event_ids:
                if event.event_type in sums:
                    sums[event.event_type] += event.amount
                if event.event_type in ("invoice", "refund"):
                    invoiced_total += event.amount_total
            currency = order.company_id.currency_id
            order.event_amount_delivered = currency.round(sums["delivery"])
            order.event_amount_returned = currency.round(-sums["return"])
            order.event_amount_invoiced = currency.round(sums["invoice"] + sums["refund"])
            order.event_amount_invoiced_total = currency.round(invoiced_total)
            order.event_amount_collected = currency.round(sums["payment"])

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
            protected = (
                CLASSIFIED_FIELDS
                | OVERRIDE_FIELDS
                | MILESTONE_DATE_FIELDS
                | CREDIT_FIELDS
                | DUNNING_FIELDS
                | EVENT_TOTAL_FIELDS
            )
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
        if CREDIT_FIELDS & set(vals):
            raise AccessError(
                self.env._(
                    "The credit hold of an order is decided by a Back Office Manager through "
                    "Release or Decline, not written."
                )
            )
        if DUNNING_FIELDS & set(vals):
            raise AccessError(
                self.env._(
                    "The dunning level and log follow the daily dunning run, and a promise "
                    "to pay is recorded with the Promise to Pay button."
                )
            )
        if EVENT_TOTAL_FIELDS & set(vals):
            raise AccessError(
                self.env._(
                    "What a contract delivered, invoiced and collected follows its transfers, "
                    "invoices and payments, not a written value."
                )
            )
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
                signed = (
                    fields.Date.context_today(order, order.date_order)
                    if order.date_order
                    else today
                )
                # An order confirmed before the module was installed can carry
                # milestones already (a closed case); the date of its order in
                # this user's time zone may fall on the day after them.
                recorded = order.contract_event_ids.filtered(
                    lambda e: e.event_type != "signed" and e.event_type not in DOCUMENT_EVENT_TYPES
                )
                vals["date_contract_signed"] = min([signed, *recorded.mapped("date")])
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
            digest=True,
        )
        return worse

    # ---------------------------------------------------------------- dunning
    def _dunning_reset(self):
        """Contracts paid (nothing overdue any more): back to no level, the
        promise cleared and the open dunning activities closed."""
        # The run's own bookkeeping after reading the report.
        orders_sudo = self.sudo()
        orders_sudo.write(
            {
                "dunning_level_id": False,
                "date_payment_promised": False,
                "amount_payment_promised": 0,
            }
        )
        for xmlid in (
            "sales_backoffice.mail_activity_type_dunning",
            "sales_backoffice.mail_activity_type_dunning_escalation",
            "sales_backoffice.mail_activity_type_dunning_failure",
        ):
            self._backoffice_reminder_done(xmlid, feedback=self.env._("Paid: dunning reset."))
        self._dunning_log_notes(
            dict.fromkeys(self, self.env._("Nothing is overdue any more: dunning reset."))
        )

    @api.model
    def _dunning_log_notes(self, notes):
        """Write ``{order: text}`` in the contracts' chatter as log notes, in
        one batch (Odoo's ``_message_log_batch``: no notification, which an
        internal note of the dunning run has no use for). The run writes them
        whoever runs it; the caller checked the rights."""
        if not notes:
            return
        orders = self.browse([order.id for order in notes]).sudo()
        orders._message_log_batch(bodies={order.id: escape(text) for order, text in notes.items()})

    def _dunning_promise_broken(self):
        # Run's bookkeeping: the promise date passed with the contract still overdue.
        self._dunning_log_notes(
            {
                order: self.env._(
                    "Promise to pay %(amount)s by %(date)s not kept: dunning resumes at the "
                    "next level.",
                    amount=order.amount_payment_promised,
                    date=order.date_payment_promised,
                )
                for order in self
            }
        )
        orders_sudo = self.sudo()
        orders_sudo.write({"date_payment_promised": False, "amount_payment_promised": 0})

    def _dunning_statement_contracts(self):
        """The customer's contracts with something overdue in this contract's
        company (this one first), for the statement the reminder attaches."""
        self.ensure_one()
        overdue = (
            self.env["backoffice.contract.performance"]
            .search(
                [
                    ("partner_id", "=", self.partner_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("amount_overdue", ">", 0),
                ]
            )
            .order_id
        )
        return self | (overdue - self)

    def _dunning_manager(self):
        """Who an escalated contract goes to: the sales team leader, else a
        Back Office Manager of the company."""
        self.ensure_one()
        if self.team_id.user_id:
            return self.team_id.user_id
        return self.company_id._backoffice_manager() or self.user_id

    def _check_dunning_promise_right(self):
        """The contract's salesperson or the back office record a promise."""
        for order in self:
            if not (
                self.env.su
                or self.env.user.has_group(USER_GROUP)
                or order.user_id == self.env.user
            ):
                raise AccessError(
                    self.env._(
                        "%(contract)s: only its salesperson or the back office records a "
                        "promise to pay.",
                        contract=order.display_name,
                    )
                )
        self.check_access("write")

    def _do_promise_payment(self, date_promised, amount):
        """Record a promise to pay ``amount`` by ``date_promised``: dunning
        pauses until that date."""
        self.ensure_one()
        self._check_dunning_promise_right()
        today = fields.Date.context_today(self)
        perf = self.contract_performance_id
        if self.state != "sale" or perf.amount_overdue <= 0:
            raise ValidationError(
                self.env._("%(contract)s has nothing overdue.", contract=self.display_name)
            )
        if not date_promised or date_promised < today:
            raise ValidationError(
                self.env._("Payment Promised On: give today's date or a later one.")
            )
        if date_promised > today + timedelta(days=PROMISE_MAX_DAYS):
            raise ValidationError(
                self.env._(
                    "Payment Promised On: a promise is at most %(days)s days ahead.",
                    days=PROMISE_MAX_DAYS,
                )
            )
        if (
            amount <= 0
            or self.backoffice_currency_id.compare_amounts(amount, perf.amount_receivable) > 0
        ):
            raise ValidationError(
                self.env._(
                    "Amount Promised: give an amount above zero and at most the %(due)s "
                    "still due.",
                    due=perf.amount_receivable,
                )
            )
        # Checked above: the caller's right on this contract and the values.
        order_sudo = self.sudo()
        order_sudo.write(
            {"date_payment_promised": date_promised, "amount_payment_promised": amount}
        )
        order_sudo.message_post(
            body=self.env._(
                "%(user)s recorded a promise to pay %(amount)s by %(date)s: dunning paused.",
                user=self.env.user.name,
                amount=amount,
                date=date_promised,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True

    def action_dunning_promise(self):
        self.ensure_one()
        self._check_dunning_promise_right()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Promise to Pay"),
            "res_model": "backoffice.dunning.promise",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def action_view_dunning_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_backoffice.backoffice_dunning_log_action"
        )
        action["domain"] = [("order_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

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

    # ======================================================== dealer credit
    # With the company's ``backoffice_credit_check`` on, a quotation whose
    # customer would owe more than its credit limit (Odoo's partner
    # ``credit_limit``), or who has a doubtful contract, is not confirmed by
    # people: a Back Office Manager confirms it with a reason, or releases or
    # declines it from the credit-hold queue. A customer signing in the portal
    # puts the order on hold instead of meeting an error.

    @api.depends("partner_id", "company_id", "currency_id", "amount_total", "state")
    def _compute_backoffice_credit(self):
        for order in self:
            exposure = limit = available = 0.0
            problems = []
            if order.partner_id and order.company_id.backoffice_credit_check:
                figures = order._backoffice_credit_figures()
                exposure, limit = figures["exposure"], figures["limit"]
                available = limit - exposure if limit else 0.0
                if order.state in ("draft", "sent"):
                    problems = order._backoffice_credit_problems(figures)
            order.backoffice_credit_exposure = exposure
            order.backoffice_credit_limit = limit
            order.backoffice_credit_available = available
            order.is_backoffice_credit_blocked = bool(problems)
            order.backoffice_credit_warning = "\n".join(problems)

    def _backoffice_credit_amount(self):
        """What this order adds to its customer's exposure, in company currency:
        the whole quotation, or what a confirmed order has not invoiced yet."""
        self.ensure_one()
        if self.state == "sale":
            amount = max(self.amount_total - self.amount_invoiced, 0.0)
        elif self.state in ("draft", "sent"):
            amount = self.amount_total
        else:
            return 0.0
        company = self.company_id
        return self.currency_id._convert(
            amount,
            company.currency_id,
            company,
            fields.Date.context_today(self, self.date_order) if self.date_order else None,
        )

    def _backoffice_credit_figures(self):
        """The customer's credit as the check sees it: ``receivable`` (Odoo's
        receivable balance of the commercial partner), ``to_invoice`` (its other
        confirmed orders, ordered and not yet invoiced: unlike Odoo's
        ``credit_to_invoice`` this counts goods not delivered yet),
        ``order`` (this one), ``exposure`` (their sum), ``limit`` (Odoo's
        partner credit limit in the order's company, 0 for none) and
        ``doubtful`` (the customer's doubtful contracts)."""
        self.ensure_one()
        company = self.company_id
        customer = self.partner_id.commercial_partner_id
        # The salesperson may read neither the receivable balance (accounting
        # fields) nor other salespeople's orders of the customer: they are
        # read here only to be totalled on this order, nothing else is shown.
        customer_sudo = customer.sudo().with_company(company)
        orders_sudo = (
            self.env["sale.order"]
            .sudo()
            .with_company(company)
            .search(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "child_of", customer.id),
                    ("id", "!=", self._origin.id or 0),
                    "|",
                    "&",
                    ("state", "=", "sale"),
                    ("invoice_status", "!=", "invoiced"),
                    ("receivable_class", "=", "doubtful"),
                ]
            )
        )
        to_invoice = sum(
            order._backoffice_credit_amount()
            for order in orders_sudo.filtered(lambda o: o.state == "sale")
        )
        # Odoo computes the balance from the posted entries without caching
        # dependencies: an invoice posted in this transaction must count.
        customer_sudo.invalidate_recordset(["credit"])
        receivable = customer_sudo.credit
        amount = self._backoffice_credit_amount()
        return {
            "customer": customer,
            "receivable": receivable,
            "to_invoice": to_invoice,
            "order": amount,
            "exposure": receivable + to_invoice + amount,
            "limit": customer_sudo.credit_limit,
            "doubtful": orders_sudo.filtered(lambda o: o.receivable_class == "doubtful"),
        }

    def _backoffice_credit_problems(self, figures=None, limit_only=False):
        """Why the credit check blocks this order (a list of sentences, empty
        when it passes)."""
        self.ensure_one()
        if not self.company_id.backoffice_credit_check or not self.partner_id:
            return []
        figures = figures or self._backoffice_credit_figures()
        currency = self.company_id.currency_id
        problems = []
        limit = figures["limit"]
        if limit > 0 and currency.compare_amounts(figures["exposure"], limit) > 0:

            def money(amount):
                return formatLang(self.env, amount, currency_obj=currency)

            problems.append(
                self.env._(
                    "%(customer)s would owe %(exposure)s, over its credit limit of %(limit)s "
                    "(open receivables %(receivable)s, confirmed orders not yet invoiced "
                    "%(to_invoice)s, this order %(order)s).",
                    customer=figures["customer"].display_name,
                    exposure=money(figures["exposure"]),
                    limit=money(limit),
                    receivable=money(figures["receivable"]),
                    to_invoice=money(figures["to_invoice"]),
                    order=money(figures["order"]),
                )
            )
        if figures["doubtful"] and not limit_only:
            problems.append(
                self.env._(
                    "%(customer)s has doubtful contracts: %(contracts)s.",
                    customer=figures["customer"].display_name,
                    contracts=", ".join(
                        figures["doubtful"].mapped(lambda o: o.contract_ref or o.name)
                    ),
                )
            )
        return problems

    def action_confirm(self):
        self._backoffice_credit_check_confirmation()
        return super().action_confirm()

    def _backoffice_credit_check_confirmation(self):
        """Refuse people confirming quotations the credit check blocks.

        A manager's release (``_do_credit_release``) confirms as superuser
        after recording the decision; other automated flows (superuser, e.g.
        an online payment) are not blocked and the finding goes to the
        chatter."""
        for order in self:
            if (
                order.state not in ("draft", "sent")
                or not order.company_id.backoffice_credit_check
            ):
                continue
            problems = order._backoffice_credit_problems()
            if self.env.su:
                if problems and order.backoffice_credit_state != "released":
                    order._message_log(
                        body=self.env._(
                            "Confirmed by an automated flow although the credit check "
                            "blocks it: %s",
                            " ".join(problems),
                        )
                    )
                continue
            if not problems:
                if order.backoffice_credit_state in ("hold", "declined"):
                    # The customer paid or the order shrank: the hold is over.
                    order._backoffice_credit_end_hold()
                continue
            listing = "\n".join(f"- {problem}" for problem in problems)
            if order.backoffice_credit_state == "hold":
                hint = self.env._("It waits on credit hold for a Back Office Manager.")
            elif self.env.user.has_group(MANAGER_GROUP):
                hint = self.env._("Use 'Confirm with Credit Override' and give a reason.")
            else:
                hint = self.env._(
                    "Use 'Request Credit Release' to put it on credit hold for a Back Office "
                    "Manager."
                )
            raise UserError(
                self.env._(
                    "%(order)s cannot be confirmed:\n%(problems)s\n%(hint)s",
                    order=order.display_name,
                    problems=listing,
                    hint=hint,
                )
            )

    def _validate_order(self):
        # The customer accepting in the portal (as superuser): an order the
        # credit check blocks waits on hold instead of erroring the customer.
        blocked = self.filtered(
            lambda order: order.state in ("draft", "sent")
            and order.backoffice_credit_state != "released"
            and order._backoffice_credit_problems()
        )
        for order in blocked:
            order._backoffice_credit_put_on_hold(order._backoffice_credit_problems())
        if self - blocked:
            return super(SaleOrder, self - blocked)._validate_order()
        return None

    def _backoffice_credit_put_on_hold(self, problems):
        self.ensure_one()
        reason = "\n".join(problems)
        # The hold is the module's own decision from the check just made; the
        # fields refuse every other writer.
        order_sudo = self.sudo()
        order_sudo.write({"backoffice_credit_state": "hold", "backoffice_credit_reason": reason})
        order_sudo.message_post(
            body=self.env._("On credit hold: %s", reason),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        manager = self._backoffice_credit_manager()
        self._backoffice_remind(
            "sales_backoffice.mail_activity_type_credit_hold",
            user_by_record=lambda order: manager or order.user_id,
            summary_by_record=lambda order: self.env._(
                "Release or decline %s (credit hold)", order.name
            ),
            note_by_record=lambda order: reason,
        )

    def _backoffice_credit_end_hold(self):
        self._backoffice_reminder_done("sales_backoffice.mail_activity_type_credit_hold")
        # The check found nothing left to hold: the module clears its own field.
        self.sudo().write({"backoffice_credit_state": False})

    def _backoffice_credit_manager(self):
        """A Back Office Manager of the order's company, to review its hold."""
        self.ensure_one()
        return self.company_id._backoffice_manager()

    def _backoffice_credit_check_manager(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a Back Office Manager may decide on an order's credit.")
            )

    def _backoffice_credit_dialog(self, action):
        self.ensure_one()
        self._backoffice_credit_check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Decision"),
            "res_model": "backoffice.credit.decide",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id, "default_action": action},
        }

    def action_credit_request(self):
        """Put a quotation the credit check blocks on hold, for a Back Office
        Manager to release or decline."""
        self.ensure_one()
        self.check_access("write")
        if self.state not in ("draft", "sent"):
            raise UserError(
                self.env._("%s is not a quotation: only quotations go on credit hold.", self.name)
            )
        if self.backoffice_credit_state == "hold":
            return True
        problems = self._backoffice_credit_problems()
        if not problems:
            raise UserError(
                self.env._("%s passes the credit check: confirm it.", self.display_name)
            )
        self._backoffice_credit_put_on_hold(problems)
        return True

    def action_credit_override(self):
        """A manager confirming a blocked quotation: opens the reason dialog."""
        return self._backoffice_credit_dialog("release")

    def action_credit_release(self):
        return self._backoffice_credit_dialog("release")

    def action_credit_decline(self):
        return self._backoffice_credit_dialog("decline")

    def _backoffice_credit_decision_checks(self, reason, states):
        self._backoffice_credit_check_manager()
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give a reason for the credit decision."))
        for order in self:
            order.check_access("write")
            if order.state not in ("draft", "sent") or order.backoffice_credit_state not in states:
                raise UserError(
                    self.env._(
                        "%(order)s: no credit decision is waiting on it.",
                        order=order.display_name,
                    )
                )
        return reason

    def _do_credit_release(self, reason):
        """Confirm quotations the credit check blocks (on hold, declined before
        or never held), with the manager's reason in the chatter, and tell
        the salesperson."""
        reason = self._backoffice_credit_decision_checks(
            reason, (False, "hold", "declined", "released")
        )
        for order in self:
            problems = order._backoffice_credit_problems()
            # Checked above: a Back Office Manager decides on a quotation. The
            # decision fields refuse every other writer, and the confirmation
            # runs as superuser so that the check just overridden stays out of it.
            order_sudo = order.sudo()
            order_sudo.write(
                {
                    "backoffice_credit_state": "released",
                    "backoffice_credit_reason": "\n".join(problems)
                    or order.backoffice_credit_reason,
                    "backoffice_credit_decision": reason,
                    "backoffice_credit_decided_by_id": self.env.uid,
                }
            )
            order_sudo.action_confirm()
            order._backoffice_reminder_done("sales_backoffice.mail_activity_type_credit_hold")
            order._backoffice_credit_tell_salesperson(
                self.env._(
                    "Credit released by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                )
                + ("\n" + "\n".join(problems) if problems else "")
            )
        return True

    def _do_credit_decline(self, reason):
        """Decline quotations waiting on credit hold: they stay quotations and
        the salesperson gets an activity with the reason."""
        reason = self._backoffice_credit_decision_checks(reason, ("hold",))
        for order in self:
            # Checked above: a Back Office Manager decides on a held quotation.
            order_sudo = order.sudo()
            order_sudo.write(
                {
                    "backoffice_credit_state": "declined",
                    "backoffice_credit_decision": reason,
                    "backoffice_credit_decided_by_id": self.env.uid,
                }
            )
            order._backoffice_reminder_done("sales_backoffice.mail_activity_type_credit_hold")
            message = self.env._(
                "Credit declined by %(user)s: %(reason)s", user=self.env.user.name, reason=reason
            )
            order._backoffice_credit_tell_salesperson(message)
            order._backoffice_remind(
                "mail.mail_activity_data_todo",
                user_by_record=lambda o: o.user_id,
                summary_by_record=lambda o: self.env._("Credit declined for %s", o.name),
                note_by_record=lambda o: reason,
                automated=False,
            )
        return True

    def _backoffice_credit_tell_salesperson(self, body):
        self.ensure_one()
        partners = self.user_id.partner_id
        # Posting on the order notifies its salesperson, whom the manager may
        # not be able to message otherwise.
        self.sudo().message_post(
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            partner_ids=partners.ids,
        )

    def _backoffice_credit_growth_start(self):
        """{order: amount} of the confirmed orders under the credit check,
        before their lines change."""
        return {
            order: order.amount_total
            for order in self
            if order.state == "sale" and order.company_id.backoffice_credit_check
        }

    def _backoffice_credit_growth_check(self, before):
        """A confirmed order that grew is checked again: people other than Back
        Office Managers are refused beyond the limit; managers and automated
        flows pass, noted in the chatter."""
        for order, amount in before.items():
            if order.currency_id.compare_amounts(order.amount_total, amount) <= 0:
                continue
            problems = order._backoffice_credit_problems(limit_only=True)
            if not problems:
                continue
            if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
                raise UserError(
                    self.env._(
                        "%(order)s cannot grow to %(amount)s:\n%(problems)s\n"
                        "Ask a Back Office Manager.",
                        order=order.display_name,
                        amount=formatLang(
                            self.env, order.amount_total, currency_obj=order.currency_id
                        ),
                        problems="\n".join(problems),
                    )
                )
            order._message_log(
                body=self.env._(
                    "Grown beyond the credit limit by %(user)s: %(problems)s",
                    user=self.env.user.name,
                    problems=" ".join(problems),
                )
            )
