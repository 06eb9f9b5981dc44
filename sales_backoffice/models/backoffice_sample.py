from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import cron
from ..tools.groups import USER_GROUP
from ..tools.xlsx import DATE_FORMAT, MONEY_FORMAT, Column, XlsxWriter
from .backoffice_review_mixin import MANAGER_GROUP

SAMPLE_STATES = [
    ("draft", "Draft"),
    ("to_review", "To Review"),
    ("approved", "Approved"),
    ("dispatched", "Dispatched"),
    ("partially_returned", "Partially Returned"),
    ("done", "Done"),
    ("rejected", "Rejected"),
    ("cancel", "Cancelled"),
]
DIRECTIONS = [("outgoing", "Outgoing"), ("incoming", "Incoming")]
MATERIAL_TYPES = [
    ("sample", "Sample"),
    ("color_card", "Colour Card"),
    ("color_page", "Colour Page"),
    ("brochure", "Brochure"),
    ("document", "Document"),
    ("certificate", "Certificate"),
    ("other", "Other"),
]
SALESMAN_GROUP = "sales_team.group_sale_salesman"
# Fields only the module's own methods change (under sudo, after their checks).
PROTECTED_FIELDS = {
    "state",
    "review_ids",
    "review_round",
    "picking_ids",
    "fee_move_id",
    "verified_by_id",
    "date_verified",
    "date_dispatched",
}
# What was submitted for review stays as it was reviewed.
DRAFT_ONLY_FIELDS = {
    "direction",
    "material_type",
    "company_id",
    "partner_id",
    "order_id",
    "bid_id",
    "line_ids",
    "required_reviews",
}


