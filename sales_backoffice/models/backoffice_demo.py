"""Demo data that tells the back office's story, made through Odoo's own flows.

Orders are confirmed, delivered through their pickings, returned with Odoo's
return wizard, invoiced, posted and paid with the payment registration wizard;
registrations, claims and tenders move on with the module's own actions, each
done by the demo user whose role it is. Only the dates are set by hand (the
flows stamp "now"), so that six months of work read like six months.
"""

import base64
from datetime import datetime, time, timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

MARKER = "sales_backoffice.demo_contract_01"
# (customer key, salesperson key, order days ago, lines, scenario)
# lines: (product key, quantity); scenario keys, all optional:
#   deliver: "full" | "partial"; ret: ("damaged" | "cancelled", product, qty)
#   redeliver: bool (validate the exchange); invoice: days ago;
#   check: "override" | "blocked"; pay: (fraction, days ago); eur: bool;
#   dispatched: bool; signed_copy: days after the order it came back;
#   milestones: [(event type, days after the order, note)]
CONTRACTS = [
    (
        "deco",
        "sp1",
        175,
        [("pump", 2), ("valve", 6)],
        {
            "deliver": "full",
            "invoice": 168,
            "pay": (1, 140),
            "dispatched": True,
            "signed_copy": 6,
            "milestones": [
                ("original_archived", 9, "Original handed to finance, binder 2026-Q2."),
                ("acceptance", 20, "Acceptance certificate signed by the plant manager."),
            ],
        },
    ),
    (
        "wood",
        "sp2",
        165,
        [("meter", 3), ("kit", 10)],
        {
            "deliver": "full",
            "invoice": 158,
            "pay": (1, 130),
            "dispatched": True,
            "signed_copy": 5,
            "milestones": [("installation", 12, "Meters installed, two operators trained.")],
        },
    ),
    (
        "rhein",
        "sp1",
        155,
        [("pump", 1), ("meter", 2)],
        {"eur": True, "deliver": "full", "invoice": 148, "pay": (1, 120), "dispatched": True},
    ),
    (
        "azure",
        "sp2",
        145,
        [("valve", 12)],
        {
            "deliver": "full",
            "invoice": 138,
            "pay": (1, 110),
            "dispatched": True,
            "signed_copy": 7,
            "milestones": [("original_archived", 10, "Original archived with the tender file.")],
        },
    ),
    (
        "ready",
        "sp1",
        135,
        [("pump", 2), ("kit", 20)],
        {"deliver": "full", "invoice": 128, "dispatched": True},
    ),
    (
        "jackson",
        "sp2",
        140,
        [("meter", 4), ("valve", 4)],
        {
            "deliver": "full",
            "invoice": 132,
            "pay": (0.3, 100),
            "dispatched": True,
            "signed_copy": 8,
        },
    ),
    (
        "deco",
        "sp1",
        125,
        [("pump", 3)],
        {
            "deliver": "full",
            "ret": ("damaged", "pump", 1),
            "redeliver": True,
            "invoice": 110,
            "pay": (1, 85),
            "dispatched": True,
            "signed_copy": 4,
            "milestones": [
                ("quality_issue", 9, "One pump housing cracked in transit; replaced at our cost.")
            ],
        },
    ),
    (
        "wood",
        "sp2",
        115,
        [("valve", 8), ("meter", 1)],
        {"deliver": "full", "invoice": 100, "dispatched": True, "signed_copy": 6},
    ),
    (
        "gemini",
        "sp1",
        105,
        [("pump", 1), ("valve", 5)],
        {"deliver": "full", "invoice": 95, "pay": (0.5, 70)},
    ),
    (
        "azure",
        "sp2",
        95,
        [("meter", 2), ("kit", 15)],
        {
            "deliver": "full",
            "invoice": 88,
            "pay": (1, 60),
            "dispatched": True,
            "signed_copy": 5,
            "milestones": [
                ("original_archived", 8, "Original archived."),
                ("acceptance", 15, "Accepted without reservation."),
            ],
        },
    ),
    (
        "rhein",
        "sp1",
        90,
        [("valve", 10)],
        {"eur": True, "deliver": "full", "invoice": 84, "dispatched": True},
    ),
    (
        "ready",
        "sp2",
        85,
        [("pump", 4), ("kit", 10)],
        {
            "deliver": "partial",
            "invoice": 78,
            "pay": (1, 50),
            "dispatched": True,
            "signed_copy": 6,
        },
    ),
    (
        "jackson",
        "sp1",
        80,
        [("valve", 10), ("meter", 2)],
        {
            "deliver": "full",
            "ret": ("cancelled", "valve", 3),
            "invoice": 70,
            "pay": (1, 45),
            "dispatched": True,
            "signed_copy": 5,
            "milestones": [("original_archived", 7, "Original archived.")],
        },
    ),
    ("deco", "sp2", 75, [("meter", 3)], {"deliver": "full", "invoice": 66}),
    ("wood", "sp1", 70, [("pump", 1), ("kit", 5)], {"deliver": "full", "invoice": 55}),
    (
        "gemini",
        "sp2",
        65,
        [("valve", 6)],
        {
            "deliver": "full",
            "invoice": 48,
            "dispatched": True,
            "signed_copy": 4,
            "milestones": [("installation", 10, "Valves fitted on the cooling loop.")],
        },
    ),
    (
        "azure",
        "sp1",
        60,
        [("pump", 2)],
        {
            "deliver": "full",
            "invoice": 52,
            "check": "override",
            "pay": (1, 20),
            "dispatched": True,
            "signed_copy": 5,
        },
    ),
    (
        "rhein",
        "sp2",
        55,
        [("meter", 3)],
        {"eur": True, "deliver": "full", "invoice": 50, "pay": (0.4, 25)},
    ),
    ("ready", "sp1", 50, [("valve", 4), ("kit", 8)], {"deliver": "full", "invoice": 40}),
    (
        "jackson",
        "sp2",
        45,
        [("pump", 2), ("meter", 2)],
        {"deliver": "partial", "invoice": 38, "pay": (1, 15), "signed_copy": 6},
    ),
    ("deco", "sp1", 40, [("valve", 5)], {"deliver": "full", "invoice": 30, "pay": (0.4, 10)}),
    (
        "wood",
        "sp2",
        35,
        [("pump", 2)],
        {
            "deliver": "full",
            "ret": ("damaged", "pump", 1),
            "milestones": [
                ("quality_issue", 10, "Pump returned with a leaking seal; replacement on its way.")
            ],
        },
    ),
    ("gemini", "sp1", 30, [("meter", 2), ("kit", 4)], {"deliver": "full", "invoice": 22}),
    (
        "azure",
        "sp2",
        28,
        [("valve", 7)],
        {
            "deliver": "full",
            "invoice": 20,
            "pay": (1, 5),
            "dispatched": True,
            "signed_copy": 3,
            "milestones": [("acceptance", 12, "Accepted on site.")],
        },
    ),
    ("ready", "sp1", 25, [("pump", 3), ("valve", 3)], {"deliver": "partial"}),
    ("jackson", "sp2", 20, [("meter", 2)], {"deliver": "full", "invoice": 12, "check": "blocked"}),
    (
        "deco",
        "sp1",
        18,
        [("pump", 1), ("kit", 6)],
        {"deliver": "full", "invoice": 10, "signed_copy": 4},
    ),
    ("wood", "sp2", 15, [("valve", 9)], {"deliver": "partial"}),
    ("gemini", "sp1", 12, [("pump", 2)], {}),
    ("azure", "sp2", 8, [("meter", 1), ("valve", 2)], {"signed_copy": 5}),
    ("ready", "sp1", 5, [("kit", 30)], {}),
    ("rhein", "sp2", 3, [("pump", 1)], {"eur": True}),
]
# EUR per USD: the company's rates over the demo period (days ago, rate).
EUR_RATES = [(200, 0.93), (150, 0.91), (100, 0.94), (60, 0.92), (30, 0.90), (10, 0.89)]
RECEIPT = base64.b64encode(b"%PDF-1.4\n% demo receipt\n")


