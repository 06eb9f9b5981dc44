from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, sql

from ..tools.context import computed_field_names, without_defaults
from ..tools.groups import MANAGER_GROUP, USER_GROUP
from .backoffice_expense_budget import CONSUMING_STATES

# The decisions people take on a claim, written by its actions only.
APPROVAL_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("audited", "Audited"),
    ("approved", "Approved"),
    ("refused", "Refused"),
]
# What the claim shows: the decisions, then what its journal entry says.
CLAIM_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("audited", "Audited"),
    ("approved", "Approved"),
    ("posted", "Posted"),
    ("paid", "Paid"),
    ("refused", "Refused"),
]
# Payment states of an entry that settle the claim.
PAID_STATES = ("paid", "in_payment", "reversed")
# Claims whose receipts are evidence of a decision and stay as they were.
FROZEN_STATES = ("audited", "approved", "posted", "paid", "refused")
INVOICE_GROUP = "account.group_account_invoice"
PROTECTED_FIELDS = {
    "state",
    "approval_state",
    "review_ids",
    "auditor_id",
    "approver_id",
    "move_id",
    "finding_ids",
    "date_approved",
    "refuse_reason",
}
# What may still change on a claim that has left draft: its lines go through
# their own checks, the chatter is the mail modules'.
OPEN_AFTER_DRAFT = ("line_ids", "message_", "activity_")


