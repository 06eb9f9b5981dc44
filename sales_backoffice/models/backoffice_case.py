import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import html2plaintext

from ..tools.context import without_defaults
from ..tools.cron import batches, commit_progress
from ..tools.groups import USER_GROUP
from .backoffice_case_type_policy import CASE_TYPES

CHANNELS = [
    ("phone", "Phone"),
    ("email", "Email"),
    ("visit", "Visit"),
    ("letter", "Letter"),
    ("web", "Web"),
    ("other", "Other"),
]
PRIORITIES = [("0", "Normal"), ("1", "Important"), ("2", "Urgent"), ("3", "Critical")]
SATISFACTION = [
    ("1", "Very Unhappy"),
    ("2", "Unhappy"),
    ("3", "Neutral"),
    ("4", "Happy"),
    ("5", "Very Happy"),
]
INSTALLATION_STATES = [
    ("requested", "Requested"),
    ("approved", "Approved"),
    ("scheduled", "Scheduled"),
    ("confirmed", "Confirmed by Customer"),
]
# Case types whose closing records the contract milestone of the same name.
MILESTONE_CASE_TYPES = ("installation", "acceptance")
# Written by the module's own methods only (under sudo, after their checks):
# the timestamps the deadlines and the report measure, the approval of an
# installation and the documents started from the case.
PROTECTED_FIELDS = {
    "date_open",
    "date_response_deadline",
    "date_deadline",
    "date_first_response",
    "date_closed",
    "is_response_reminded",
    "is_resolution_reminded",
    "installation_requested_by_id",
    "installation_approved_by_id",
    "date_installation_approved",
    "installation_event_id",
    "date_customer_confirmed",
    "picking_ids",
}
REMINDERS = [
    (
        "date_response_deadline",
        "sales_backoffice.mail_activity_type_case_response",
        "is_response_reminded",
        "date_first_response",
    ),
    (
        "date_deadline",
        "sales_backoffice.mail_activity_type_case_resolution",
        "is_resolution_reminded",
        "date_closed",
    ),
]
# A contract reference in a subject: ASCII letters, digits and separators
# (a Chinese subject glues its words to the reference).
REFERENCE_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/._-]*[A-Za-z0-9]")
# Words of a customer's reply that confirm a scheduled installation.
CONFIRMATION_WORDS = ("confirm", "确认")


