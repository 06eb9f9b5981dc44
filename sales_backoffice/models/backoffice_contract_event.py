from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.context import without_defaults

EVENT_TYPES = [
    ("signed", "Signed"),
    ("signed_copy_returned", "Signed Copy Returned"),
    ("original_archived", "Original Archived"),
    ("delivery", "Delivery"),
    ("return", "Return"),
    ("invoice", "Invoice"),
    ("refund", "Credit Note"),
    ("invoice_dispatched", "Invoice Dispatched"),
    ("payment", "Payment"),
    ("acceptance", "Acceptance"),
    ("installation", "Installation / Training"),
    ("quality_issue", "Quality Issue"),
    ("note", "Note"),
]
# Events that come from Odoo's documents and follow them; never entered by hand.
DOCUMENT_EVENT_TYPES = ("delivery", "return", "invoice", "refund", "payment")
# The contract figure each document event counts in.
DOCUMENT_EVENT_MEASURES = {
    "delivery": "delivered",
    "return": "delivered",
    "invoice": "invoiced",
    "refund": "invoiced",
    "payment": "collected",
}
# Milestones people record; each of these updates a date on the contract.
MANUAL_EVENT_TYPES = tuple(key for key, _label in EVENT_TYPES if key not in DOCUMENT_EVENT_TYPES)
# What people may record by hand: the signature comes with the confirmation.
USER_EVENT_TYPES = tuple(key for key in MANUAL_EVENT_TYPES if key != "signed")
# Written by the module's own sync code only (under sudo): the links and
# figures that make an event a fact about a document.
DOCUMENT_FIELDS = {
    "picking_id",
    "partial_id",
    "res_model",
    "res_id",
    "invoice_share",
    "amount_total",
    "date_due",
}
# The records an event may name as its source, read for its label.
SOURCE_MODELS = ("sale.order", "stock.picking", "account.move", "account.payment")
DISPATCH_METHODS = [
    ("courier", "Courier"),
    ("post", "Post"),
    ("email", "Email"),
    ("portal", "Customer Portal"),
    ("hand", "By Hand"),
]


