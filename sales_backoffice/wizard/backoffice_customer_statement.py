from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..report.backoffice_contract_performance import AGING_BUCKETS, AGING_KEYS, aging_bucket
from ..tools.xlsx import DATE_FORMAT, MONEY_FORMAT, Column, XlsxWriter


class BackofficeCustomerStatement(models.TransientModel):
    """Customer statement of account for a period, built from accounting:
    the customer's receivable lines (invoices, credit notes, payments,
    including payments applied to no invoice and invoices of no contract),
    the opening balance before the period, the closing balance at its end
    (the customer's receivable balance), grouped by contract where a line
    belongs to one, and the aging of what is still open."""

    _name = "backoffice.customer.statement"
    _inherit = ["backoffice.period.mixin"]
    _description = "Customer Reconciliation Statement"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, check_company=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    # ----------------------------------------------------------------- data
    def _check_statement_company(self):
        """The statement reads accounting under sudo: only for a company of
        the user (the wizard itself is for the back office and finance)."""
        if not self.env.su and self.company_id not in self.env.user.company_ids:
            raise AccessError(
                self.env._("You cannot print a statement of %s.", self.company_id.name)
            )

    def _receivable_lines_sudo(self):
        """The customer's posted receivable lines in the company up to the
        end of the period, oldest first. Under sudo: the statement shows the
        customer's whole account (payments included, which back-office users
        cannot read in accounting) to those who may print statements."""
        self.ensure_one()
        self._check_statement_company()
        partner = self.partner_id.commercial_partner_id
        return (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", partner.id),
                    ("company_id", "=", self.company_id.id),
                    ("account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("date", "<=", self.date_to),
                ],
                order="date, move_name, id",
            )
        )

    @api.model
    def _contract_shares(self, moves):
        """{move id: [(order, share)]}: the part of each invoice or credit
        note that belongs to each confirmed contract (from its events)."""
        events = (
            self.env["backoffice.contract.event"]
            .sudo()
            .search_fetch(
                [
                    ("move_id", "in", moves.ids),
                    ("event_type", "in", ("invoice", "refund")),
                    ("order_id.state", "=", "sale"),
                ],
                ["order_id", "move_id", "invoice_share"],
            )
        )
        shares = {}
        for event in events:
            shares.setdefault(event.move_id.id, []).append((event.order_id, event.invoice_share))
        return shares

    def _allocate(self, lines_sudo):
        """[(line, [(order or False, amount)])]: each line's balance split by
        contract. An invoice or credit note goes by its contract shares; a
        payment by the invoices it is reconciled with; whatever is left
        (unapplied payments, invoices of no contract) goes to no contract."""
        currency = self.company_id.currency_id
        partials = lines_sudo.matched_debit_ids | lines_sudo.matched_credit_ids
        counterparts = partials.debit_move_id | partials.credit_move_id
        shares = self._contract_shares(lines_sudo.move_id | counterparts.move_id)
        result = []
        for line in lines_sudo:
            parts = {}
            own = shares.get(line.move_id.id)
            if own:
                for order, share in own:
                    parts[order] = parts.get(order, 0.0) + line.balance * share
            elif line.move_id.move_type not in ("out_invoice", "out_refund"):
                sign = 1 if line.balance >= 0 else -1
                for partial in line.matched_debit_ids | line.matched_credit_ids:
                    other = (
                        partial.debit_move_id
                        if partial.credit_move_id == line
                        else partial.credit_move_id
                    )
                    for order, share in shares.get(other.move_id.id, []):
                        parts[order] = parts.get(order, 0.0) + sign * partial.amount * share
            unlinked = line.balance - sum(parts.values())
            allocation = list(parts.items())
            if not currency.is_zero(unlinked) or not allocation:
                allocation.append((False, unlinked))
            result.append((line, allocation))
        return result

    def _line_type(self, line):
        move = line.move_id
        if move.move_type == "out_invoice":
            return self.env._("Invoice")
        if move.move_type == "out_refund":
            return self.env._("Credit Note")
        if move.origin_payment_id or move.statement_line_id:
            return self.env._("Payment")
        return self.env._("Journal Entry")

    def _statement_data(self):
        """Opening balance, the period's lines by contract (and those of no
        contract), closing balance and the aging of the open lines, in
        company currency."""
        self.ensure_one()
        currency = self.company_id.currency_id
        lines_sudo = self._receivable_lines_sudo()
        groups = {}

        def group_for(order):
            if order not in groups:
                groups[order] = {
                    "order": order,
                    "name": (order.contract_ref or order.name)
                    if order
                    else self.env._("Not linked to a contract"),
                    "opening": 0.0,
                    "lines": [],
                    "invoiced": 0.0,
                    "paid": 0.0,
                }
            return groups[order]

        for line, allocation in self._allocate(lines_sudo):
            for order, amount in allocation:
                group = group_for(order)
                if line.date < self.date_from:
                    group["opening"] += amount
                    continue
                debit, credit = (amount, 0.0) if amount >= 0 else (0.0, -amount)
                group["invoiced"] += debit
                group["paid"] += credit
                group["lines"].append(
                    {
                        "date": line.date,
                        "type": self._line_type(line),
                        "reference": line.move_id.name or "",
                        "description": line.move_id.ref or line.name or "",
                        "date_maturity": line.date_maturity
                        if line.move_id.move_type in ("out_invoice", "out_refund")
                        else False,
                        "debit": debit,
                        "credit": credit,
                    }
                )
        result = []
        # Contracts first (oldest first), then what no contract holds.
        for order in sorted(groups, key=lambda o: (not o, o.id if o else 0)):
            group = groups[order]
            group["opening"] = currency.round(group["opening"])
            group["closing"] = currency.round(group["opening"] + group["invoiced"] - group["paid"])
            balance = group["opening"]
            for line in group["lines"]:
                balance += line["debit"] - line["credit"]
                line["balance"] = currency.round(balance)
            if group["lines"] or not currency.is_zero(group["opening"]):
                result.append(group)
        aging = dict.fromkeys(AGING_KEYS, 0.0)
        for line in lines_sudo.filtered(lambda aml: not aml.reconciled):
            aging[aging_bucket(line.date_maturity, self.date_to)] += line.amount_residual
        opening = sum(line.balance for line in lines_sudo if line.date < self.date_from)
        period = lines_sudo.filtered(lambda aml: aml.date >= self.date_from)
        return {
            "contracts": result,
            "opening": currency.round(opening),
            "invoiced": currency.round(sum(g["invoiced"] for g in result)),
            "paid": currency.round(sum(g["paid"] for g in result)),
            "closing": currency.round(opening + sum(period.mapped("balance"))),
            "aging": [
                {
                    "key": key,
                    "label": self._aging_labels()[key],
                    "amount": currency.round(aging[key]),
                }
                for key, _label, _first, _last in AGING_BUCKETS
            ],
            "aging_total": currency.round(sum(aging.values())),
        }

    def _aging_labels(self):
        return {
            "not_due": self.env._("Not Due"),
            "due_1_30": self.env._("1-30 Days"),
            "due_31_60": self.env._("31-60 Days"),
            "due_61_90": self.env._("61-90 Days"),
            "due_91_180": self.env._("91-180 Days"),
            "due_over_180": self.env._("Over 180 Days"),
        }

    # -------------------------------------------------------------- actions
    def action_print_pdf(self):
        self.ensure_one()
        return self.env.ref("sales_backoffice.action_report_customer_statement").report_action(
            self
        )

    def action_send_email(self):
        """Odoo's composer with the statement template and its PDF, on a
        delivery log row that records to whom it went."""
        self.ensure_one()
        self._check_statement_company()
        log = self.env["backoffice.statement.log"]._prepare_delivery(
            self.partner_id, self.company_id, self.date_from, self.date_to, "manual"
        )
        template = self.env.ref("sales_backoffice.mail_template_customer_statement")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": "backoffice.statement.log",
                "default_res_ids": log.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": "mail.mail_notification_light",
                "force_email": True,
            },
        }

    # ----------------------------------------------------------------- XLSX
    def _export_xlsx_data(self):
        self.ensure_one()
        data = self._statement_data()
        columns = [
            Column(self.env._("Contract"), width=24),
            Column(self.env._("Date"), DATE_FORMAT),
            Column(self.env._("Type"), width=16),
            Column(self.env._("Reference"), width=22),
            Column(self.env._("Description"), width=28),
            Column(self.env._("Due Date"), DATE_FORMAT),
            Column(self.env._("Debit"), MONEY_FORMAT, total=True),
            Column(self.env._("Credit"), MONEY_FORMAT, total=True),
            Column(self.env._("Balance"), MONEY_FORMAT),
        ]

        def rows():
            for group in data["contracts"]:
                name = group["name"]
                yield [
                    name,
                    self.date_from,
                    self.env._("Opening balance"),
                    "",
                    "",
                    None,
                    None,
                    None,
                    group["opening"],
                ]
                for line in group["lines"]:
                    yield [
                        name,
                        line["date"],
                        line["type"],
                        line["reference"],
                        line["description"],
                        line["date_maturity"] or None,
                        line["debit"],
                        line["credit"],
                        line["balance"],
                    ]
                yield [
                    name,
                    self.date_to,
                    self.env._("Closing balance"),
                    "",
                    "",
                    None,
                    None,
                    None,
                    group["closing"],
                ]

        writer = XlsxWriter()
        writer.add_sheet(
            self.env._("Statement"), columns, rows(), totals_label=self.env._("Total")
        )
        writer.add_sheet(
            self.env._("Summary"),
            [Column(self.env._("Item"), width=30), Column(self.env._("Amount"), MONEY_FORMAT)],
            [
                [self.env._("Opening balance"), data["opening"]],
                [self.env._("Invoiced"), data["invoiced"]],
                [self.env._("Paid"), data["paid"]],
                [self.env._("Closing balance"), data["closing"]],
                *(
                    [self.env._("Aging: %s", aging["label"]), aging["amount"]]
                    for aging in data["aging"]
                ),
                [self.env._("Open items"), data["aging_total"]],
            ],
        )
        return writer.save()

    def action_export_xlsx(self):
        self.ensure_one()
        name = f"statement_{self.partner_id.commercial_partner_id.id}_{self.date_from}_{self.date_to}.xlsx"
        return self.env["backoffice.xlsx.download"]._download_action(
            name, self._export_xlsx_data()
        )
