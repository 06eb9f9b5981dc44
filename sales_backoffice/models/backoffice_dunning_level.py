from odoo import api, fields, models
from odoo.exceptions import ValidationError

DUNNING_ACTIONS = [
    ("activity", "Activity for the Salesperson"),
    ("email", "E-mail to the Customer"),
    ("letter", "Letter to Print"),
    ("escalate", "Escalation to the Manager"),
]


class BackofficeDunningLevel(models.Model):
    """One step of the dunning ladder of a company: the daily run moves an
    overdue contract to the next level once its oldest overdue invoice is
    ``days_overdue`` days late, one level per run."""

    _name = "backoffice.dunning.level"
    _description = "Dunning Level"
    _order = "company_id, sequence, days_overdue, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    days_overdue = fields.Integer(
        required=True, help="Days since the oldest overdue invoice was due."
    )
    action = fields.Selection(DUNNING_ACTIONS, required=True, default="email")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain=[("model", "=", "sale.order")],
        default=lambda self: self._default_mail_template_id(),
    )
    note = fields.Html(translate=True, help="Text of the activity or of the letter.")
    active = fields.Boolean(default=True)

    _days_overdue_positive = models.Constraint(
        "CHECK(days_overdue > 0)", "A dunning level starts at one day overdue or later."
    )

    def _default_mail_template_id(self):
        return (
            self.env.ref("sales_backoffice.mail_template_dunning", raise_if_not_found=False)
            or self.env["mail.template"]
        )

    @api.constrains("action", "mail_template_id")
    def _check_mail_template(self):
        for level in self:
            if level.action == "email" and not level.mail_template_id:
                raise ValidationError(
                    self.env._("%(level)s: choose the e-mail template.", level=level.name)
                )
            if level.mail_template_id and level.mail_template_id.model != "sale.order":
                raise ValidationError(
                    self.env._(
                        "%(level)s: the e-mail template must be one for sales orders.",
                        level=level.name,
                    )
                )

    @api.constrains("sequence", "days_overdue", "company_id", "active")
    def _check_ladder(self):
        """Later levels never start earlier: a contract climbs in order."""
        for company in self.company_id:
            levels = self.search([("company_id", "=", company.id)])
            days = [level.days_overdue for level in levels]
            if days != sorted(days):
                raise ValidationError(
                    self.env._(
                        "%(company)s: each dunning level must start at least as many days "
                        "overdue as the level before it.",
                        company=company.name,
                    )
                )

    @api.model
    def _create_default_levels(self, companies):
        """Give ``companies`` without levels the default ladder (reminder at 7
        days, formal letter at 30, salesperson call at 45, manager escalation
        at 90), which each company then edits."""
        existing = set(
            self.with_context(active_test=False)
            .search([("company_id", "in", companies.ids)])
            .company_id.ids
        )
        template = self._default_mail_template_id()
        # The ladder of data/backoffice_dunning_data.xml: (sequence, name, days, action).
        defaults = [
            (10, self.env._("Reminder"), 7, "email"),
            (20, self.env._("Formal Letter"), 30, "letter"),
            (30, self.env._("Salesperson Call"), 45, "activity"),
            (40, self.env._("Manager Escalation"), 90, "escalate"),
        ]
        return self.create(
            [
                {
                    "name": name,
                    "sequence": sequence,
                    "days_overdue": days,
                    "action": action,
                    "company_id": company.id,
                    "mail_template_id": template.id,
                }
                for company in companies
                if company.id not in existing
                for sequence, name, days, action in defaults
            ]
        )

    def _next_level(self, levels):
        """The level after ``self`` (or the first one when ``self`` is empty)
        among ``levels``, already ordered; empty at the top."""
        if not self:
            return levels[:1]
        for index, level in enumerate(levels):
            if level == self:
                return levels[index + 1 : index + 2]
        # The current level was archived: the next one by order.
        later = levels.filtered(
            lambda level: (level.sequence, level.days_overdue) > (self.sequence, self.days_overdue)
        )
        return later[:1]
