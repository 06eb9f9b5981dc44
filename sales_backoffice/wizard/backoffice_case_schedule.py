from datetime import timedelta

from odoo import api, fields, models


class BackofficeCaseSchedule(models.TransientModel):
    """Book an approved installation with the technicians."""

    _name = "backoffice.case.schedule"
    _description = "Schedule Installation"

    case_id = fields.Many2one("backoffice.case", required=True)
    technician_ids = fields.Many2many(
        "res.users", string="Technicians", required=True, domain="[('share', '=', False)]"
    )
    date_start = fields.Datetime("Start", required=True)
    duration = fields.Float("Duration (hours)", default=2.0, required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "date_start" in fields_list and not values.get("date_start"):
            values["date_start"] = fields.Datetime.now().replace(
                minute=0, second=0, microsecond=0
            ) + timedelta(days=1)
        return values

    def action_schedule(self):
        self.ensure_one()
        self.case_id._do_schedule(
            self.technician_ids,
            self.date_start,
            self.date_start + timedelta(hours=self.duration),
        )
        return {"type": "ir.actions.act_window_close"}