class BackofficeContractEvent(models.Model):
    _name = "backoffice.contract.event"
    _description = "Contract Performance Event"
    _order = "date desc, id desc"
    _rec_name = "event_type"
    _check_company_auto = True

    # ------------------------------------------------------------------ fields
    order_id = fields.Many2one(
        "sale.order",
        string="Contract",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="order_id.partner_id", store=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    event_type = fields.Selection(EVENT_TYPES, required=True, index=True)
    is_document_event = fields.Boolean(compute="_compute_is_document_event")
    amount = fields.Monetary(
        currency_field="currency_id",
        help="Signed, in company currency: net of taxes for deliveries, returns and "
        "invoices, tax included for payments.",
    )
    amount_total = fields.Monetary(
        currency_field="currency_id",
        help="Invoices and credit notes: this contract's part of the total, taxes included.",
    )
    invoice_share = fields.Float(
        digits=(16, 6),
        help="Invoices and credit notes: the part of the document that belongs to this contract.",
    )
    res_model = fields.Char("Source Model", readonly=True)
    res_id = fields.Many2oneReference("Source Record", model_field="res_model", readonly=True)
    source_name = fields.Char(compute="_compute_source_name")
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, string="Recorded By"
    )
    note = fields.Text()
    # Links that make a document event vanish with its document.
    picking_id = fields.Many2one(
        "stock.picking", ondelete="cascade", index="btree_not_null", check_company=True
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        ondelete="cascade",
        index="btree_not_null",
        check_company=True,
    )
    partial_id = fields.Many2one(
        "account.partial.reconcile", ondelete="cascade", index="btree_not_null"
    )
    date_due = fields.Date(help="Invoices: due date.")
    # Returns
    return_reason_id = fields.Many2one(
        "backoffice.return.reason", ondelete="restrict", check_company=True
    )
    needs_redelivery = fields.Boolean()
    # Invoice dispatch
    dispatch_method = fields.Selection(DISPATCH_METHODS)
    carrier_name = fields.Char("Courier")
    tracking_ref = fields.Char("Tracking Number")

    # ---------------------------------------------------------------- computes
    @api.depends("event_type")
    def _compute_is_document_event(self):
        for event in self:
            event.is_document_event = event.event_type in DOCUMENT_EVENT_TYPES

    def _source_record(self):
        """The document this event stands for, from the links the module set:
        the transfer, the invoice, the payment (or the entry that paid), and
        for milestones the dispatched invoice or the contract itself."""
        self.ensure_one()
        if self.event_type in ("delivery", "return"):
            return self.picking_id
        if self.event_type == "payment" and self.res_model in SOURCE_MODELS and self.res_id:
            return self.env[self.res_model].browse(self.res_id)
        if self.event_type in DOCUMENT_EVENT_TYPES:
            return self.move_id
        return self.move_id or self.order_id

    @api.depends("event_type", "res_model", "res_id", "move_id", "picking_id", "order_id")
    def _compute_source_name(self):
        for event in self:
            record = event._source_record()
            # Only the names of the documents the event is linked to (known
            # models, links written by the module or checked against the
            # contract), which whoever reads the event may know about.
            record_sudo = record.sudo()
            event.source_name = (
                record_sudo.display_name if record_sudo and record_sudo.exists() else False
            )

    # ------------------------------------------------------------- constraints
    @api.constrains("amount", "event_type")
    def _check_manual_amount(self):
        for event in self:
            if event.event_type in MANUAL_EVENT_TYPES and event.amount < 0:
                raise ValidationError(
                    self.env._(
                        "%(contract)s: the amount of a '%(type)s' milestone cannot be negative.",
                        contract=event.order_id.display_name,
                        type=event._fields["event_type"].convert_to_export(
                            event.event_type, event
                        ),
                    )
                )

    @api.constrains("date", "event_type", "order_id")
    def _check_date_after_signature(self):
        for event in self:
            signed = event.order_id.date_contract_signed
            if (
                event.event_type in MANUAL_EVENT_TYPES
                and event.event_type != "signed"
                and signed
                and event.date < signed
            ):
                raise ValidationError(
                    self.env._(
                        "%(contract)s: the date of '%(type)s' (%(date)s) is before the "
                        "contract was signed (%(signed)s).",
                        contract=event.order_id.display_name,
                        type=event._fields["event_type"].convert_to_export(
                            event.event_type, event
                        ),
                        date=event.date,
                        signed=signed,
                    )
                )

    @api.constrains("event_type", "move_id", "dispatch_method")
    def _check_dispatch(self):
        for event in self:
            if event.event_type == "invoice_dispatched" and not event.dispatch_method:
                raise ValidationError(self.env._("Say how the invoice was dispatched."))

    @api.model
    def _today_for(self, order):
        """Today in this user's time zone, but never before the contract's
        signature: the user who confirmed it may live a day ahead."""
        today = fields.Date.context_today(self)
        signed = order.sudo().date_contract_signed
        return max(today, signed) if signed else today

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                if vals.get("event_type") in DOCUMENT_EVENT_TYPES:
                    raise ValidationError(
                        self.env._(
                            "Deliveries, returns, invoices and payments are recorded from "
                            "their documents; they cannot be entered by hand."
                        )
                    )
                self._check_user_vals(vals)
            # A default from the context is client input too.
            self = without_defaults(self, DOCUMENT_FIELDS | {"user_id"})
        if "default_date" not in self.env.context:
            for vals in vals_list:
                if "date" not in vals and vals.get("order_id"):
                    vals["date"] = self._today_for(self.env["sale.order"].browse(vals["order_id"]))
        events = super().create(vals_list)
        if not self.env.su:
            events._check_user_links()
        return events

    def write(self, vals):
        if not self.env.su:
            if any(event.is_document_event for event in self):
                raise ValidationError(
                    self.env._("Events recorded from documents change with their documents only.")
                )
            if "event_type" in vals and vals["event_type"] not in USER_EVENT_TYPES:
                raise ValidationError(
                    self.env._(
                        "A milestone cannot become a delivery, return, invoice, payment or "
                        "signature; those are recorded from their documents."
                    )
                )
            if "order_id" in vals and any(event.order_id.id != vals["order_id"] for event in self):
                raise ValidationError(
                    self.env._("A milestone stays on the contract it was recorded for.")
                )
            self._check_user_vals(vals, create=False)
        res = super().write(vals)
        if not self.env.su and "move_id" in vals:
            self._check_user_links()
        return res

    @api.model
    def _check_user_vals(self, vals, create=True):
        """Refuse the fields only the module's sync code writes."""
        if create and vals.get("event_type") not in USER_EVENT_TYPES:
            raise ValidationError(
                self.env._(
                    "Record a milestone (signed copy returned, original archived, invoice "
                    "dispatched, acceptance, installation, quality issue or note); the "
                    "signature is recorded when the contract is confirmed."
                )
            )
        forged = DOCUMENT_FIELDS & set(vals)
        if forged:
            raise AccessError(
                self.env._(
                    "%(fields)s of a performance event are set from its document only.",
                    fields=", ".join(sorted(forged)),
                )
            )
        user_id = vals.get("user_id")
        if "user_id" in vals and (not create or (user_id and user_id != self.env.uid)):
            raise AccessError(self.env._("A milestone is recorded in the name of who records it."))

    def _check_user_links(self):
        """A milestone names an invoice only when it is a posted invoice or
        credit note of its own contract (the dispatched one)."""
        for event in self.filtered("move_id"):
            # Only compares the chosen invoice with the contract's; nothing is shown.
            order_sudo = event.order_id.sudo()
            contract_moves = order_sudo.invoice_ids.filtered(lambda m: m.state == "posted")
            if event.move_id.id not in contract_moves.ids:
                raise ValidationError(
                    self.env._(
                        "%(contract)s: %(invoice)s is not a posted invoice of this contract.",
                        contract=event.order_id.display_name,
                        invoice=event.move_id.sudo().display_name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_document_event(self):
        if not self.env.su and any(event.is_document_event for event in self):
            raise ValidationError(
                self.env._("Events recorded from documents disappear with their documents only.")
            )

    # ---------------------------------------------------------------- business
    @api.model
    def _unlink_for_documents(self, field_name, documents):
        """Remove the events of documents being deleted. Their foreign keys
        cascade in SQL, where the ORM does not see it; through the ORM, the
        contracts' stored totals follow."""
        self.sudo().search([(field_name, "in", documents.ids)]).unlink()

    def action_open_source(self):
        self.ensure_one()
        record = self._source_record()
        if not record:
            raise UserError(self.env._("This event has no document to open."))
        # Opening it applies the user's own rights on the document.
        record.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": record._name,
            "res_id": record.id,
            "views": [(False, "form")],
        }

    # ------------------------------------------------ events from documents
    # Events derived from Odoo's documents are written with sudo(): they are
    # facts about documents the acting user was allowed to process (a delivery
    # validated, an invoice posted, a payment reconciled), and that user usually
    # holds no right on the back office's own models.

    @api.model
    def _record_pickings(self, pickings):
        """Delivery and return events for done customer transfers of contracts."""
        vals_list = []
        for picking in pickings:
            if picking.state != "done":
                continue
            to_customer = picking.location_dest_id.usage == "customer"
            from_customer = picking.location_id.usage == "customer"
            if to_customer == from_customer:
                continue
            value_by_order = {}
            for move in picking.move_ids:
                line = move.sale_line_id
                if move.state != "done" or not line or line.order_id.state != "sale":
                    continue
                qty = move.product_uom._compute_quantity(move.quantity, line.product_uom_id)
                value_by_order.setdefault(line.order_id, 0.0)
                value_by_order[line.order_id] += qty * line.price_reduce_taxexcl
            date = fields.Date.context_today(self, picking.date_done)
            for order, value in value_by_order.items():
                company = order.company_id
                amount = order.currency_id._convert(value, company.currency_id, company, date)
                vals_list.append(
                    {
                        "order_id": order.id,
                        "date": date,
                        "event_type": "delivery" if to_customer else "return",
                        "amount": amount if to_customer else -amount,
                        "picking_id": picking.id,
                        "res_model": "stock.picking",
                        "res_id": picking.id,
                        "return_reason_id": picking.return_reason_id.id,
                        "needs_redelivery": picking.needs_redelivery,
                        "note": picking.return_note,
                        "user_id": self.env.uid,
                    }
                )
        return self.sudo().create(vals_list)

    @api.model
    def _sync_invoices(self, moves):
        """Rebuild the invoice, credit note and payment events of customer
        invoices after a change of state: posted moves get them, draft and
        cancelled ones lose them."""
        invoices = moves.filtered(lambda m: m.move_type in ("out_invoice", "out_refund"))
        if not invoices:
            return self.browse()
        stale = self.sudo().search(
            [("move_id", "in", invoices.ids), ("event_type", "in", DOCUMENT_EVENT_TYPES)]
        )
        stale.unlink()
        vals_list = []
        for move in invoices.filtered(lambda m: m.state == "posted"):
            vals_list += self._invoice_event_vals(move)
        events = self.sudo().create(vals_list)
        partials = invoices.filtered(lambda m: m.state == "posted").line_ids.filtered(
            lambda line: line.display_type == "payment_term"
        )
        partials = partials.matched_debit_ids | partials.matched_credit_ids
        return events | self._record_partials(partials)

    @api.model
    def _invoice_event_vals(self, move):
        untaxed_by_order, total_by_order = {}, {}
        for line in move.invoice_line_ids:
            order = line.sale_line_ids.order_id[:1]
            if not order or line.display_type != "product":
                continue
            untaxed = -line.balance
            ratio = line.price_total / line.price_subtotal if line.price_subtotal else 1.0
            untaxed_by_order[order] = untaxed_by_order.get(order, 0.0) + untaxed
            total_by_order[order] = total_by_order.get(order, 0.0) + untaxed * ratio
        total = move.amount_total_signed
        event_type = "invoice" if move.move_type == "out_invoice" else "refund"
        currency = move.company_currency_id
        return [
            {
                "order_id": order.id,
                "date": move.invoice_date or move.date,
                "event_type": event_type,
                "amount": currency.round(untaxed),
                "amount_total": currency.round(total_by_order[order]),
                "invoice_share": total_by_order[order] / total if total else 1.0,
                "date_due": move.invoice_date_due,
                "move_id": move.id,
                "res_model": "account.move",
                "res_id": move.id,
                "user_id": self.env.uid,
            }
            for order, untaxed in untaxed_by_order.items()
        ]

    @api.model
    def _is_payment_move(self, move):
        """A payment, a bank statement line or a manual entry settling the
        receivable: not an invoice, an exchange difference or a cash basis entry."""
        return (
            move.move_type == "entry"
            and move.journal_id != move.company_id.currency_exchange_journal_id
            and not move.tax_cash_basis_rec_id
        )

    @api.model
    def _record_partials(self, partials):
        """Payment events for reconciliations between a posted customer invoice
        of a contract and a payment, valued at the payment's rate."""
        pairs = []
        for partial in partials:
            for inv_line, pay_line, pay_amount_currency, sign in (
                (partial.debit_move_id, partial.credit_move_id, partial.credit_amount_currency, 1),
                (partial.credit_move_id, partial.debit_move_id, partial.debit_amount_currency, -1),
            ):
                invoice = inv_line.move_id
                if (
                    invoice.move_type in ("out_invoice", "out_refund")
                    and invoice.state == "posted"
                    and self._is_payment_move(pay_line.move_id)
                ):
                    if (
                        pay_line.amount_currency
                        and pay_line.currency_id != pay_line.company_currency_id
                    ):
                        amount = pay_amount_currency * abs(
                            pay_line.balance / pay_line.amount_currency
                        )
                    else:
                        amount = partial.amount
                    pairs.append((partial, invoice, pay_line.move_id, sign * amount))
        if not pairs:
            return self.browse()
        invoices = self.env["account.move"].union(*(pair[1] for pair in pairs))
        shares = self.sudo().search_fetch(
            [("move_id", "in", invoices.ids), ("event_type", "in", ("invoice", "refund"))],
            ["order_id", "move_id", "invoice_share"],
        )
        vals_list = []
        for partial, invoice, pay_move, amount in pairs:
            payment = pay_move.origin_payment_id
            source = payment or pay_move
            for share in shares.filtered(lambda e, inv=invoice: e.move_id == inv):
                vals_list.append(
                    {
                        "order_id": share.order_id.id,
                        "date": pay_move.date,
                        "event_type": "payment",
                        "amount": invoice.company_currency_id.round(amount * share.invoice_share),
                        "partial_id": partial.id,
                        "move_id": invoice.id,
                        "res_model": source._name,
                        "res_id": source.id,
                        "user_id": self.env.uid,
                    }
                )
        return self.sudo().create(vals_list)
