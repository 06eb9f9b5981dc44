import base64
from datetime import timedelta

from odoo import api, fields, models

from ..tools.cron import batches, commit_progress

FREQUENCIES = [("daily", "Daily"), ("weekly", "Weekly")]
# What each frequency compiles: yesterday's day, or last week.
FREQUENCY_PERIODS = {"daily": ("day", 1), "weekly": ("week", 7)}
TEMPLATE = "sales_backoffice.mail_template_work_report_briefing"


class BackofficeBriefing(models.Model):
    """A scheduled e-mail of a team's work report compilation (the sales
    director's daily or weekly briefing) to chosen recipients, each in their
    own language, the compilation attached as PDF."""

    _name = "backoffice.briefing"
    _description = "Work Report Briefing"
    _inherit = ["mail.thread"]
    _order = "team_id, frequency, id desc"
    _check_company_auto = True

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    team_id = fields.Many2one("crm.team", required=True, check_company=True)
    frequency = fields.Selection(FREQUENCIES, required=True, default="daily")
    partner_ids = fields.Many2many("res.partner", string="Recipients", check_company=True)
    date_last_sent = fields.Date(readonly=True, copy=False)
    active = fields.Boolean(default=True)

    def _is_due(self, today):
        self.ensure_one()
        days = FREQUENCY_PERIODS[self.frequency][1]
        return not self.date_last_sent or (today - self.date_last_sent).days >= days

    def _compilation(self, today):
        """The compilation this briefing sends on ``today``."""
        self.ensure_one()
        period_type, days = FREQUENCY_PERIODS[self.frequency]
        return self.env["backoffice.work.report.compilation"].create(
            {
                "company_id": self.company_id.id,
                "team_id": self.team_id.id,
                "period_type": period_type,
                "date": today - timedelta(days=days),
            }
        )

    def _send(self, today):
        """One mail per recipient, rendered and with the PDF in the
        recipient's language; the briefing remembers the day it was sent."""
        template = self.env.ref(TEMPLATE)
        report = self.env.ref("sales_backoffice.action_report_work_report_compilation")
        for briefing in self:
            compilation = briefing._compilation(today)
            data = compilation._compile()
            values = {
                "team": briefing.team_id.name,
                "date_from": fields.Date.to_string(data["date_from"]),
                "date_to": fields.Date.to_string(data["date_to"]),
                "submitted": len(data["submitted"]),
                "late": len(data["late"]),
                "late_names": ", ".join(data["late"].mapped("user_id.name")),
            }
            attachments = {}
            for partner in briefing.partner_ids.filtered("email"):
                lang = partner.lang or self.env.lang or "en_US"
                if lang not in attachments:
                    pdf, _type = report.with_context(lang=lang)._render_qweb_pdf(
                        report.report_name, compilation.ids
                    )
                    attachments[lang] = self.env["ir.attachment"].create(
                        {
                            "name": compilation._file_name("pdf"),
                            "datas": base64.b64encode(pdf),
                            "res_model": briefing._name,
                            "res_id": briefing.id,
                            "mimetype": "application/pdf",
                        }
                    )
                template.with_context(lang=lang, briefing_values=values).send_mail(
                    briefing.id,
                    email_values={
                        "recipient_ids": [(6, 0, partner.ids)],
                        "attachment_ids": [(4, attachments[lang].id)],
                    },
                )
            briefing.date_last_sent = today

    @api.model
    def _cron_send_briefings(self, today=None):
        """Send the briefings that are due; resumable through
        ``date_last_sent``."""
        today = today or fields.Date.context_today(self)
        due = self.search([("active", "=", True)]).filtered(
            lambda briefing: briefing._is_due(today)
        )
        remaining = len(due)
        for batch in batches(due, size=20):
            batch._send(today)
            remaining -= len(batch)
            commit_progress(self.env, len(batch), remaining=remaining)
        return due

    def action_send_now(self):
        """Send the briefing today, whatever its last sending."""
        self.check_access("write")
        self._send(fields.Date.context_today(self))
        return True
