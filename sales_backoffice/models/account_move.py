from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare

MANAGER_GROUP = "sales_backoffice.group_backoffice_manager"


class AccountMove(models.Model):
    _inherit = "account.move"

    invoice_check_override_reason = fields.Text(
        copy=False,
        tracking=True,
        help="Why a Back Office Manager posts this invoice although it differs from its contract.",
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

    # -------------------------------------------------------------------- CRUD
    def write(self, vals):
        res = super().write(vals)
        if "state" in vals:
            self.env["backoffice.contract.event"]._sync_invoices(self)
        return res

    # ------------------------------------------------------------ invoice check
    def _post(self, soft=True):
        self._backoffice_check_invoices()
        return super()._post(soft=soft)

    def _backoffice_check_invoices(self):
        """Compare customer invoices with their contracts before posting.

        People are blocked on a mismatch unless they are Back Office Managers who
        gave an override reason; automated flows (superuser) post and the
        mismatch is written in the invoice's chatter.
        """
        for move in self.filtered(
            lambda m: m.move_type == "out_invoice"
            and m.state == "draft"
            and m.company_id.backoffice_invoice_check
        ):
            problems = move._backoffice_invoice_mismatches()
            if not problems:
                continue
            listing = "\n".join(f"- {problem}" for problem in problems)
            if self.env.su:
                move.message_post(
                    body=self.env._(
                        "Posted by an automated flow although the invoice differs from its contract:\n%s",
                        listing,
                    ),
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )
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

    def _backoffice_invoice_mismatches(self):
        """Lines of this customer invoice that differ from their contract: a
        product, unit price or discount other than the order's, a line that is
        on no order, or a quantity beyond what the invoicing policy allows."""
        self.ensure_one()
        lines = self.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        orders = lines.sale_line_ids.order_id
        if not orders:
            return []
        price_digits = self.env["decimal.precision"].precision_get("Product Price")
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
            if line.currency_id == sale_line.currency_id and float_compare(
                line.price_unit, sale_line.price_unit, precision_digits=price_digits
            ):
                problems.append(
                    self.env._(
                        "%(line)s: unit price %(invoiced)s, contract %(ordered)s.",
                        line=label,
                        invoiced=line.price_unit,
                        ordered=sale_line.price_unit,
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
            qty_by_sale_line[sale_line] = qty_by_sale_line.get(sale_line, 0.0) + qty
        for sale_line, qty in qty_by_sale_line.items():
            if sale_line.product_id.invoice_policy == "delivery":
                allowed, basis = sale_line.qty_delivered, self.env._("delivered")
            else:
                allowed, basis = sale_line.product_uom_qty, self.env._("ordered")
            invoiced = qty + sum(
                line.product_uom_id._compute_quantity(line.quantity, sale_line.product_uom_id)
                * -line.move_id.direction_sign
                for line in sale_line.invoice_lines
                if line.move_id != self and line.move_id.state == "posted"
            )
            if sale_line.product_uom_id.compare(invoiced, allowed) > 0:
                problems.append(
                    self.env._(
                        "%(line)s: %(invoiced)s invoiced in all, only %(allowed)s %(basis)s.",
                        line=sale_line.product_id.display_name or sale_line.name,
                        invoiced=invoiced,
                        allowed=allowed,
                        basis=basis,
                    )
                )
        return problems

    # ----------------------------------------------------------------- actions
    def action_backoffice_record_dispatch(self):
        self.ensure_one()
        order = self.invoice_line_ids.sale_line_ids.order_id[:1]
        if not order:
            raise UserError(self.env._("This invoice is not linked to a contract."))
        return order.with_context(
            default_event_type="invoice_dispatched", default_move_id=self.id
        ).action_record_milestone()
