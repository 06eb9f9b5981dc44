from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..tools.cron import batches, commit_progress

STATES = [
    ("draft", "Prepared"),
    ("queued", "Queued"),
    ("failed", "Failed"),
]
ORIGINS = [
    ("manual", "Sent from the Statement"),
    ("monthly", "Monthly Statement Run"),
]


class BackofficeStatementLog(models.Model):
    """One customer statement e-mailed: to whom, for which period, the mail
    queued (or why it could not be). Written by the module only: the
    statement's "Send by e-mail" and the monthly statement run."""

    _name = "backoffice.statement.log"
    _inherit = ["mail.thread"]
    _description = "Customer Statement Delivery"
    _order = "date_to desc, id desc"
    _rec_name = "partner_id"
    _check_company_auto = True
    # Those who may read the delivery may e-mail its statement from it.
    _mail_post_access = "read"

    # ------------------------------------------------------------------ fields
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        readonly=True,
        check_company=True,
    )
    contact_id = fields.Many2one(
        "res.partner", string="Recipient", readonly=True, check_company=True
    )
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(required=True, readonly=True)
    date_to = fields.Date(required=True, readonly=True)
    origin = fields.Selection(ORIGINS, required=True, readonly=True, default="manual")
    state = fields.Selection(
        STATES, required=True, readonly=True, default="draft", index=True, tracking=True
    )
    mail_id = fields.Many2one("mail.mail", string="E-mail", readonly=True, ondelete="set null")
    mail_state = fields.Selection(related="mail_id.state", string="E-mail Status")
    error = fields.Text(readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Sent By", readonly=True, default=lambda self: self.env.user
    )

    _period_index = models.Index("(partner_id, company_id, date_from, date_to)")

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._("Statement deliveries are recorded when a statement is e-mailed.")
            )
        return super().create(vals_list)

    def write(self, vals):
        # Mail bookkeeping (followers, message counters) is not the log itself.
        if not self.env.su and set(vals) & set(self._fields) - set(
            self.env["mail.thread"]._fields
        ):
            raise AccessError(
                self.env._("Statement deliveries are recorded when a statement is e-mailed.")
            )
        return super().write(vals)

    # ---------------------------------------------------------------- business
    def _mail_get_partner_fields(self, introspect_fields=False):
        # The statement goes to its recipient, not to the customer's address.
        return ["contact_id"]

    def _statement(self):
        """The statement this delivery sent, rebuilt from accounting."""
        self.ensure_one()
        return self.env["backoffice.customer.statement"].new(
            {
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "date_from": self.date_from,
                "date_to": self.date_to,
            }
        )

    def _statement_data(self):
        """What the statement report prints (same template as the wizard)."""
        return self._statement()._statement_data()

    def _notify_thread(self, message, msg_vals=False, **kwargs):
        """The statement e-mailed from the composer: remember its mail."""
        result = super()._notify_thread(message, msg_vals=msg_vals, **kwargs)
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", message.id)], limit=1, order="id desc")
        )
        if mail and len(self) == 1 and self.state == "draft":
            # The module's own bookkeeping of the message just posted.
            self.sudo().write({"mail_id": mail.id, "state": "queued", "error": False})
        return result

    @api.model
    def _prepare_delivery(self, partner, company, date_from, date_to, origin):
        """A delivery log row (under sudo: created by the module only)."""
        partner = partner.commercial_partner_id
        contact = partner.backoffice_statement_contact_id or partner
        return self.sudo().create(
            {
                "partner_id": partner.id,
                "contact_id": contact.id,
                "company_id": company.id,
                "date_from": date_from,
                "date_to": date_to,
                "origin": origin,
                "user_id": self.env.uid,
            }
        )

    def _send(self):
        """Queue the statement e-mail (PDF attached) of each delivery; a
        recipient without an e-mail address fails the row with its reason."""
        template = self.env.ref("sales_backoffice.mail_template_customer_statement")
        for log in self:
            log_sudo = log.sudo()
            if not log.contact_id.email:
                error = self.env._(
                    "%(contact)s has no e-mail address: the statement was not sent.",
                    contact=log.contact_id.display_name,
                )
                log_sudo.write({"state": "failed", "error": error})
                log_sudo.message_post(body=error, subtype_xmlid="mail.mt_note")
                continue
            mail_id = template.sudo().send_mail(
                log.id, email_layout_xmlid="mail.mail_notification_light"
            )
            log_sudo.write({"mail_id": mail_id, "state": "queued", "error": False})

    # ------------------------------------------------------------ monthly run
    @api.model
    def _monthly_period(self, today=None):
        """Last month: the period the run of this month sends."""
        today = today or fields.Date.context_today(self)
        date_to = today.replace(day=1) - timedelta(days=1)
        return date_to.replace(day=1), date_to

    @api.model
    def _cron_send_monthly_statements(self):
        """E-mail last month's statement to every customer marked for it, in
        each company where it has receivable entries. Resumable: a customer
        whose delivery of the period is logged is not sent twice."""
        date_from, date_to = self._monthly_period()
        partners = self.env["res.partner"].search(
            [("backoffice_statement_monthly", "=", True)], order="id"
        )
        partners = partners.commercial_partner_id
        done = {
            (log.partner_id.id, log.company_id.id)
            for log in self.sudo().search(
                [
                    ("partner_id", "in", partners.ids),
                    ("date_from", "=", date_from),
                    ("date_to", "=", date_to),
                    ("origin", "=", "monthly"),
                ]
            )
        }
        remaining = len(partners)
        logs = self.browse()
        for batch in batches(partners):
            with_entries = (
                self.env["account.move.line"]
                .sudo()
                ._read_group(
                    [
                        ("partner_id", "child_of", batch.ids),
                        ("account_type", "=", "asset_receivable"),
                        ("parent_state", "=", "posted"),
                        ("date", "<=", date_to),
                    ],
                    ["partner_id", "company_id"],
                )
            )
            keys = {
                (partner.commercial_partner_id, company)
                for partner, company in with_entries
                if (partner.commercial_partner_id.id, company.id) not in done
            }
            batch_logs = self.browse()
            for partner, company in sorted(keys, key=lambda key: (key[0].id, key[1].id)):
                batch_logs |= self._prepare_delivery(
                    partner, company, date_from, date_to, "monthly"
                )
            batch_logs._send()
            logs |= batch_logs
            remaining -= len(batch)
            if not commit_progress(self.env, len(batch), remaining=remaining):
                break
        return logs

    # ----------------------------------------------------------------- actions
    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "views": [(False, "form")],
        }
