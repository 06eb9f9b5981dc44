from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain

from ..tools.context import without_defaults
from ..tools.groups import MANAGER_GROUP
from .backoffice_commission_rule import BASE_EVENT_TYPES

INVOICE_GROUP = "account.group_account_invoice"
SETTLEMENT_STATES = [
    ("draft", "Draft"),
    ("confirmed", "Confirmed"),
    ("posted", "Posted"),
    ("cancelled", "Cancelled"),
]
# Decided by the settlement's actions; create/write refuse them but for the superuser.
PROTECTED_FIELDS = {"state", "line_ids", "move_id", "confirmed_by_id", "date_confirmed"}
# What a settlement reads from the performance lists.
COMMISSION_EVENT_TYPES = ("payment", "invoice", "refund")


class BackofficeCommissionSettlement(models.Model):
    """A salesperson's commission for a period, computed from the performance
    lists of the salesperson's contracts: every payment (or invoice) event
    counted or left out with its reason, confirmed by a Back Office Manager who
    is not the salesperson, and posted as a journal entry finance pays."""

    _name = "backoffice.commission.settlement"
    _description = "Commission Settlement"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_to desc, id desc"
    _check_company_auto = True

    # ------------------------------------------------------------------ fields
    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        required=True,
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    date_from = fields.Date(required=True, tracking=True)
    date_to = fields.Date(required=True, tracking=True)
    state = fields.Selection(
        SETTLEMENT_STATES, default="draft", required=True, tracking=True, copy=False, index=True
    )
    line_ids = fields.One2many("backoffice.commission.line", "settlement_id", copy=False)
    counted_line_ids = fields.One2many(
        "backoffice.commission.line",
        "settlement_id",
        domain=[("is_counted", "=", True)],
        string="Counted",
    )
    excluded_line_ids = fields.One2many(
        "backoffice.commission.line",
        "settlement_id",
        domain=[("is_counted", "=", False)],
        string="Left Out",
    )
    amount_total = fields.Monetary(
        compute="_compute_amount_total", store=True, currency_field="currency_id"
    )
    move_id = fields.Many2one(
        "account.move", string="Journal Entry", copy=False, readonly=True, check_company=True
    )
    is_paid = fields.Boolean(compute="_compute_is_paid")
    confirmed_by_id = fields.Many2one("res.users", copy=False, readonly=True)
    date_confirmed = fields.Date(copy=False, readonly=True)

    # ---------------------------------------------------------------- computes
    @api.depends("user_id", "date_from", "date_to")
    def _compute_name(self):
        for settlement in self:
            settlement.name = self.env._(
                "Commission %(user)s %(date_from)s - %(date_to)s",
                user=settlement.user_id.name or "",
                date_from=settlement.date_from or "",
                date_to=settlement.date_to or "",
            )

    @api.depends("line_ids.amount", "line_ids.is_counted")
    def _compute_amount_total(self):
        for settlement in self:
            settlement.amount_total = sum(settlement.counted_line_ids.mapped("amount"))

    @api.depends("move_id.line_ids.amount_residual", "move_id.state")
    def _compute_is_paid(self):
        for settlement in self:
            # Reads the state of the settlement's own entry for whoever reads it.
            move_sudo = settlement.sudo().move_id
            payable = move_sudo.line_ids.filtered(
                lambda line: line.account_id.account_type == "liability_payable"
            )
            settlement.is_paid = bool(
                move_sudo.state == "posted"
                and payable
                and all(line.reconciled for line in payable)
            )

    # ------------------------------------------------------------- constraints
    @api.constrains("date_from", "date_to", "user_id", "company_id", "state")
    def _check_period(self):
        for settlement in self:
            if settlement.date_from > settlement.date_to:
                raise ValidationError(
                    self.env._("%s: the period ends before it starts.", settlement.name)
                )
            if settlement.state == "cancelled":
                continue
            overlap = self.sudo().search_count(
                [
                    ("id", "!=", settlement.id),
                    ("company_id", "=", settlement.company_id.id),
                    ("user_id", "=", settlement.user_id.id),
                    ("state", "!=", "cancelled"),
                    ("date_from", "<=", settlement.date_to),
                    ("date_to", ">=", settlement.date_from),
                ],
                limit=1,
            )
            if overlap:
                raise ValidationError(
                    self.env._(
                        "%s: another settlement of this salesperson covers part of the period.",
                        settlement.name,
                    )
                )

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._check_group(
                MANAGER_GROUP, self.env._("Only a Back Office Manager computes commissions.")
            )
            for vals in vals_list:
                forged = PROTECTED_FIELDS & set(vals)
                if forged:
                    raise AccessError(
                        self.env._(
                            "%s of a settlement are set by its actions only.",
                            ", ".join(sorted(forged)),
                        )
                    )
            self = without_defaults(self, PROTECTED_FIELDS)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            forged = PROTECTED_FIELDS & set(vals)
            if forged:
                raise AccessError(
                    self.env._(
                        "%s of a settlement are set by its actions only.",
                        ", ".join(sorted(forged)),
                    )
                )
            tracked = {"company_id", "user_id", "date_from", "date_to"} & set(vals)
            if tracked and any(settlement.state != "draft" for settlement in self):
                raise UserError(self.env._("Only a draft settlement changes."))
        res = super().write(vals)
        if {"company_id", "user_id", "date_from", "date_to"} & set(vals):
            # What was computed was for another salesperson or period: it is
            # computed again before anyone confirms it.
            self.sudo().line_ids.unlink()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_draft(self):
        if any(settlement.state not in ("draft", "cancelled") for settlement in self):
            raise UserError(self.env._("Only draft or cancelled settlements are deleted."))

    # ----------------------------------------------------------------- actions
    def action_compute(self):
        """(Re)compute draft settlements from the performance lists."""
        self._check_group(
            MANAGER_GROUP, self.env._("Only a Back Office Manager computes commissions.")
        )
        self.check_access("write")
        for settlement in self:
            if settlement.state != "draft":
                raise UserError(
                    self.env._("%s is not a draft; it is not recomputed.", settlement.name)
                )
        # Lines are the module's computation, for draft settlements the
        # manager may write (checked above).
        self.sudo()._compute_lines()
        return True

    def action_confirm(self):
        self._check_group(
            MANAGER_GROUP,
            self.env._("Only a Back Office Manager confirms commission settlements."),
        )
        self.check_access("write")
        for settlement in self:
            if settlement.user_id == self.env.user:
                raise AccessError(
                    self.env._(
                        "%(user)s cannot confirm the own commission settlement %(name)s.",
                        user=self.env.user.name,
                        name=settlement.name,
                    )
                )
            if settlement.state != "draft":
                raise UserError(self.env._("%s is not a draft.", settlement.name))
        self._write_protected(
            {
                "state": "confirmed",
                "confirmed_by_id": self.env.uid,
                "date_confirmed": fields.Date.context_today(self),
            }
        )
        return True

    def action_post(self):
        """Book confirmed settlements: the commission expense, analytic by
        contract, against a payable to the salesperson's partner."""
        self._check_group(INVOICE_GROUP, self.env._("Only finance posts commission settlements."))
        self.check_access("read")
        for settlement in self:
            if settlement.state != "confirmed":
                raise UserError(
                    self.env._("%s must be confirmed before it is posted.", settlement.name)
                )
            if settlement.user_id == self.env.user:
                raise AccessError(
                    self.env._("Nobody posts the own commission settlement %s.", settlement.name)
                )
        for settlement in self:
            # Finance may book the entry; the checks above decided the
            # settlement is confirmed and not the caller's own.
            settlement_sudo = settlement.sudo()
            move_sudo = settlement_sudo._create_move() if settlement.amount_total else None
            if move_sudo:
                move_sudo.action_post()
            settlement._write_protected(
                {"state": "posted", "move_id": move_sudo.id if move_sudo else False}
            )
        return True

    def action_cancel(self):
        self._check_group(
            MANAGER_GROUP, self.env._("Only a Back Office Manager cancels commission settlements.")
        )
        self.check_access("write")
        for settlement in self:
            if settlement.state not in ("draft", "confirmed"):
                raise UserError(
                    self.env._(
                        "%s is posted: reverse its journal entry instead; the next settlement "
                        "counts what changed.",
                        settlement.name,
                    )
                )
            # Only the module's own lines are read, to keep the reversals true.
            reversals_sudo = (
                self.env["backoffice.commission.line"]
                .sudo()
                .search_count(
                    [
                        ("reversed_line_id.settlement_id", "=", settlement.id),
                        ("settlement_state", "!=", "cancelled"),
                    ],
                    limit=1,
                )
            )
            if reversals_sudo:
                raise UserError(
                    self.env._(
                        "%s: a later settlement reverses some of its lines; cancel that one "
                        "first.",
                        settlement.name,
                    )
                )
        self._write_protected({"state": "cancelled"})
        return True

    def action_draft(self):
        self._check_group(
            MANAGER_GROUP, self.env._("Only a Back Office Manager resets commission settlements.")
        )
        self.check_access("write")
        for settlement in self:
            if settlement.state != "cancelled":
                raise UserError(self.env._("Only a cancelled settlement goes back to draft."))
        self._write_protected(
            {"state": "draft", "confirmed_by_id": False, "date_confirmed": False}
        )
        # Its old lines may now be counted elsewhere: compute again.
        self.sudo()._compute_lines()
        return True

    def action_open_move(self):
        self.ensure_one()
        if not self.move_id:
            raise UserError(self.env._("%s has no journal entry.", self.name))
        self.move_id.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "views": [(False, "form")],
        }

    # ---------------------------------------------------------------- helpers
    def _check_group(self, group, message):
        if not self.env.su and not self.env.user.has_group(group):
            raise AccessError(message)

    def _write_protected(self, vals):
        """Write the protected fields; the public actions calling this checked
        the caller's group and the settlements' state first."""
        settlements_sudo = self.sudo()
        settlements_sudo.write(vals)

    # ------------------------------------------------------------- computation
    def _compute_lines(self):
        """Rebuild the lines of draft settlements (run as superuser by the
        actions after their checks)."""
        Line = self.env["backoffice.commission.line"]
        self.line_ids.unlink()
        for settlement in self:
            vals_list = settlement._line_vals()
            Line.create(vals_list)
        self.invalidate_recordset(["line_ids", "counted_line_ids", "excluded_line_ids"])
        return True

    def _candidate_events(self):
        """The salesperson's commission events: in the period, and those
        recorded during the period with a date outside it."""
        self.ensure_one()
        day_after = fields.Date.add(self.date_to, days=1)
        domain = Domain(
            [
                ("company_id", "=", self.company_id.id),
                ("order_id.user_id", "=", self.user_id.id),
                ("event_type", "in", COMMISSION_EVENT_TYPES),
            ]
        ) & (
            Domain([("date", ">=", self.date_from), ("date", "<=", self.date_to)])
            | Domain(
                [
                    ("create_date", ">=", fields.Datetime.to_datetime(self.date_from)),
                    ("create_date", "<", fields.Datetime.to_datetime(day_after)),
                ]
            )
        )
        return self.env["backoffice.contract.event"].search_fetch(
            domain, ["order_id", "date", "event_type", "amount", "move_id"], order="date, id"
        )

    def _rule_shares(self, orders):
        """For each contract and base, the rules that commission it with the
        share of the contract each covers; a share no rule covers is under
        ``None``. A salesperson's rules replace the team's."""
        rules = self.env["backoffice.commission.rule"].search(
            [("company_id", "=", self.company_id.id)]
        )
        by_user, by_team = defaultdict(list), defaultdict(list)
        for rule in rules:
            if rule.user_id:
                by_user[rule.user_id.id].append(rule)
            else:
                by_team[rule.team_id.id].append(rule)
        shares = {}
        for order in orders:
            rule_set = by_user.get(order.user_id.id) or by_team.get(order.team_id.id) or []
            shares[order.id] = {
                base: self._split_order(order, [r for r in rule_set if r.base == base])
                for base in BASE_EVENT_TYPES
            }
            shares[order.id]["has_rules"] = bool(rule_set)
        return shares

    @api.model
    def _split_order(self, order, rules):
        """[(rule or None, share)] for one base: each product line goes to the
        rule of its deepest matching category, else to the rule without one."""
        if not rules:
            return []
        lines = order.order_line.filtered(lambda line: not line.display_type)
        total = sum(lines.mapped("price_subtotal"))
        generic = next((rule for rule in rules if not rule.product_categ_id), None)
        by_categ = [rule for rule in rules if rule.product_categ_id]
        if not by_categ or not total:
            return [(generic, 1.0)]
        amounts = defaultdict(float)
        for line in lines:
            path = line.product_id.categ_id.parent_path or ""
            matching = [
                rule for rule in by_categ if path.startswith(rule.product_categ_id.parent_path)
            ]
            rule = (
                max(matching, key=lambda r: len(r.product_categ_id.parent_path))
                if matching
                else generic
            )
            amounts[rule] += line.price_subtotal
        return [(rule, amount / total) for rule, amount in amounts.items() if amount]

    @api.model
    def _event_base(self, event):
        """The commission base of an event, in company currency, net of taxes:
        payments (tax included) in the proportion of the contract's untaxed
        amount to its total."""
        if event.event_type == "payment":
            order = event.order_id
            ratio = order.amount_untaxed / order.amount_total if order.amount_total else 1.0
            return event.amount * ratio
        return event.amount

    def _line_vals(self):
        self.ensure_one()
        currency = self.currency_id
        Line = self.env["backoffice.commission.line"]
        events = self._candidate_events()
        settled = set(
            Line.search_fetch(
                [
                    ("event_id", "in", events.ids),
                    ("is_counted", "=", True),
                    ("reversed_line_id", "=", False),
                    ("settlement_state", "!=", "cancelled"),
                    ("settlement_id", "!=", self.id),
                ],
                ["event_id"],
            ).event_id.ids
        )
        shares = self._rule_shares(events.order_id)
        vals_list = []
        # Reversals: what a confirmed or posted settlement counted whose event
        # has since disappeared (payment unreconciled or cancelled, invoice
        # reset or cancelled) and that no other settlement took back yet.
        reversed_ids = Line.search(
            [
                ("user_id", "=", self.user_id.id),
                ("company_id", "=", self.company_id.id),
                ("reversed_line_id", "!=", False),
                ("settlement_state", "!=", "cancelled"),
                ("settlement_id", "!=", self.id),
            ]
        ).reversed_line_id.ids
        gone = Line.search(
            [
                ("user_id", "=", self.user_id.id),
                ("company_id", "=", self.company_id.id),
                ("is_counted", "=", True),
                ("event_id", "=", False),
                ("reversed_line_id", "=", False),
                ("settlement_state", "in", ("confirmed", "posted")),
                ("id", "not in", reversed_ids),
            ]
        )
        for line in gone:
            vals_list.append(
                {
                    "settlement_id": self.id,
                    "order_id": line.order_id.id,
                    "event_type": line.event_type,
                    "date": line.date,
                    "description": self.env._(
                        "Reverses %(line)s of %(settlement)s",
                        line=line.description,
                        settlement=line.settlement_id.name,
                    ),
                    "rule_id": line.rule_id.id,
                    "is_counted": True,
                    "reason": "reversed",
                    "reversed_line_id": line.id,
                    "amount_base": -line.amount_base,
                    "rate": line.rate,
                    "amount": -line.amount,
                }
            )
        counted = []
        for event in events:
            base = self._event_base(event)
            common = {
                "settlement_id": self.id,
                "order_id": event.order_id.id,
                "event_id": event.id,
                "event_type": event.event_type,
                "date": event.date,
                "description": event.move_id.name or event.order_id.name,
            }
            if event.id in settled:
                vals_list.append(
                    dict(common, reason="already_settled", amount_base=currency.round(base))
                )
                continue
            if not self.date_from <= event.date <= self.date_to:
                vals_list.append(
                    dict(common, reason="outside_period", amount_base=currency.round(base))
                )
                continue
            order_shares = shares[event.order_id.id]
            split = next(
                (
                    order_shares[key]
                    for key, types in BASE_EVENT_TYPES.items()
                    if event.event_type in types
                ),
                [],
            )
            if not split:
                # A contract without any rule: its payments (the default base)
                # are shown as left out.
                if not order_shares["has_rules"] and event.event_type == "payment":
                    vals_list.append(
                        dict(common, reason="no_rule", amount_base=currency.round(base))
                    )
                # Otherwise the contract's rules use the other base.
                continue
            for rule, share in split:
                part = currency.round(base * share)
                if rule is None:
                    vals_list.append(dict(common, reason="no_rule", amount_base=part))
                else:
                    counted.append(
                        dict(common, rule_id=rule.id, amount_base=part, is_counted=True)
                    )
        # Tiers: the rate for each rule from the period's base for it.
        base_by_rule = defaultdict(float)
        for vals in counted:
            base_by_rule[vals["rule_id"]] += vals["amount_base"]
        rules = self.env["backoffice.commission.rule"].browse(list(base_by_rule))
        rate_by_rule = {rule.id: rule._rate_for(base_by_rule[rule.id]) for rule in rules}
        for vals in counted:
            rate = rate_by_rule[vals["rule_id"]]
            vals.update(rate=rate, amount=currency.round(vals["amount_base"] * rate / 100.0))
        return vals_list + counted

    # ------------------------------------------------------------ accounting
    def _create_move(self):
        """The settlement's journal entry (draft): a debit on the commission
        expense account per contract, with the contract's analytic
        distribution, and the credit on a payable to the salesperson."""
        self.ensure_one()
        company = self.company_id
        journal = company.backoffice_commission_journal_id
        expense = company.backoffice_commission_expense_account_id
        partner = self.user_id.partner_id
        payable = (
            company.backoffice_commission_payable_account_id
            or partner.with_company(company).property_account_payable_id
        )
        if not journal or not expense or not payable:
            raise UserError(
                self.env._(
                    "Set the commission journal, expense account and payable account in the "
                    "Sales settings (Back Office) of %s.",
                    company.name,
                )
            )
        by_order = defaultdict(float)
        for line in self.counted_line_ids:
            by_order[line.order_id] += line.amount
        Claim = self.env["backoffice.expense.claim"]
        line_vals = [
            {
                "name": self.env._("Commission %s", order.name),
                "account_id": expense.id,
                "balance": amount,
                "analytic_distribution": Claim._analytic_distribution(order) if order else False,
            }
            for order, amount in by_order.items()
            if not company.currency_id.is_zero(amount)
        ]
        line_vals.append(
            {
                "name": self.name,
                "account_id": payable.id,
                "partner_id": partner.id,
                "balance": -self.amount_total,
            }
        )
        return (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": fields.Date.context_today(self),
                    "ref": self.name,
                    "partner_id": partner.id,
                    "line_ids": [fields.Command.create(vals) for vals in line_vals],
                }
            )
        )
