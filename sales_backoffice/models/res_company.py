from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.groups import MANAGER_GROUP


class ResCompany(models.Model):
    _inherit = "res.company"

    receivable_concerned_days = fields.Integer(
        default=30,
        help="A contract whose oldest overdue invoice is late by this many days becomes 'concerned'.",
    )
    receivable_doubtful_days = fields.Integer(
        default=90,
        help="A contract whose oldest overdue invoice is late by this many days becomes 'doubtful'.",
    )

    # Controls people must pass. New companies start without them (Odoo's
    # defaults); installing the module switches them on for the companies that
    # exist then, and Settings switch them per company.
    backoffice_return_reason_required = fields.Boolean(
        "Require Return Reasons",
        help="Returning a customer delivery needs a return reason.",
    )
    backoffice_invoice_check = fields.Boolean(
        "Check Invoices Against Contracts",
        help="A customer invoice that differs from its contract can only be posted by a "
        "Back Office Manager who gives a reason.",
    )

    # ---------------------------------------------------------- dealer credit
    backoffice_credit_check = fields.Boolean(
        "Check Dealer Credit",
        help="Confirming an order is refused when the customer's exposure (open receivables, "
        "confirmed orders not yet invoiced and this order) exceeds its credit limit, or when "
        "the customer has a doubtful contract; a Back Office Manager may confirm with a reason.",
    )

    sample_required_reviews = fields.Integer(
        "Sample Reviewers",
        default=2,
        help="Distinct approvals a sample registration needs (at least 2).",
    )
    sample_location_id = fields.Many2one("stock.location", string="Samples Location", copy=False)
    sample_fee_account_id = fields.Many2one("account.account", string="Courier Fee Account")
    sample_fee_journal_id = fields.Many2one(
        "account.journal",
        string="Courier Fee Journal",
        help="Journal paying courier fees when no carrier bills them.",
    )
    # Not ``expense_journal_id``: hr_expense owns that name on res.company for
    # its own default journal; sharing it would book one app on the other's journal.
    backoffice_expense_journal_id = fields.Many2one(
        "account.journal",
        string="Expense Claims Journal",
        check_company=True,
        domain="[('type', '=', 'purchase')]",
        help="Purchase journal where approved claims are posted.",
    )
    signed_copy_days = fields.Integer(
        "Signed Copy Due (days)",
        default=14,
        help="Days after signature within which the customer's signed copy should be back.",
    )
    bid_reminder_days = fields.Integer("Remind Tender Deadlines (days ahead)", default=3)
    sample_expiry_warning_days = fields.Integer("Warn Before Expiry (days)", default=30)

    # ------------------------------------------------------------ commissions
    backoffice_commission_journal_id = fields.Many2one(
        "account.journal",
        string="Commission Journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Miscellaneous journal where confirmed commission settlements are posted.",
    )
    backoffice_commission_expense_account_id = fields.Many2one(
        "account.account",
        string="Commission Expense Account",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost'))]",
    )
    backoffice_commission_payable_account_id = fields.Many2one(
        "account.account",
        string="Commission Payable Account",
        check_company=True,
        domain="[('account_type', '=', 'liability_payable')]",
        help="Payable to the salesperson; empty: the salesperson's partner's payable account.",
    )

    @api.constrains("sample_required_reviews")
    def _check_sample_required_reviews(self):
        for company in self:
            if company.sample_required_reviews < 2:
                raise ValidationError(
                    self.env._(
                        "%s: sample registrations need at least two reviewers.", company.name
                    )
                )

    @api.constrains("backoffice_expense_journal_id")
    def _check_backoffice_expense_journal_id(self):
        for company in self:
            if not company._backoffice_expense_journal_is_valid():
                raise ValidationError(
                    self.env._(
                        "%(company)s: the expense claims journal must be one of its purchase "
                        "journals, not %(journal)s.",
                        company=company.name,
                        journal=company.backoffice_expense_journal_id.display_name,
                    )
                )

    def _backoffice_expense_journal_is_valid(self):
        """Whether the claim journal is empty or a purchase journal the company may use."""
        self.ensure_one()
        journal = self.backoffice_expense_journal_id
        return not journal or (
            journal.type == "purchase"
            and bool(journal.filtered_domain(journal._check_company_domain(self)))
        )

    def _backoffice_samples_location(self):
        """The company's Samples location (goods out with customers and
        salespeople, outside stock), created on first use."""
        self.ensure_one()
        if not self.sample_location_id:
            # Created once per company by the module; the user dispatching the
            # first sample needs no right to configure locations.
            location = (
                self.env["stock.location"]
                .sudo()
                .create({"name": self.env._("Samples"), "usage": "transit", "company_id": self.id})
            )
            self.sudo().sample_location_id = location
        return self.sample_location_id

    _receivable_days_positive = models.Constraint(
        "CHECK(receivable_concerned_days > 0 AND receivable_doubtful_days > receivable_concerned_days)",
        "Receivable thresholds: 'doubtful' days must exceed 'concerned' days, both positive.",
    )

    def _backoffice_manager(self):
        """The company's first Back Office Manager (an internal user), who gets
        what automated flows hand over: escalations, credit holds, invoices
        posted despite a mismatch. Empty when the company has none."""
        self.ensure_one()
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("all_group_ids", "in", self.env.ref(MANAGER_GROUP).ids),
                    ("company_ids", "in", self.ids),
                    ("share", "=", False),
                    ("id", "!=", self.env.ref("base.user_root").id),
                ],
                order="id",
                limit=1,
            )
        )