class BackofficeCase(models.Model):
    _name = "backoffice.case"
    _inherit = ["mail.thread", "mail.activity.mixin", "backoffice.reminder.mixin"]
    _description = "Customer Service Case"
    _order = "priority desc, date_deadline, id desc"
    _check_company_auto = True
    _primary_email = "email_from"

    # ------------------------------------------------------------------ fields
    name = fields.Char(
        "Reference", required=True, readonly=True, copy=False, default="/", index="trigram"
    )
    subject = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    team_id = fields.Many2one("backoffice.case.team", index=True, check_company=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    email_from = fields.Char()
    order_id = fields.Many2one(
        "sale.order",
        string="Contract",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('state', '=', 'sale'), ('partner_id', 'child_of', partner_id)]",
    )
    salesperson_id = fields.Many2one(
        "res.users",
        compute="_compute_salesperson_id",
        store=True,
        index=True,
        help="The contract's salesperson, or the customer's.",
    )
    case_type = fields.Selection(CASE_TYPES, required=True, default="complaint", tracking=True)
    channel = fields.Selection(CHANNELS, required=True, default="phone")
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        index=True,
        tracking=True,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    stage_id = fields.Many2one(
        "backoffice.case.stage",
        required=True,
        index=True,
        tracking=True,
        copy=False,
        default=lambda self: self._default_stage(),
        group_expand="_read_group_stage_ids",
    )
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True)
    priority = fields.Selection(PRIORITIES, default="0", required=True)
    date_open = fields.Datetime(
        "Opened On", default=fields.Datetime.now, required=True, readonly=True, copy=False
    )
    date_response_deadline = fields.Datetime(
        "Response Deadline", compute="_compute_deadlines", store=True, copy=False
    )
    date_deadline = fields.Datetime(
        "Resolution Deadline", compute="_compute_deadlines", store=True, copy=False, index=True
    )
    date_first_response = fields.Datetime("First Response", readonly=True, copy=False)
    date_closed = fields.Datetime("Closed On", readonly=True, copy=False)
    response_hours = fields.Float(
        compute="_compute_hours", store=True, aggregator="avg", help="Opening to first response."
    )
    resolution_hours = fields.Float(
        compute="_compute_hours", store=True, aggregator="avg", help="Opening to closing."
    )
    is_breached = fields.Boolean(
        compute="_compute_is_breached",
        search="_search_is_breached",
        help="A deadline passed before the case was answered or solved.",
    )
    is_response_reminded = fields.Boolean(readonly=True, copy=False)
    is_resolution_reminded = fields.Boolean(readonly=True, copy=False)
    product_id = fields.Many2one("product.product", tracking=True, check_company=True)
    is_tracked = fields.Boolean(compute="_compute_is_tracked")
    lot_id = fields.Many2one(
        "stock.lot",
        string="Lot/Serial Number",
        tracking=True,
        check_company=True,
        domain="[('product_id', '=', product_id)]",
    )
    description = fields.Html()
    resolution = fields.Html()
    satisfaction = fields.Selection(SATISFACTION, tracking=True)
    # Quality problems: the delivery concerned and the documents started here.
    delivery_id = fields.Many2one(
        "stock.picking",
        check_company=True,
        domain="[('id', 'in', available_delivery_ids)]",
    )
    available_delivery_ids = fields.Many2many(
        "stock.picking", compute="_compute_available_delivery_ids"
    )
    replacement_qty = fields.Float("Replacement Quantity", default=1.0)
    picking_ids = fields.Many2many(
        "stock.picking", string="Returns and Replacements", readonly=True, copy=False
    )
    picking_count = fields.Integer(compute="_compute_picking_count")
    # Installation requests.
    installation_state = fields.Selection(
        INSTALLATION_STATES, compute="_compute_installation_state", store=True
    )
    installation_requested_by_id = fields.Many2one(
        "res.users", string="Requested By", readonly=True, copy=False
    )
    installation_approved_by_id = fields.Many2one(
        "res.users", string="Approved By", readonly=True, copy=False
    )
    date_installation_approved = fields.Datetime("Approved On", readonly=True, copy=False)
    installation_event_id = fields.Many2one(
        "calendar.event", string="Installation Appointment", readonly=True, copy=False
    )
    date_installation = fields.Datetime(related="installation_event_id.start")
    technician_ids = fields.Many2many(
        related="installation_event_id.partner_ids", string="Technicians"
    )
    date_customer_confirmed = fields.Datetime("Confirmed On", readonly=True, copy=False)

    # ---------------------------------------------------------------- defaults
    @api.model
    def _default_stage(self):
        return self.env["backoffice.case.stage"].search([], limit=1)

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        # Every stage is a kanban column, empty or not (a handful of records).
        return stages.search([("id", "!=", False)])

    # ---------------------------------------------------------------- computes
    @api.depends("order_id.user_id", "partner_id.user_id", "partner_id.commercial_partner_id")
    def _compute_salesperson_id(self):
        for case in self:
            case.salesperson_id = (
                case.order_id.user_id
                or case.partner_id.user_id
                or case.partner_id.commercial_partner_id.user_id
            )

    @api.depends("case_type", "company_id", "date_open")
    def _compute_deadlines(self):
        policies = (
            self.env["backoffice.case.type.policy"]
            .sudo()
            .search([("company_id", "in", self.company_id.ids)])
        )
        by_key = {(policy.company_id.id, policy.case_type): policy for policy in policies}
        for case in self:
            policy = by_key.get((case.company_id.id, case.case_type))
            if not policy or not case.date_open:
                case.date_response_deadline = case.date_deadline = False
                continue
            case.date_response_deadline = case.date_open + timedelta(hours=policy.response_hours)
            case.date_deadline = case.date_open + timedelta(hours=policy.resolution_hours)

    @api.depends("date_open", "date_first_response", "date_closed")
    def _compute_hours(self):
        for case in self:
            case.response_hours = (
                (case.date_first_response - case.date_open).total_seconds() / 3600
                if case.date_first_response
                else 0.0
            )
            case.resolution_hours = (
                (case.date_closed - case.date_open).total_seconds() / 3600
                if case.date_closed
                else 0.0
            )

    @api.depends("date_response_deadline", "date_deadline", "date_first_response", "is_closed")
    def _compute_is_breached(self):
        now = fields.Datetime.now()
        for case in self:
            case.is_breached = case._breached_at(now)

    def _breached_at(self, now):
        """Open and past a deadline: not answered, or not solved, in time."""
        self.ensure_one()
        if self.is_closed:
            return False
        return bool(
            (self.date_deadline and self.date_deadline < now)
            or (
                not self.date_first_response
                and self.date_response_deadline
                and self.date_response_deadline < now
            )
        )

    @api.model
    def _breach_domain(self, now=None):
        """The domain of `_breached_at`."""
        now = now or fields.Datetime.now()
        return [
            ("is_closed", "=", False),
            "|",
            ("date_deadline", "<", now),
            "&",
            ("date_first_response", "=", False),
            ("date_response_deadline", "<", now),
        ]

    def _search_is_breached(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = Domain(self._breach_domain())
        return domain if (operator == "=") == value else ~domain

    @api.depends("product_id.tracking")
    def _compute_is_tracked(self):
        for case in self:
            case.is_tracked = case.product_id.tracking in ("lot", "serial")

    @api.depends("order_id", "product_id")
    def _compute_available_delivery_ids(self):
        for case in self:
            pickings = case.order_id.picking_ids.filtered(
                lambda p: p.state == "done" and p.location_dest_id.usage == "customer"
            )
            if case.product_id:
                pickings = pickings.filtered(
                    lambda p, product=case.product_id: product in p.move_ids.product_id
                )
            case.available_delivery_ids = pickings

    @api.depends("picking_ids")
    def _compute_picking_count(self):
        for case in self:
            case.picking_count = len(case.picking_ids)

    @api.depends(
        "case_type",
        "installation_approved_by_id",
        "installation_event_id",
        "date_customer_confirmed",
    )
    def _compute_installation_state(self):
        for case in self:
            if case.case_type != "installation":
                case.installation_state = False
            elif case.date_customer_confirmed:
                case.installation_state = "confirmed"
            elif case.installation_event_id:
                case.installation_state = "scheduled"
            elif case.installation_approved_by_id:
                case.installation_state = "approved"
            else:
                case.installation_state = "requested"

    # ------------------------------------------------------------- constraints
    @api.constrains("case_type", "product_id", "lot_id")
    def _check_quality_product(self):
        for case in self.filtered(lambda c: c.case_type == "quality"):
            if not case.product_id:
                raise ValidationError(
                    self.env._("%s: a quality problem names the product.", case.display_name)
                )
            if case.is_tracked and not case.lot_id:
                raise ValidationError(
                    self.env._(
                        "%(case)s: %(product)s is tracked; name the lot or serial number.",
                        case=case.display_name,
                        product=case.product_id.display_name,
                    )
                )
        for case in self.filtered("lot_id"):
            if case.lot_id.product_id != case.product_id:
                raise ValidationError(
                    self.env._(
                        "%s: the lot or serial number is not one of the product's.",
                        case.display_name,
                    )
                )

    @api.constrains("case_type", "order_id", "partner_id")
    def _check_contract(self):
        for case in self:
            if case.case_type in MILESTONE_CASE_TYPES and not case.order_id:
                raise ValidationError(
                    self.env._(
                        "%s: installation and acceptance cases are about a contract; choose it.",
                        case.display_name,
                    )
                )
            partner = case.order_id.partner_id.commercial_partner_id
            if case.order_id and partner != case.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "%(case)s: contract %(contract)s is not a contract of %(customer)s.",
                        case=case.display_name,
                        contract=case.order_id.display_name,
                        customer=case.partner_id.display_name,
                    )
                )

    @api.constrains("replacement_qty")
    def _check_replacement_qty(self):
        for case in self:
            if case.replacement_qty < 0:
                raise ValidationError(
                    self.env._("%s: the replacement quantity cannot be negative.", case.name)
                )

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self._check_protected(vals_list)
            self = without_defaults(self, PROTECTED_FIELDS | {"name"})
        for vals in vals_list:
            if not self.env.su:
                # The reference comes from the sequence.
                vals.pop("name", None)
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            if not vals.get("name") or vals["name"] == "/":
                vals["name"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("backoffice.case")
                    or "/"
                )
            if vals.get("case_type") == "installation":
                vals["installation_requested_by_id"] = self.env.uid
            stage = self.env["backoffice.case.stage"].browse(vals.get("stage_id"))
            if stage.is_closed and not self.env.su:
                raise UserError(self.env._("A case is opened first, then solved."))
        cases = super().create(vals_list)
        # Assigning an owner at creation is the first response.
        cases.filtered("user_id")._record_response()
        return cases

    def write(self, vals):
        if not self.env.su:
            self._check_protected([vals])
            if "company_id" in vals and any(c.company_id.id != vals["company_id"] for c in self):
                raise UserError(self.env._("A case stays in the company it was opened in."))
            if "case_type" in vals and any(
                (case.case_type == "installation") != (vals["case_type"] == "installation")
                for case in self
            ):
                raise UserError(
                    self.env._("An installation request stays one; open a new case instead.")
                )
        stage = None
        if "stage_id" in vals:
            stage = self.env["backoffice.case.stage"].browse(vals["stage_id"])
            if not self.env.su:
                self._check_stage_change(stage)
        closing = self.filtered(lambda c: stage and stage.is_closed and not c.is_closed)
        reopening = self.filtered(lambda c: stage and not stage.is_closed and c.is_closed)
        moving_on = self.filtered(
            lambda c: stage and stage != c.stage_id and not c.date_first_response
        )
        assigned = self.filtered(lambda c: vals.get("user_id") and not c.date_first_response)
        res = super().write(vals)
        (moving_on | assigned)._record_response()
        if reopening:
            # Cleared by the module after the stage check above.
            reopening.sudo().write({"date_closed": False})
        if closing:
            closing._on_closed()
        return res

    def _check_protected(self, vals_list):
        forged = PROTECTED_FIELDS & {key for vals in vals_list for key in vals}
        if forged:
            raise AccessError(
                self.env._(
                    "%(fields)s of a case are set by its actions only.",
                    fields=", ".join(sorted(forged)),
                )
            )

    def _check_stage_change(self, stage):
        """Who may close or reopen: the back office, or the case's owner; an
        installation closes once its customer has confirmed it."""
        is_backoffice = self.env.user.has_group(USER_GROUP)
        for case in self:
            if stage == case.stage_id:
                continue
            if stage.is_closed or case.is_closed:
                if not is_backoffice and case.user_id != self.env.user:
                    raise AccessError(
                        self.env._(
                            "%s: only the back office or the case's owner closes or reopens it.",
                            case.name,
                        )
                    )
            if case.is_closed and not is_backoffice:
                raise AccessError(
                    self.env._("%s: only the back office reopens a closed case.", case.name)
                )
            if (
                stage.is_closed
                and case.case_type == "installation"
                and not case.date_customer_confirmed
            ):
                raise UserError(
                    self.env._(
                        "%s: an installation is closed by the customer's confirmation "
                        "(Customer Confirmed).",
                        case.name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        if self.env.su:
            return
        for case in self:
            if case.date_first_response or case.picking_ids or case.installation_event_id:
                raise UserError(
                    self.env._("%s has been worked on; it cannot be deleted.", case.name)
                )

    # ---------------------------------------------------------------- business
    def _record_response(self):
        """The first response: an owner assigned, a stage moved on or a reply
        written. Kept once; the module writes it."""
        todo = self.filtered(lambda c: not c.date_first_response)
        if todo:
            # The timestamp of an action the caller just did on these cases.
            todo_sudo = todo.sudo()
            todo_sudo.write({"date_first_response": fields.Datetime.now()})
            todo_sudo._backoffice_reminder_done(
                "sales_backoffice.mail_activity_type_case_response"
            )

    def _on_closed(self):
        """Date the closing, close the open reminders and, for installations
        and acceptances of a contract, record the contract's milestone."""
        now = fields.Datetime.now()
        # The module's own bookkeeping after the stage check of write().
        cases_sudo = self.sudo()
        cases_sudo.write({"date_closed": now})
        cases_sudo.filtered(lambda c: not c.date_first_response).write(
            {"date_first_response": now}
        )
        cases_sudo._backoffice_reminder_done("sales_backoffice.mail_activity_type_case_response")
        cases_sudo._backoffice_reminder_done("sales_backoffice.mail_activity_type_case_resolution")
        events = self.env["backoffice.contract.event"]
        vals_list = []
        for case in self.filtered(lambda c: c.case_type in MILESTONE_CASE_TYPES and c.order_id):
            note = self.env._("Case %(case)s: %(subject)s", case=case.name, subject=case.subject)
            resolution = html2plaintext(case.resolution or "").strip()
            if resolution:
                note = f"{note}\n{resolution}"
            vals_list.append(
                {
                    "order_id": case.order_id.id,
                    "event_type": case.case_type,
                    "date": events._today_for(case.order_id),
                    "note": note,
                }
            )
        if vals_list:
            # The milestone follows from closing the case, which the checks of
            # write() allowed; the caller need not hold the back office's
            # right to record milestones by hand.
            events_sudo = self.env["backoffice.contract.event"].sudo().create(vals_list)
            for event in events_sudo:
                event.order_id.message_post(
                    body=self.env._(
                        "Milestone recorded by the closing of a customer service case: %s",
                        event.note,
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    def _close(self):
        stage = self.env["backoffice.case.stage"].search([("is_closed", "=", True)], limit=1)
        if not stage:
            raise UserError(self.env._("Configure a closed stage for the cases first."))
        self.write({"stage_id": stage.id})

    def _check_backoffice(self):
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(self.env._("Only the back office does this."))

    # ------------------------------------------------------------------ actions
    def action_assign_to_me(self):
        self.check_access("write")
        self.write({"user_id": self.env.uid})
        return True

    def action_solve(self):
        for case in self:
            if not html2plaintext(case.resolution or "").strip():
                raise UserError(
                    self.env._("%s: write the resolution before solving the case.", case.name)
                )
        self._close()
        return True

    def action_approve(self):
        """The back office approves a salesperson's installation request."""
        self._check_backoffice()
        for case in self:
            if case.case_type != "installation" or case.installation_state != "requested":
                raise UserError(
                    self.env._(
                        "%s is not an installation request waiting for approval.", case.name
                    )
                )
            if case.installation_requested_by_id == self.env.user:
                raise AccessError(
                    self.env._("%s: nobody approves their own installation request.", case.name)
                )
            if case.is_closed:
                raise UserError(self.env._("%s is closed.", case.name))
        # After the group, requester and state checks above.
        self.sudo().write(
            {
                "installation_approved_by_id": self.env.uid,
                "date_installation_approved": fields.Datetime.now(),
            }
        )
        self._record_response()
        for case in self:
            case.message_post(
                body=self.env._("Installation approved by %s.", self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_schedule(self):
        self.ensure_one()
        self._check_backoffice()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Schedule Installation"),
            "res_model": "backoffice.case.schedule",
            "view_mode": "form",
            "target": "new",
            "context": {"default_case_id": self.id},
        }

    def _do_schedule(self, technicians, start, stop):
        """Book the installation with ``technicians`` (users) from ``start``
        to ``stop`` in their calendars."""
        self.ensure_one()
        self._check_backoffice()
        if self.installation_state not in ("approved", "scheduled"):
            raise UserError(
                self.env._("%s: an installation is scheduled once it is approved.", self.name)
            )
        if not technicians:
            raise UserError(self.env._("%s: choose the technicians.", self.name))
        if not start or not stop or stop <= start:
            raise UserError(self.env._("%s: the appointment ends after it starts.", self.name))
        vals = {
            "name": self.env._(
                "Installation %(case)s: %(customer)s",
                case=self.name,
                customer=self.partner_id.display_name,
            ),
            "start": start,
            "stop": stop,
            "user_id": (self.user_id or self.env.user).id,
            "partner_ids": [fields.Command.set(technicians.partner_id.ids)],
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
            "description": html2plaintext(self.description or ""),
        }
        if self.installation_event_id:
            self.installation_event_id.write(vals)
        else:
            event = self.env["calendar.event"].create(vals)
            # Linked by the module after the checks above.
            self.sudo().installation_event_id = event
        self.message_post(
            body=self.env._(
                "Installation scheduled on %(date)s with %(technicians)s.",
                date=fields.Datetime.to_string(start),
                technicians=", ".join(technicians.mapped("name")),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True

    def action_confirm_installation(self):
        """The customer confirmed the installation: it closes the case."""
        for case in self:
            if not self.env.user.has_group(USER_GROUP) and case.user_id != self.env.user:
                raise AccessError(
                    self.env._(
                        "%s: the back office or the case's owner records the confirmation.",
                        case.name,
                    )
                )
        self._do_confirm_installation()
        return True

    def _do_confirm_installation(self, message=None):
        for case in self:
            if case.installation_state != "scheduled" or case.is_closed:
                raise UserError(
                    self.env._("%s: only a scheduled installation is confirmed.", case.name)
                )
        # After the checks of the caller (a button or the customer's own reply).
        cases_sudo = self.sudo()
        cases_sudo.write({"date_customer_confirmed": fields.Datetime.now()})
        cases_sudo._close()
        for case in self:
            case.message_post(
                body=message or self.env._("The customer confirmed the installation."),
                subtype_xmlid="mail.mt_note",
            )

    def action_start_return(self):
        """Odoo's return wizard on the delivery, asking the return reason."""
        self.ensure_one()
        self.check_access("write")
        if self.case_type != "quality":
            raise UserError(self.env._("%s: returns start from quality problems.", self.name))
        delivery = self.delivery_id or self.available_delivery_ids[:1]
        if not delivery:
            raise UserError(
                self.env._("%s: there is no done delivery of this product to return.", self.name)
            )
        if delivery not in self.available_delivery_ids:
            raise UserError(
                self.env._("%s: the delivery is not one of the contract's.", self.name)
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return"),
            "res_model": "stock.return.picking",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_id": delivery.id,
                "active_ids": delivery.ids,
                "active_model": "stock.picking",
                "default_backoffice_case_id": self.id,
            },
        }

    def action_create_replacement(self):
        """A new delivery of the product to the customer (Odoo's stock flow)."""
        self.ensure_one()
        self.check_access("write")
        if self.case_type != "quality" or not self.product_id:
            raise UserError(
                self.env._("%s: a replacement is sent for a quality problem's product.", self.name)
            )
        if self.replacement_qty <= 0:
            raise UserError(self.env._("%s: say how many to replace.", self.name))
        warehouse = self.order_id.warehouse_id or self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
        picking_type = warehouse.out_type_id
        if not picking_type:
            raise UserError(self.env._("%s: the company has no delivery type.", self.name))
        customer_location = self.env.ref("stock.stock_location_customers")
        partner = self.order_id.partner_shipping_id or self.partner_id
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": partner.id,
                "origin": self.name,
                "company_id": self.company_id.id,
                "location_id": picking_type.default_location_src_id.id,
                "location_dest_id": customer_location.id,
                "move_ids": [
                    fields.Command.create(
                        {
                            "product_id": self.product_id.id,
                            "product_uom_qty": self.replacement_qty,
                            "product_uom": self.product_id.uom_id.id,
                            "location_id": picking_type.default_location_src_id.id,
                            "location_dest_id": customer_location.id,
                            "company_id": self.company_id.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        self._link_picking(picking)
        return {
            "type": "ir.actions.act_window",
            "res_model": "stock.picking",
            "res_id": picking.id,
            "view_mode": "form",
        }

    def _check_return_delivery(self, picking):
        """A return started from this case: the caller must be allowed to work
        on the case, and the delivery must be the case's."""
        for case in self:
            case.check_access("write")
            if picking not in case.available_delivery_ids:
                raise UserError(
                    self.env._(
                        "%(case)s: %(picking)s is not a delivery of the case's contract.",
                        case=case.name,
                        picking=picking.name,
                    )
                )

    def _link_picking(self, picking):
        self.ensure_one()
        # A transfer the caller just created from this case.
        self.sudo().write({"picking_ids": [fields.Command.link(picking.id)]})
        self._record_response()
        self.message_post(
            body=self.env._("Transfer %s started from this case.", picking.name),
            subtype_xmlid="mail.mt_note",
        )

    def action_view_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("id", "in", self.picking_ids.ids)]
        action["context"] = {"create": False}
        return action

    # ------------------------------------------------------------- reminders
    @api.model
    def _cron_deadline_reminders(self):
        """One reminder to the owner before the response and the resolution
        deadline of each open case, never a second for the same deadline."""
        now = fields.Datetime.now()
        # A handful of policies: one per company and case type.
        policies = self.env["backoffice.case.type.policy"].search([("case_type", "!=", False)])
        lead = max(policies.mapped("reminder_hours"), default=0.0)
        horizon = now + timedelta(hours=lead)
        reminder_by_key = {(p.company_id.id, p.case_type): p.reminder_hours for p in policies}
        for deadline_field, activity_xmlid, reminded_field, done_field in REMINDERS:
            cases = self.search(
                [
                    ("is_closed", "=", False),
                    ("user_id", "!=", False),
                    (reminded_field, "=", False),
                    (done_field, "=", False),
                    (deadline_field, "!=", False),
                    (deadline_field, "<=", horizon),
                ]
            )
            cases = cases.filtered(
                lambda c, f=deadline_field: c[f]
                - timedelta(hours=reminder_by_key.get((c.company_id.id, c.case_type), 0.0))
                <= now
            )
            for batch in batches(cases):
                batch._backoffice_remind(
                    activity_xmlid,
                    user_by_record=lambda c: c.user_id,
                    summary_by_record=lambda c, f=deadline_field: self.env._(
                        "%(case)s: deadline %(date)s",
                        case=c.name,
                        date=fields.Datetime.to_string(c[f]),
                    ),
                    date_deadline=fields.Date.context_today(self),
                )
                # The reminder is sent: remembered so that it is never sent twice.
                batch.sudo().write({reminded_field: True})
                commit_progress(self.env, len(batch))

    # ------------------------------------------------------------ mail gateway
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A case from each message sent to a case team's alias: the customer
        found by the sender's address, the contract by a contract reference in
        the subject."""
        values = dict(custom_values or {})
        company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
        subject = msg_dict.get("subject") or self.env._("No subject")
        email_from = msg_dict.get("email_from") or msg_dict.get("from") or ""
        partner = self.env["res.partner"].browse(msg_dict.get("author_id"))
        if not partner and email_from:
            partner = self._partner_find_from_emails_single([email_from], no_create=False)
        order = self._find_contract(subject, company, partner)
        if order and not partner:
            partner = order.partner_id
        values.update(
            {
                # The reference comes from the sequence, the subject is the subject.
                "name": "/",
                "subject": subject,
                "email_from": email_from,
                "channel": "email",
                "partner_id": partner.id,
                "company_id": company.id,
                "description": msg_dict.get("body") or False,
            }
        )
        values.setdefault("case_type", "enquiry")
        if order:
            values["order_id"] = order.id
        # The gateway's user is no owner: the back office assigns the case.
        return super(BackofficeCase, self.with_context(default_user_id=False)).message_new(
            msg_dict, custom_values=values
        )

    @api.model
    def _find_contract(self, subject, company, partner):
        tokens = set(REFERENCE_TOKEN.findall(subject or ""))
        if not tokens:
            return self.env["sale.order"]
        domain = [("contract_ref", "in", list(tokens)), ("company_id", "=", company.id)]
        if partner:
            domain.append(("partner_id", "child_of", partner.commercial_partner_id.id))
        # Matching an exact contract reference of the company the alias
        # belongs to; the case shows it to whoever may read the case.
        return self.env["sale.order"].sudo().search(domain, limit=1)

    def message_update(self, msg_dict, update_vals=None):
        """A reply lands in the case's chatter (the gateway posts it); a
        customer's reply confirming a scheduled installation closes it."""
        res = super().message_update(msg_dict, update_vals=update_vals)
        author = self.env["res.partner"].browse(msg_dict.get("author_id"))
        body = html2plaintext(msg_dict.get("body") or "").lower()
        for case in self:
            if (
                case.installation_state == "scheduled"
                and not case.is_closed
                and author
                and author.commercial_partner_id == case.partner_id.commercial_partner_id
                and any(word in body for word in CONFIRMATION_WORDS)
            ):
                case._do_confirm_installation(
                    self.env._("The customer confirmed the installation by e-mail.")
                )
        return res

    def _message_post_after_hook(self, message, msg_values):
        # A reply written to the customer by an internal user is a response.
        if (
            message.message_type == "comment"
            and message.subtype_id == self.env.ref("mail.mt_comment")
            and any(not user.share for user in message.author_id.user_ids)
            and message.author_id != self.env.ref("base.partner_root")
        ):
            self.filtered(lambda c: not c.date_first_response)._record_response()
        return super()._message_post_after_hook(message, msg_values)

    # ------------------------------------------------------------------ export
    def action_export_xlsx(self):
        return (
            self.env["backoffice.case.report"]
            .search([("case_id", "in", self.ids)])
            .action_export_xlsx()
        )
