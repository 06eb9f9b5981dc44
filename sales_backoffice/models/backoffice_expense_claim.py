from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .backoffice_expense_budget import CONSUMING_STATES

CLAIM_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("audited", "Audited"),
    ("approved", "Approved"),
    ("posted", "Posted"),
    ("paid", "Paid"),
    ("refused", "Refused"),
]
MANAGER_GROUP = "sales_backoffice.group_backoffice_manager"
USER_GROUP = "sales_backoffice.group_backoffice_user"
PROTECTED_FIELDS = {
    "state",
    "review_ids",
    "auditor_id",
    "approver_id",
    "move_id",
    "finding_ids",
    "date_approved",
}


class BackofficeExpenseClaim(models.Model):
    _name = "backoffice.expense.claim"
    _inherit = ["mail.thread", "mail.activity.mixin", "backoffice.review.mixin"]
    _description = "Sales Expense Claim"
    _order = "date_from desc, id desc"
    _review_requester_field = "user_id"

    # ------------------------------------------------------------------ fields
    name = fields.Char(
        "Reference",
        required=True,
        copy=False,
        readonly=True,
        default=lambda self: self.env._("New"),
    )
    user_id = fields.Many2one(
        "res.users",
        string="Claimant",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
    )
    team_id = fields.Many2one(
        "crm.team", compute="_compute_team_id", store=True, readonly=False, index=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(
        "From", required=True, default=fields.Date.context_today, tracking=True
    )
    date_to = fields.Date("To", required=True, default=fields.Date.context_today, tracking=True)
    trip_days = fields.Integer(compute="_compute_trip_days", store=True)
    route = fields.Char(help="The stops of the trip, e.g. Shanghai - Suzhou - Hangzhou.")
    purpose = fields.Text()
    partner_ids = fields.Many2many("res.partner", string="Customers Visited")
    order_ids = fields.Many2many("sale.order", string="Contracts")
    line_ids = fields.One2many(
        "backoffice.expense.claim.line", "claim_id", string="Expenses", copy=True
    )
    amount_claimed = fields.Monetary(
        currency_field="currency_id", compute="_compute_amounts", store=True
    )
    amount_approved = fields.Monetary(
        currency_field="currency_id", compute="_compute_amounts", store=True
    )
    state = fields.Selection(
        CLAIM_STATES, default="draft", required=True, copy=False, tracking=True, index=True
    )
    finding_ids = fields.One2many(
        "backoffice.expense.finding", "claim_id", string="Findings", copy=False
    )
    has_open_block = fields.Boolean(compute="_compute_has_open_block")
    review_ids = fields.One2many(
        "backoffice.expense.claim.review",
        "claim_id",
        string="Audit Trail",
        readonly=True,
        copy=False,
    )
    auditor_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    approver_id = fields.Many2one("res.users", readonly=True, copy=False, tracking=True)
    move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True, copy=False)
    date_approved = fields.Date(readonly=True, copy=False)
    refuse_reason = fields.Text(readonly=True, copy=False)

    # ---------------------------------------------------------------- computes
    @api.depends("user_id")
    def _compute_team_id(self):
        for claim in self:
            claim.team_id = claim.team_id or claim.user_id.sale_team_id

    @api.depends("date_from", "date_to")
    def _compute_trip_days(self):
        for claim in self:
            if claim.date_from and claim.date_to and claim.date_to >= claim.date_from:
                claim.trip_days = (claim.date_to - claim.date_from).days + 1
            else:
                claim.trip_days = 0

    @api.depends("line_ids.amount_company", "line_ids.amount_approved")
    def _compute_amounts(self):
        for claim in self:
            claim.amount_claimed = sum(claim.line_ids.mapped("amount_company"))
            claim.amount_approved = sum(claim.line_ids.mapped("amount_approved"))

    @api.depends("finding_ids.severity", "finding_ids.waived_by_id")
    def _compute_has_open_block(self):
        for claim in self:
            claim.has_open_block = any(claim.finding_ids.mapped("is_open_block"))

    # ------------------------------------------------------------- constraints
    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for claim in self:
            if claim.date_from > claim.date_to:
                raise ValidationError(
                    self.env._(
                        "%(claim)s: the trip ends (%(end)s) before it starts (%(start)s).",
                        claim=claim.name,
                        end=claim.date_to,
                        start=claim.date_from,
                    )
                )

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not self.env.context.get("backoffice_claim_action") and (
                set(vals) & PROTECTED_FIELDS - {"state"} or vals.get("state", "draft") != "draft"
            ):
                raise UserError(
                    self.env._("A claim starts as a draft and moves on with its actions only.")
                )
            if vals.get("name", self.env._("New")) == self.env._("New"):
                company = (
                    self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                )
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code("backoffice.expense.claim")
                    or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.context.get("backoffice_claim_action"):
            protected = PROTECTED_FIELDS & set(vals)
            if protected:
                raise UserError(
                    self.env._(
                        "%s change through the claim's actions only.", ", ".join(sorted(protected))
                    )
                )
            if (
                any(claim.state not in ("draft", "submitted") for claim in self)
                and not self.env.su
            ):
                locked = set(vals) - {"message_main_attachment_id"}
                if locked:
                    raise UserError(
                        self.env._(
                            "An audited claim can no longer be changed; reset it to draft first."
                        )
                    )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(claim.state != "draft" or claim.review_ids for claim in self):
            raise UserError(self.env._("Only draft claims without audit trail can be deleted."))

    def _set_state(self, state, **extra):
        self.with_context(backoffice_claim_action=True).write(dict(extra, state=state))

    # ---------------------------------------------------------------- findings
    def _compute_findings(self):
        """Rebuild each claim's findings from its lines, keeping the waivers of
        findings that are still there."""
        Finding = self.env["backoffice.expense.finding"].sudo()
        for claim in self:
            waived = {
                (f.rule, f.line_id.id, f.message): (f.waived_by_id.id, f.waive_reason)
                for f in claim.finding_ids
                if f.waived_by_id
            }
            vals_list = []
            for rule, severity, line, message in claim._finding_candidates():
                waived_by, reason = waived.get((rule, line.id, message), (False, False))
                vals_list.append(
                    {
                        "claim_id": claim.id,
                        "line_id": line.id,
                        "rule": rule,
                        "severity": severity,
                        "message": message,
                        "waived_by_id": waived_by,
                        "waive_reason": reason,
                    }
                )
            # Findings are the module's own audit output, rebuilt for whoever
            # changed the lines (often the claimant, who may not edit them).
            claim.finding_ids.sudo().unlink()
            Finding.create(vals_list)

    def _finding_candidates(self):
        self.ensure_one()
        money = self.currency_id.format
        found = []
        by_day_category = defaultdict(lambda: self.env["backoffice.expense.claim.line"])
        for line in self.line_ids:
            by_day_category[line.date, line.category_id] |= line
            category = line.category_id
            if (
                category.receipt_required_above >= 0
                and line.amount_company > category.receipt_required_above
                and not (line.attachment_ids)
            ):
                found.append(
                    (
                        "missing_receipt",
                        "block",
                        line,
                        self.env._(
                            "%(date)s %(line)s: %(amount)s needs a receipt (above %(limit)s).",
                            date=line.date,
                            line=line.description or category.name,
                            amount=money(line.amount_company),
                            limit=money(category.receipt_required_above),
                        ),
                    )
                )
            if line.date < self.date_from or line.date > self.date_to:
                found.append(
                    (
                        "outside_trip",
                        "block",
                        line,
                        self.env._(
                            "%(date)s %(line)s is outside the trip (%(start)s - %(end)s).",
                            date=line.date,
                            line=line.description or category.name,
                            start=self.date_from,
                            end=self.date_to,
                        ),
                    )
                )
            if line.date.weekday() >= 5:
                found.append(
                    (
                        "weekend",
                        "warn",
                        line,
                        self.env._(
                            "%(date)s %(line)s was spent on a weekend.",
                            date=line.date,
                            line=line.description or category.name,
                        ),
                    )
                )
        for (day, category), lines in by_day_category.items():
            total = sum(lines.mapped("amount_company"))
            if (
                category.daily_cap
                and self.currency_id.compare_amounts(total, category.daily_cap) > 0
            ):
                found.append(
                    (
                        "over_cap",
                        "block",
                        lines[:1],
                        self.env._(
                            "%(date)s %(category)s: %(total)s spent, the daily cap is %(cap)s.",
                            date=day,
                            category=category.name,
                            total=money(total),
                            cap=money(category.daily_cap),
                        ),
                    )
                )
        found += self._duplicate_receipt_findings()
        found += self._budget_findings()
        return found

    def _duplicate_receipt_findings(self):
        lines = self.line_ids.filtered("receipt_ref")
        if not lines:
            return []
        others = (
            self.env["backoffice.expense.claim.line"]
            .sudo()
            .search(
                [
                    ("claim_id", "!=", self.id),
                    ("claim_id.state", "!=", "refused"),
                    ("company_id", "=", self.company_id.id),
                    ("receipt_ref", "in", lines.mapped("receipt_ref")),
                ]
            )
        )
        found = []
        for line in lines:
            for other in others:
                if (
                    (other.receipt_ref, other.date) == (line.receipt_ref, line.date)
                    and not other.currency_id.compare_amounts(other.amount, line.amount)
                    and other.currency_id == line.currency_id
                ):
                    found.append(
                        (
                            "duplicate_receipt",
                            "block",
                            line,
                            self.env._(
                                "Receipt %(ref)s of %(date)s is already claimed in %(claim)s.",
                                ref=line.receipt_ref,
                                date=line.date,
                                claim=other.claim_id.name,
                            ),
                        )
                    )
                    break
        return found

    def _budgets(self):
        self.ensure_one()
        return (
            self.env["backoffice.expense.budget"]
            .sudo()
            .search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("date_from", "<=", self.date_from),
                    ("date_to", ">=", self.date_from),
                    "|",
                    ("user_id", "=", self.user_id.id),
                    ("team_id", "=", self.team_id.id or False),
                ]
            )
        )

    def _budget_findings(self):
        found = []
        counted = self.amount_approved if self.state in CONSUMING_STATES else 0.0
        for budget in self._budgets():
            after = budget.amount_consumed - counted + self.amount_approved
            if self.currency_id.compare_amounts(after, budget.amount) > 0:
                found.append(
                    (
                        "over_budget",
                        "block" if budget.mode == "block" else "warn",
                        self.env["backoffice.expense.claim.line"],
                        self.env._(
                            "Budget %(budget)s: %(after)s with this claim, the budget is %(amount)s.",
                            budget=budget.name,
                            after=self.currency_id.format(after),
                            amount=self.currency_id.format(budget.amount),
                        ),
                    )
                )
        return found

    def action_waive_findings(self, reason):
        """A manager waives the open findings of the claim, with a reason."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a Back Office Manager may waive findings."))
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the findings are waived."))
        for claim in self:
            open_findings = claim.finding_ids.filtered(lambda f: not f.waived_by_id)
            # The finding records are the module's; the manager's right was checked above.
            open_findings.sudo().write({"waived_by_id": self.env.uid, "waive_reason": reason})
            claim.message_post(
                body=self.env._("Findings waived: %s", reason), subtype_xmlid="mail.mt_note"
            )
        return True

    def _check_no_open_block(self, step):
        for claim in self:
            blocking = claim.finding_ids.filtered("is_open_block")
            if blocking:
                raise UserError(
                    self.env._(
                        "%(claim)s cannot be %(step)s while these findings are open (a manager may waive them):\n%(list)s",
                        claim=claim.name,
                        step=step,
                        list="\n".join(f"- {f.message}" for f in blocking),
                    )
                )

    def _after_lines_change(self):
        # Findings follow the lines once the claim is submitted.
        self.filtered(lambda claim: claim.state == "submitted")._compute_findings()

    # ----------------------------------------------------------------- actions
    def action_submit(self):
        for claim in self:
            if claim.state != "draft":
                raise UserError(self.env._("%s is not a draft.", claim.name))
            if not claim.line_ids:
                raise ValidationError(self.env._("%s has no expense line.", claim.name))
        self._set_state("submitted")
        self._compute_findings()
        return True

    def action_audit(self):
        for claim in self:
            if claim.state != "submitted":
                raise UserError(self.env._("%s is not waiting for its audit.", claim.name))
            claim._compute_findings()
            claim._check_no_open_block(self.env._("audited"))
            claim._review_record("approve", self.env._("Audited"))
            claim._set_state("audited", auditor_id=self.env.uid)
        return True

    def action_approve(self):
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(self.env._("Only a Back Office Manager approves expense claims."))
        for claim in self:
            if claim.state != "audited" or not claim.auditor_id:
                raise UserError(
                    self.env._("%s must be audited before it is approved.", claim.name)
                )
            claim._compute_findings()
            claim._check_no_open_block(self.env._("approved"))
            claim._review_record("approve", self.env._("Approved"))
            claim._set_state(
                "approved",
                approver_id=self.env.uid,
                date_approved=fields.Date.context_today(claim),
            )
        return True

    def action_refuse(self, reason=None):
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(self.env._("Only the back office refuses expense claims."))
        for claim in self:
            if claim.state not in ("submitted", "audited"):
                raise UserError(self.env._("%s cannot be refused now.", claim.name))
            claim._review_record("reject", reason)
            claim._set_state("refused", refuse_reason=reason)
        return True

    def action_reset_to_draft(self):
        for claim in self:
            if claim.state not in ("submitted", "refused"):
                raise UserError(self.env._("Only submitted or refused claims go back to draft."))
            if claim.user_id != self.env.user and not self.env.user.has_group(USER_GROUP):
                raise AccessError(
                    self.env._("Only the claimant or the back office resets a claim.")
                )
        # The earlier decisions stay in the audit trail, a new round starts.
        self._set_state("draft", auditor_id=False, approver_id=False)
        return True

    def action_open_import(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import Expense Lines"),
            "res_model": "backoffice.expense.import",
            "view_mode": "form",
            "target": "new",
            "context": {"default_claim_id": self.id},
        }

    def action_open_decide(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Refuse or Waive"),
            "res_model": "backoffice.expense.decide",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_claim_id": self.id,
                "default_action": self.env.context.get("decide_action", "refuse"),
            },
        }

    def action_post(self):
        for claim in self:
            if claim.state != "approved":
                raise UserError(self.env._("%s must be approved before it is posted.", claim.name))
            move = claim.move_id if claim.move_id.state == "draft" else claim._create_move()
            claim.with_context(backoffice_claim_action=True).move_id = move
            move.action_post()
        return True

    def _analytic_distribution(self, order):
        """The contract's analytic distribution: its lines' distributions
        weighted by their untaxed amounts."""
        lines = order.order_line.filtered("analytic_distribution")
        total = sum(lines.mapped("price_subtotal"))
        if not lines or not total:
            return False
        merged = defaultdict(float)
        for line in lines:
            for key, percent in line.analytic_distribution.items():
                merged[key] += percent * line.price_subtotal / total
        return {key: round(value, 2) for key, value in merged.items()}

    def _create_move(self):
        self.ensure_one()
        company = self.company_id
        journal = company.backoffice_expense_journal_id or self.env["account.journal"].search(
            [
                ("type", "=", "purchase"),
                *self.env["account.journal"]._check_company_domain(company),
            ],
            limit=1,
        )
        if not journal:
            raise UserError(
                self.env._("Set the journal for expense claims in the Sales settings.")
            )
        grouped = defaultdict(float)
        for line in self.line_ids.filtered("amount_approved"):
            grouped[line.category_id, line.order_id] += line.amount_approved
        invoice_lines = [
            (
                0,
                0,
                {
                    "name": f"{self.name} {category.name}" + (f" ({order.name})" if order else ""),
                    "account_id": category.account_id.id,
                    "quantity": 1,
                    "price_unit": amount,
                    "tax_ids": [(5, 0, 0)],
                    "analytic_distribution": self._analytic_distribution(order)
                    if order
                    else False,
                },
            )
            for (category, order), amount in grouped.items()
        ]
        partner = self.user_id.partner_id
        # Finance books the claim; the back office user posting it may hold no
        # accounting rights, the checks above decided it may be posted.
        return (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "in_receipt",
                    "journal_id": journal.id,
                    "partner_id": partner.id,
                    "invoice_date": fields.Date.context_today(self),
                    "date": fields.Date.context_today(self),
                    "ref": self.name,
                    "currency_id": company.currency_id.id,
                    "invoice_line_ids": invoice_lines,
                }
            )
        )

    def _sync_move_state(self):
        """Follow the entry: posted, paid once reconciled, approved again when
        it is reset to draft or cancelled."""
        for claim in self.filtered("move_id"):
            move = claim.move_id
            if move.state != "posted":
                state = "approved"
            elif move.payment_state in ("paid", "in_payment", "reversed"):
                state = "paid"
            else:
                state = "posted"
            if claim.state != state:
                claim._set_state(state)