class BackofficeSample(models.Model):
    _name = "backoffice.sample"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "backoffice.review.mixin",
        "backoffice.reminder.mixin",
    ]
    _description = "Sample and Material Registration"
    _order = "create_date desc, id desc"
    _check_company_auto = True
    _review_requester_field = "requested_by_id"

    # ------------------------------------------------------------------ fields
    name = fields.Char(
        "Reference",
        required=True,
        copy=False,
        readonly=True,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    direction = fields.Selection(DIRECTIONS, required=True, default="outgoing", tracking=True)
    material_type = fields.Selection(
        MATERIAL_TYPES, required=True, default="sample", tracking=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", index=True, tracking=True, check_company=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
    )
    requested_by_id = fields.Many2one(
        "res.users",
        required=True,
        readonly=True,
        tracking=True,
        default=lambda self: self.env.user,
    )
    order_id = fields.Many2one(
        "sale.order", string="Contract", index="btree_not_null", check_company=True
    )
    bid_id = fields.Many2one(
        "backoffice.bid", string="Tender", index="btree_not_null", check_company=True
    )
    purpose = fields.Text()
    line_ids = fields.One2many("backoffice.sample.line", "sample_id", string="Items", copy=True)
    state = fields.Selection(
        SAMPLE_STATES, default="draft", required=True, copy=False, tracking=True, index=True
    )
    required_reviews = fields.Integer(
        copy=False, default=lambda self: self._default_required_reviews(), tracking=True
    )
    review_ids = fields.One2many(
        "backoffice.sample.review", "sample_id", string="Reviews", readonly=True, copy=False
    )
    carrier_partner_id = fields.Many2one(
        "res.partner", string="Carrier", tracking=True, check_company=True
    )
    tracking_ref = fields.Char("Tracking Number", tracking=True)
    date_dispatched = fields.Date(copy=False, readonly=True)
    shipping_fee = fields.Monetary(currency_field="currency_id", tracking=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    fee_move_id = fields.Many2one(
        "account.move", string="Fee Entry", copy=False, readonly=True, check_company=True
    )
    is_fee_paid = fields.Boolean(compute="_compute_is_fee_paid", string="Fee Paid")
    picking_ids = fields.One2many(
        "stock.picking", "backoffice_sample_id", string="Transfers", readonly=True
    )
    picking_count = fields.Integer(compute="_compute_picking_count")
    # Incoming documents
    verified_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    date_verified = fields.Datetime(readonly=True, copy=False)
    date_expiry = fields.Date("Expires On", tracking=True)

    @api.constrains("required_reviews")
    def _check_required_reviews(self):
        for sample in self:
            if sample.required_reviews < 2:
                raise ValidationError(
                    self.env._("%s: a registration needs at least two reviewers.", sample.name)
                )

    @api.model
    def _default_required_reviews(self):
        return max(self.env.company.sample_required_reviews, 2)

    # ---------------------------------------------------------------- computes
    @api.depends("fee_move_id.payment_state")
    def _compute_is_fee_paid(self):
        for sample in self:
            sample.is_fee_paid = sample.fee_move_id.payment_state in (
                "paid",
                "in_payment",
                "reversed",
            )

    @api.depends("picking_ids")
    def _compute_picking_count(self):
        for sample in self:
            sample.picking_count = len(sample.picking_ids)

    def _review_required(self):
        return max(self.required_reviews, 2)

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not self.env.su:
                protected = set(vals) & PROTECTED_FIELDS - {"state"}
                if protected:
                    raise UserError(
                        self.env._(
                            "%(fields)s: reviews, transfers, verification and fee entries come "
                            "from the registration's actions.",
                            fields=", ".join(sorted(protected)),
                        )
                    )
                if vals.get("requested_by_id", self.env.uid) != self.env.uid and not (
                    self.env.user.has_group(MANAGER_GROUP)
                ):
                    raise UserError(
                        self.env._("A registration is requested by whoever enters it.")
                    )
            if vals.get("state", "draft") != "draft":
                raise UserError(
                    self.env._(
                        "A registration starts as a draft and moves on with its actions only."
                    )
                )
            if vals.get("name", self.env._("New")) == self.env._("New"):
                company = (
                    self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                )
                # Drawing the next reference needs no right on the sequences.
                vals["name"] = (
                    self.env["ir.sequence"]
                    .sudo()
                    .with_company(company)
                    .next_by_code("backoffice.sample")
                    or "/"
                )
            vals.setdefault("requested_by_id", self.env.uid)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_writable(vals)
        return super().write(vals)

    def _check_writable(self, vals):
        """What a user may change by hand: nothing the actions own, nothing
        reviewed once it is submitted, nothing at all for a salesperson then."""
        protected = PROTECTED_FIELDS & set(vals)
        if protected:
            raise UserError(
                self.env._(
                    "%(fields)s change through the registration's actions only "
                    "(submit, approve, reject, dispatch, register return, post fee).",
                    fields=", ".join(sorted(protected)),
                )
            )
        if "shipping_fee" in vals and self.filtered("fee_move_id"):
            raise UserError(
                self.env._(
                    "%s: the courier fee is posted; reverse its entry instead.",
                    ", ".join(self.filtered("fee_move_id").mapped("name")),
                )
            )
        submitted = self.filtered(lambda sample: sample.state != "draft")
        if not submitted:
            return
        if not self.env.user.has_group(USER_GROUP):
            raise UserError(
                self.env._("Only the back office changes a registration once it is submitted.")
            )
        if "required_reviews" in vals:
            raise UserError(
                self.env._("The number of reviewers is fixed once a registration is submitted.")
            )
        locked = DRAFT_ONLY_FIELDS & set(vals)
        if locked:
            raise UserError(
                self.env._(
                    "%(samples)s: %(fields)s stay as they were submitted; reset the "
                    "registration to draft to change them.",
                    samples=", ".join(submitted.mapped("name")),
                    fields=", ".join(sorted(locked)),
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(sample.state not in ("draft", "cancel") or sample.review_ids for sample in self):
            raise UserError(self.env._("Only draft registrations without reviews can be deleted."))

    def _set_state(self, state, **extra):
        # Safe: every caller checked the user's group and the records' state
        # before moving them on; the protected fields are written here only.
        samples_sudo = self.sudo()
        samples_sudo.write(dict(extra, state=state))

    # ------------------------------------------------------------------ checks
    def _check_items_editable(self, states=("draft",)):
        for sample in self:
            if sample.state not in states:
                raise UserError(
                    self.env._(
                        "%s has left draft: its items stay as they were submitted.",
                        sample.name,
                    )
                )

    def _check_backoffice_user(self, action):
        if not self.env.su and not self.env.user.has_group(USER_GROUP):
            raise AccessError(
                self.env._("Only a Back Office User may %(action)s a registration.", action=action)
            )

    def _check_owner_or_backoffice(self, action):
        """A salesperson acts on the registrations they asked for or sell."""
        user = self.env.user
        if self.env.su or user.has_group(USER_GROUP):
            return
        if not user.has_group(SALESMAN_GROUP):
            raise AccessError(self.env._("Only sales and back-office users handle samples."))
        foreign = self.filtered(lambda sample: user not in sample.requested_by_id | sample.user_id)
        if foreign:
            raise AccessError(
                self.env._(
                    "%(user)s may not %(action)s %(samples)s: it is not theirs.",
                    user=user.name,
                    action=action,
                    samples=", ".join(foreign.mapped("name")),
                )
            )

    # ----------------------------------------------------------------- actions
    def action_submit(self):
        self._check_owner_or_backoffice(self.env._("submit"))
        for sample in self:
            if sample.state != "draft":
                raise UserError(self.env._("%s is not a draft.", sample.name))
            if not sample.line_ids:
                raise ValidationError(self.env._("%s has no item to register.", sample.name))
        # Outgoing registrations wait for their reviews, incoming documents for
        # their verification.
        self._set_state("to_review")
        return True

    def _open_decide(self, decision):
        self.ensure_one()
        self._check_decidable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Review %s", self.name),
            "res_model": "backoffice.sample.decide",
            "view_mode": "form",
            "target": "new",
            "context": {"default_sample_id": self.id, "default_decision": decision},
        }

    def _check_decidable(self):
        """Raise unless the current user may decide on these registrations now."""
        for sample in self:
            if sample.direction != "outgoing" or sample.state != "to_review":
                raise UserError(self.env._("%s is not waiting for a review.", sample.name))
            refusal = sample._review_refusal(self.env.user)
            if refusal:
                raise AccessError(refusal)

    def action_approve(self):
        """Open the review dialog, set to approve."""
        return self._open_decide("approve")

    def action_reject(self):
        """Open the review dialog, set to reject (a comment is required)."""
        return self._open_decide("reject")

    def _do_approve(self, comment=None):
        for sample in self:
            sample._check_decidable()
            # Locks the row, checks the reviewer again and records the decision.
            sample._review_record("approve", comment)
            if sample._review_is_approved():
                sample._set_state("approved")
                sample.message_post(
                    body=self.env._(
                        "Approved by %s.", ", ".join(sample._review_approvers().mapped("name"))
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return True

    def _do_reject(self, comment):
        for sample in self:
            sample._check_decidable()
            sample._review_record("reject", comment)
            sample._set_state("rejected")
            sample.message_post(
                body=self.env._(
                    "Rejected by %(user)s: %(comment)s", user=self.env.user.name, comment=comment
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_verify(self):
        """Incoming documents: record who checked them and when."""
        self._check_backoffice_user(self.env._("verify"))
        self.lock_for_update()
        for sample in self:
            if sample.direction != "incoming" or sample.state not in ("draft", "to_review"):
                raise UserError(
                    self.env._("Only incoming registrations waiting for a check are verified.")
                )
            refusal = sample._review_refusal(self.env.user)
            if refusal:
                raise UserError(refusal)
            sample._set_state(
                "done", verified_by_id=self.env.uid, date_verified=fields.Datetime.now()
            )
        return True

    def action_dispatch(self):
        self._check_backoffice_user(self.env._("dispatch"))
        # One dispatch per registration, even when two users click at once.
        self.lock_for_update()
        for sample in self:
            if sample.direction != "outgoing":
                raise UserError(self.env._("%s is incoming: nothing to dispatch.", sample.name))
            if sample.state != "approved" or not sample._review_is_approved():
                raise UserError(
                    self.env._(
                        "%(sample)s needs %(count)s approvals before it is dispatched.",
                        sample=sample.name,
                        count=sample._review_required(),
                    )
                )
            sample._dispatch_goods()
            sample._set_state("dispatched", date_dispatched=fields.Date.context_today(sample))
        return True

    def action_register_return(self):
        self.ensure_one()
        self._check_backoffice_user(self.env._("register the return of"))
        self._check_returnable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Register Return"),
            "res_model": "backoffice.sample.return",
            "view_mode": "form",
            "target": "new",
            "context": {"default_sample_id": self.id},
        }

    def _check_returnable(self):
        for sample in self:
            if sample.direction != "outgoing" or sample.state not in (
                "dispatched",
                "partially_returned",
            ):
                raise UserError(self.env._("%s has not been dispatched.", sample.name))

    def action_cancel(self):
        # A salesperson withdraws their own drafts; the back office stops any
        # registration that has not left the warehouse.
        self._check_owner_or_backoffice(self.env._("cancel"))
        backoffice = self.env.su or self.env.user.has_group(USER_GROUP)
        for sample in self:
            if sample.state in ("dispatched", "partially_returned", "done"):
                raise UserError(
                    self.env._(
                        "%s has left the warehouse; register its return instead.", sample.name
                    )
                )
            if sample.state in ("cancel", "rejected"):
                raise UserError(self.env._("%s is already closed.", sample.name))
            if sample.state != "draft" and not backoffice:
                raise AccessError(
                    self.env._(
                        "%s is submitted: only the back office cancels it now.", sample.name
                    )
                )
        self._set_state("cancel")
        return True

    def action_reset_to_draft(self):
        self._check_owner_or_backoffice(self.env._("reset"))
        for sample in self:
            if sample.state not in ("rejected", "cancel"):
                raise UserError(
                    self.env._("Only rejected or cancelled registrations go back to draft.")
                )
        # A new review round starts (see the review mixin): earlier reviews
        # stay on record, the registration needs new approvals.
        self._set_state("draft")
        return True

    def action_view_pickings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("backoffice_sample_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    # ----------------------------------------------------------- stock moves
    def _samples_location(self):
        return self.company_id._backoffice_samples_location()

    def _transfer(self, lines_qty, to_samples):
        """Create and validate an internal transfer of ``{line: qty}`` between
        the warehouse stock and the company's Samples location."""
        self.ensure_one()
        lines_qty = {
            line: qty for line, qty in lines_qty.items() if qty > 0 and line.product_id.is_storable
        }
        if not lines_qty:
            return self.env["stock.picking"]
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company_id.id)], limit=1
        )
        if not warehouse:
            raise UserError(
                self.env._(
                    "Company %s has no warehouse to take samples from.", self.company_id.name
                )
            )
        stock, samples = warehouse.lot_stock_id, self._samples_location()
        source, destination = (stock, samples) if to_samples else (samples, stock)
        # Back-office users move goods for a registration they were allowed to
        # act on; they need no warehouse rights for it.
        picking = (
            self.env["stock.picking"]
            .sudo()
            .create(
                {
                    "picking_type_id": warehouse.int_type_id.id,
                    "location_id": source.id,
                    "location_dest_id": destination.id,
                    "partner_id": self.partner_id.id,
                    "origin": self.name,
                    "backoffice_sample_id": self.id,
                    "company_id": self.company_id.id,
                    "move_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": line.product_id.id,
                                "product_uom_qty": qty,
                                "product_uom": line.uom_id.id,
                                "location_id": source.id,
                                "location_dest_id": destination.id,
                                "backoffice_sample_line_id": line.id,
                                "company_id": self.company_id.id,
                            },
                        )
                        for line, qty in lines_qty.items()
                    ],
                }
            )
        )
        picking.action_confirm()
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        picking.with_context(skip_backorder=True, cancel_backorder=True).button_validate()
        return picking

    def _dispatch_goods(self):
        self._transfer({line: line.quantity for line in self.line_ids}, to_samples=True)

    def _update_return_state(self):
        for sample in self.filtered(lambda s: s.state in ("dispatched", "partially_returned")):
            open_lines = sample.line_ids.filtered(
                lambda line: line.is_returnable
                and not line.is_consumed
                and line.uom_id.compare(line.qty_returned, line.quantity) < 0
            )
            if not open_lines:
                sample._set_state("done")
            elif any(line.qty_returned or line.is_consumed for line in sample.line_ids):
                sample._set_state("partially_returned")

    # --------------------------------------------------------------- courier
    def action_post_fee(self):
        self._check_backoffice_user(self.env._("post the courier fee of"))
        # One fee entry per registration, even when two users click at once.
        self.lock_for_update()
        for sample in self:
            if sample.direction != "outgoing" or sample.state not in (
                "dispatched",
                "partially_returned",
                "done",
            ):
                raise UserError(
                    self.env._("%s has not been dispatched: no courier fee yet.", sample.name)
                )
            if sample.fee_move_id:
                raise UserError(
                    self.env._("The courier fee of %s is already posted.", sample.name)
                )
            if sample.shipping_fee <= 0:
                raise ValidationError(self.env._("%s: enter the shipping fee first.", sample.name))
            move = sample._create_fee_move()
            # Safe: group and state checked above, the entry was just posted.
            sample_sudo = sample.sudo()
            sample_sudo.fee_move_id = move
            sample.message_post(
                body=self.env._("Courier fee posted in %s.", move._get_html_link()),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def _create_fee_move(self):
        self.ensure_one()
        company = self.company_id
        account = company.sample_fee_account_id or self.env["account.account"].with_company(
            company
        ).search(
            [
                ("account_type", "=", "expense"),
                *self.env["account.account"]._check_company_domain(company),
            ],
            limit=1,
        )
        if not account:
            raise UserError(
                self.env._("Set the courier fee expense account in the Sales settings.")
            )
        label = self.env._(
            "Courier fee %(sample)s %(tracking)s",
            sample=self.name,
            tracking=self.tracking_ref or "",
        )
        Move = self.env["account.move"].with_company(company)
        if self.carrier_partner_id:
            move = Move.create(
                {
                    "move_type": "in_invoice",
                    "partner_id": self.carrier_partner_id.id,
                    "invoice_date": fields.Date.context_today(self),
                    "ref": self.tracking_ref or self.name,
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "name": label,
                                "quantity": 1,
                                "price_unit": self.shipping_fee,
                                "account_id": account.id,
                                "tax_ids": [(5, 0, 0)],
                            },
                        )
                    ],
                }
            )
        else:
            journal = company.sample_fee_journal_id
            counterpart = journal.default_account_id if journal else False
            if not journal or not counterpart:
                raise UserError(
                    self.env._(
                        "Without a carrier, set the journal that pays courier fees in the Sales settings."
                    )
                )
            move = Move.create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": fields.Date.context_today(self),
                    "ref": label,
                    "line_ids": [
                        (
                            0,
                            0,
                            {"name": label, "account_id": account.id, "debit": self.shipping_fee},
                        ),
                        (
                            0,
                            0,
                            {
                                "name": label,
                                "account_id": counterpart.id,
                                "credit": self.shipping_fee,
                            },
                        ),
                    ],
                }
            )
        move.action_post()
        return move

    # ------------------------------------------------------------- reminders
    @api.model
    def _cron_remind_samples(self):
        """Daily: remind salespeople of overdue returns and of incoming documents
        about to expire (one open activity per registration)."""
        today = fields.Date.context_today(self)
        overdue = (
            self.env["backoffice.sample.line"]
            .search(
                [
                    ("sample_id.state", "in", ("dispatched", "partially_returned")),
                    ("is_returnable", "=", True),
                    ("is_consumed", "=", False),
                    ("date_return_due", "<", today),
                ]
            )
            .filtered(lambda line: line.uom_id.compare(line.qty_returned, line.quantity) < 0)
            .sample_id
        )
        candidates = self.search(
            [
                ("direction", "=", "incoming"),
                ("state", "=", "done"),
                ("date_expiry", ">=", fields.Date.subtract(today, days=30)),
            ]
        )
        expiring = candidates.filtered(
            lambda sample: sample.date_expiry
            <= fields.Date.add(today, days=sample.company_id.sample_expiry_warning_days)
        )
        # Batched and resumable: a record with an open reminder is skipped, so
        # a restarted run goes on where the committed batches stopped.
        cron.commit_progress(self.env, 0, remaining=len(overdue) + len(expiring))
        _activities, finished = overdue._backoffice_remind_batched(
            "sales_backoffice.mail_activity_type_sample_return",
            "Sample return reminders",
            user_by_record=lambda sample: sample.user_id,
            summary_by_record=lambda sample: self.env._("Samples of %s are due back", sample.name),
        )
        if finished:
            expiring._backoffice_remind_batched(
                "sales_backoffice.mail_activity_type_document_expiry",
                "Document expiry reminders",
                user_by_record=lambda sample: sample.user_id,
                summary_by_record=lambda sample: self.env._(
                    "%(document)s of %(customer)s expires on %(date)s",
                    document=sample.name,
                    customer=sample.partner_id.display_name or "",
                    date=sample.date_expiry,
                ),
            )
        return overdue | expiring

    # ------------------------------------------------------------------ export
    def action_export_xlsx(self):
        if not self.env.su and not self.env.user.has_group(SALESMAN_GROUP):
            raise AccessError(self.env._("Only sales and back-office users export samples."))
        # Reading the rows below applies the caller's access rules.
        self.check_access("read")
        types = dict(MATERIAL_TYPES)
        states = dict(self._fields["state"]._description_selection(self.env))
        columns = [
            Column(self.env._("Reference"), width=16),
            Column(self.env._("Direction"), width=10),
            Column(self.env._("Type"), width=14),
            Column(self.env._("Customer"), width=28),
            Column(self.env._("Salesperson"), width=22),
            Column(self.env._("Status"), width=16),
            Column(self.env._("Dispatched"), DATE_FORMAT),
            Column(self.env._("Items"), width=40),
            Column(self.env._("Approvals"), "0"),
            Column(self.env._("Carrier"), width=20),
            Column(self.env._("Tracking Number"), width=20),
            Column(self.env._("Shipping Fee"), MONEY_FORMAT, total=True),
            Column(self.env._("Fee Paid"), width=10),
        ]
        rows = (
            [
                sample.name,
                sample.direction,
                types[sample.material_type],
                sample.partner_id.display_name or "",
                sample.user_id.name or "",
                states[sample.state],
                sample.date_dispatched,
                "; ".join(f"{line.quantity:g} x {line.description}" for line in sample.line_ids),
                sample.review_approval_count,
                sample.carrier_partner_id.name or "",
                sample.tracking_ref or "",
                sample.shipping_fee,
                self.env._("Yes") if sample.is_fee_paid else "",
            ]
            for sample in self
        )
        writer = XlsxWriter()
        writer.add_sheet(self.env._("Samples"), columns, rows, totals_label=self.env._("Total"))
        return self.env["backoffice.xlsx.download"]._download_action("samples.xlsx", writer.save())
