from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# Written by the return registration only (under sudo, after its checks).
PROTECTED_LINE_FIELDS = {"is_consumed", "qty_returned_untracked", "move_ids"}


class BackofficeSampleLine(models.Model):
    _name = "backoffice.sample.line"
    _description = "Sample Registration Item"
    _order = "sample_id, sequence, id desc"
    _check_company_auto = True

    sample_id = fields.Many2one(
        "backoffice.sample", required=True, ondelete="cascade", index=True, check_company=True
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="sample_id.company_id", store=True, index=True)
    state = fields.Selection(related="sample_id.state")
    partner_id = fields.Many2one(related="sample_id.partner_id", store=True)
    user_id = fields.Many2one(related="sample_id.user_id", store=True)
    product_id = fields.Many2one(
        "product.product", domain="[('type', '=', 'consu')]", check_company=True
    )
    description = fields.Char(required=True)
    quantity = fields.Float(default=1.0, digits="Product Unit", required=True)
    uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        compute="_compute_uom_id",
        store=True,
        readonly=False,
        precompute=True,
        default=lambda self: self.env.ref("uom.product_uom_unit"),
    )
    is_returnable = fields.Boolean("Returnable", default=True)
    date_return_due = fields.Date("Return Due")
    is_consumed = fields.Boolean(
        "Consumed",
        readonly=True,
        copy=False,
        help="Declared consumed by the customer: nothing comes back.",
    )
    move_ids = fields.One2many("stock.move", "backoffice_sample_line_id", readonly=True)
    qty_dispatched = fields.Float(compute="_compute_quantities", digits="Product Unit", store=True)
    qty_returned = fields.Float(compute="_compute_quantities", digits="Product Unit", store=True)
    qty_returned_untracked = fields.Float(
        digits="Product Unit",
        readonly=True,
        copy=False,
        help="Returned items that are not stocked (no transfer).",
    )

    @api.onchange("product_id")
    def _onchange_product_id(self):
        if self.product_id and not self.description:
            self.description = self.product_id.display_name

    # -------------------------------------------------------------------- CRUD
    # Items follow their registration: once it has left draft, what was
    # reviewed is what leaves the warehouse. Only the module's own return
    # registration (under sudo) changes them afterwards.
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not self.env.su:
                self._check_protected(vals)
            if not vals.get("description") and vals.get("product_id"):
                vals["description"] = (
                    self.env["product.product"].browse(vals["product_id"]).display_name
                )
        if not self.env.su:
            parents = self.env["backoffice.sample"].browse(
                {vals["sample_id"] for vals in vals_list if vals.get("sample_id")}
            )
            parents._check_items_editable()
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su:
            self._check_protected(vals)
            parents = self.sample_id
            if vals.get("sample_id"):
                parents |= self.env["backoffice.sample"].browse(vals["sample_id"])
            parents._check_items_editable()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if not self.env.su:
            self.sample_id._check_items_editable(states=("draft", "cancel"))

    def _check_protected(self, vals):
        protected = PROTECTED_LINE_FIELDS & set(vals)
        if protected:
            raise UserError(
                self.env._(
                    "%(fields)s change through the return registration only.",
                    fields=", ".join(sorted(protected)),
                )
            )

    @api.depends("product_id")
    def _compute_uom_id(self):
        for line in self:
            if line.product_id:
                line.uom_id = line.product_id.uom_id

    @api.depends(
        "move_ids.state",
        "move_ids.quantity",
        "move_ids.location_dest_id",
        "qty_returned_untracked",
        "sample_id.date_dispatched",
        "quantity",
    )
    def _compute_quantities(self):
        for line in self:
            samples = line.sample_id.company_id.sample_location_id
            dispatched = returned = 0.0
            for move in line.move_ids.filtered(lambda m: m.state == "done"):
                qty = move.product_uom._compute_quantity(move.quantity, line.uom_id)
                if move.location_dest_id == samples:
                    dispatched += qty
                else:
                    returned += qty
            # Items that are not stocked leave and come back without transfers.
            if not line.product_id.is_storable:
                dispatched = line.quantity if line.sample_id.date_dispatched else 0.0
            line.qty_dispatched = dispatched
            line.qty_returned = returned + line.qty_returned_untracked

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            if line.quantity <= 0:
                raise ValidationError(
                    self.env._(
                        "%(sample)s, %(item)s: the quantity must be positive.",
                        sample=line.sample_id.name,
                        item=line.description,
                    )
                )

    @api.constrains("date_return_due", "is_returnable")
    def _check_date_return_due(self):
        for line in self:
            dispatched = line.sample_id.date_dispatched or fields.Date.context_today(line)
            if line.is_returnable and line.date_return_due and line.date_return_due < dispatched:
                raise ValidationError(
                    self.env._(
                        "%(sample)s, %(item)s: the return is due (%(due)s) before the dispatch (%(date)s).",
                        sample=line.sample_id.name,
                        item=line.description,
                        due=line.date_return_due,
                        date=dispatched,
                    )
                )