class BackofficeExpenseClaim(models.Model):
    _name = "backoffice.expense.claim"
    _inherit = ["mail.thread", "mail.activity.mixin", "backoffice.review.mixin"]
    _description = "Sales Expense Claim"
    _order = "date_from desc, id desc"
    _check_company_auto = True
    _review_requester_field = "user_id"
    # People's decisions live in approval_state; state also follows the entry.
    _review_state_field = "approval_state"

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
        check_company=True,
        default=lambda self: self.env.user,
    )
    team_id = fields.Many2one(
        "crm.team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        index=True,
        check_company=True,
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
    partner_ids = fields.Many2many("res.partner", string="Customers Visited", check_company=True)
    order_ids = fields.Many2many("sale.order", string="Contracts", check_company=True)
    line_ids = fields.One2many(
        "backoffice.expense.claim.line", "claim_id", string="Expenses", copy=True
    )
    amount_claimed = fields.Monetary(
        currency_field="currency_id", compute="_compute_amounts", store=True
    )
    amount_approved = fields.Monetary(
        currency_field="currency_id", compute="_compute_amounts", store=True
    )
    approval_state = fields.Selection(
        APPROVAL_STATES, default="draft", required=True, copy=False, readonly=True, index=True
    )
    state = fields.Selection(
        CLAIM_STATES,
        compute="_compute_state",
        store=True,
        tracking=True,
        index=True,
        help="Posted and paid follow the journal entry; the other states are the decisions.",
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
    move_id = fields.Many2one(
        "account.move",
        string="Journal Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
    )
    date_approved = fields.Date(readonly=True, copy=False)
    refuse_reason = fields.Text(readonly=True, copy=False)

    def _auto_init(self):
        # Claims from before approval_state: their decision is what their state
        # said, posted and paid ones were approved.
        cr = self.env.cr
        if sql.table_exists(cr, self._table) and not sql.column_exists(
            cr, self._table, "approval_state"
        ):
            sql.create_column(cr, self._table, "approval_state", "varchar")
            cr.execute(
                SQL(
                    "UPDATE %s SET approval_state = CASE WHEN state IN %s THEN %s ELSE state END",
                    SQL.identifier(self._table),
                    ("posted", "paid"),
                    "approved",
                )
            )
        return super()._auto_init()

    # ---------------------------------------------------------------- computes
    @api.depends("approval_state", "move_id.state", "move_id.payment_state")
    def _compute_state(self):
        """Posted while the entry is posted, paid once it is settled, back to
        approved when it is reset to draft or cancelled."""
        for claim in self:
            move = claim.move_id
            if claim.approval_state == "approved" and move.state == "posted":
                claim.state = "paid" if move.payment_state in PAID_STATES else "posted"
            else:
                claim.state = claim.approval_state

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
    @api.model
    def _backoffice_computed_fields(self):
        """Fields the ORM computes: written by nobody but the ORM itself."""
        return computed_field_names(self)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not self.env.su and set(vals) & (
                PROTECTED_FIELDS | self._backoffice_computed_fields()
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
        if not self.env.su:
            # A default from the context is client input too.
            self = without_defaults(self, PROTECTED_FIELDS | self._backoffice_computed_fields())
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_write(vals)
        res = super().write(vals)
        if "company_id" in vals:
            # The lines' company follows the claim's: their categories and
            # contracts must still belong to it.
            self.line_ids._check_company()
        return res

    def _check_write(self, vals):
        protected = (PROTECTED_FIELDS | self._backoffice_computed_fields()) & set(vals)
        if protected:
            raise UserError(
                self.env._(
                    "%s change through the claim's actions only.", ", ".join(sorted(protected))
                )
            )
        if "user_id" in vals:
            self._check_claimant_change(vals["user_id"])
        locked = {name for name in vals if not name.startswith(OPEN_AFTER_DRAFT)}
        if locked and any(claim.state != "draft" for claim in self):
            raise UserError(
                self.env._("A submitted claim can no longer be changed; reset it to draft first.")
            )

    def _check_claimant_change(self, user_id):
        user = self.env.user
        for claim in self.filtered(lambda c: c.user_id.id != user_id):
            if not user.has_group(MANAGER_GROUP):
                raise AccessError(
                    self.env._("%s: only a Back Office Manager changes the claimant.", claim.name)
                )
            if claim._is_own_claim(user):
                raise AccessError(
                    self.env._(
                        "%s is your own claim; another manager changes its claimant.",
                        claim.name,
                    )
                )

    def copy_data(self, default=None):
        # A copy is a new claim of whoever copies it.
        default = dict(default or {}, user_id=self.env.uid)
        return super().copy_data(default=default)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(claim.state != "draft" or claim.review_ids for claim in self):
            raise UserError(self.env._("Only draft claims without audit trail can be deleted."))

    # ------------------------------------------------------------------ checks
    def _is_own_claim(self, user):
        """Whether ``user`` claims this or created it: they decide nothing on it."""
        self.ensure_one()
        return user in (self.user_id | self.create_uid)

    def _review_refusal(self, user):
        refusal = super()._review_refusal(user)
        if refusal or self.create_uid != user:
            return refusal
        return self.env._(
            "%(user)s created %(record)s and cannot review it.",
            user=user.name,
            record=self.display_name,
        )

    def _check_group(self, group, message):
        if not self.env.user.has_group(group):
            raise AccessError(message)

    def _check_not_own(self):
        user = self.env.user
        for claim in self:
            if claim._is_own_claim(user):
                raise AccessError(
                    self.env._(
                        "%(user)s claims or created %(claim)s and cannot review it.",
                        user=user.name,
                        claim=claim.name,
                    )
                )

    def _check_lines_open(self):
        """Lines are added, changed, moved or deleted on draft claims only, by
        who may change the claim."""
        self.check_access("write")
        for claim in self:
            if claim.approval_state != "draft":
                raise UserError(
                    self.env._(
                        "%s has left draft; its lines are locked (reset it to draft first).",
                        claim.name,
                    )
                )

    def _write_protected(self, vals):
        """Write the claim's protected fields; callers check the user's group
        and the claim's state first."""
        # The protected fields are the module's; the public action calling this
        # made the checks.
        claims_sudo = self.sudo()
        claims_sudo.write(vals)

    def _set_state(self, state, **extra):
        self._write_protected(dict(extra, approval_state=state))

    # ---------------------------------------------------------------- findings
    def _compute_findings(self):
        """Rebuild each claim's findings from its lines, keeping the waivers of
        findings that are still there."""
        Finding = self.env["backoffice.expense.finding"].sudo()
        for claim in self:
            # Findings are the module's own audit output, rebuilt for whoever
            # changed the lines (often the claimant, who may not edit them) and
            # read in full here to keep the waivers.
            findings_sudo = claim.sudo().finding_ids
            waived = {
                (f.rule, f.line_id.id, f.message, f.detail or False): (
                    f.waived_by_id.id,
                    f.waive_reason,
                )
                for f in findings_sudo
                if f.waived_by_id
            }
            vals_list = []
            for rule, severity, line, message, *more in claim._finding_candidates():
                # An optional fifth item holds what only the back office reads.
                detail = more[0] if more else False
                waived_by, reason = waived.get((rule, line.id, message, detail), (False, False))
                vals_list.append(
                    {
                        "claim_id": claim.id,
                        "line_id": line.id,
                        "rule": rule,
                        "severity": severity,
                        "message": message,
                        "detail": detail,
                        "waived_by_id": waived_by,
                        "waive_reason": reason,
                    }
                )
            findings_sudo.unlink()
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
                    detail = self.env._(
                        "Receipt %(ref)s of %(date)s is already claimed in %(claim)s.",
                        ref=line.receipt_ref,
                        date=line.date,
                        claim=other.claim_id.name,
                    )
                    # Another claimant's claim is named to the back office only.
                    message = (
                        detail
                        if other.user_id == self.user_id
                        else self.env._(
                            "Receipt %(ref)s of %(date)s is already claimed by someone else.",
                            ref=line.receipt_ref,
                            date=line.date,
                        )
                    )
                    found.append(("duplicate_receipt", "block", line, message, detail))
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
                    # A claim of no team falls under no team budget.
                    ("team_id", "in", self.team_id.ids),
                ]
            )
        )

    def _budget_findings(self):
        """The claimant learns that the claim goes over a budget; whose budget
        and how much is spent are for the back office (the finding's detail)."""
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
                        self.env._("This claim goes over a budget."),
                        self.env._(
                            "Budget %(budget)s: %(after)s with this claim, the budget is %(amount)s.",
                            budget=budget.name,
                            after=self.currency_id.format(after),
                            amount=self.currency_id.format(budget.amount),
                        ),
                    )
                )
        return found

    def _do_waive_findings(self, reason):
        """A manager waives the open findings of a claim, with a reason; never
        on a claim of their own."""
        self._check_group(
            MANAGER_GROUP, self.env._("Only a Back Office Manager may waive findings.")
        )
        self._check_not_own()
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the findings are waived."))
        for claim in self:
            if claim.approval_state not in ("submitted", "audited"):
                raise UserError(
                    self.env._("The findings of %s can no longer be waived.", claim.name)
                )
            open_findings = claim.finding_ids.filtered(lambda f: not f.waived_by_id)
            if not open_findings:
                raise UserError(self.env._("%s has no open finding to waive.", claim.name))
            # The finding records are the module's; the manager's right, the
            # claim's state and its claimant were checked above.
            findings_sudo = open_findings.sudo()
            findings_sudo.write({"waived_by_id": self.env.uid, "waive_reason": reason})
            claim.message_post(
                body=self.env._("Findings waived: %s", reason), subtype_xmlid="mail.mt_note"
            )
        return True

    def _check_no_open_block(self, step):
        back_office = self.env.user.has_group(USER_GROUP)
        for claim in self:
            # Read in full to name the findings; the detail goes to the back
            # office only.
            blocking = claim.sudo().finding_ids.filtered("is_open_block")
            if blocking:
                raise UserError(
                    self.env._(
                        "%(claim)s cannot be %(step)s while these findings are open (a manager may waive them):\n%(list)s",
                        claim=claim.name,
                        step=step,
                        list="\n".join(
                            f"- {(back_office and f.detail) or f.message}" for f in blocking
                        ),
                    )
                )

    def _after_lines_change(self):
        # Findings follow the lines once the claim is submitted.
        self.filtered(lambda claim: claim.state == "submitted")._compute_findings()

    # ----------------------------------------------------------------- actions
    def action_submit(self):
        self.check_access("write")
        user = self.env.user
        for claim in self:
            if claim.approval_state != "draft":
                raise UserError(self.env._("%s is not a draft.", claim.name))
            if not claim._is_own_claim(user) and not user.has_group(USER_GROUP):
                raise AccessError(
                    self.env._("Only the claimant or the back office submits %s.", claim.name)
                )
            if not claim.line_ids:
                raise ValidationError(self.env._("%s has no expense line.", claim.name))
        self._set_state("submitted")
        self._compute_findings()
        return True

    def action_audit(self):
        self._check_group(USER_GROUP, self.env._("Only the back office audits expense claims."))
        self._check_not_own()
        for claim in self:
            if claim.approval_state != "submitted":
                raise UserError(self.env._("%s is not waiting for its audit.", claim.name))
            claim._compute_findings()
            claim._check_no_open_block(self.env._("audited"))
            claim._review_record("approve", self.env._("Audited"))
            claim._set_state("audited", auditor_id=self.env.uid)
        return True

    def action_approve(self):
        self._check_group(
            MANAGER_GROUP, self.env._("Only a Back Office Manager approves expense claims.")
        )
        self._check_not_own()
        for claim in self:
            if claim.approval_state != "audited" or not claim.auditor_id:
                raise UserError(
                    self.env._("%s must be audited before it is approved.", claim.name)
                )
            if claim.auditor_id == self.env.user:
                raise AccessError(
                    self.env._(
                        "%(user)s has already reviewed %(claim)s.",
                        user=self.env.user.name,
                        claim=claim.name,
                    )
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

    def _check_can_refuse(self):
        self._check_group(USER_GROUP, self.env._("Only the back office refuses expense claims."))
        self._check_not_own()
        for claim in self:
            if claim.approval_state not in ("submitted", "audited"):
                raise UserError(self.env._("%s cannot be refused now.", claim.name))
            refusal = claim._review_refusal(self.env.user)
            if refusal:
                raise AccessError(refusal)

    def action_refuse(self):
        """Open the dialog asking why the claim is refused."""
        self.ensure_one()
        self._check_can_refuse()
        return self._decide_action("refuse", self.env._("Refuse Claim"))

    def _do_refuse(self, reason):
        self._check_can_refuse()
        if not (reason or "").strip():
            raise UserError(self.env._("Say why the claim is refused."))
        for claim in self:
            claim._review_record("reject", reason)
            claim._set_state("refused", refuse_reason=reason)
            claim.message_post(
                body=self.env._("Refused: %s", reason), subtype_xmlid="mail.mt_note"
            )
        return True

    def action_waive_findings(self):
        """Open the dialog asking why the open findings are waived."""
        self.ensure_one()
        self._check_group(
            MANAGER_GROUP, self.env._("Only a Back Office Manager may waive findings.")
        )
        self._check_not_own()
        if self.approval_state not in ("submitted", "audited") or not self.finding_ids.filtered(
            lambda f: not f.waived_by_id
        ):
            raise UserError(self.env._("%s has no open finding to waive.", self.name))
        return self._decide_action("waive", self.env._("Waive Findings"))

    def _decide_action(self, decision, title):
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": "backoffice.expense.decide",
            "view_mode": "form",
            "target": "new",
            "context": {"default_claim_id": self.id, "default_action": decision},
        }

    def action_reset_to_draft(self):
        self.check_access("write")
        user = self.env.user
        for claim in self:
            if claim.approval_state not in ("submitted", "refused"):
                raise UserError(self.env._("Only submitted or refused claims go back to draft."))
            if claim.user_id != user and not user.has_group(USER_GROUP):
                raise AccessError(
                    self.env._("Only the claimant or the back office resets a claim.")
                )
        # The earlier decisions stay in the audit trail, a new round starts.
        self._set_state("draft", auditor_id=False, approver_id=False)
        return True

    def action_open_import(self):
        self.ensure_one()
        self.check_access("write")
        if self.approval_state != "draft":
            raise UserError(self.env._("Lines are imported into draft claims only."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import Expense Lines"),
            "res_model": "backoffice.expense.import",
            "view_mode": "form",
            "target": "new",
            "context": {"default_claim_id": self.id},
        }

    def action_post(self):
        user = self.env.user
        if not (user.has_group(USER_GROUP) or user.has_group(INVOICE_GROUP)):
            raise AccessError(self.env._("Only the back office or finance posts expense claims."))
        self._check_not_own()
        for claim in self:
            if claim.state != "approved":
                raise UserError(self.env._("%s must be approved before it is posted.", claim.name))
            # Finance books the claim; the back office user posting it may hold
            # no accounting rights, the checks above decided it may be posted.
            move_sudo = claim.sudo().move_id
            if move_sudo.state != "draft":
                move_sudo = claim._create_move()
            claim._write_protected({"move_id": move_sudo.id})
            move_sudo.action_post()
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
        # Called by action_post after its checks (see there).
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
