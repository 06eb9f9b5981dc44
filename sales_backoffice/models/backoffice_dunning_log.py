import base64
import logging
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.cron import BATCH_SIZE, commit_progress
from ..tools.groups import USER_GROUP
from .backoffice_dunning_level import DUNNING_ACTIONS

_logger = logging.getLogger(__name__)

LOG_STATES = [
    ("done", "Done"),
    ("queued", "E-mail Queued"),
    ("sent", "E-mail Sent"),
    ("failed", "Failed"),
    ("to_print", "Letter to Print"),
    ("printed", "Letter Printed"),
    ("skipped", "Skipped (Locked)"),
]
# How long after sending a bounce still marks the step failed.
BOUNCE_DAYS = 30
STATEMENT_REPORT = "sales_backoffice.action_report_dunning_customer_statement"
LETTER_REPORT = "sales_backoffice.action_report_dunning_letter"
FAILURE_ACTIVITY = "sales_backoffice.mail_activity_type_dunning_failure"
ESCALATION_ACTIVITY = "sales_backoffice.mail_activity_type_dunning_escalation"
DUNNING_ACTIVITY = "sales_backoffice.mail_activity_type_dunning"


class BackofficeDunningLog(models.Model):
    """One dunning step of one contract: the level it reached on the run's
    date, what was done and how it ended. Written by the daily run only.

    A step row per contract and run date (skips aside) is what makes a run
    resumable: a contract stepped today is not stepped again today, so a run
    interrupted after a committed batch sends nothing twice."""

    _name = "backoffice.dunning.log"
    _description = "Dunning Log"
    _order = "date desc, id desc"
    _rec_name = "order_id"
    _check_company_auto = True

    order_id = fields.Many2one(
        "sale.order",
        string="Contract",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
        check_company=True,
    )
    level_id = fields.Many2one(
        "backoffice.dunning.level",
        index=True,
        ondelete="restrict",
        readonly=True,
        check_company=True,
    )
    date = fields.Date(required=True, readonly=True, index=True)
    action = fields.Selection(DUNNING_ACTIONS, readonly=True)
    state = fields.Selection(LOG_STATES, required=True, readonly=True, index=True)
    user_id = fields.Many2one("res.users", string="Run By", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index=True)
    salesperson_id = fields.Many2one("res.users", readonly=True)
    company_id = fields.Many2one(
        related="order_id.company_id", store=True, index=True, string="Company"
    )
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    amount_overdue = fields.Monetary(readonly=True, aggregator="sum")
    amount_receivable = fields.Monetary("Amount Still Due", readonly=True, aggregator="sum")
    note = fields.Text(readonly=True)
    mail_id = fields.Many2one("mail.mail", string="E-mail", readonly=True, ondelete="set null")

    _step_unique = models.UniqueIndex(
        "(order_id, date) WHERE state != 'skipped'",
        "A contract takes one dunning step per run.",
    )

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(self.env._("The dunning log is written by the dunning run only."))
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(self.env._("The dunning log is written by the dunning run only."))
        return super().write(vals)

    # ----------------------------------------------------------------- actions
    def action_print_letter(self):
        """Print the letters of the selected steps and mark them printed."""
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(self.env._("Only the back office prints dunning letters."))
        self.check_access("read")
        letters = self.filtered(lambda log: log.state in ("to_print", "printed"))
        if not letters:
            return None
        # Printing is the back office's step on rows it may read (checked
        # above); the log itself is written by the module only.
        letters_sudo = letters.sudo()
        letters_sudo.filtered(lambda log: log.state == "to_print").write({"state": "printed"})
        return self.env.ref(LETTER_REPORT).report_action(letters.order_id)

    def action_open_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "views": [(False, "form")],
        }

    # ----------------------------------------------------------------- the run
    @api.model
    def _cron_dunning(self):
        """Daily: one dunning step for each overdue contract that reached its
        next level, in batches committed one by one."""
        return self._run_dunning()

    @api.model
    def _run_dunning(self, batch_size=BATCH_SIZE, run_date=None, domain=None):
        """The run itself; answers the contracts stepped (this call).

        ``run_date`` (default today) dates a run that catches up on missed
        days (the demo's): the days overdue are always today's. ``domain``
        (on the contract report) narrows the run to some contracts, a
        customer's for instance; the scheduler's run has none."""
        self._check_dunning_mails()
        today = run_date or fields.Date.context_today(self)
        levels = self.env["backoffice.dunning.level"].sudo().search([("active", "=", True)])
        levels_by_company = defaultdict(lambda: self.env["backoffice.dunning.level"])
        for level in levels:
            levels_by_company[level.company_id.id] |= level
        if not levels_by_company:
            return self.env["sale.order"]
        performance = self.env["backoffice.contract.performance"].sudo()
        # The report is a query over documents changed in this transaction too.
        performance.invalidate_model()
        rows = performance.search_fetch(
            Domain.AND(
                [
                    [
                        ("company_id", "in", list(levels_by_company)),
                        "|",
                        ("days_overdue", ">", 0),
                        "|",
                        ("order_id.dunning_level_id", "!=", False),
                        ("order_id.date_payment_promised", "!=", False),
                    ],
                    domain or Domain.TRUE,
                ]
            ),
            [
                "order_id",
                "partner_id",
                "company_id",
                "days_overdue",
                "amount_overdue",
                "amount_receivable",
            ],
            order="partner_id, id",
        )
        stepped_today = self._stepped_on(today)
        steps, resets = [], self.env["sale.order"]
        rows_by_partner = defaultdict(list)
        for row in rows:
            order = row.order_id
            if row.days_overdue <= 0 or row.amount_overdue <= 0:
                if order.dunning_level_id or order.date_payment_promised:
                    resets |= order
                continue
            rows_by_partner[row.partner_id.id].append(row)
            if order.id in stepped_today:
                continue
            promised = order.date_payment_promised
            if promised and promised >= today:
                continue  # paused by a promise to pay
            level = order.dunning_level_id._next_level(levels_by_company[row.company_id.id])
            if not level:
                continue  # at the top of the ladder
            if not promised and row.days_overdue < level.days_overdue:
                continue
            # A broken promise resumes at the next level whatever the days.
            steps.append((order, level, row, bool(promised)))
        remaining = len(steps)
        if resets:
            resets._dunning_reset()
            commit_progress(self.env, len(resets), remaining=remaining)
        stepped = []
        for batch in self._batches_by_partner(steps, batch_size):
            stepped.extend(self._run_batch(batch, rows_by_partner, today).ids)
            remaining -= len(batch)
            if commit_progress(self.env, len(batch), remaining=remaining) <= 0:
                break  # out of time: the next run of the job does the rest
        return self.env["sale.order"].browse(stepped)

    @api.model
    def _stepped_on(self, day):
        self.flush_model(["order_id", "date", "state"])
        self.env.cr.execute(
            SQL(
                "SELECT order_id FROM backoffice_dunning_log WHERE date = %s AND state != 'skipped'",
                day,
            )
        )
        return {order_id for (order_id,) in self.env.cr.fetchall()}

    @api.model
    def _batches_by_partner(self, steps, size):
        """Steps in batches of about ``size`` contracts, a customer's contracts
        always in the same batch (they get one message)."""
        by_partner = defaultdict(list)
        for step in steps:
            by_partner[step[0].partner_id.id].append(step)
        batch = []
        for partner_steps in by_partner.values():
            batch.extend(partner_steps)
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    @api.model
    def _lock_orders(self, orders):
        """Lock ``orders`` for this transaction; answers the ones someone else
        holds (they are skipped today and stepped on a later run)."""
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sale_order WHERE id = ANY(%s) FOR NO KEY UPDATE SKIP LOCKED",
                orders.ids,
            )
        )
        locked = {order_id for (order_id,) in self.env.cr.fetchall()}
        return orders.filtered(lambda order: order.id not in locked)

    @api.model
    def _run_batch(self, batch, rows_by_partner, today):
        """Step the contracts of ``batch`` ((order, level, row, broken) tuples)."""
        Order = self.env["sale.order"]
        busy = self._lock_orders(Order.browse([step[0].id for step in batch]))
        run_by = self.env.user
        log_vals = []
        for order in busy:
            log_vals.append(
                {
                    "order_id": order.id,
                    "date": today,
                    "state": "skipped",
                    "user_id": run_by.id,
                    "partner_id": order.partner_id.id,
                    "salesperson_id": order.user_id.id,
                    "note": self.env._("The contract was being edited; it is dunned next run."),
                }
            )
        if busy:
            # Recorded, never silently dropped.
            note = self.env._("Dunning skipped today: the contract was being edited.")
            Order._dunning_log_notes(dict.fromkeys(Order.browse(busy.ids), note))
        steps = [step for step in batch if step[0] not in busy]
        by_level = defaultdict(lambda: Order)
        broken = Order
        for order, level, _row, is_broken in steps:
            by_level[level] |= order
            if is_broken:
                broken |= order
        if broken:
            broken._dunning_promise_broken()
        for level, orders in by_level.items():
            # The run's own decision from the report; the field refuses every
            # other writer.
            orders_sudo = orders.sudo()
            orders_sudo.write({"dunning_level_id": level.id})
        for level, orders in by_level.items():
            self._remind_batch(level, orders)
        by_partner = defaultdict(list)
        for step in steps:
            by_partner[step[0].partner_id.id].append(step)
        for partner_steps in by_partner.values():
            log_vals.extend(self._partner_steps(partner_steps, rows_by_partner, today, run_by))
        # The run writes its own log, whoever runs it (checked by the caller).
        self.sudo().create(log_vals)
        self.env["sale.order"]._dunning_log_notes(
            {
                order: self.env._(
                    "Dunning level %(level)s reached (%(action)s), %(days)s days overdue.",
                    level=level.name,
                    action=dict(DUNNING_ACTIONS)[level.action],
                    days=row.days_overdue,
                )
                for order, level, row, _broken in steps
            }
        )
        return Order.browse([step[0].id for step in steps])

    @api.model
    def _remind_batch(self, level, orders):
        """The activities of a call or escalation level for the batch's
        ``orders`` that reached it, with one message per assignee listing
        them (``digest``) rather than one notification per contract."""
        if level.action not in ("activity", "escalate"):
            return
        call = level.action == "activity"

        def summary(rec):
            contract = rec.contract_ref or rec.name
            if call:
                return self.env._(
                    "Dunning %(level)s: call the customer about %(contract)s",
                    level=level.name,
                    contract=contract,
                )
            return self.env._(
                "Dunning %(level)s: %(contract)s is escalated to you",
                level=level.name,
                contract=contract,
            )

        orders._backoffice_remind(
            DUNNING_ACTIVITY if call else ESCALATION_ACTIVITY,
            user_by_record=lambda rec: rec.user_id if call else rec._dunning_manager(),
            summary_by_record=summary,
            note_by_record=lambda _rec: level.note,
            digest=True,
        )

    def _step_vals(self, order, level, row, today, run_by, state, note=False, mail=False):
        return {
            "order_id": order.id,
            "level_id": level.id,
            "date": today,
            "action": level.action,
            "state": state,
            "user_id": run_by.id,
            "partner_id": order.partner_id.id,
            "salesperson_id": order.user_id.id,
            "days_overdue": row.days_overdue,
            "amount_overdue": row.amount_overdue,
            "amount_receivable": row.amount_receivable,
            "note": note,
            "mail_id": mail.id if mail else False,
        }

    def _partner_steps(self, steps, rows_by_partner, today, run_by):
        """Do the steps of one customer's contracts; answers their log values."""
        vals_list = []
        emails = [step for step in steps if step[1].action == "email"]
        for order, level, row, _broken in steps:
            if level.action in ("activity", "escalate"):
                # Their activities are scheduled for the whole batch (_remind_batch).
                vals_list.append(self._step_vals(order, level, row, today, run_by, "done"))
            elif level.action == "letter":
                vals_list.append(self._step_vals(order, level, row, today, run_by, "to_print"))
        if emails:
            vals_list.extend(self._send_reminder(emails, rows_by_partner, today, run_by))
        return vals_list

    def _address_problem(self, partner):
        """Why ``partner`` cannot be e-mailed, or False."""
        partner_sudo = partner.sudo()  # reading the blacklist and bounce counter only
        if not partner_sudo.email_normalized:
            return self.env._("%(customer)s has no valid e-mail address.", customer=partner.name)
        if partner_sudo.is_blacklisted:
            return self.env._("%(email)s is blacklisted.", email=partner_sudo.email_normalized)
        if partner_sudo.message_bounce > 0:
            return self.env._(
                "E-mails to %(email)s bounced before.", email=partner_sudo.email_normalized
            )
        return False

    def _send_reminder(self, emails, rows_by_partner, today, run_by):
        """One message to the customer listing each of their overdue contracts
        at its own level with the amount still due, the statement attached,
        queued in Odoo's mail queue."""
        orders = self.env["sale.order"].browse([step[0].id for step in emails])
        partner = orders[0].partner_id
        problem = self._address_problem(partner)
        if problem:
            self._dunning_failed(orders, problem)
            return [
                self._step_vals(order, level, row, today, run_by, "failed", note=problem)
                for order, level, row, _broken in emails
            ]
        rows = rows_by_partner[partner.id]
        lines = [
            {
                "contract": row.order_id.contract_ref or row.order_id.name,
                "level": row.order_id.dunning_level_id.name or "",
                "days_overdue": row.days_overdue,
                "amount_overdue": row.amount_overdue,
                "amount_due": row.amount_receivable,
                "currency": row.currency_id,
            }
            for row in rows
        ]
        level = max((step[1] for step in emails), key=lambda lvl: (lvl.sequence, lvl.id))
        main = orders[0]
        template = level.mail_template_id.sudo()
        render_context = {"dunning_lines": lines}
        body = template._render_field("body_html", main.ids, add_context=render_context)[main.id]
        subject = template._render_field("subject", main.ids, add_context=render_context)[main.id]
        attachment = self._statement_attachment(main, today)
        # Posted by the run on the customer's own contract, to the customer;
        # queued (force_send=False), kept after sending so its fate is checked.
        main_sudo = main.sudo()
        message = main_sudo.message_post(
            body=body,
            subject=subject,
            partner_ids=partner.ids,
            attachment_ids=attachment.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            email_from=template._render_field("email_from", main.ids)[main.id] or None,
            force_send=False,
            mail_auto_delete=False,
        )
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [("mail_message_id", "=", message.id), ("recipient_ids", "in", partner.ids)],
                limit=1,
            )
        )
        listed = self.env._(
            "Listed in the reminder sent to %(customer)s on %(contract)s.",
            customer=partner.name,
            contract=main.contract_ref or main.name,
        )
        self.env["sale.order"]._dunning_log_notes(dict.fromkeys(orders - main, listed))
        return [
            self._step_vals(order, lvl, row, today, run_by, "queued", mail=mail)
            for order, lvl, row, _broken in emails
        ]

    @api.model
    def _statement_attachment(self, main, today):
        """The customer's statement as one PDF document (a section per overdue
        contract), attached to ``main``. When the PDF engine cannot run (no
        wkhtmltopdf, no web server during an install) the same statement is
        attached as HTML and the e-mail still goes."""
        Report = self.env["ir.actions.report"].sudo()
        try:
            with self.env.cr.savepoint():
                content, _format = Report._render_qweb_pdf(STATEMENT_REPORT, main.ids)
            name = self.env._("Statement %(date)s.pdf", date=today)
            mimetype = "application/pdf"
        except UserError:
            _logger.warning("Dunning statement of %s attached as HTML: no PDF engine", main.name)
            content, _format = Report._render_qweb_html(STATEMENT_REPORT, main.ids)
            name = self.env._("Statement %(date)s.html", date=today)
            mimetype = "text/html"
        return (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "datas": base64.b64encode(content),
                    "res_model": "sale.order",
                    "res_id": main.id,
                    "mimetype": mimetype,
                }
            )
        )

    @api.model
    def _dunning_failed(self, orders, reason):
        """An e-mail step that cannot reach the customer: the salesperson
        contacts them another way."""
        orders._backoffice_remind(
            FAILURE_ACTIVITY,
            user_by_record=lambda order: order.user_id,
            summary_by_record=lambda order: self.env._(
                "Dunning e-mail failed for %(contract)s: contact the customer",
                contract=order.contract_ref or order.name,
            ),
            note_by_record=lambda _order: reason,
        )

    @api.model
    def _check_dunning_mails(self):
        """Queued and recently sent reminders: a bounce, a blacklisted address
        or a send error marks the step failed with an activity for the
        salesperson; a sent one is marked sent. Nothing stays queued."""
        since = fields.Date.context_today(self) - timedelta(days=BOUNCE_DAYS)
        logs = self.sudo().search(
            [("state", "in", ("queued", "sent")), ("action", "=", "email"), ("date", ">=", since)]
        )
        failed = defaultdict(lambda: self.browse())
        sent = self.browse()
        for log in logs:
            mail = log.mail_id
            problem = False
            if not mail and log.state == "queued":
                sent |= log  # sent and removed from the queue
                continue
            if mail.state in ("exception", "cancel"):
                problem = mail.failure_reason or self.env._("The e-mail could not be sent.")
            else:
                notifications = mail.mail_message_id.notification_ids.filtered(
                    lambda notif, log=log: notif.res_partner_id == log.partner_id
                )
                if any(n.notification_status in ("bounce", "exception") for n in notifications):
                    problem = self.env._("The e-mail bounced.")
                elif log.partner_id.sudo().is_blacklisted:
                    problem = self._address_problem(log.partner_id)
            if problem:
                failed[problem] |= log
            elif log.state == "queued" and mail.state == "sent":
                sent |= log
        if sent:
            sent.write({"state": "sent"})
        for problem, problem_logs in failed.items():
            problem_logs.write({"state": "failed", "note": problem})
            self._dunning_failed(problem_logs.order_id, problem)
            failure = self.env._("Dunning e-mail failed: %(reason)s", reason=problem)
            self.env["sale.order"]._dunning_log_notes(
                dict.fromkeys(problem_logs.order_id, failure)
            )
        return failed