class BackofficeDemo(models.AbstractModel):
    _name = "backoffice.demo"
    _description = "Back Office Demo Data"

    @api.model
    def _generate(self):
        """Build the demo story once (demo loading calls it on install only)."""
        if self.env.ref(MARKER, raise_if_not_found=False):
            return False
        today = fields.Date.context_today(self)
        ctx = self._demo_setup(today)
        orders = self._demo_contracts(ctx, today)
        self._demo_samples(ctx, today)
        self._demo_claims(ctx, today)
        self._demo_bids(ctx, today)
        # Collection plans
        self._demo_collection_plans(ctx, today)
        self._demo_work_reports(ctx, today)
        self._demo_commissions(ctx, today)
        self._demo_cases(ctx, orders)
        # The daily classification, so the classes come from the thresholds.
        self.env["sale.order"]._cron_classify_receivables()
        self._demo_dunning(ctx, today)
        self._demo_statements(ctx)
        # Last: the credit check it turns on would stop the flows above.
        self._demo_credit(ctx)
        return orders.ids

    # ---------------------------------------------------------------- dunning
    def _demo_dunning(self, ctx, today):
        """Dunning by level: the daily run of the last four days (so the
        oldest debts climbed several levels), then a promise to pay recorded
        by a salesperson on one of their contracts at the first level."""
        Log = self.env["backoffice.dunning.log"]
        for days_ago in (3, 2, 1, 0):
            Log._run_dunning(run_date=today - timedelta(days=days_ago))
        first_level = self.env["sale.order"].search(
            [
                ("company_id", "=", ctx["company"].id),
                ("dunning_level_id", "=", self._ref("dunning_level_reminder").id),
                ("user_id", "in", (ctx["users"]["sp1"] | ctx["users"]["sp2"]).ids),
            ],
            limit=1,
        )
        if first_level:
            due = first_level.contract_performance_id.amount_receivable
            first_level.with_user(first_level.user_id)._do_promise_payment(
                today + timedelta(days=10), round(due / 2, 2)
            )

    # ------------------------------------------------------------------ setup
    def _ref(self, xmlid):
        return self.env.ref(f"sales_backoffice.{xmlid}")

    def _register_xmlids(self, records_by_name):
        self.env["ir.model.data"]._update_xmlids(
            [
                {"xml_id": f"sales_backoffice.{name}", "record": record, "noupdate": True}
                for name, record in records_by_name.items()
            ]
        )

    def _demo_setup(self, today):
        company = self.env.ref("base.main_company")
        # The controls the module switches on at install, on for the story too.
        company.write(
            {"backoffice_return_reason_required": True, "backoffice_invoice_check": True}
        )
        users = {
            "bo": self._ref("user_backoffice_user_demo"),
            "bo2": self._ref("user_backoffice_user2_demo"),
            "manager": self._ref("user_backoffice_manager_demo"),
            "sp1": self._ref("user_salesperson_demo"),
            "sp2": self._ref("user_salesperson2_demo"),
            "billing": self._ref("user_billing_demo"),
            "admin": self.env.ref("base.user_admin"),
        }
        eur = self.env.ref("base.EUR")
        eur.active = True
        self.env["res.currency.rate"].create(
            [
                {
                    "currency_id": eur.id,
                    "company_id": company.id,
                    "name": today - timedelta(days=days),
                    "rate": rate,
                }
                for days, rate in EUR_RATES
            ]
        )
        eur_pricelist = self.env["product.pricelist"].create(
            {"name": "Export (EUR)", "currency_id": eur.id, "company_id": company.id}
        )
        rhein = self.env["res.partner"].create(
            {
                "name": "Rhein Anlagenbau GmbH",
                "is_company": True,
                "city": "Köln",
                "country_id": self.env.ref("base.de").id,
                "email": "einkauf@rhein-anlagenbau.example",
                "property_product_pricelist": eur_pricelist.id,
            }
        )
        partners = {
            "deco": self.env.ref("base.res_partner_2"),
            "wood": self.env.ref("base.res_partner_1"),
            "gemini": self.env.ref("base.res_partner_3"),
            "azure": self.env.ref("base.res_partner_12"),
            "ready": self.env.ref("base.res_partner_4"),
            "jackson": self.env.ref("base.res_partner_10"),
            "rhein": rhein,
        }
        category = self.env.ref("product.product_category_goods", raise_if_not_found=False)
        products = {}
        for key, name, price, policy in (
            ("pump", "Booster Pump BP-200", 1850.0, "delivery"),
            ("valve", "Control Valve CV-40", 240.0, "delivery"),
            ("meter", "Flow Meter FM-10", 560.0, "delivery"),
            ("kit", "Pipe Fitting Kit", 45.0, "order"),
        ):
            vals = {
                "name": name,
                "type": "consu",
                "is_storable": True,
                "list_price": price,
                "invoice_policy": policy,
                "company_id": False,
            }
            if category:
                vals["categ_id"] = category.id
            products[key] = self.env["product.product"].create(vals)
        products["card"] = self.env["product.product"].create(
            {"name": "RAL Colour Card", "type": "consu", "list_price": 0.0}
        )
        warehouse = self.env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        # Opening stock through an inventory adjustment.
        quants = (
            self.env["stock.quant"]
            .with_context(inventory_mode=True)
            .create(
                [
                    {
                        "product_id": products[key].id,
                        "location_id": warehouse.lot_stock_id.id,
                        "inventory_quantity": 500,
                    }
                    for key in ("pump", "valve", "meter", "kit")
                ]
            )
        )
        quants.action_apply_inventory()
        self._register_xmlids(
            {f"product_{key}_demo": product for key, product in products.items()}
        )
        return {
            "company": company,
            "users": users,
            "partners": partners,
            "products": products,
            "eur": eur,
            "eur_pricelist": eur_pricelist,
            "warehouse": warehouse,
            "term": self.env.ref("account.account_payment_term_30days"),
        }

    @staticmethod
    def _at(day, hour=10):
        return datetime.combine(day, time(hour, 0))

    # -------------------------------------------------------------- contracts
    def _demo_contracts(self, ctx, today):
        users, partners, products = ctx["users"], ctx["partners"], ctx["products"]
        specs = [
            {
                "index": index,
                "partner": partners[partner],
                "user": users[user],
                "date": today - timedelta(days=days),
                "lines": lines,
                **scenario,
            }
            for index, (partner, user, days, lines, scenario) in enumerate(CONTRACTS, start=1)
        ]
        # Salespeople enter their orders and confirm them, all at once.
        orders = self.env["sale.order"]
        for user in (users["sp1"], users["sp2"]):
            mine = [spec for spec in specs if spec["user"] == user]
            vals_list = []
            for spec in mine:
                vals = {
                    "partner_id": spec["partner"].id,
                    "user_id": user.id,
                    "company_id": ctx["company"].id,
                    "warehouse_id": ctx["warehouse"].id,
                    "date_order": self._at(spec["date"]),
                    "date_contract_signed": spec["date"],
                    "payment_term_id": ctx["term"].id,
                    "client_order_ref": f"PO-{spec['date']:%y%m}-{spec['index']:03d}",
                    "order_line": [
                        Command.create({"product_id": products[key].id, "product_uom_qty": qty})
                        for key, qty in spec["lines"]
                    ],
                }
                if spec.get("eur"):
                    vals["pricelist_id"] = ctx["eur_pricelist"].id
                vals_list.append(vals)
            created = self.env["sale.order"].with_user(user).create(vals_list)
            for spec, order in zip(mine, created, strict=True):
                spec["order"] = order.sudo()
            created.action_confirm()
            orders |= created.sudo()
        # Confirmation stamps "now"; the contracts were signed months ago.
        for spec in specs:
            spec["order"].date_order = self._at(spec["date"])
        self._register_xmlids(
            {f"demo_contract_{spec['index']:02d}": spec["order"] for spec in specs}
        )
        self._demo_deliveries(ctx, specs, today)
        self._demo_invoices(ctx, specs)
        self._demo_payments(ctx, specs)
        self._demo_milestones(ctx, specs)
        return orders

    def _demo_deliveries(self, ctx, specs, today):
        """Deliver, return with a reason, redeliver; then date the transfers."""
        # The warehouse validates without the SMS and backorder dialogs.
        stock_env = self.env(
            user=ctx["users"]["admin"],
            context=dict(self.env.context, skip_sms=True, skip_backorder=True),
        )
        dated = {}
        first = stock_env["stock.picking"]
        for spec in specs:
            if not spec.get("deliver"):
                continue
            picking = spec["order"].picking_ids.filtered(lambda p: p.state == "assigned")[:1]
            picking = stock_env["stock.picking"].browse(picking.id)
            for move in picking.move_ids:
                move.quantity = (
                    move.product_uom_qty
                    if spec["deliver"] == "full"
                    else max(1, int(move.product_uom_qty // 2))
                )
                move.picked = True
            first |= picking
            dated[picking] = spec["date"] + timedelta(
                days=4 if spec["date"] < today - timedelta(days=8) else 1
            )
        # One validation for every first delivery; partial ones leave a backorder.
        self._validate(first)
        to_validate = stock_env["stock.picking"]
        for spec in specs:
            if not spec.get("ret"):
                continue
            reason_key, product_key, qty = spec["ret"]
            reason = self._ref(
                "return_reason_damaged" if reason_key == "damaged" else "return_reason_cancelled"
            )
            delivery = spec["order"].picking_ids.filtered(
                lambda p: p.state == "done" and p.location_dest_id.usage == "customer"
            )[:1]
            wizard = (
                stock_env["stock.return.picking"]
                .with_context(active_id=delivery.id, active_model="stock.picking")
                .create(
                    {
                        "picking_id": delivery.id,
                        "return_reason_id": reason.id,
                        "needs_redelivery": reason.needs_redelivery,
                        "return_note": "Returned by the customer's receiving dock.",
                    }
                )
            )
            for line in wizard.product_return_moves:
                line.quantity = qty if line.product_id == ctx["products"][product_key] else 0.0
            spec["order"].invalidate_recordset(["picking_ids"])
            before = spec["order"].picking_ids
            if reason.needs_redelivery:
                action = wizard.action_create_exchanges()
            else:
                action = wizard.action_create_returns()
            returned = stock_env["stock.picking"].browse(action["res_id"])
            spec["order"].invalidate_recordset(["picking_ids"])
            for move in returned.move_ids:
                move.quantity = move.product_uom_qty
                move.picked = True
            to_validate |= returned
            dated[returned] = dated[delivery] + timedelta(days=5)
            redelivery = (spec["order"].picking_ids - before - returned).filtered(
                lambda p: p.location_dest_id.usage == "customer"
            )
            if spec.get("redeliver") and redelivery:
                redelivery = stock_env["stock.picking"].browse(redelivery.ids)
                for move in redelivery.move_ids:
                    move.quantity = move.product_uom_qty
                    move.picked = True
                spec["redelivery"] = redelivery
                dated[redelivery] = dated[delivery] + timedelta(days=10)
        self._validate(to_validate)
        redeliveries = stock_env["stock.picking"].union(
            *(spec["redelivery"] for spec in specs if spec.get("redelivery"))
        )
        self._validate(redeliveries)
        # Validation stamps "now"; the transfers are dated when they happened
        # and their performance events are read again from the dated documents.
        pickings = self.env["stock.picking"]
        for picking, day in dated.items():
            picking.sudo().date_done = self._at(day, 15)
            pickings |= picking
        events = self.env["backoffice.contract.event"].sudo()
        events.search([("picking_id", "in", pickings.ids)]).unlink()
        events._record_pickings(pickings.sudo())

    def _validate(self, pickings):
        if not pickings:
            return
        pickings.button_validate()
        pending = pickings.filtered(lambda p: p.state != "done")
        if pending:
            raise UserError(
                self.env._("Demo transfers not validated: %s", ", ".join(pending.mapped("name")))
            )

    def _demo_invoices(self, ctx, specs):
        """Invoice what the policies allow, date and post the invoices as the
        billing user; one differs from its contract (a manager posts it with a
        reason), one differs and waits for a manager."""
        users = ctx["users"]
        to_invoice = [spec for spec in specs if spec.get("invoice")]
        orders = self.env["sale.order"].union(*(spec["order"] for spec in to_invoice))
        # One invoice per contract, made by the back office's admin.
        invoices = orders.with_user(users["admin"])._create_invoices(grouped=True)
        by_order = {
            invoice.invoice_line_ids.sale_line_ids.order_id: invoice for invoice in invoices
        }
        billing_env = self.env(user=users["billing"])
        to_post = billing_env["account.move"]
        for spec in to_invoice:
            invoice = billing_env["account.move"].browse(by_order[spec["order"]].id)
            spec["invoice_move"] = invoice
            invoice.write(
                {
                    "invoice_date": fields.Date.subtract(
                        fields.Date.context_today(self), days=spec["invoice"]
                    ),
                    "invoice_payment_term_id": ctx["term"].id,
                }
            )
            if spec.get("check"):
                line = invoice.invoice_line_ids[:1]
                line.price_unit = round(line.price_unit * 0.9, 2)
                try:
                    with self.env.cr.savepoint():
                        invoice.action_post()
                except UserError as error:
                    self.env.invalidate_all()
                    invoice.message_post(
                        body=self.env._("Posting refused by the invoice check: %s", error.args[0]),
                        subtype_xmlid="mail.mt_note",
                    )
                continue
            to_post |= invoice
        to_post.sorted("invoice_date").action_post()
        for spec in to_invoice:
            if spec.get("check") == "override":
                invoice = spec["invoice_move"].with_user(users["manager"])
                invoice.invoice_check_override_reason = (
                    "10% discount agreed with the customer's buyer by phone; "
                    "the contract amendment follows."
                )
                invoice.action_post()

    def _demo_payments(self, ctx, specs):
        billing = ctx["users"]["billing"]
        for spec in specs:
            invoice = spec.get("invoice_move")
            if not spec.get("pay") or not invoice or invoice.state != "posted":
                continue
            fraction, days = spec["pay"]
            wizard = (
                self.env["account.payment.register"]
                .with_user(billing)
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create(
                    {
                        "amount": invoice.currency_id.round(invoice.amount_total * fraction),
                        "currency_id": invoice.currency_id.id,
                        "payment_date": fields.Date.subtract(
                            fields.Date.context_today(self), days=days
                        ),
                    }
                )
            )
            wizard._create_payments()

    def _demo_milestones(self, ctx, specs):
        """The back office records what came back and what was sent, with
        the milestone dialog."""
        users = ctx["users"]
        wizard_model = self.env["backoffice.contract.milestone"]
        couriers = [("courier", "SF Express", "SF1{:09d}"), ("email", False, False)]
        for spec in specs:
            recorder = users["bo"] if spec["index"] % 3 else users["bo2"]
            order = spec["order"]
            todo = []
            if spec.get("signed_copy"):
                todo.append(("signed_copy_returned", spec["signed_copy"], "Signed copy received."))
            todo += spec.get("milestones", [])
            vals_list = [
                {
                    "order_id": order.id,
                    "event_type": event_type,
                    "date": order.date_contract_signed + timedelta(days=days),
                    "note": note,
                    "amount": 350.0 if event_type == "quality_issue" else 0.0,
                }
                for event_type, days, note in todo
            ]
            invoice = spec.get("invoice_move")
            if spec.get("dispatched") and invoice and invoice.state == "posted":
                method, carrier, tracking = couriers[spec["index"] % 2]
                vals_list.append(
                    {
                        "order_id": order.id,
                        "event_type": "invoice_dispatched",
                        "date": invoice.invoice_date + timedelta(days=1),
                        "move_id": invoice.id,
                        "dispatch_method": method,
                        "carrier_name": carrier,
                        "tracking_ref": tracking and tracking.format(spec["index"] * 7919),
                        "note": "Invoice and delivery notes sent to accounts payable.",
                    }
                )
            for vals in vals_list:
                wizard_model.with_user(recorder).create(vals).action_record()

    # ---------------------------------------------------------------- samples
    def _sample_review(self, sample, user, decision, comment=None):
        """A reviewer's decision through the button and its dialog."""
        sample = sample.with_user(user)
        action = sample.action_approve() if decision == "approve" else sample.action_reject()
        wizard = (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
            .create({"comment": comment})
        )
        wizard.action_confirm()

    def _sample_return(self, sample, user, quantities):
        """Register what came back with the return dialog: {product: qty}."""
        action = sample.with_user(user).action_register_return()
        wizard = (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
            .create({})
        )
        for line in wizard.line_ids:
            line.quantity = quantities.get(line.sample_line_id.product_id, 0.0)
        wizard.action_confirm()

    def _demo_samples(self, ctx, today):
        users, partners, products = ctx["users"], ctx["partners"], ctx["products"]
        bo, bo2 = users["bo"], users["bo2"]
        later = today + timedelta(days=30)

        def item(product, qty, due=later, returnable=True, description=None):
            return Command.create(
                {
                    "product_id": product and products[product].id,
                    "description": description or products[product].display_name,
                    "quantity": qty,
                    "is_returnable": returnable,
                    "date_return_due": due if returnable else False,
                }
            )

        specs = {
            "draft": (
                "sp2",
                "brochure",
                "gemini",
                [item(None, 20, returnable=False, description="Product brochure 2026, English")],
                "Brochures for the Gemini trade fair booth.",
            ),
            "review_one": (
                "sp1",
                "sample",
                "deco",
                [item("meter", 1)],
                "Trial flow meter for the Deco Addict cooling line.",
            ),
            "review_none": (
                "sp2",
                "color_card",
                "wood",
                [item("card", 2)],
                "Housing colours for the Wood Corner order.",
            ),
            "approved": (
                "sp1",
                "sample",
                "azure",
                [item("valve", 2)],
                "Sample valves for the Azure Interior pilot.",
            ),
            "dispatched": (
                "sp2",
                "sample",
                "jackson",
                [item("meter", 1, due=today + timedelta(days=20))],
                "Meter on loan for a two-week trial.",
            ),
            "overdue": (
                "sp1",
                "sample",
                "ready",
                [item("valve", 2)],
                "Valves for the Ready Mat pressure test.",
            ),
            "partial": (
                "sp2",
                "sample",
                "gemini",
                [item("meter", 2), item("card", 1)],
                "Meters and colour card for the Gemini design review.",
            ),
            "done": (
                "sp1",
                "sample",
                "deco",
                [
                    item("pump", 1),
                    item(None, 5, returnable=False, description="Installation guide"),
                ],
                "Demonstration pump for the Deco Addict plant visit.",
            ),
            "rejected": (
                "sp2",
                "sample",
                "jackson",
                [item("pump", 2)],
                "Two pumps on approval, no order in view.",
            ),
        }
        samples = {}
        Sample = self.env["backoffice.sample"]
        for key, (user, material, partner, lines, purpose) in specs.items():
            samples[key] = Sample.with_user(users[user]).create(
                {
                    "direction": "outgoing",
                    "material_type": material,
                    "partner_id": partners[partner].id,
                    "purpose": purpose,
                    "line_ids": lines,
                }
            )
        for key, sample in samples.items():
            if key != "draft":
                sample.action_submit()
        self._sample_review(samples["review_one"], bo2, "approve", "Stock available, fine.")
        for key in ("approved", "dispatched", "overdue", "partial", "done"):
            self._sample_review(samples[key], bo, "approve")
            self._sample_review(samples[key], bo2, "approve", "Checked against the customer file.")
        self._sample_review(
            samples["rejected"], bo2, "reject", "Two pumps on approval are too much; send one."
        )
        carrier = self.env["res.partner"].create({"name": "SF Express", "is_company": True})
        for days, key in ((5, "dispatched"), (40, "overdue"), (25, "partial"), (30, "done")):
            sample = samples[key].with_user(bo)
            sample.write(
                {
                    "carrier_partner_id": carrier.id,
                    "tracking_ref": f"SF2{days:09d}",
                    "shipping_fee": 18.0 + days,
                }
            )
            sample.action_dispatch()
            # Dispatch stamps today; these left days or weeks ago.
            dispatched = today - timedelta(days=days)
            sample_sudo = sample.sudo()
            sample_sudo.date_dispatched = dispatched
            sample_sudo.picking_ids.date_done = self._at(dispatched, 11)
        # Due back nine days ago and still out.
        samples["overdue"].sudo().line_ids.date_return_due = today - timedelta(days=9)
        self._sample_return(samples["partial"], bo, {products["meter"]: 1})
        self._sample_return(samples["done"], bo2, {products["pump"]: 1})
        # Documents received from customers: verified, one about to expire.
        incoming = {
            "licence": (
                "sp1",
                "document",
                "deco",
                "Business licence (copy)",
                today + timedelta(days=12),
                bo,
            ),
            "certificate": (
                "sp2",
                "certificate",
                "azure",
                "ISO 9001 certificate",
                today + timedelta(days=300),
                bo2,
            ),
            "billing": ("sp1", "document", "jackson", "Billing details for invoices", False, None),
        }
        for key, (user, material, partner, description, expiry, verifier) in incoming.items():
            doc = Sample.with_user(users[user]).create(
                {
                    "direction": "incoming",
                    "material_type": material,
                    "partner_id": partners[partner].id,
                    "date_expiry": expiry,
                    "purpose": description,
                    "line_ids": [item(None, 1, returnable=False, description=description)],
                }
            )
            doc.action_submit()
            if verifier:
                doc.with_user(verifier).action_verify()
            samples[f"incoming_{key}"] = doc
        self._register_xmlids({f"demo_sample_{key}": sample for key, sample in samples.items()})

    # ----------------------------------------------------------------- claims
    def _receipt(self, user, ref):
        return (
            self.env["ir.attachment"]
            .with_user(user)
            .create({"name": f"{ref}.pdf", "datas": RECEIPT, "mimetype": "application/pdf"})
        )

    def _claim_decide(self, claim, user, method, reason):
        action = getattr(claim.with_user(user), method)()
        wizard = (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
            .create({"reason": reason})
        )
        wizard.action_confirm()

    def _demo_claims(self, ctx, today):
        users, company = ctx["users"], ctx["company"]
        account = self.env["account.account"].search(
            [
                ("account_type", "=", "expense"),
                *self.env["account.account"]._check_company_domain(company),
            ],
            limit=1,
        )
        categories = {}
        for key, name, cap, receipt_above in (
            ("travel", "Travel (train and flights)", 0.0, 0.0),
            ("hotel", "Hotel", 600.0, 0.0),
            ("meals", "Meals", 150.0, 50.0),
            ("taxi", "Taxi and local transport", 100.0, 30.0),
            ("entertainment", "Customer entertainment", 0.0, 100.0),
        ):
            categories[key] = (
                self.env["backoffice.expense.category"]
                .with_user(users["manager"])
                .create(
                    {
                        "name": name,
                        "company_id": company.id,
                        "account_id": account.id,
                        "daily_cap": cap,
                        "receipt_required_above": receipt_above,
                    }
                )
            )
        sp1, sp2 = users["sp1"], users["sp2"]
        teams = (sp1 | sp2).sale_team_id
        self.env["backoffice.expense.budget"].with_user(users["manager"]).create(
            [
                {
                    "team_id": team.id,
                    "company_id": company.id,
                    "date_from": today - timedelta(days=180),
                    "date_to": today + timedelta(days=30),
                    "amount": 25000.0,
                    "mode": "warn",
                }
                for team in teams
            ]
            + [
                {
                    "user_id": sp2.id,
                    "company_id": company.id,
                    "date_from": today - timedelta(days=90),
                    "date_to": today + timedelta(days=30),
                    "amount": 1500.0,
                    "mode": "warn",
                }
            ]
        )
        monday = today - timedelta(days=today.weekday())

        def claim(user, weeks, route, purpose, lines, days=3, partners=()):
            start = monday - timedelta(weeks=weeks)
            vals_lines = []
            for category, offset, amount, ref, *extra in lines:
                receipt = "no receipt" not in extra
                currency = ctx["eur"] if "EUR" in extra else company.currency_id
                vals_lines.append(
                    Command.create(
                        {
                            "date": start + timedelta(days=offset),
                            "category_id": categories[category].id,
                            "description": categories[category].name,
                            "amount": amount,
                            "currency_id": currency.id,
                            "receipt_ref": ref,
                            "attachment_ids": [Command.set(self._receipt(user, ref).ids)]
                            if receipt and ref
                            else [],
                        }
                    )
                )
            return (
                self.env["backoffice.expense.claim"]
                .with_user(user)
                .create(
                    {
                        "date_from": start,
                        "date_to": start + timedelta(days=days - 1),
                        "route": route,
                        "purpose": purpose,
                        "partner_ids": [Command.set([p.id for p in partners])],
                        "line_ids": vals_lines,
                    }
                )
            )

        partners = ctx["partners"]
        bo, bo2, manager, billing = users["bo"], users["bo2"], users["manager"], users["billing"]
        claims = {}
        # Paid: a trip to Germany, a hotel paid in euros.
        claims["paid"] = claim(
            sp1,
            11,
            "Shanghai - Frankfurt - Köln",
            "Commissioning at Rhein Anlagenbau.",
            [
                ("travel", 0, 1260.0, "FL-77120"),
                ("hotel", 0, 450.0, "HK-3301", "EUR"),
                ("hotel", 1, 450.0, "HK-3302", "EUR"),
                ("meals", 1, 95.0, "M-1182"),
                ("taxi", 2, 28.0, False),
            ],
            partners=[partners["rhein"]],
        )
        claims["posted"] = claim(
            sp2,
            9,
            "Shanghai - Suzhou",
            "Valve tender clarification at Wood Corner.",
            [
                ("travel", 0, 380.0, "TR-55102"),
                ("hotel", 0, 520.0, "H-88410"),
                ("meals", 1, 80.0, "M-2290"),
            ],
            days=2,
            partners=[partners["wood"]],
        )
        claims["approved"] = claim(
            sp1,
            7,
            "Shanghai - Hangzhou - Ningbo",
            "Quarterly visits to Deco Addict and Gemini.",
            [
                ("travel", 0, 260.0, "TR-60311"),
                ("hotel", 0, 550.0, "H-20931"),
                ("taxi", 1, 65.0, "TX-5531"),
                ("meals", 2, 120.0, "M-3127"),
            ],
            partners=[partners["deco"], partners["gemini"]],
        )
        for key, auditor in (("paid", bo), ("posted", bo2), ("approved", bo)):
            claims[key].action_submit()
            claims[key].with_user(auditor).action_audit()
            claims[key].with_user(manager).action_approve()
        claims["paid"].with_user(bo).action_post()
        claims["posted"].with_user(bo).action_post()
        receipt_move = claims["paid"].sudo().move_id
        self.env["account.payment.register"].with_user(billing).with_context(
            active_model="account.move", active_ids=receipt_move.ids
        ).create({"payment_date": today})._create_payments()
        # Approved after a manager waived its findings (over the hotel cap,
        # a Saturday dinner) and the audit lowered one line.
        claims["waived"] = claim(
            sp2,
            6,
            "Shanghai - Nanjing",
            "Trade fair, Nanjing water technology week.",
            [
                ("hotel", 0, 720.0, "H-30117"),
                ("meals", 5, 140.0, "M-4410"),
                ("travel", 0, 180.0, "TR-61200"),
            ],
            days=6,
            partners=[partners["jackson"]],
        )
        claims["waived"].action_submit()
        self._claim_decide(
            claims["waived"],
            manager,
            "action_waive_findings",
            "Fair week: the only hotel left near the venue; dinner with the Jackson buyers.",
        )
        dinner = claims["waived"].line_ids.filtered(
            lambda line: line.category_id == categories["meals"]
        )
        dinner.with_user(bo).write(
            {"amount_approved": 100.0, "adjust_reason": "Alcohol is not reimbursed."}
        )
        claims["waived"].with_user(bo).action_audit()
        claims["waived"].with_user(manager).action_approve()
        # Audited, waiting for a manager; over the salesperson's budget (a warning).
        claims["audited"] = claim(
            sp2,
            4,
            "Shanghai - Wuxi",
            "Installation follow-up at Gemini.",
            [("travel", 0, 300.0, "TR-63007"), ("hotel", 0, 400.0, "H-31550")],
            days=2,
            partners=[partners["gemini"]],
        )
        claims["audited"].action_submit()
        claims["audited"].with_user(bo2).action_audit()
        # Refused by the back office, with the reason.
        claims["refused"] = claim(
            sp1,
            5,
            "Shanghai",
            "Dinner with the Gemini board.",
            [("entertainment", 1, 1800.0, "E-9001")],
            days=1,
            partners=[partners["gemini"]],
        )
        claims["refused"].action_submit()
        self._claim_decide(
            claims["refused"],
            bo,
            "action_refuse",
            "Customer entertainment above 1,000 needs the manager's prior approval.",
        )
        # Submitted: blocked by findings (over the hotel cap, a taxi without
        # receipt, a receipt already claimed), and a clean one to audit.
        claims["blocked"] = claim(
            sp1,
            3,
            "Shanghai - Hefei",
            "Tender visit at Ready Mat.",
            [
                ("hotel", 0, 780.0, "H-40021"),
                ("taxi", 1, 45.0, "TX-6120", "no receipt"),
                ("taxi", -27, 65.0, "TX-5531"),
            ],
            days=2,
            partners=[partners["ready"]],
        )
        claims["blocked"].action_submit()
        claims["submitted"] = claim(
            sp2,
            2,
            "Shanghai - Suzhou",
            "Acceptance test at Azure Interior.",
            [("travel", 0, 210.0, "TR-66091"), ("meals", 0, 45.0, False)],
            days=1,
            partners=[partners["azure"]],
        )
        claims["submitted"].action_submit()
        claims["draft"] = claim(
            sp2,
            0,
            "Shanghai - Jiaxing",
            "Visit to a new prospect.",
            [("meals", 0, 35.0, False)],
            days=1,
        )
        self._register_xmlids({f"demo_claim_{key}": record for key, record in claims.items()})

    # ------------------------------------------------------------------- bids
    def _demo_bids(self, ctx, today):
        users, partners = ctx["users"], ctx["partners"]
        bo = users["bo"]
        # The manager configures the websites and categories, the back office
        # checks the websites and records the tenders.
        manager = users["manager"]
        gazette = (
            self.env["backoffice.bid.source"]
            .with_user(manager)
            .create(
                {
                    "name": "Municipal Tenders Gazette",
                    "url": "https://gazette.example.gov/tenders",
                    "check_interval_days": 7,
                    "user_id": bo.id,
                }
            )
        )
        portal = self._ref("bid_source_portal_demo")
        now = fields.Datetime.now()
        self.env["backoffice.bid.source.check"].with_user(bo).create(
            [
                {
                    "source_id": gazette.id,
                    "date": now - timedelta(days=12),
                    "new_tender_count": 3,
                    "note": "Three metering tenders, two relevant.",
                },
                {
                    "source_id": portal.id,
                    "date": now - timedelta(days=5),
                    "new_tender_count": 1,
                    "note": "One valve framework agreement.",
                },
                {"source_id": portal.id, "date": now - timedelta(days=9), "new_tender_count": 0},
            ]
        )
        metering = (
            self.env["backoffice.bid.category"]
            .with_user(manager)
            .create(
                {
                    "name": "Metering",
                    "template_ids": [
                        Command.create(
                            {
                                "name": "Business licence",
                                "document_type": "qualification",
                                "days_before_deadline": 5,
                            }
                        ),
                        Command.create(
                            {
                                "name": "Pattern approval certificate",
                                "document_type": "certificate",
                                "days_before_deadline": 5,
                            }
                        ),
                        Command.create(
                            {
                                "name": "Technical proposal",
                                "document_type": "technical",
                                "days_before_deadline": 3,
                            }
                        ),
                        Command.create(
                            {
                                "name": "Price offer",
                                "document_type": "commercial",
                                "days_before_deadline": 1,
                            }
                        ),
                    ],
                }
            )
        )
        pumps = self._ref("bid_category_pumps_demo")
        stages = {
            key: self._ref(f"bid_stage_{key}")
            for key in ("new", "qualified", "preparing", "submitted", "abandoned")
        }

        def day(days):
            return today + timedelta(days=days)

        specs = {
            "new": (
                "Flow meters for the north treatment plant",
                "GZ-2026-1142",
                "gemini",
                gazette,
                metering,
                "sp1",
                -3,
                25,
                120000,
            ),
            "qualified": (
                "Valve replacement, district heating loop 4",
                "GP-2026-4410",
                "azure",
                portal,
                pumps,
                "sp2",
                -12,
                5,
                86000,
            ),
            "preparing": (
                "Dosing pumps for the water works",
                "WT-2026-0233",
                "deco",
                self._ref("bid_source_utility_demo"),
                pumps,
                "sp1",
                -15,
                6,
                54000,
            ),
            "submitted": (
                "Smart meters, phase 2",
                "GZ-2026-0981",
                "jackson",
                gazette,
                metering,
                "sp2",
                -30,
                -3,
                240000,
            ),
            "won": (
                "Pressure control valves, east ring",
                "GP-2026-3902",
                "wood",
                portal,
                pumps,
                "sp2",
                -60,
                -25,
                48000,
            ),
            "lost_price": (
                "Booster station pumps",
                "WT-2026-0120",
                "ready",
                self._ref("bid_source_utility_demo"),
                pumps,
                "sp1",
                -80,
                -40,
                105000,
            ),
            "lost_technical": (
                "Ultrasonic meters for the airport",
                "GZ-2026-0644",
                "azure",
                gazette,
                metering,
                "sp1",
                -100,
                -60,
                76000,
            ),
            "abandoned": (
                "Fire hydrant valves",
                "GP-2026-2750",
                "gemini",
                portal,
                pumps,
                "sp2",
                -70,
                -30,
                30000,
            ),
        }
        Bid = self.env["backoffice.bid"].with_user(bo)
        bids = {}
        for key, (
            name,
            ref,
            partner,
            source,
            category,
            user,
            published,
            deadline,
            budget,
        ) in specs.items():
            bids[key] = Bid.create(
                {
                    "name": name,
                    "tender_ref": ref,
                    "purchaser_id": partners[partner].id,
                    "source_id": source.id,
                    "category_id": category.id,
                    "user_id": users[user].id,
                    "budget_amount": budget,
                    "our_price": round(budget * 0.95, -2),
                    "bid_bond_amount": round(budget * 0.02, -1),
                    "bid_bond_state": "paid" if deadline < 0 else "to_pay",
                    "date_published": day(published),
                    "date_questions_deadline": day(max(published + 5, deadline - 7)),
                    "date_submission_deadline": day(deadline),
                    "date_opening": day(deadline + 1),
                }
            )
        self.env["backoffice.bid.question"].with_user(bo).create(
            {
                "bid_id": bids["qualified"].id,
                "question": "Are valves with flanges to EN 1092-1 accepted?",
                "answer": "Yes, PN16.",
                "date_answered": day(-2),
            }
        )
        # Preparing: half the checklist is ready, a certificate expires first.
        documents = bids["preparing"].document_ids
        documents[:2].is_ready = True
        documents.filtered(lambda d: d.document_type == "certificate").date_expiry = day(3)
        for key in ("qualified", "preparing", "abandoned"):
            bids[key].stage_id = stages[key]
        for key in ("submitted", "won", "lost_price", "lost_technical"):
            bids[key].document_ids.is_ready = True
            bids[key].stage_id = stages["submitted"]
        bids["won"].action_mark_won()
        for key, winner, price, reason in (
            ("lost_price", "Hydra Pumps Co.", 93800.0, "bid_lost_reason_price"),
            ("lost_technical", "Nordic Metering AB", 79900.0, "bid_lost_reason_technical"),
        ):
            action = bids[key].action_mark_lost()
            self.env[action["res_model"]].with_user(bo).with_context(**action["context"]).create(
                {
                    "winner_name": winner,
                    "winning_price": price,
                    "lost_reason_id": self._ref(reason).id,
                }
            ).action_confirm()
        self._register_xmlids({f"demo_bid_{key}": bid for key, bid in bids.items()})

    # ------------------------------------------------------ collection plans
    def _demo_collection_plans(self, ctx, today):
        """The manager's monthly collection plans for both salespeople and the
        first team, for the last five months and this one: some met, some
        missed, and this month one salesperson behind plan."""
        users = ctx["users"]
        this_month = today.replace(day=1)
        months = [fields.Date.subtract(this_month, months=back) for back in range(5, -1, -1)]
        collected = {}
        for event in self.env["backoffice.contract.event"].search(
            [("event_type", "=", "payment"), ("company_id", "=", ctx["company"].id)]
        ):
            key = (event.order_id.user_id, event.date.replace(day=1))
            collected[key] = collected.get(key, 0.0) + event.amount
        # Planned against what came in: met, missed, met by far...
        factors = {
            users["sp1"]: (0.9, 1.1, 1.3, 0.8, 1.2),
            users["sp2"]: (1.2, 0.9, 1.0, 1.5, 0.7),
        }
        vals_list = []
        for user, user_factors in factors.items():
            for month, factor in zip(months[:-1], user_factors, strict=True):
                actual = collected.get((user, month), 0.0)
                vals_list.append(
                    {
                        "company_id": ctx["company"].id,
                        "user_id": user.id,
                        "date": month,
                        "amount_planned": max(round(actual * factor, -2), 2000.0),
                    }
                )
        # This month: the first salesperson is well behind whatever the day.
        actual = collected.get((users["sp1"], this_month), 0.0)
        vals_list.append(
            {
                "company_id": ctx["company"].id,
                "user_id": users["sp1"].id,
                "date": this_month,
                "amount_planned": round((actual + 1000.0) * 31, -3),
                "note": "Quarter end: the two big installations are to be paid this month.",
            }
        )
        actual = collected.get((users["sp2"], this_month), 0.0)
        vals_list.append(
            {
                "company_id": ctx["company"].id,
                "user_id": users["sp2"].id,
                "date": this_month,
                "amount_planned": max(round(actual * 1.1, -2), 2000.0),
            }
        )
        team = users["sp1"].sale_team_id
        if team:
            vals_list += [
                {
                    "company_id": ctx["company"].id,
                    "team_id": team.id,
                    "date": month,
                    "amount_planned": 30000.0,
                }
                for month in months[-3:]
            ]
        plans = (
            self.env["backoffice.collection.plan"].with_user(users["manager"]).create(vals_list)
        )
        self._register_xmlids({"demo_collection_plan_sp1_this_month": plans[10]})
        return plans

    # ----------------------------------------------------- work reports (#16)
    def _demo_work_reports(self, ctx, today):
        """Weekly and monthly rules for the demo teams, four weeks of weekly
        reports written, submitted and reviewed by their people, one week
        missed (late), and the sales director's daily briefing."""
        users, company, partners = ctx["users"], ctx["company"], ctx["partners"]
        sp1, sp2 = users["sp1"], users["sp2"]
        teams = (sp1 | sp2).sale_team_id
        Rule = self.env["backoffice.work.report.rule"].with_user(users["manager"])
        Rule.create(
            [
                {
                    "company_id": company.id,
                    "team_id": team.id,
                    "period_type": period,
                    "grace_days": grace,
                }
                for team in teams
                for period, grace in (("week", 2), ("month", 5))
            ]
        )
        monday = today - timedelta(days=today.weekday())
        stories = {
            sp1: [
                (
                    "Visited Deco Addict and Wood Corner: pump upgrade quoted.",
                    "Follow up the Wood Corner quotation, prepare the tender file for the water plant.",
                    "Competitor Hydro-Tek offers the BP-200 equivalent 8% cheaper, 60-day terms.",
                    ("deco", "wood"),
                ),
                (
                    "Installation at Deco Addict accepted; training done.",
                    "Visit Ready Mat about the meter roll-out.",
                    "Tender lead: Suzhou water works, flow meters, publication next month.",
                    ("deco", "ready"),
                ),
                (
                    "Contract with Ready Mat signed.",
                    "Deliveries for Ready Mat, collect the Gemini invoice.",
                    "",
                    ("ready", "gemini"),
                ),
                (
                    "Collected the Gemini invoice; new enquiry from Azure.",
                    "Quote Azure, visit Rhein in Köln.",
                    "Steel prices up 5%: valves from Valve-Co will follow.",
                    ("gemini", "azure"),
                ),
            ],
            sp2: [
                (
                    "Azure Interior visit: valves for the new line.",
                    "Send Azure the revised offer.",
                    "Azure also asked Valve-Co; their price is 240 per valve.",
                    ("azure",),
                ),
                (
                    "Wood Corner meters commissioned.",
                    "Chase the Jackson Group payment.",
                    "",
                    ("wood", "jackson"),
                ),
            ],
        }
        Report = self.env["backoffice.work.report"]
        reviewers = [users["bo"], users["bo2"]]
        # Weeks ago of each story: sp2 wrote nothing three weeks ago.
        weeks_ago = {sp1: [4, 3, 2, 1], sp2: [4, 2]}
        for user, weeks in stories.items():
            for index, (summary, plan, market, visited) in enumerate(weeks):
                start = monday - timedelta(weeks=weeks_ago[user][index])
                report = Report.with_user(user).create(
                    {
                        "company_id": company.id,
                        "period_type": "week",
                        "date_from": start,
                        "summary": summary,
                        "plan": plan,
                        "market_info": market or False,
                        "partner_ids": [Command.set([partners[key].id for key in visited])],
                    }
                )
                report.action_submit()
                if weeks_ago[user][index] >= 2:
                    reviewer = reviewers[index % 2]
                    report.with_user(reviewer)._do_review(
                        "Thanks; keep the competitor prices coming."
                        if market
                        else "Noted. Please add what you hear about competitors."
                    )
        # sp2's missed week, prepared by the daily run and still not written.
        Report.with_user(sp2).create(
            {
                "company_id": company.id,
                "period_type": "week",
                "date_from": monday - timedelta(weeks=3),
            }
        )
        Report._cron_work_reports(today)
        self.env["backoffice.briefing"].with_user(users["manager"]).create(
            {
                "name": "Sales director's daily briefing",
                "company_id": company.id,
                "team_id": sp1.sale_team_id.id,
                "frequency": "daily",
                "partner_ids": [Command.set(users["manager"].partner_id.ids)],
            }
        )

    # ------------------------------------------------------------ commissions
    def _demo_commissions(self, ctx, today):
        """Commission rules, last month's settlement of the first salesperson
        computed and confirmed by the manager and posted by finance, and this
        month's drafts (computed, not confirmed)."""
        company, users = ctx["company"], ctx["users"]
        Journal = self.env["account.journal"]
        Account = self.env["account.account"]
        company.write(
            {
                "backoffice_commission_journal_id": Journal.search(
                    [("type", "=", "general"), *Journal._check_company_domain(company)], limit=1
                ).id,
                "backoffice_commission_expense_account_id": Account.search(
                    [("account_type", "=", "expense"), *Account._check_company_domain(company)],
                    limit=1,
                ).id,
            }
        )
        manager = users["manager"]
        Rule = self.env["backoffice.commission.rule"].with_user(manager)
        Rule.create(
            {
                "name": "Salesperson: collections, tiered",
                "company_id": company.id,
                "user_id": users["sp1"].id,
                "base": "collected",
                "rate": 3.0,
                "tier_ids": [
                    Command.create({"amount_from": 10000.0, "rate": 4.0}),
                    Command.create({"amount_from": 25000.0, "rate": 5.0}),
                ],
            }
        )
        team = users["sp2"].sale_team_id
        if team:
            Rule.create(
                {
                    "name": f"{team.name}: 2% of invoices",
                    "company_id": company.id,
                    "team_id": team.id,
                    "base": "invoiced",
                    "rate": 2.0,
                }
            )
        month_start = today.replace(day=1)
        last_end = month_start - timedelta(days=1)
        last_start = last_end.replace(day=1)
        Settlement = self.env["backoffice.commission.settlement"].with_user(manager)
        posted = Settlement.create(
            {
                "company_id": company.id,
                "user_id": users["sp1"].id,
                "date_from": last_start,
                "date_to": last_end,
            }
        )
        posted.action_compute()
        posted.action_confirm()
        posted.with_user(users["billing"]).action_post()
        month_end = fields.Date.end_of(today, "month")
        drafts = Settlement.create(
            [
                {
                    "company_id": company.id,
                    "user_id": user.id,
                    "date_from": month_start,
                    "date_to": month_end,
                }
                for user in (users["sp1"], users["sp2"])
            ]
        )
        drafts.action_compute()
        self._register_xmlids({"commission_settlement_posted_demo": posted})

    # ---------------------------------------------------------- dealer credit
    def _demo_credit(self, ctx):
        """A dealer with a credit limit: a contract within it, a quotation a
        manager confirmed over it with a reason, and one waiting on credit hold."""
        company, users, products = ctx["company"], ctx["users"], ctx["products"]
        company.backoffice_credit_check = True
        dealer = self.env["res.partner"].create(
            {
                "name": "Northwind Pump Dealers",
                "is_company": True,
                "city": "Leeds",
                "email": "orders@northwind-pumps.example",
            }
        )
        dealer.with_company(company).credit_limit = 6500.0
        salesperson, manager = users["sp1"], users["manager"]

        def quotation(qty):
            return (
                self.env["sale.order"]
                .with_user(salesperson)
                .create(
                    {
                        "partner_id": dealer.id,
                        "user_id": salesperson.id,
                        "company_id": company.id,
                        "warehouse_id": ctx["warehouse"].id,
                        "payment_term_id": ctx["term"].id,
                        "order_line": [
                            Command.create(
                                {"product_id": products["pump"].id, "product_uom_qty": qty}
                            )
                        ],
                    }
                )
            )

        within = quotation(3)
        within.action_confirm()
        overridden = quotation(1)
        self.env["backoffice.credit.decide"].with_user(manager).create(
            {
                "order_id": overridden.id,
                "action": "release",
                "reason": "Spare pump for a breakdown; the dealer pays the open invoice this week.",
            }
        ).action_confirm()
        held = quotation(2)
        held.action_credit_request()
        self._register_xmlids(
            {
                "partner_credit_dealer_demo": dealer,
                "demo_credit_within": within,
                "demo_credit_overridden": overridden,
                "demo_credit_held": held,
            }
        )

    # ------------------------------------------------------- customer service
    def _demo_cases(self, ctx, orders):
        """Cases at every stage: one that came by e-mail (through the mail
        gateway), one being worked on, a quality problem with its return, an
        installation at each step, solved ones and one past its deadline."""
        company, users, products = ctx["company"], ctx["users"], ctx["products"]
        bo, bo2, sp1 = users["bo"], users["bo2"], users["sp1"]
        stage = {
            key: self._ref(f"backoffice_case_stage_{key}")
            for key in ("new", "in_progress", "waiting", "solved")
        }
        team = self._ref("backoffice_case_team_main")
        domain = company.alias_domain_id or self.env["mail.alias.domain"].search([], limit=1)
        if not domain:
            domain = self.env["mail.alias.domain"].create({"name": "example.com"})
            company.alias_domain_id = domain
        team.alias_domain_id = domain
        self._ref("backoffice_bid_inbox_main").alias_domain_id = domain
        contracts = orders.filtered("contract_ref")
        delivered = contracts.filtered(
            lambda o: o.picking_ids.filtered(
                lambda p: p.state == "done" and p.location_dest_id.usage == "customer"
            )
        )
        first = contracts[:1]
        partner = first.partner_id
        email = partner.email or "customer@example.com"
        if not partner.email:
            partner.email = email
        raw = (
            f"From: {partner.name} <{email}>\r\n"
            f"To: {team.alias_name}@{domain.name}\r\n"
            f"Subject: =?utf-8?b?"
            + base64.b64encode(f"合同 {first.contract_ref} 的发票抬头有误".encode()).decode()
            + "?=\r\n"
            "Message-Id: <demo-case-1@customer.example>\r\n"
            "MIME-Version: 1.0\r\n"
            'Content-Type: text/plain; charset="utf-8"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
            + base64.b64encode("您好，发票上的公司名称写错了，请重开。".encode()).decode()  # noqa: RUF001
            + "\r\n"
        )
        mailed = self.env["backoffice.case"].browse(
            self.env["mail.thread"].message_process(False, raw)
        )
        Case = self.env["backoffice.case"]
        working = Case.with_user(bo).create(
            {
                "subject": "Delivery note missing from the last shipment",
                "partner_id": contracts[1:2].partner_id.id or partner.id,
                "order_id": contracts[1:2].id,
                "case_type": "enquiry",
                "channel": "phone",
                "user_id": bo.id,
            }
        )
        working.with_user(bo).stage_id = stage["in_progress"]
        cases = {"case_email": mailed, "case_working": working}
        if delivered:
            order = delivered[0]
            delivery = order.picking_ids.filtered(
                lambda p: p.state == "done" and p.location_dest_id.usage == "customer"
            )[:1]
            product = delivery.move_ids.product_id[:1]
            quality = Case.with_user(sp1).create(
                {
                    "subject": f"{product.name} noisy after a week",
                    "partner_id": order.partner_id.id,
                    "order_id": order.id,
                    "case_type": "quality",
                    "channel": "visit",
                    "product_id": product.id,
                    "delivery_id": delivery.id,
                    "description": "<p>Bearing noise reported by the plant operator.</p>",
                }
            )
            quality.with_user(bo).write({"user_id": bo.id, "stage_id": stage["in_progress"].id})
            # The warehouse (admin in this story) takes the goods back.
            warehouse_user = users["admin"]
            action = quality.with_user(warehouse_user).action_start_return()
            wizard = (
                self.env["stock.return.picking"]
                .with_user(warehouse_user)
                .with_context(**action["context"], skip_sms=True, skip_backorder=True)
                .create(
                    {
                        "picking_id": delivery.id,
                        "return_reason_id": self._ref("return_reason_damaged").id,
                    }
                )
            )
            for line in wizard.product_return_moves:
                line.quantity = 1 if line.product_id == product else 0
            returned = self.env["stock.picking"].browse(wizard.action_create_returns()["res_id"])
            for move in returned.move_ids:
                move.quantity = move.product_uom_qty
                move.picked = True
            self._validate(returned.with_user(warehouse_user))
            cases["case_quality"] = quality
        installation_orders = contracts[2:5] or contracts
        requested = Case.with_user(sp1).create(
            {
                "subject": "Installation and operator training",
                "partner_id": installation_orders[0].partner_id.id,
                "order_id": installation_orders[0].id,
                "case_type": "installation",
                "description": "<p>The customer asks for installation by our technicians "
                "and a half-day training for two operators.</p>",
            }
        )
        scheduled = Case.with_user(sp1).create(
            {
                "subject": "Install the flow meters",
                "partner_id": installation_orders[-1:].partner_id.id,
                "order_id": installation_orders[-1:].id,
                "case_type": "installation",
                "description": "<p>Four meters on the cooling loop.</p>",
            }
        )
        scheduled.with_user(bo).write({"user_id": bo.id})
        scheduled.with_user(bo).action_approve()
        start = fields.Datetime.now().replace(minute=0, second=0, microsecond=0) + timedelta(
            days=2
        )
        scheduled.with_user(bo)._do_schedule(bo2, start, start + timedelta(hours=3))
        scheduled.with_user(bo).stage_id = stage["waiting"]
        cases.update({"case_installation_requested": requested, "case_installation": scheduled})
        solved = Case.with_user(bo).create(
            {
                "subject": "Price list for 2027",
                "partner_id": partner.id,
                "case_type": "enquiry",
                "channel": "email",
                "user_id": bo2.id,
                "resolution": "<p>Price list sent by e-mail.</p>",
                "satisfaction": "5",
            }
        )
        solved.with_user(bo).action_solve()
        acceptance = Case.with_user(bo).create(
            {
                "subject": "Acceptance on site",
                "partner_id": contracts[5:6].partner_id.id or partner.id,
                "order_id": (contracts[5:6] or first).id,
                "case_type": "acceptance",
                "user_id": bo.id,
                "product_id": products["valve"].id,
                "resolution": "<p>Accepted without reservation.</p>",
                "satisfaction": "4",
            }
        )
        acceptance.with_user(bo).action_solve()
        late = Case.with_user(bo).create(
            {
                "subject": "Invoice copy requested again",
                "partner_id": partner.id,
                "case_type": "complaint",
                "channel": "letter",
                "user_id": users["manager"].id,
                "priority": "2",
            }
        )
        # Opened three days ago: past its deadline (demo history).
        late.sudo().date_open = fields.Datetime.now() - timedelta(days=3)
        cases.update({"case_solved": solved, "case_acceptance": acceptance, "case_late": late})
        self._register_xmlids({f"demo_{key}": case for key, case in cases.items()})

    # ----------------------------------------------------- customer statements
    def _demo_statements(self, ctx):
        """Customers marked for the monthly statement, each with the contact
        who receives it, and a real run of the monthly statement job."""
        partners = ctx["partners"]
        for key in ("deco", "azure", "rhein"):
            partner = partners[key]
            contact = partner.child_ids.filtered("email")[:1] or partner
            partner.write(
                {
                    "backoffice_statement_monthly": True,
                    "backoffice_statement_contact_id": contact.id,
                }
            )
        # A customer whose contact has no e-mail address: the run logs it failed.
        jackson = partners["jackson"]
        no_mail = self.env["res.partner"].create(
            {"name": "Accounts Payable (no e-mail)", "parent_id": jackson.id, "type": "invoice"}
        )
        jackson.write(
            {"backoffice_statement_monthly": True, "backoffice_statement_contact_id": no_mail.id}
        )
        return self.env["backoffice.statement.log"]._cron_send_monthly_statements()
