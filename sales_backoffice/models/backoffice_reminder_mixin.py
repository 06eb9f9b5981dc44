import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import api, models
from odoo.tools import SQL

from ..tools import cron

_logger = logging.getLogger(__name__)


class BackofficeReminderMixin(models.AbstractModel):
    """One home for the module's reminders (dunning, overdue returns, deadlines,
    expiring documents): a single open activity per record and purpose.

    Activities go through Odoo's activity API (``activity_schedule``,
    ``activity_feedback``) of the record's ``mail.activity.mixin``, so activity
    type defaults, the automated flag and the "done" messages behave like the
    activities Odoo's own apps create."""

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
        automated=True,
        digest=False,
    ):
        """Schedule one activity of type ``activity_xmlid`` per record of ``self``
        unless one of that type is already open on it. Returns the new activities.

        ``user_by_record``/``summary_by_record``/``note_by_record`` map a record
        to its assignee, summary and note. ``automated`` marks activities the
        system creates (scheduled actions, assignments) the way Odoo does.
        ``digest`` (the scheduled runs) replaces Odoo's "assigned to you"
        notification per activity by one per assignee listing them all: a
        run that finds 500 late contracts sends their salesperson one message,
        not 500.
        """
        activity_type = self.env.ref(activity_xmlid)
        open_ones = self._backoffice_open_reminders(self, activity_type)
        # Records sharing assignee, summary and note are scheduled in one call.
        groups = defaultdict(lambda: self.browse())
        for record in self:
            if record.id in open_ones:
                continue
            user = user_by_record(record) or self.env.user
            key = (
                user.id,
                summary_by_record(record) or "",
                (note_by_record(record) if note_by_record else "") or "",
            )
            groups[key] |= record
        activities = self.env["mail.activity"]
        for (user_id, summary, note), records in groups.items():
            # Reminders are created by scheduled actions and by people whose rights
            # do not cover the assignee's records; the activity only points at
            # the record and is assigned to the user computed above.
            records_sudo = records.sudo()
            if digest:
                # Set here by the run, never taken from the caller.
                records_sudo = records_sudo.with_context(mail_activity_quick_update=True)
            activities |= (
                records_sudo.activity_schedule(
                    activity_xmlid,
                    date_deadline=date_deadline,
                    summary=summary,
                    note=note,
                    user_id=user_id,
                    automated=automated,
                )
                # ``mail_activity_automation_skip`` in the context schedules nothing.
                or self.env["mail.activity"]
            )
        if digest:
            self._backoffice_notify_digest(activities)
        return activities

    @api.model
    def _backoffice_notify_digest(self, activities):
        """Notify each assignee of ``activities`` once, in their language and
        by their notification preference (inbox or e-mail), with a link to
        every record; activities assigned to the current user are not
        notified, as Odoo does for one activity."""
        for user, user_activities in activities.grouped("user_id").items():
            if not user or user == self.env.user:
                continue
            env = self.with_context(lang=user.lang).env
            activity_type = user_activities[:1].activity_type_id.with_env(env)
            lines = Markup().join(
                Markup('<li><a href="/mail/view?model=%s&amp;res_id=%s">%s</a>: %s</li>')
                % (activity.res_model, activity.res_id, activity.res_name, activity.summary or "")
                for activity in user_activities
            )
            count = len(user_activities)
            body = Markup("<p>%s</p><ul>%s</ul>") % (
                env._(
                    "%(count)s new %(type)s activities were assigned to you today:",
                    count=count,
                    type=activity_type.name,
                ),
                lines,
            )
            # The assignee may not read every record's thread; the message is
            # theirs alone and carries only names and summaries.
            self.env["mail.thread"].sudo().message_notify(
                partner_ids=user.partner_id.ids,
                subject=env._(
                    "%(type)s: %(count)s activities assigned to you",
                    type=activity_type.name,
                    count=count,
                ),
                body=body,
            )

    def _backoffice_reminder_done(self, activity_xmlid, feedback=None):
        """Mark the open reminders of type ``activity_xmlid`` on ``self`` done
        (the cause is gone: the sample came back, the website was checked...),
        with ``feedback`` in the chatter message."""
        if not self:
            return False
        # Closing a reminder assigned to someone else is part of resolving its
        # cause, which the caller is doing on these records.
        records_sudo = self.sudo()
        return records_sudo.activity_feedback(
            [activity_xmlid], feedback=feedback, only_automated=False
        )

    # ------------------------------------------------------- batched runs
    def _backoffice_lock_or_skip(self):
        """Lock the rows of ``self`` for this transaction, skipping those a user
        holds (``FOR UPDATE SKIP LOCKED``): a scheduled run never waits for, nor
        fails on, a record someone is saving. Returns ``(locked, skipped)``."""
        if not self:
            return self, self
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s FOR UPDATE SKIP LOCKED",
                SQL.identifier(self._table),
                tuple(self.ids),
            )
        )
        locked = self.browse(row[0] for row in self.env.cr.fetchall())
        # What another transaction changed before its commit is read afresh.
        locked.invalidate_recordset()
        return locked, self - locked

    def _backoffice_log_skipped(self, run):
        """Record the records a run left to its next pass because a user held them."""
        if self:
            _logger.warning(
                "%s: %s %s record(s) locked by users left for the next run: %s",
                run,
                len(self),
                self._name,
                self.ids[:50],
            )

    def _backoffice_remind_batched(self, activity_xmlid, run, **kwargs):
        """``_backoffice_remind`` over ``self`` in batches (one digest per
        assignee and batch instead of a notification per activity), committing each batch
        in a cron job (``tools.cron.commit_progress``; the caller sets the
        run's ``remaining`` count first). A restarted run repeats nothing: a
        record with an open reminder of the type is left alone, so the data is
        the run's memory. Answers ``(activities, finished)``: ``finished`` is
        False when the cron's time ran out, and Odoo runs the job again."""
        activities = self.env["mail.activity"]
        skipped = self.browse()
        finished = True
        for batch in cron.batches(self):
            locked, batch_skipped = batch._backoffice_lock_or_skip()
            skipped |= batch_skipped
            activities |= locked._backoffice_remind(activity_xmlid, digest=True, **kwargs)
            if cron.commit_progress(self.env, len(batch)) <= 0 and batch[-1] != self[-1]:
                finished = False
                break
        skipped._backoffice_log_skipped(run)
        return activities, finished
