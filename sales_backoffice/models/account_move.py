from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare

from ..tools.groups import MANAGER_GROUP

CHECKED_MOVE_TYPES = ("out_invoice", "out_refund")


class AccountMove(models.Model):
    _inherit = "account.move"

    invoice_check_override_reason = fields.Text(
        copy=False,
        tracking=True,
        help="Why a Back Office Manager posts this invoice although it differs from its contract.",
    )
    # Kept by the module from the lines' order links when the invoice is
    # created or posted, so that unlinking the lines afterwards does not take
    # the invoice out of the invoice check.
    backoffice_order_ids = fields.Many2many(
        "sale.order",
        "account_move_backoffice_order_rel",
        "move_id",
        "order_id",
        string="Contracts",
        copy=False,
        readonly=True,
        check_company=True,
    )
    contract_event_ids = fields.One2many("backoffice.contract.event", "move_id")
    date_dispatched = fields.Date(
        compute="_compute_date_dispatched",
        help="When the invoice was last sent to the customer, as recorded by the back office.",
    )

    def _compute_date_dispatched(self):
        for move in self:
            dispatched = move.contract_event_ids.filtered(
                lambda e: e.event_type == "invoice_dispatched"
            )
            move.date_dispatched = max(dispatched.mapped("date"), default=False)

    @api.ondelete(at_uninstall=False)
    def _unlink_backoffice_events(self):
        self.env["backoffice.contract.event"]._unlink_for_documents("move_id", self)

    # ------------------------------------------------------------- constraints
    def _validate_fields(self, field_names, excluded_names=()):
        # Constraint methods run as superuser; this check depends on who
        # writes, so it runs here, in the writer's environment.
        field_names = set(field_names)
        res = super()._validate_fields(field_names, excluded_names)
        if field_names & {"auto_post", "invoice_line_ids"}:
            self._check_backoffice_auto_post()
        return res

    def _check_backoffice_auto_post(self):
        """Scheduling an invoice that differs from its contract would have the
        scheduler post it as superuser: only a Back Office Manager may."""
        if self.env.su or self.env.user.has_group(MANAGER_GROUP):
            return
        for move in self:
            if move.auto_post == "no" or not move._backoffice_is_checked():
                continue
            problems = move._backoffice_invoice_mismatches()
            if problems:
                raise ValidationError(
                    self.env._(
                        "Invoice %(invoice)s differs from its contract and cannot be scheduled "
                        "for automatic posting:\n%(problems)s\nAsk a Back Office Manager to "
                        "review it.",
                        invoice=move.display_name,
                        problems="\n".join(f"- {problem}" for problem in problems),
                    )
                )

    # -------------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._backoffice_check_protected_vals(vals)
        moves = super().create(vals_list)
        moves._backoffice_link_orders()
        return moves

    def write(self, vals):
        if not self.env.su:
            self._backoffice_check_protected_vals(vals)
        if vals.get("state") == "draft":
            # An override was given for the invoice as it was; a new version needs a new one.
            vals = {**vals, "invoice_check_override_reason": False}
        res = super().write(vals)
        if "state" in vals:
            self.env["backoffice.contract.event"]._sync_invoices(self)
        return res

    @api.model
    def _backoffice_check_protected_vals(self, vals):
        if "backoffice_order_ids" in vals:
            raise AccessError(self.env._("The contracts of an invoice follow its order lines."))
        if "invoice_check_override_reason" in vals and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only a Back Office Manager may give an invoice check override reason.")
            )

    def _backoffice_link_orders(self):
        """Remember the contracts of customer invoices and credit notes.

        The module's own bookkeeping of what the lines came from, written in
        one statement for all moves: a write per move would resynchronise
        each move's journal items (account.move.write) for a field they do
        not depend on, which made invoicing hundreds of contracts at once
        several times slower."""
        pairs = [
            (move.id, order.id)
            for move in self.filtered(lambda m: m.move_type in CHECKED_MOVE_TYPES)
            for order in move.invoice_line_ids.sale_line_ids.order_id - move.backoffice_order_ids
        ]
        if not pairs:
            return
        move_ids, order_ids = zip(*pairs, strict=True)
        self.env.cr.execute(
            SQL(
                "INSERT INTO account_move_backoffice_order_rel (move_id, order_id) "
                "SELECT * FROM unnest(%s::int[], %s::int[]) ON CONFLICT DO NOTHING",
                list(move_ids),
                list(order_ids),
            )
        )
        moves = self.browse(set(move_ids))
        moves.invalidate_recordset(["backoffice_order_ids"])
        moves.modified(["backoffice_order_ids"])

    # ------------------------------------------------------------ invoice check
    def _post(self, soft=True):
        today = fields.Date.context_today(self)
        # A soft post (the scheduler) leaves future entries for their date.
        to_post = self.filtered(lambda m: m.date <= today) if soft else self
        to_post._backoffice_check_invoices()
        return super()._post(soft=soft)

    def _backoffice_is_checked(self):
        self.ensure_one()
        return (
            self.move_type in CHECKED_MOVE_TYPES
            and self.state == "draft"
            and self.company_id.backoffice_invoice_check
        )

    def _backoffice_check_invoices(self):
        """Compare customer invoices and credit notes with their contracts
        before posting.

        People are blocked on a mismatch unless they are Back Office Managers who
        gave an override reason; automated flows (superuser) post, and the
        mismatch is written in the invoice's chatter with an activity for a
        Back Office Manager.
        """
        self._backoffice_link_orders()
        for move in self.filtered(lambda m: m._backoffice_is_checked()):
            problems = move._backoffice_invoice_mismatches()
            if not problems:
                continue
            listing = "\n".join(f"- {problem}" for problem in problems)
            if self.env.su:
                move._backoffice_record_automated_post(listing)
                continue
            if not self.env.user.has_group(MANAGER_GROUP):
                raise UserError(
                    self.env._(
                        "Invoice %(invoice)s differs from its contract and cannot be posted:\n"
                        "%(problems)s\nAsk a Back Office Manager to review it.",
                        invoice=move.display_name,
                        problems=listing,
                    )
                )
            if not (move.invoice_check_override_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Invoice %(invoice)s differs from its contract:\n%(problems)s\n"
                        "To post it anyway, give an override reason on the invoice.",
                        invoice=move.display_name,
                        problems=listing,
                    )
                )
            move.message_post(
                body=self.env._(
                    "Invoice check overridden by %(user)s: %(reason)s\n%(problems)s",
                    user=self.env.user.name,
                    reason=move.invoice_check_override_reason,
                    problems=listing,
                ),
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    def _backoffice_record_automated_post(self, listing):
        """Automated flows are not blocked: the mismatch goes to the chatter and
        a Back Office Manager of the invoice's company gets an activity."""
        self.ensure_one()
        self.message_post(
            body=self.env._(
                "Posted by an automated flow although the invoice differs from its contract:\n%s",
                listing,
            ),
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        manager = self.company_id._backoffice_manager()
        self.sudo().activity_schedule(
            "mail.mail_activity_data_warning",
            user_id=(manager or self.invoice_user_id or self.env.user).id,
            summary=self.env._(
                "Review invoice %s: posted although it differs from its contract", self.name
            ),
            note=listing,
        )

    def _backoffice_invoice_mismatches(self):
        """Lines of this customer invoice or credit note that differ from their
        contract: a product, unit price (compared in company currency) or
        discount other than the order's, a line that is on no order, a
        quantity beyond what the invoicing policy allows, or a credit note
        beyond what was invoiced."""
        self.ensure_one()
        lines = self.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        orders = lines.sale_line_ids.order_id | self.backoffice_order_ids
        if not orders:
            return []
        price_digits = self.env["decimal.precision"].precision_get("Product Price")
        company = self.company_id
        company_currency = company.currency_id
        date = self.invoice_date or self.date or fields.Date.context_today(self)
        sign = -self.direction_sign  # +1 for invoices, -1 for credit notes
        problems = []
        qty_by_sale_line = {}
        for line in lines:
            sale_line = line.sale_line_ids[:1]
            label = line.product_id.display_name or line.name
            if not sale_line:
                problems.append(
                    self.env._(
                        "%(line)s is not on contract %(orders)s.",
                        line=label,
                        orders=", ".join(orders.mapped("name")),
                    )
                )
                continue
            if sale_line.is_downpayment:
                continue
            if line.product_id != sale_line.product_id:
                problems.append(
                    self.env._(
                        "%(line)s: product differs from the contract's %(product)s.",
                        line=label,
                        product=sale_line.product_id.display_name,
                    )
                )
            invoiced_price = line.currency_id._convert(
                line.price_unit, company_currency, company, date, round=False
            )
            ordered_price = sale_line.currency_id._convert(
                sale_line.price_unit, company_currency, company, date, round=False
            )
            if float_compare(invoiced_price, ordered_price, precision_digits=price_digits):
                problems.append(
                    self.env._(
                        "%(line)s: unit price %(invoiced)s %(invoice_currency)s, contract "
                        "%(ordered)s %(order_currency)s.",
                        line=label,
                        invoiced=line.price_unit,
                        invoice_currency=line.currency_id.name,
                        ordered=sale_line.price_unit,
                        order_currency=sale_line.currency_id.name,
                    )
                )
            if float_compare(line.discount, sale_line.discount, precision_digits=2):
                problems.append(
                    self.env._(
                        "%(line)s: discount %(invoiced)s%%, contract %(ordered)s%%.",
                        line=label,
                        invoiced=line.discount,
                        ordered=sale_line.discount,
                    )
                )
            qty = line.product_uom_id._compute_quantity(line.quantity, sale_line.product_uom_id)
            qty_by_sale_line[sale_line] = qty_by_sale_line.get(sale_line, 0.0) + sign * qty
        for sale_line, qty in qty_by_sale_line.items():
            label = sale_line.product_id.display_name or sale_line.name
            uom = sale_line.product_uom_id
            invoiced_before = sum(
                line.product_uom_id._compute_quantity(line.quantity, uom)
                * -line.move_id.direction_sign
                for line in sale_line.invoice_lines
                if line.move_id != self and line.move_id.state == "posted"
            )
            invoiced = invoiced_before + qty
            if sign < 0:
                if uom.compare(invoiced, 0.0) < 0:
                    problems.append(
                        self.env._(
                            "%(line)s: %(credited)s credited, only %(invoiced)s invoiced.",
                            line=label,
                            credited=-qty,
                            invoiced=invoiced_before,
                        )
                    )
                continue
            if sale_line.product_id.invoice_policy == "delivery":
                allowed, basis = sale_line.qty_delivered, self.env._("delivered")
            else:
                allowed, basis = sale_line.product_uom_qty, self.env._("ordered")
            if uom.compare(invoiced, allowed) > 0:
                problems.append(
                    self.env._(
                        "%(line)s: %(invoiced)s invoiced in all, only %(allowed)s %(basis)s.",
                        line=label,
                        invoiced=invoiced,
                        allowed=allowed,
                        basis=basis,
                    )
                )
        return problems

    # ----------------------------------------------------------------- actions
    def action_backoffice_record_dispatch(self):
        self.ensure_one()
        order = (self.invoice_line_ids.sale_line_ids.order_id | self.backoffice_order_ids)[:1]
        if not order:
            raise UserError(self.env._("This invoice is not linked to a contract."))
        return order.with_context(
            default_event_type="invoice_dispatched", default_move_id=self.id
        ).action_record_milestone()
