from odoo import api, fields, models
from odoo.tools import SQL

from ..models.sale_order import RECEIVABLE_CLASSES
from ..tools.xlsx import (
    DATE_FORMAT,
    INTEGER_FORMAT,
    MONEY_FORMAT,
    PERCENT_FORMAT,
    Column,
    XlsxWriter,
)


class BackofficeContractPerformance(models.Model):
    """One row per confirmed contract: what was ordered, delivered, returned,
    invoiced, collected and is still owed, in company currency.

    Built from the contract events (which follow Odoo's pickings, invoices and
    payments) and, for what is owed, from the invoices' open receivable lines.
    """

    _name = "backoffice.contract.performance"
    _description = "Contract Performance"
    _auto = False
    _order = "date_order desc, id desc"
    _rec_name = "order_id"
    # What the query reads: flushed before every search on the report.
    _depends = {
        "sale.order": [
            "state",
            "contract_ref",
            "partner_id",
            "user_id",
            "team_id",
            "company_id",
            "date_order",
            "date_contract_signed",
            "receivable_class",
            "amount_untaxed",
            "currency_rate",
        ],
        "backoffice.contract.event": [
            "order_id",
            "event_type",
            "amount",
            "amount_total",
            "invoice_share",
            "move_id",
        ],
        "account.move.line": [
            "move_id",
            "display_type",
            "reconciled",
            "amount_residual",
            "date_maturity",
        ],
    }

    order_id = fields.Many2one("sale.order", string="Contract", readonly=True)
    contract_ref = fields.Char("Contract Reference", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date_order = fields.Datetime("Order Date", readonly=True)
    date_contract_signed = fields.Date("Signed On", readonly=True)
    amount_ordered = fields.Monetary(readonly=True, aggregator="sum")
    amount_delivered = fields.Monetary(readonly=True, aggregator="sum")
    amount_returned = fields.Monetary(readonly=True, aggregator="sum")
    amount_invoiced = fields.Monetary(readonly=True, aggregator="sum")
    amount_collected = fields.Monetary(readonly=True, aggregator="sum")
    amount_receivable = fields.Monetary(readonly=True, aggregator="sum")
    amount_overdue = fields.Monetary(readonly=True, aggregator="sum")
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    receivable_class = fields.Selection(RECEIVABLE_CLASSES, readonly=True)
    delivery_rate = fields.Float("Delivered (%)", readonly=True, aggregator="avg")
    invoice_rate = fields.Float("Invoiced (%)", readonly=True, aggregator="avg")
    collection_rate = fields.Float("Collected (%)", readonly=True, aggregator="avg")

    @property
    def _table_query(self):
        return SQL(
            """
            WITH events AS (
                SELECT order_id,
                       SUM(amount) FILTER (WHERE event_type = 'delivery') AS delivered,
                       -SUM(amount) FILTER (WHERE event_type = 'return') AS returned,
                       SUM(amount) FILTER (WHERE event_type IN ('invoice', 'refund')) AS invoiced,
                       SUM(amount_total) FILTER (WHERE event_type IN ('invoice', 'refund')) AS invoiced_total,
                       SUM(amount) FILTER (WHERE event_type = 'payment') AS collected
                  FROM backoffice_contract_event
                 GROUP BY order_id
            ), receivables AS (
                SELECT event.order_id,
                       SUM(line.amount_residual * event.invoice_share) AS receivable,
                       SUM(line.amount_residual * event.invoice_share)
                           FILTER (WHERE line.date_maturity < %(today)s) AS overdue,
                       MIN(line.date_maturity)
                           FILTER (WHERE line.date_maturity < %(today)s AND line.amount_residual > 0) AS oldest_due
                  FROM backoffice_contract_event event
                  JOIN account_move_line line
                    ON line.move_id = event.move_id
                   AND line.display_type = 'payment_term'
                   AND NOT line.reconciled
                 WHERE event.event_type IN ('invoice', 'refund')
                 GROUP BY event.order_id
            )
            SELECT so.id AS id,
                   so.id AS order_id,
                   so.contract_ref,
                   so.partner_id,
                   so.user_id,
                   so.team_id,
                   so.company_id,
                   company.currency_id,
                   so.date_order,
                   so.date_contract_signed,
                   so.receivable_class,
                   ordered.amount AS amount_ordered,
                   COALESCE(events.delivered, 0) AS amount_delivered,
                   COALESCE(events.returned, 0) AS amount_returned,
                   COALESCE(events.invoiced, 0) AS amount_invoiced,
                   COALESCE(events.collected, 0) AS amount_collected,
                   COALESCE(receivables.receivable, 0) AS amount_receivable,
                   COALESCE(receivables.overdue, 0) AS amount_overdue,
                   COALESCE(%(today)s - receivables.oldest_due, 0) AS days_overdue,
                   CASE WHEN ordered.amount > 0
                        THEN 100.0 * (COALESCE(events.delivered, 0) - COALESCE(events.returned, 0)) / ordered.amount
                        ELSE 0 END AS delivery_rate,
                   CASE WHEN ordered.amount > 0
                        THEN 100.0 * COALESCE(events.invoiced, 0) / ordered.amount
                        ELSE 0 END AS invoice_rate,
                   CASE WHEN events.invoiced_total > 0
                        THEN 100.0 * COALESCE(events.collected, 0) / events.invoiced_total
                        ELSE 0 END AS collection_rate
              FROM sale_order so
              JOIN res_company company ON company.id = so.company_id
             CROSS JOIN LATERAL (
                   SELECT ROUND((so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1))::numeric, 2) AS amount
             ) ordered
              LEFT JOIN events ON events.order_id = so.id
              LEFT JOIN receivables ON receivables.order_id = so.id
             WHERE so.state = 'sale'
            """,
            today=fields.Date.context_today(self),
        )

    @api.readonly
    def action_open_order(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "res_id": self.order_id.id,
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------------ export
    def _xlsx_columns(self):
        return [
            Column(self.env._("Contract"), width=18),
            Column(self.env._("Order"), width=14),
            Column(self.env._("Customer"), width=30),
            Column(self.env._("Salesperson"), width=22),
            Column(self.env._("Sales Team"), width=18),
            Column(self.env._("Order Date"), DATE_FORMAT),
            Column(self.env._("Ordered"), MONEY_FORMAT, total=True),
            Column(self.env._("Delivered"), MONEY_FORMAT, total=True),
            Column(self.env._("Returned"), MONEY_FORMAT, total=True),
            Column(self.env._("Invoiced"), MONEY_FORMAT, total=True),
            Column(self.env._("Collected"), MONEY_FORMAT, total=True),
            Column(self.env._("Receivable"), MONEY_FORMAT, total=True),
            Column(self.env._("Overdue"), MONEY_FORMAT, total=True),
            Column(self.env._("Days Overdue"), INTEGER_FORMAT),
            Column(self.env._("Receivable Class"), width=16),
            Column(self.env._("Delivered (%)"), PERCENT_FORMAT),
            Column(self.env._("Invoiced (%)"), PERCENT_FORMAT),
            Column(self.env._("Collected (%)"), PERCENT_FORMAT),
            Column(self.env._("Currency"), width=10),
        ]

    def _xlsx_rows(self):
        """Rows of the export, read in one query per batch (no per-record reads)."""
        class_labels = dict(self._fields["receivable_class"]._description_selection(self.env))
        fnames = [
            "contract_ref",
            "order_id",
            "partner_id",
            "user_id",
            "team_id",
            "date_order",
            "amount_ordered",
            "amount_delivered",
            "amount_returned",
            "amount_invoiced",
            "amount_collected",
            "amount_receivable",
            "amount_overdue",
            "days_overdue",
            "receivable_class",
            "delivery_rate",
            "invoice_rate",
            "collection_rate",
            "currency_id",
        ]
        batch = 5000
        for start in range(0, len(self.ids), batch):
            for row in self.browse(self.ids[start : start + batch]).read(
                fnames, load="_classic_read"
            ):
                yield [
                    row["contract_ref"] or "",
                    row["order_id"] and row["order_id"][1],
                    row["partner_id"] and row["partner_id"][1],
                    row["user_id"] and row["user_id"][1],
                    row["team_id"] and row["team_id"][1],
                    row["date_order"] and row["date_order"].date(),
                    row["amount_ordered"],
                    row["amount_delivered"],
                    row["amount_returned"],
                    row["amount_invoiced"],
                    row["amount_collected"],
                    row["amount_receivable"],
                    row["amount_overdue"],
                    row["days_overdue"],
                    class_labels.get(row["receivable_class"], ""),
                    row["delivery_rate"],
                    row["invoice_rate"],
                    row["collection_rate"],
                    row["currency_id"] and row["currency_id"][1],
                ]

    def _export_xlsx_data(self):
        writer = XlsxWriter()
        writer.add_sheet(
            self.env._("Contracts"),
            self._xlsx_columns(),
            self._xlsx_rows(),
            totals_label=self.env._("Total"),
        )
        return writer.save()

    def action_export_xlsx(self):
        data = self._export_xlsx_data()
        return self.env["backoffice.xlsx.download"]._download_action(
            "contract_performance.xlsx", data
        )
