from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class BackofficeExpenseClaimLine(models.Model):
    _name = "backoffice.expense.claim.line"
    _description = "Sales Expense Line"
    _order = "date, id"

    claim_id = fields.Many2one(
        "backoffice.expense.claim", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="claim_id.company_id", store=True, index=True)
    user_id = fields.Many2one(related="claim_id.user_id", store=True, string="Claimant")
    team_id = fields.Many2one(related="claim_id.team_id", store=True)
    state = fields.Selection(related="claim_id.state", store=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    category_id = fields.Many2one("backoffice.expense.category", required=True, index=True)
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
        help="What the audit accepts; lower than the claimed amount only with a reason.",
    )
    adjust_reason = fields.Char("Adjustment Reason")
    receipt_ref = fields.Char("Receipt Number", index="btree_not_null")
    attachment_ids = fields.Many2many("ir.attachment", string="Receipts")
    partner_id = fields.Many2one("res.partner", string="Customer")
    order_id = fields.Many2one("sale.order", string="Contract")

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
        lines = super().create(vals_list)
        lines._attach_receipts()
        lines.claim_id._after_lines_change()
        return lines

    def _attach_receipts(self):
        """Link the receipts to their line, so whoever may read the claim may
        open them (Odoo hides unlinked attachments from all but their author)."""
        for line in self:
            receipts = line.attachment_ids.filtered(lambda a: not a.res_id)
            if receipts:
                receipts.write({"res_model": line._name, "res_id": line.id})

    def write(self, vals):
        claims = self.claim_id
        for line in self:
            state = line.claim_id.state
            audit_only = set(vals) <= {"amount_approved", "adjust_reason"}
            if state in ("audited", "approved", "posted", "paid", "refused") and not self.env.su:
                raise UserError(
                    self.env._("%s is past its audit; its lines are locked.", line.claim_id.name)
                )
            if state == "submitted" and audit_only and line.claim_id.user_id == self.env.user:
                raise UserError(self.env._("The claimant does not adjust the approved amounts."))
            if (
                audit_only
                and not self.env.user.has_group("sales_backoffice.group_backoffice_user")
                and not (self.env.su)
                and state != "draft"
            ):
                raise UserError(self.env._("Only the audit adjusts approved amounts."))
        res = super().write(vals)
        if "attachment_ids" in vals:
            self._attach_receipts()
        (claims | self.claim_id)._after_lines_change()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_only_open(self):
        if (
            any(line.claim_id.state not in ("draft", "submitted") for line in self)
            and not self.env.su
        ):
            raise UserError(self.env._("Lines of an audited claim cannot be deleted."))

    def unlink(self):
        claims = self.claim_id
        res = super().unlink()
        claims.exists()._after_lines_change()
        return res
