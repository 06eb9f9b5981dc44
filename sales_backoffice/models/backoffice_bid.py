from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import cron
from ..tools.xlsx import DATE_FORMAT, MONEY_FORMAT, Column, XlsxWriter
from .backoffice_bid_config import DOCUMENT_TYPES

BID_BOND_STATES = [
    ("none", "None"),
    ("to_pay", "To Pay"),
    ("paid", "Paid"),
    ("refunded", "Refunded"),
    ("forfeited", "Forfeited"),
]
# Deadline field, activity type and reminder memory field, per deadline.
DEADLINES = [
    (
        "date_questions_deadline",
        "sales_backoffice.mail_activity_type_bid_questions",
        "date_questions_reminded",
    ),
    (
        "date_submission_deadline",
        "sales_backoffice.mail_activity_type_bid_submission",
        "date_submission_reminded",
    ),
    ("date_opening", "sales_backoffice.mail_activity_type_bid_opening", "date_opening_reminded"),
]


class BackofficeBid(models.Model):
    _name = "backoffice.bid"
    _inherit = ["mail.thread", "mail.activity.mixin", "backoffice.reminder.mixin"]
    _description = "Tender (Bidding Lead)"
    _order = "date_submission_deadline, id desc"
    _check_company_auto = True

    # ------------------------------------------------------------------ fields
    name = fields.Char("Tender Title", required=True, tracking=True)
    tender_ref = fields.Char("Tender Reference", required=True, index=True, tracking=True)
    purchaser_id = fields.Many2one(
        "res.partner", required=True, index=True, tracking=True, check_company=True
    )
    source_id = fields.Many2one("backoffice.bid.source", index=True, check_company=True)
    source_url = fields.Char("Tender URL")
    region_id = fields.Many2one("res.country.state")
    category_id = fields.Many2one("backoffice.bid.category", tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    budget_amount = fields.Monetary(currency_field="currency_id")
    date_published = fields.Date("Published On")
    date_questions_deadline = fields.Date("Questions Deadline", tracking=True)
    date_submission_deadline = fields.Date("Submission Deadline", tracking=True, index=True)
    date_opening = fields.Date("Bid Opening", tracking=True)
    date_questions_reminded = fields.Date(readonly=True, copy=False)
    date_submission_reminded = fields.Date(readonly=True, copy=False)
    date_opening_reminded = fields.Date(readonly=True, copy=False)
    bid_bond_amount = fields.Monetary(currency_field="currency_id")
    bid_bond_state = fields.Selection(
        BID_BOND_STATES, default="none", required=True, tracking=True
    )
    user_id = fields.Many2one(
        "res.users", string="Salesperson", index=True, tracking=True, check_company=True
    )
    stage_id = fields.Many2one(
        "backoffice.bid.stage",
        required=True,
        index=True,
        tracking=True,
        copy=False,
        default=lambda self: self._default_stage(),
        group_expand="_read_group_stage_ids",
    )
    is_won = fields.Boolean(related="stage_id.is_won", store=True)
    is_lost = fields.Boolean(related="stage_id.is_lost", store=True)
    document_ids = fields.One2many(
        "backoffice.bid.document", "bid_id", string="Documents", copy=True
    )
    question_ids = fields.One2many("backoffice.bid.question", "bid_id", string="Questions")
    has_expiring_document = fields.Boolean(compute="_compute_has_expiring_document")
    our_price = fields.Monetary(currency_field="currency_id", tracking=True)
    winner_name = fields.Char("Winner", tracking=True)
    winning_price = fields.Monetary(currency_field="currency_id", tracking=True)
    lost_reason_id = fields.Many2one("backoffice.bid.lost.reason", tracking=True)
    order_id = fields.Many2one(
        "sale.order", string="Quotation", copy=False, readonly=True, check_company=True
    )
    date_closed = fields.Date(readonly=True, copy=False, help="When the tender was won or lost.")
    win_rate = fields.Float(
        "Win Rate (%)",
        compute="_compute_market",
        store=True,
        aggregator="avg",
        help="100 for a won tender, 0 for a lost one: averaged over decided tenders it is the win rate.",
    )
    price_gap = fields.Monetary(
        currency_field="currency_id",
        compute="_compute_market",
        store=True,
        aggregator="avg",
        help="Our price minus the winning price of a lost tender.",
    )

    _tender_ref_unique = models.Constraint(
        "UNIQUE(tender_ref, purchaser_id, company_id)",
        "This purchaser already has a tender with this reference in this company.",
    )

    @api.model
    def _default_stage(self):
        return self.env["backoffice.bid.stage"].search([], limit=1)

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        # Every stage is a kanban column, empty or not (a handful of records).
        return stages.search([("id", "!=", False)])

    # ---------------------------------------------------------------- computes
    @api.depends("document_ids.is_expiring")
    def _compute_has_expiring_document(self):
        for bid in self:
            bid.has_expiring_document = any(bid.document_ids.mapped("is_expiring"))

    @api.depends("is_won", "is_lost", "our_price", "winning_price")
    def _compute_market(self):
        for bid in self:
            bid.win_rate = 100.0 if bid.is_won else 0.0
            bid.price_gap = (
                bid.our_price - bid.winning_price if bid.is_lost and bid.winning_price else 0.0
            )

    # ------------------------------------------------------------- constraints
    @api.constrains(
        "date_published", "date_questions_deadline", "date_submission_deadline", "date_opening"
    )
    def _check_dates(self):
        for bid in self:
            published, submission = bid.date_published, bid.date_submission_deadline
            for label, deadline in (
                (self.env._("questions deadline"), bid.date_questions_deadline),
                (self.env._("submission deadline"), submission),
                (self.env._("bid opening"), bid.date_opening),
            ):
                if published and deadline and deadline < published:
                    raise ValidationError(
                        self.env._(
                            "%(bid)s: the %(what)s (%(date)s) is before the publication (%(pub)s).",
                            bid=bid.tender_ref,
                            what=label,
                            date=deadline,
                            pub=published,
                        )
                    )
            if submission and bid.date_opening and bid.date_opening < submission:
                raise ValidationError(
                    self.env._(
                        "%s: the bids are opened before the submission deadline.", bid.tender_ref
                    )
                )

    @api.constrains("budget_amount", "our_price", "winning_price", "bid_bond_amount")
    def _check_amounts(self):
        for bid in self:
            if min(bid.budget_amount, bid.our_price, bid.winning_price, bid.bid_bond_amount) < 0:
                raise ValidationError(
                    self.env._("%s: amounts cannot be negative.", bid.tender_ref)
                )

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        bids = super().create(vals_list)
        bids._create_checklist()
        bids.filtered("user_id")._notify_assignment()
        return bids

    def write(self, vals):
        if "stage_id" in vals:
            stage = self.env["backoffice.bid.stage"].browse(vals["stage_id"])
            self._check_stage_allowed(stage)
            closed = stage.is_won or stage.is_lost
            vals["date_closed"] = fields.Date.context_today(self) if closed else False
        assigned = self.filtered(
            lambda bid: vals.get("user_id") and bid.user_id.id != vals["user_id"]
        )
        res = super().write(vals)
        if "category_id" in vals:
            self._create_checklist()
        assigned._notify_assignment()
        return res

    def _check_stage_allowed(self, stage):
        if not stage.requires_documents:
            return
        for bid in self:
            missing = bid.document_ids.filtered(
                lambda doc: doc.is_required and doc.state != "ready"
            )
            if missing:
                raise UserError(
                    self.env._(
                        "%(bid)s cannot move to %(stage)s: these required documents are not ready:\n%(docs)s",
                        bid=bid.tender_ref,
                        stage=stage.name,
                        docs="\n".join(f"- {doc.name}" for doc in missing),
                    )
                )

    # ---------------------------------------------------------------- business
    def _create_checklist(self):
        """Add the category's checklist documents the bid does not have yet."""
        vals_list = []
        for bid in self.filtered("category_id"):
            have = set(bid.document_ids.mapped("name"))
            for template in bid.category_id.template_ids:
                if template.name in have:
                    continue
                deadline = bid.date_submission_deadline
                vals_list.append(
                    {
                        "bid_id": bid.id,
                        "name": template.name,
                        "document_type": template.document_type,
                        "is_required": template.is_required,
                        "user_id": bid.user_id.id,
                        "date_due": fields.Date.subtract(
                            deadline, days=template.days_before_deadline
                        )
                        if deadline
                        else False,
                    }
                )
        self.env["backoffice.bid.document"].create(vals_list)

    def _notify_assignment(self):
        for bid in self:
            bid.message_subscribe(partner_ids=bid.user_id.partner_id.ids)
            bid.message_post(
                body=self.env._("%(user)s is in charge of this tender.", user=bid.user_id.name),
                subtype_xmlid="mail.mt_note",
                partner_ids=bid.user_id.partner_id.ids,
            )
        self._backoffice_remind(
            "sales_backoffice.mail_activity_type_bid_assigned",
            user_by_record=lambda bid: bid.user_id,
            summary_by_record=lambda bid: self.env._("New tender for you: %s", bid.name),
            date_deadline=None,
        )

    @api.model
    def _cron_deadline_reminders(self):
        """One activity per deadline, a configurable number of days ahead,
        never twice for the same deadline. Batched: each batch is committed in
        a cron job, and the memory fields written with its activities make a
        restarted run go on where it stopped; bids a user is saving are skipped
        and reminded by the next run."""
        today = fields.Date.context_today(self)
        open_bids = self.search([("is_won", "=", False), ("is_lost", "=", False)])
        reminded = self.browse()
        work = []
        for date_field, activity_xmlid, memory_field in DEADLINES:
            due = open_bids.filtered(
                lambda bid, f=date_field, m=memory_field: bid[f]
                and today
                <= bid[f]
                <= fields.Date.add(today, days=bid.company_id.bid_reminder_days)
                and bid[m] != bid[f]
            )
            if due:
                work.append((date_field, activity_xmlid, memory_field, due))
        cron.commit_progress(self.env, 0, remaining=sum(len(item[3]) for item in work))
        skipped = self.browse()
        for date_field, activity_xmlid, memory_field, due in work:
            label = (
                self.env["backoffice.bid"]._fields[date_field].get_description(self.env)["string"]
            )
            for batch in cron.batches(due):
                locked, batch_skipped = batch._backoffice_lock_or_skip()
                skipped |= batch_skipped
                for bid in locked:
                    activities = bid._backoffice_remind(
                        activity_xmlid,
                        user_by_record=lambda b: b.user_id,
                        summary_by_record=lambda b, f=date_field, lab=label: self.env._(
                            "%(what)s on %(date)s: %(bid)s", what=lab, date=b[f], bid=b.tender_ref
                        ),
                        date_deadline=bid[date_field],
                    )
                    if activities:
                        reminded |= bid
                    # Remember the deadline, so a moved deadline is reminded again;
                    # the memory fields are readonly bookkeeping of this cron.
                    bid_sudo = bid.sudo()
                    bid_sudo[memory_field] = bid[date_field]
                if cron.commit_progress(self.env, len(batch)) <= 0:
                    # Time is up: Odoo runs the job again for the rest.
                    skipped._backoffice_log_skipped("Tender deadline reminders")
                    return reminded
        skipped._backoffice_log_skipped("Tender deadline reminders")
        return reminded

    # ----------------------------------------------------------------- actions
    def action_mark_won(self):
        self.ensure_one()
        stage = self.env["backoffice.bid.stage"].search([("is_won", "=", True)], limit=1)
        if not stage:
            raise UserError(self.env._("Define a Won stage first."))
        if not self.order_id:
            order = self.env["sale.order"].create(
                {
                    "partner_id": self.purchaser_id.id,
                    "user_id": (self.user_id or self.env.user).id,
                    "company_id": self.company_id.id,
                    "client_order_ref": self.tender_ref,
                    "origin": self.name,
                    "bid_id": self.id,
                }
            )
            self.order_id = order
        self.stage_id = stage
        self.message_post(
            body=self.env._("Won: quotation %s.", self.order_id._get_html_link()),
            subtype_xmlid="mail.mt_note",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "views": [(False, "form")],
        }

    def action_mark_lost(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Tender Lost"),
            "res_model": "backoffice.bid.lost",
            "view_mode": "form",
            "target": "new",
            "context": {"default_bid_id": self.id, "default_our_price": self.our_price},
        }

    def _mark_lost(self, winner_name, winning_price, reason):
        stage = self.env["backoffice.bid.stage"].search([("is_lost", "=", True)], limit=1)
        if not stage:
            raise UserError(self.env._("Define a Lost stage first."))
        self.write(
            {
                "stage_id": stage.id,
                "winner_name": winner_name,
                "winning_price": winning_price,
                "lost_reason_id": reason.id,
            }
        )

    def action_view_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "views": [(False, "form")],
        }

    def action_export_xlsx(self):
        columns = [
            Column(self.env._("Reference"), width=18),
            Column(self.env._("Tender"), width=36),
            Column(self.env._("Purchaser"), width=28),
            Column(self.env._("Source"), width=18),
            Column(self.env._("Region"), width=14),
            Column(self.env._("Category"), width=16),
            Column(self.env._("Salesperson"), width=20),
            Column(self.env._("Stage"), width=12),
            Column(self.env._("Submission Deadline"), DATE_FORMAT),
            Column(self.env._("Budget"), MONEY_FORMAT, total=True),
            Column(self.env._("Our Price"), MONEY_FORMAT, total=True),
            Column(self.env._("Winner"), width=20),
            Column(self.env._("Winning Price"), MONEY_FORMAT, total=True),
        ]
        rows = (
            [
                bid.tender_ref,
                bid.name,
                bid.purchaser_id.display_name,
                bid.source_id.name or "",
                bid.region_id.name or "",
                bid.category_id.name or "",
                bid.user_id.name or "",
                bid.stage_id.name,
                bid.date_submission_deadline,
                bid.budget_amount,
                bid.our_price,
                bid.winner_name or "",
                bid.winning_price,
            ]
            for bid in self
        )
        writer = XlsxWriter()
        writer.add_sheet(self.env._("Tenders"), columns, rows, totals_label=self.env._("Total"))
        return self.env["backoffice.xlsx.download"]._download_action("tenders.xlsx", writer.save())


