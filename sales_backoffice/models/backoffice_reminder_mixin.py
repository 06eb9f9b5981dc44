from odoo import api, fields, models


class BackofficeReminderMixin(models.AbstractModel):
    """One home for the module's reminders (dunning, overdue returns, deadlines,
    expiring documents): a single open activity per record and purpose."""

    _name = "backoffice.reminder.mixin"
    _description = "Back Office Reminders"

    @api.model
    def _backoffice_open_reminders(self, records, activity_type):
        """Return {record id: activity} of the open activities of ``activity_type``."""
        if not records:
            return {}
        activities = (
            self.env["mail.activity"]
            .sudo()  # reading activities of other users to avoid duplicates; nothing is returned to the caller's UI
            .search(
                [
                    ("res_model", "=", records._name),
                    ("res_id", "in", records.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
        return {activity.res_id: activity for activity in activities}

    def _backoffice_remind(
        self,
        activity_xmlid,
        user_by_record,
        summary_by_record,
        date_deadline=None,
        note_by_record=None,
    ):
        """Schedule one activity of type ``activity_xmlid`` per record of ``self``
        unless one of that type is already open on it. Returns the new activities.

        ``user_by_record``/``summary_by_record``/``note_by_record`` map a record
        to its assignee, summary and note.
        """
        activity_type = self.env.ref(activity_xmlid)
        open_ones = self._backoffice_open_reminders(self, activity_type)
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for record in self:
            if record.id in open_ones:
                continue
            user = user_by_record(record)
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": record.id,
                    "activity_type_id": activity_type.id,
                    "user_id": (user or self.env.user).id,
                    "summary": summary_by_record(record),
                    "note": note_by_record(record) if note_by_record else False,
                    "date_deadline": date_deadline or fields.Date.context_today(self),
                }
            )
        # Reminders are created by scheduled actions and by people whose rights
        # do not cover the assignee's records; the activity only points at the record.
        return self.env["mail.activity"].sudo().create(vals_list)
