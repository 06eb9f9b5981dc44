from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# Why a line of a settlement is there. Counted lines have no reason, or
# "reversed" when they take back what an earlier settlement counted.
LINE_REASONS = [
    ("reversed", "Reversed"),
    ("outside_period", "Outside the Period"),
    ("no_rule", "No Rule"),
    ("already_settled", "Already Settled"),
]


class BackofficeCommissionLine(models.Model):
    """One event of a contract's performance list as a settlement saw it:
    counted (with its rule, base, rate and commission) or left out with its
    reason. Lines are written by the settlement's computation only and follow
    its lock: nobody creates, changes or deletes them by hand."""

    _name = "backoffice.commission.line"
    _description = "Commission Line"
    _order = "is_counted desc, date, id"
    _check_company_auto = True

    # ------------------------------------------------------------------ fields
    settlement_id = fields.Many2one(
        "backoffice.commission.settlement", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="settlement_id.company_id", store=True, index=True)
    user_id = fields.Many2one(
        related="settlement_id.user_id", store=True, index=True, string="Salesperson"
    )
    settlement_state = fields.Selection(
        related="settlement_id.state", store=True, string="Settlement Status"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    order_id = fields.Many2one(
        "sale.order", string="Contract", index=True, ondelete="restrict", check_company=True
    )
    # The event disappears with its document (an unreconciled or cancelled
    # payment, an invoice reset to draft): the line stays, without it, and the
    # next settlement reverses it.
    event_id = fields.Many2one(
        "backoffice.contract.event",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
    )
    event_type = fields.Selection(
        [("payment", "Payment"), ("invoice", "Invoice"), ("refund", "Credit Note")]
    )
    date = fields.Date(help="The event's date.")
    description = fields.Char()
    rule_id = fields.Many2one(
        "backoffice.commission.rule", ondelete="restrict", check_company=True
    )
    is_counted = fields.Boolean(help="Counted in the settlement's total; otherwise left out.")
    reason = fields.Selection(LINE_REASONS)
    reversed_line_id = fields.Many2one(
        "backoffice.commission.line",
        index="btree_not_null",
        ondelete="restrict",
        help="The line of an earlier settlement this line takes back.",
    )
    amount_base = fields.Monetary(currency_field="currency_id")
    rate = fields.Float(digits=(16, 4))
    amount = fields.Monetary(currency_field="currency_id")

    # An event is counted once per rule by the settlements that are not
    # cancelled, and a counted line is taken back once.
    _event_counted_once = models.UniqueIndex(
        "(event_id, rule_id) WHERE is_counted AND reversed_line_id IS NULL "
        "AND event_id IS NOT NULL AND settlement_state != 'cancelled'",
        "This event is already counted in another commission settlement.",
    )
    _reversed_once = models.UniqueIndex(
        "(reversed_line_id) WHERE reversed_line_id IS NOT NULL "
        "AND settlement_state != 'cancelled'",
        "This commission is already reversed in another settlement.",
    )

    # ------------------------------------------------------------- constraints
    def _check_company(self, fnames=None):
        """The ORM's company check, made per company rather than per line: a
        settlement writes thousands of lines at once, and the check per line
        evaluates the company domain once for every line and field."""
        names = [
            name
            for name, field in self._fields.items()
            if field.relational
            and field.check_company
            and (fnames is None or name in fnames or "company_id" in fnames)
        ]
        by_company = defaultdict(list)
        for line in self:
            by_company[line.company_id].append(line.id)
        for company, ids in by_company.items():
            # Reads the linked records' companies only, for the check.
            lines_sudo = self.browse(ids).sudo()
            for name in names:
                corecords = lines_sudo[name]
                if not corecords:
                    continue
                domain = corecords._check_company_domain(company)
                wrong = corecords - corecords.with_context(active_test=False).filtered_domain(
                    domain
                )
                if wrong:
                    raise UserError(
                        self.env._(
                            "Commission lines of %(company)s cannot name %(records)s of "
                            "another company.",
                            company=company.display_name,
                            records=", ".join(wrong[:5].mapped("display_name")),
                        )
                    )

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("Commission lines are computed by their settlement."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(self.env._("Commission lines are computed by their settlement."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_computed(self):
        if not self.env.su:
            raise AccessError(self.env._("Commission lines are computed by their settlement."))