class BackofficeBidDocument(models.Model):
    _name = "backoffice.bid.document"
    _description = "Tender Document"
    _order = "bid_id, date_due, id desc"
    _check_company_auto = True

    bid_id = fields.Many2one(
        "backoffice.bid", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="bid_id.company_id", store=True, index=True)
    name = fields.Char(required=True)
    document_type = fields.Selection(DOCUMENT_TYPES, required=True, default="other")
    is_required = fields.Boolean("Required", default=True)
    user_id = fields.Many2one("res.users", string="Responsible", check_company=True)
    date_due = fields.Date("Due")
    state = fields.Selection(
        [("todo", "To Prepare"), ("ready", "Ready")], default="todo", required=True
    )
    is_ready = fields.Boolean("Ready", compute="_compute_is_ready", inverse="_inverse_is_ready")
    attachment_ids = fields.Many2many("ir.attachment", string="Files", check_company=True)
    date_expiry = fields.Date("Expires On")
    is_expiring = fields.Boolean(
        compute="_compute_is_expiring",
        store=True,
        help="A certificate that expires before the submission deadline.",
    )

    @api.depends("state")
    def _compute_is_ready(self):
        for document in self:
            document.is_ready = document.state == "ready"

    def _inverse_is_ready(self):
        for document in self:
            document.state = "ready" if document.is_ready else "todo"

    @api.depends("document_type", "date_expiry", "bid_id.date_submission_deadline")
    def _compute_is_expiring(self):
        for document in self:
            deadline = document.bid_id.date_submission_deadline
            document.is_expiring = bool(
                document.document_type == "certificate"
                and document.date_expiry
                and deadline
                and document.date_expiry < deadline
            )


