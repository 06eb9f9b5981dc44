from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.context import computed_field_names, without_defaults
from ..tools.groups import USER_GROUP

# What the audit writes on a submitted claim's lines.
AUDIT_FIELDS = {"amount_approved", "adjust_reason"}


class BackofficeExpenseClaimLine(models.Model):
    _name = "backoffice.expense.claim.line"
    _description = "Sales Expense Line"
    _order = "date, id"
    _check_company_auto = True

    claim_id = fields.Many2one(
        "backoffice.expense.claim", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="claim_id.company_id", store=True, index=True)
    user_id = fields.Many2one(related="claim_id.user_id", store=True, string="Claimant")
    team_id = fields.Many2one(related="claim_id.team_id", store=True)
    state = fields.Selection(related="claim_id.state", store=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    category_id = fields.Many2one(
        "backoffice.expense.category", required=True, index=True, check_company=True
    )
    description = fields.Char()
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    amount = fields.Monetary(currency_field="currency_id", required=True)
    amount_company = fields.Monetary(
        "Amount (Company Currency)",
        currency_field="company_currency_id",
        compute="_compute_amount_company",
        store=True,
    )
    amount_approved = fields.Monetary(
        currency_field="company_currency_id",
        compute="_compute_amount_approved",
        store=True,
        readonly=False,
        copy=False,
        help="What the audit accepts; lower than the claimed amount only with a reason.",
    )
    adjust_reason = fields.Char("Adjustment Reason", copy=False)
    receipt_ref = fields.Char("Receipt Number", index="btree_not_null", copy=False)
    # Receipts are attachments bound to their line (res_model, res_id): they
    # freeze with the claim (see ir.attachment).
    attachment_ids = fields.Many2many("ir.attachment", string="Receipts", copy=False)
    partner_id = fields.Many2one("res.partner", string="Customer", check_company=True)
    order_id = fields.Many2one("sale.order", string="Contract", check_company=True)

    @api.depends("amount", "currency_id", "date", "claim_id.company_id")
    def _compute_amount_company(self):
        for line in self:
            company = line.claim_id.company_id or self.env.company
            line.amount_company = (
                line.currency_id._convert(
                    line.amount,
                    company.currency_id,
                    company,
                    line.date or fields.Date.context_today(line),
                )
                if line.currency_id
                else line.amount
            )

    @api.depends("amount_company")
    def _compute_amount_approved(self):
        for line in self:
            line.amount_approved = line.amount_company

    @api.constrains("amount", "amount_approved", "adjust_reason")
    def _check_amounts(self):
        for line in self:
            label = (
                f"{line.claim_id.name}, {line.date} {line.description or line.category_id.name}"
            )
            if line.amount <= 0:
                raise ValidationError(self.env._("%s: the amount must be positive.", label))
            if line.amount_approved < 0:
                raise ValidationError(
                    self.env._("%s: the approved amount cannot be negative.", label)
                )
            if (
                line.company_currency_id.compare_amounts(line.amount_approved, line.amount_company)
                > 0
            ):
                raise ValidationError(
                    self.env._("%s: more cannot be approved than was claimed.", label)
                )
            if (
                line.company_currency_id.compare_amounts(line.amount_approved, line.amount_company)
                < 0
                and not (line.adjust_reason or "").strip()
            ):
                raise ValidationError(
                    self.env._("%s: say why the approved amount is lower.", label)
                )

    # -------------------------------------------------------------------- CRUD
    @api.model
    def _backoffice_computed_fields(self):
        """Fields the ORM computes: written by nobody but the ORM itself."""
        return computed_field_names(self)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("category_id"):
                raise ValidationError(
                    self.env._(
                        "Expense line of %(date)s (%(what)s): choose a category.",
                        date=vals.get("date") or "",
                        what=vals.get("description") or vals.get("amount"),
                    )
                )
            if not self.env.su:
                refused = (AUDIT_FIELDS | self._backoffice_computed_fields()) & set(vals)
                if refused:
                    raise UserError(
                        self.env._(
                            "%s are set by the audit, not with the expense.",
                            ", ".join(sorted(refused)),
                        )
                    )
        if not self.env.su:
            claims = self.env["backoffice.expense.claim"].browse(
                {vals["claim_id"] for vals in vals_list if vals.get("claim_id")}
            )
            claims._check_lines_open()
            # A default from the context is client input too.
            self = without_defaults(self, AUDIT_FIELDS | self._backoffice_computed_fields())
        lines = super().create(vals_list)
        if not self.env.su:
            lines._check_receipts()
        lines._attach_receipts()
        lines.claim_id._after_lines_change()
        return lines

    def _check_receipts(self):
        """A receipt is uploaded for its line: an attachment of another
        document or person is not taken over."""
        for line in self:
            # Read in full to see where each receipt belongs.
            for receipt in line.sudo().attachment_ids:
                own_upload = not receipt.res_id and receipt.create_uid == self.env.user
                bound_here = (receipt.res_model, receipt.res_id) == (line._name, line.id)
                if not (own_upload or bound_here):
                    raise UserError(
                        self.env._(
                            "%(line)s: receipt %(receipt)s belongs to another document; upload it again.",
                            line=line._label(),
                            receipt=receipt.name,
                        )
                    )

    def _label(self):
        self.ensure_one()
        return f"{self.claim_id.name}, {self.date} {self.description or self.category_id.name}"

    def _attach_receipts(self):
        """Link the receipts to their line, so whoever may read the claim may
        open them (Odoo hides unlinked attachments from all but their author)."""
        for line in self:
            receipts = line.attachment_ids.filtered(lambda a: not a.res_id)
            if receipts:
                receipts.write({"res_model": line._name, "res_id": line.id})

    def write(self, vals):
        claims = self.claim_id
        if self.env.su:
            res = super().write(vals)
        else:
            self._check_write(vals)
            audit_vals = {name: vals[name] for name in AUDIT_FIELDS & set(vals)}
            line_vals = {name: value for name, value in vals.items() if name not in audit_vals}
            res = super().write(line_vals) if line_vals else True
            if "attachment_ids" in line_vals:
                self._check_receipts()
            if audit_vals:
                # The auditor's right, the claim's state and its claimant were
                # checked above; the approved amounts are the audit's fields.
                lines_sudo = self.sudo()
                lines_sudo.write(audit_vals)
        if "attachment_ids" in vals:
            self._attach_receipts()
        (claims | self.claim_id)._after_lines_change()
        return res

    def _check_write(self, vals):
        computed = self._backoffice_computed_fields() & set(vals)
        if computed:
            raise UserError(
                self.env._("%s are computed and cannot be written.", ", ".join(sorted(computed)))
            )
        if set(vals) - AUDIT_FIELDS:
            self.claim_id._check_lines_open()
            if "claim_id" in vals:
                # A line moves only between draft claims its writer may change.
                self.env["backoffice.expense.claim"].browse(vals["claim_id"])._check_lines_open()
        if set(vals) & AUDIT_FIELDS:
            self._check_can_adjust()

    def _check_can_adjust(self):
        user = self.env.user
        for claim in self.claim_id:
            if claim.approval_state != "submitted":
                raise UserError(
                    self.env._(
                        "%s is not being audited; its approved amounts are fixed.", claim.name
                    )
                )
            if claim._is_own_claim(user):
                raise AccessError(self.env._("The claimant does not adjust the approved amounts."))
            if not user.has_group(USER_GROUP):
                raise AccessError(self.env._("Only the audit adjusts approved amounts."))

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if not self.env.su:
            self.claim_id._check_lines_open()

    def unlink(self):
        claims = self.claim_id
        res = super().unlink()
        claims.exists()._after_lines_change()
        return res
