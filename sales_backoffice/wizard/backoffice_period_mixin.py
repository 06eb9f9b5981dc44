from odoo import api, fields, models
from odoo.exceptions import ValidationError


class BackofficePeriodMixin(models.AbstractModel):
    """A company and a period, this year to date by default: what every
    back-office statement and statistics workbook asks for."""

    _name = "backoffice.period.mixin"
    _description = "Back Office Reporting Period"

    date_from = fields.Date(required=True, default=lambda self: self._default_date_from())
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )

    @api.model
    def _default_date_from(self):
        return fields.Date.context_today(self).replace(month=1, day=1)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise ValidationError(
                    self.env._(
                        "The period starts (%(start)s) after it ends (%(end)s).",
                        start=wizard.date_from,
                        end=wizard.date_to,
                    )
                )
