from odoo import fields, models


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

    _receivable_days_positive = models.Constraint(
        "CHECK(receivable_concerned_days > 0 AND receivable_doubtful_days > receivable_concerned_days)",
        "Receivable thresholds: 'doubtful' days must exceed 'concerned' days, both positive.",
    )
