from odoo import api, fields, models
from odoo.exceptions import ValidationError

COMMISSION_BASES = [
    ("collected", "Money Collected"),
    ("invoiced", "Amount Invoiced"),
]
# The contract events each base counts.
BASE_EVENT_TYPES = {
    "collected": ("payment",),
    "invoiced": ("invoice", "refund"),
}


class BackofficeCommissionRule(models.Model):
    """How much a salesperson earns on a contract. A rule names a salesperson
    or a sales team; a salesperson's own rules replace those of the team.
    A rule with a product category commissions the part of a contract whose
    lines are in that category (or below it); a rule without one the rest."""

    _name = "backoffice.commission.rule"
    _description = "Commission Rule"
    _order = "sequence, id desc"
    _check_company_auto = True

    # ------------------------------------------------------------------ fields
    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index="btree_not_null",
        domain="[('share', '=', False)]",
    )
    team_id = fields.Many2one(
        "crm.team", string="Sales Team", index="btree_not_null", check_company=True
    )
    product_categ_id = fields.Many2one(
        "product.category",
        string="Product Category",
        help="Only the contract lines in this category (or below it) count for this rule.",
    )
    base = fields.Selection(
        COMMISSION_BASES,
        required=True,
        default="collected",
        help="Money collected: the payments of the contract's invoices, net of taxes in the "
        "contract's proportion. Amount invoiced: invoices less credit notes, net of taxes.",
    )
    rate = fields.Float(
        digits=(16, 4), help="Percent of the base; the tiers, when given, decide instead."
    )
    tier_ids = fields.One2many("backoffice.commission.tier", "rule_id", string="Tiers")

    # ------------------------------------------------------------- constraints
    @api.constrains("user_id", "team_id")
    def _check_user_or_team(self):
        for rule in self:
            if bool(rule.user_id) == bool(rule.team_id):
                raise ValidationError(
                    self.env._(
                        "Commission rule %s: name either a salesperson or a sales team.",
                        rule.name,
                    )
                )

    @api.constrains("rate")
    def _check_rate(self):
        for rule in self:
            if not 0.0 <= rule.rate <= 100.0:
                raise ValidationError(
                    self.env._("Commission rule %s: the rate is a percent (0 to 100).", rule.name)
                )

    # ---------------------------------------------------------------- business
    def _rate_for(self, base_amount):
        """The rate for a period whose base for this rule is ``base_amount``:
        the tier with the highest threshold reached applies to the whole base
        (not marginally); below every tier, or without tiers, the rule's rate."""
        self.ensure_one()
        reached = self.tier_ids.filtered(lambda t: t.amount_from <= base_amount)
        if not reached:
            return self.rate
        return max(reached, key=lambda t: t.amount_from).rate


class BackofficeCommissionTier(models.Model):
    _name = "backoffice.commission.tier"
    _description = "Commission Tier"
    _order = "amount_from, id desc"

    rule_id = fields.Many2one(
        "backoffice.commission.rule", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="rule_id.company_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount_from = fields.Monetary(
        currency_field="currency_id",
        required=True,
        help="From this base in the period, the tier's rate applies to the whole base.",
    )
    rate = fields.Float(digits=(16, 4), required=True)

    _amount_from_unique = models.Constraint(
        "UNIQUE(rule_id, amount_from)", "A rule has one tier per threshold."
    )

    @api.constrains("rate", "amount_from")
    def _check_rate(self):
        for tier in self:
            if not 0.0 <= tier.rate <= 100.0 or tier.amount_from < 0:
                raise ValidationError(
                    self.env._(
                        "Commission rule %s: a tier starts at a positive amount and its rate "
                        "is a percent (0 to 100).",
                        tier.rule_id.name,
                    )
                )