class BackofficeBidQuestion(models.Model):
    _name = "backoffice.bid.question"
    _description = "Tender Question"
    _order = "date_asked desc, id desc"
    _check_company_auto = True

    bid_id = fields.Many2one(
        "backoffice.bid", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="bid_id.company_id", store=True, index=True)
    question = fields.Text(required=True)
    answer = fields.Text()
    date_asked = fields.Date(default=fields.Date.context_today)
    date_answered = fields.Date()
    user_id = fields.Many2one(
        "res.users", string="Asked By", default=lambda self: self.env.user, check_company=True
    )


# ------------------------------------------------------- customer service: mail in
# Tender notices forwarded to an inbox's alias become draft tenders the back
# office completes (Odoo's mail gateway keeps the body and the attachments in
# the tender's chatter).
class BackofficeBidInbox(models.Model):
    _name = "backoffice.bid.inbox"
    _inherit = ["mail.alias.mixin", "mail.thread"]
    _description = "Tender Inbox"
    _order = "name, id desc"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Completed By",
        check_company=True,
        domain="[('share', '=', False)]",
        help="Back-office user who completes the tenders that come in.",
    )

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("backoffice.bid")
        if self.id:
            values["alias_defaults"] = {"company_id": self.company_id.id}
        return values


class BackofficeBidMailGateway(models.Model):
    _inherit = "backoffice.bid"

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        values = dict(custom_values or {})
        company = self.env["res.company"].browse(values.get("company_id")) or self.env.company
        subject = (msg_dict.get("subject") or "").strip() or self.env._("Forwarded tender")
        email_from = msg_dict.get("email_from") or msg_dict.get("from") or ""
        purchaser = self.env["res.partner"].browse(msg_dict.get("author_id"))
        if not purchaser and email_from:
            purchaser = self._partner_find_from_emails_single([email_from], no_create=False)
        message_id = (msg_dict.get("message_id") or "").strip("<>")
        values.update(
            {
                "name": subject,
                "company_id": company.id,
                "purchaser_id": purchaser.id,
                # A placeholder the back office replaces with the notice's own.
                "tender_ref": values.get("tender_ref")
                or f"MAIL-{message_id[:40] or subject[:40]}",
            }
        )
        bid = super().message_new(msg_dict, custom_values=values)
        inbox = self.env["backoffice.bid.inbox"].search(
            [("alias_id.alias_model_id.model", "=", self._name), ("company_id", "=", company.id)],
            limit=1,
        )
        bid.message_post(
            body=self.env._(
                "Tender created from a forwarded notice: complete the reference, the "
                "purchaser and the deadlines."
            ),
            subtype_xmlid="mail.mt_note",
        )
        if inbox.user_id:
            bid._backoffice_remind(
                "mail.mail_activity_data_todo",
                user_by_record=lambda b: inbox.user_id,
                summary_by_record=lambda b: self.env._("Complete the forwarded tender"),
            )
        return bid
