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
                   -- Empty (orders written without this module loaded) means normal.
                   COALESCE(so.receivable_class, 'normal') AS receivable_class,
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
        """Rows of the export in one query: the report joined with the names
        it shows. The records are checked first, so the query only returns
        rows the user may read."""
        self.check_access("read")
        if not self:
            return
        class_labels = dict(self._fields["receivable_class"]._description_selection(self.env))
        lang = self.env.lang or "en_US"
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT perf.contract_ref, so.name, partner.complete_name, salesperson.name,
                       COALESCE(team.name->>%(lang)s, team.name->>'en_US'), perf.date_order,
                       perf.amount_ordered, perf.amount_delivered, perf.amount_returned,
                       perf.amount_invoiced, perf.amount_collected, perf.amount_receivable,
                       perf.amount_overdue, perf.days_overdue, perf.receivable_class,
                       perf.delivery_rate, perf.invoice_rate, perf.collection_rate, currency.name
                  FROM (%(report)s) perf
                  JOIN sale_order so ON so.id = perf.order_id
                  LEFT JOIN res_partner partner ON partner.id = perf.partner_id
                  LEFT JOIN res_users users ON users.id = perf.user_id
                  LEFT JOIN res_partner salesperson ON salesperson.id = users.partner_id
                  LEFT JOIN crm_team team ON team.id = perf.team_id
                  LEFT JOIN res_currency currency ON currency.id = perf.currency_id
                 WHERE perf.id = ANY(%(ids)s)
                 ORDER BY perf.date_order DESC, perf.id DESC
                """,
                lang=lang,
                report=self._table_query,
                ids=list(self.ids),
            )
        )
        for row in self.env.cr.fetchall():
            row = list(row)
            row[0] = row[0] or ""
            row[5] = row[5] and row[5].date()
            for index in (6, 7, 8, 9, 10, 11, 12, 15, 16, 17):
                row[index] = float(row[index] or 0.0)
            row[14] = class_labels.get(row[14], "")
            yield row

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
