from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

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
# A promise to pay holds dunning this many days at most.
PROMISE_MAX_DAYS = 90
# Dunning: written by the dunning run and the promise-to-pay dialog only.
DUNNING_FIELDS = {
    "dunning_level_id",
    "dunning_log_ids",
    "date_payment_promised",
    "amount_payment_promised",
}


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
                CLASSIFIED_FIELDS | OVERRIDE_FIELDS | MILESTONE_DATE_FIELDS | DUNNING_FIELDS
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
        if DUNNING_FIELDS & set(vals):
            raise AccessError(
                self.env._(
                    "The dunning level and log follow the daily dunning run, and a promise "
                    "to pay is recorded with the Promise to Pay button."
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
        the salesperson one dunning activity when a contract gets worse."""
        performance = self.env["backoffice.contract.performance"]
        # The report is a query over documents changed in this transaction too.
        performance.invalidate_model()
        rows = performance.search_fetch(
            ["|", ("days_overdue", ">", 0), ("receivable_class", "!=", "normal")],
            ["order_id", "company_id", "days_overdue", "receivable_class"],
        )
        to_write = {}
        worse = self.browse()
        rank = {key: index for index, (key, _label) in enumerate(RECEIVABLE_CLASSES)}
        for row in rows:
            order = row.order_id
            if order.receivable_class_manual:
                continue
            new_class = self._receivable_class_for(row.days_overdue, row.company_id)
            if new_class != row.receivable_class:
                to_write.setdefault(new_class, self.browse())
                to_write[new_class] |= order
                if rank[new_class] > rank[row.receivable_class]:
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
                days=order.contract_performance_id.days_overdue,
            ),
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
        for order in orders_sudo:
            order.message_post(
                body=self.env._("Nothing is overdue any more: dunning reset."),
                subtype_xmlid="mail.mt_note",
            )

    def _dunning_promise_broken(self):
        for order in self:
            # Run's bookkeeping: the promise date passed with the contract still overdue.
            order_sudo = order.sudo()
            order_sudo.message_post(
                body=self.env._(
                    "Promise to pay %(amount)s by %(date)s not kept: dunning resumes at the "
                    "next level.",
                    amount=order.amount_payment_promised,
                    date=order.date_payment_promised,
                ),
                subtype_xmlid="mail.mt_note",
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
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("all_group_ids", "in", self.env.ref(MANAGER_GROUP).ids),
                    ("company_ids", "in", self.company_id.ids),
                    ("share", "=", False),
                    ("id", "!=", self.env.ref("base.user_root").id),
                ],
                limit=1,
            )
            or self.user_id
        )

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
