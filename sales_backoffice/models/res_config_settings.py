from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    receivable_concerned_days = fields.Integer(
        related="company_id.receivable_concerned_days", readonly=False
    )
    receivable_doubtful_days = fields.Integer(
        related="company_id.receivable_doubtful_days", readonly=False
    )
    backoffice_return_reason_required = fields.Boolean(
        related="company_id.backoffice_return_reason_required", readonly=False
    )
    backoffice_invoice_check = fields.Boolean(
        related="company_id.backoffice_invoice_check", readonly=False
    )
    sample_required_reviews = fields.Integer(
        related="company_id.sample_required_reviews", readonly=False
    )
    sample_fee_account_id = fields.Many2one(
        related="company_id.sample_fee_account_id", readonly=False
    )
    sample_fee_journal_id = fields.Many2one(
        related="company_id.sample_fee_journal_id", readonly=False
    )
    sample_expiry_warning_days = fields.Integer(
        related="company_id.sample_expiry_warning_days", readonly=False
    )
    backoffice_expense_journal_id = fields.Many2one(
        related="company_id.backoffice_expense_journal_id", readonly=False
    )
    bid_reminder_days = fields.Integer(related="company_id.bid_reminder_days", readonly=False)
    signed_copy_days = fields.Integer(related="company_id.signed_copy_days", readonly=False)
    # Commissions
    backoffice_commission_journal_id = fields.Many2one(
        related="company_id.backoffice_commission_journal_id", readonly=False
    )
    backoffice_commission_expense_account_id = fields.Many2one(
        related="company_id.backoffice_commission_expense_account_id", readonly=False
    )
    backoffice_commission_payable_account_id = fields.Many2one(
        related="company_id.backoffice_commission_payable_account_id", readonly=False
    )
    # ---------------------------------------------------------- dealer credit
    backoffice_credit_check = fields.Boolean(
        related="company_id.backoffice_credit_check", readonly=False
    )
