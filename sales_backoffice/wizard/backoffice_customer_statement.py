from odoo import fields, models

from ..tools.xlsx import DATE_FORMAT, MONEY_FORMAT, Column, XlsxWriter


class BackofficeCustomerStatement(models.TransientModel):
    """Customer reconciliation statement for a period, by contract: opening
    balance, invoices and credit notes, payments, closing balance."""

    _name = "backoffice.customer.statement"
    _inherit = ["backoffice.period.mixin"]
    _description = "Customer Reconciliation Statement"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, check_company=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    def _statement_data(self):
        """Per contract: opening balance, the period's movements, closing balance."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        events = self.env["backoffice.contract.event"].search(
            [
                ("order_id.partner_id", "child_of", partner.id),
                ("company_id", "=", self.company_id.id),
                ("event_type", "in", ("invoice", "refund", "payment")),
                ("date", "<=", self.date_to),
            ],
            order="date, id",
        )
        labels = dict(events._fields["event_type"]._description_selection(self.env))
        contracts = {}
        for event in events:
            contract = contracts.setdefault(
                event.order_id,
                {
                    "order": event.order_id,
                    "opening": 0.0,
                    "lines": [],
                    "invoiced": 0.0,
                    "paid": 0.0,
                },
            )
            debit = event.amount_total if event.event_type != "payment" else 0.0
            credit = event.amount if event.event_type == "payment" else 0.0
            if event.date < self.date_from:
                contract["opening"] += debit - credit
                continue
            contract["invoiced"] += debit
            contract["paid"] += credit
            contract["lines"].append(
                {
                    "date": event.date,
                    "type": labels[event.event_type],
                    "reference": event.move_id.name
                    if event.event_type != "payment"
                    else event.source_name,
                    "debit": debit,
                    "credit": credit,
                }
            )
        result = []
        for contract in contracts.values():
            contract["closing"] = contract["opening"] + contract["invoiced"] - contract["paid"]
            balance = contract["opening"]
            for line in contract["lines"]:
                balance += line["debit"] - line["credit"]
                line["balance"] = balance
            result.append(contract)
        return {
            "contracts": result,
            "opening": sum(c["opening"] for c in result),
            "invoiced": sum(c["invoiced"] for c in result),
            "paid": sum(c["paid"] for c in result),
            "closing": sum(c["closing"] for c in result),
        }

    def action_print_pdf(self):
        self.ensure_one()
        return self.env.ref("sales_backoffice.action_report_customer_statement").report_action(
            self
        )

    def _export_xlsx_data(self):
        self.ensure_one()
        data = self._statement_data()
        columns = [
            Column(self.env._("Contract"), width=18),
            Column(self.env._("Date"), DATE_FORMAT),
            Column(self.env._("Type"), width=16),
            Column(self.env._("Reference"), width=24),
            Column(self.env._("Invoiced"), MONEY_FORMAT, total=True),
            Column(self.env._("Paid"), MONEY_FORMAT, total=True),
            Column(self.env._("Balance"), MONEY_FORMAT),
        ]

        def rows():
            for contract in data["contracts"]:
                name = contract["order"].contract_ref or contract["order"].name
                yield [
                    name,
                    self.date_from,
                    self.env._("Opening balance"),
                    "",
                    contract["opening"],
                    0.0,
                    contract["opening"],
                ]
                for line in contract["lines"]:
                    yield [
                        name,
                        line["date"],
                        line["type"],
                        line["reference"] or "",
                        line["debit"],
                        line["credit"],
                        line["balance"],
                    ]
                yield [
                    name,
                    self.date_to,
                    self.env._("Closing balance"),
                    "",
                    None,
                    None,
                    contract["closing"],
                ]

        writer = XlsxWriter()
        writer.add_sheet(
            self.env._("Statement"), columns, rows(), totals_label=self.env._("Total")
        )
        return writer.save()

    def action_export_xlsx(self):
        self.ensure_one()
        name = f"statement_{self.partner_id.commercial_partner_id.id}_{self.date_from}_{self.date_to}.xlsx"
        return self.env["backoffice.xlsx.download"]._download_action(
            name, self._export_xlsx_data()
        )
