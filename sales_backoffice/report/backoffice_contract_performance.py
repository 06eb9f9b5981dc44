import uuid

from odoo import api, fields, models
from odoo.exceptions import AccessError
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

# Aging buckets of open receivables by days past their due date, in order:
# (key, label, first day, last day); the report field is ``amount_<key>``.
# Not due: no due date, or due today or later.
# Rows the XLSX export reads at a time from its server-side cursor.
EXPORT_FETCH = 2000
AGING_BUCKETS = [
    ("not_due", "Not Due", None, 0),
    ("due_1_30", "1-30 Days", 1, 30),
    ("due_31_60", "31-60 Days", 31, 60),
    ("due_61_90", "61-90 Days", 61, 90),
    ("due_91_180", "91-180 Days", 91, 180),
    ("due_over_180", "Over 180 Days", 181, None),
]
AGING_KEYS = [key for key, _label, _first, _last in AGING_BUCKETS]


def aging_bucket(date_maturity, today):
    """The bucket key of an amount due on ``date_maturity`` seen on ``today``."""
    days = (today - date_maturity).days if date_maturity else 0
    for key, _label, first, last in AGING_BUCKETS:
        if (first is None or days >= first) and (last is None or days <= last):
            return key
    return AGING_KEYS[-1]


def aging_sql(amount, date_maturity, today, prefix="amount_"):
    """``SUM(amount) FILTER (...) AS <prefix><key>`` for every bucket, the
    SQL twin of :func:`aging_bucket`."""
    columns = []
    for key, _label, first, last in AGING_BUCKETS:
        days = SQL("(%s - %s)", today, date_maturity)
        if first is None:
            condition = SQL("(%s IS NULL OR %s <= %s)", date_maturity, days, last)
        elif last is None:
            condition = SQL("%s >= %s", days, first)
        else:
            condition = SQL("%s BETWEEN %s AND %s", days, first, last)
        columns.append(
            SQL(
                "SUM(%s) FILTER (WHERE %s) AS %s",
                amount,
                condition,
                SQL.identifier(f"{prefix}{key}"),
            )
        )
    return SQL(", ").join(columns)


class BackofficeContractPerformance(models.Model):
    """One row per confirmed contract: what was ordered, delivered, returned,
    invoiced, collected and is still owed, in company currency.

    Built from the contracts' event totals (stored on the order, following
    Odoo's pickings, invoices and payments) and, for what is owed, from the
    invoices' open receivable lines.
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
            "event_amount_delivered",
            "event_amount_returned",
            "event_amount_invoiced",
            "event_amount_invoiced_total",
            "event_amount_collected",
        ],
        "res.partner": ["commercial_partner_id"],
        "backoffice.contract.event": [
            "order_id",
            "event_type",
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
    commercial_partner_id = fields.Many2one(
        "res.partner", string="Customer Company", readonly=True
    )
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
    # Aged receivables: amount_receivable by days past due (AGING_BUCKETS).
    amount_not_due = fields.Monetary("Not Due", readonly=True, aggregator="sum")
    amount_due_1_30 = fields.Monetary("1-30 Days", readonly=True, aggregator="sum")
    amount_due_31_60 = fields.Monetary("31-60 Days", readonly=True, aggregator="sum")
    amount_due_61_90 = fields.Monetary("61-90 Days", readonly=True, aggregator="sum")
    amount_due_91_180 = fields.Monetary("91-180 Days", readonly=True, aggregator="sum")
    amount_due_over_180 = fields.Monetary("Over 180 Days", readonly=True, aggregator="sum")
    receivable_class = fields.Selection(RECEIVABLE_CLASSES, readonly=True)
    delivery_rate = fields.Float("Delivered (%)", readonly=True, aggregator="avg")
    invoice_rate = fields.Float("Invoiced (%)", readonly=True, aggregator="avg")
    collection_rate = fields.Float("Collected (%)", readonly=True, aggregator="avg")

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        return SQL(
            """
            WITH receivables AS (
                SELECT event.order_id,
                       SUM(line.amount_residual * event.invoice_share) AS receivable,
                       SUM(line.amount_residual * event.invoice_share)
                           FILTER (WHERE line.date_maturity < %(today)s) AS overdue,
                       MIN(line.date_maturity)
                           FILTER (WHERE line.date_maturity < %(today)s AND line.amount_residual > 0) AS oldest_due,
                       %(buckets)s
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
                   COALESCE(so.event_amount_delivered, 0) AS amount_delivered,
                   COALESCE(so.event_amount_returned, 0) AS amount_returned,
                   COALESCE(so.event_amount_invoiced, 0) AS amount_invoiced,
                   COALESCE(so.event_amount_collected, 0) AS amount_collected,
                   COALESCE(receivables.receivable, 0) AS amount_receivable,
                   COALESCE(receivables.overdue, 0) AS amount_overdue,
                   COALESCE(%(today)s - receivables.oldest_due, 0) AS days_overdue,
                   %(bucket_columns)s,
                   partner.commercial_partner_id,
                   CASE WHEN ordered.amount > 0
                        THEN 100.0 * (COALESCE(so.event_amount_delivered, 0)
                                      - COALESCE(so.event_amount_returned, 0)) / ordered.amount
                        ELSE 0 END AS delivery_rate,
                   CASE WHEN ordered.amount > 0
                        THEN 100.0 * COALESCE(so.event_amount_invoiced, 0) / ordered.amount
                        ELSE 0 END AS invoice_rate,
                   CASE WHEN so.event_amount_invoiced_total > 0
                        THEN 100.0 * COALESCE(so.event_amount_collected, 0)
                             / so.event_amount_invoiced_total
                        ELSE 0 END AS collection_rate
              FROM sale_order so
              -- Left joins on required fields: the same rows, and a query
              -- reading neither column (a read_group by month) skips them.
              LEFT JOIN res_company company ON company.id = so.company_id
              LEFT JOIN res_partner partner ON partner.id = so.partner_id
             CROSS JOIN LATERAL (
                   SELECT ROUND((so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1))::numeric, 2) AS amount
             ) ordered
              LEFT JOIN receivables ON receivables.order_id = so.id
             WHERE so.state = 'sale'
            """,
            today=today,
            buckets=aging_sql(
                SQL("line.amount_residual * event.invoice_share"),
                SQL("line.date_maturity"),
                today,
            ),
            bucket_columns=SQL(", ").join(
                SQL(
                    "COALESCE(receivables.%s, 0) AS %s",
                    SQL.identifier(f"amount_{key}"),
                    SQL.identifier(f"amount_{key}"),
                )
                for key in AGING_KEYS
            ),
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
        """Rows of the export from one query, the report joined with the
        names it shows, read through a server-side cursor EXPORT_FETCH rows
        at a time, so that the export's memory does not grow with its rows.
        The records are checked first, so the query only returns rows the
        user may read."""
        self.check_access("read")
        if not self:
            return
        class_labels = dict(self._fields["receivable_class"]._description_selection(self.env))
        lang = self.env.lang or "en_US"
        self.env.flush_all()
        cursor = SQL.identifier(f"backoffice_export_{uuid.uuid4().hex}")
        self.env.cr.execute(
            SQL(
                """
                DECLARE %(cursor)s NO SCROLL CURSOR FOR
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
                cursor=cursor,
                lang=lang,
                report=self._table_query,
                ids=list(self.ids),
            )
        )
        while True:
            self.env.cr.execute(SQL("FETCH %s FROM %s", EXPORT_FETCH, cursor))
            rows = self.env.cr.fetchall()
            if not rows:
                break
            for row in rows:
                row = list(row)
                row[0] = row[0] or ""
                row[5] = row[5] and row[5].date()
                for index in (6, 7, 8, 9, 10, 11, 12, 15, 16, 17):
                    row[index] = float(row[index] or 0.0)
                row[14] = class_labels.get(row[14], "")
                yield row
        # A reader that stops early leaves it to the end of the transaction,
        # which closes it too.
        self.env.cr.execute(SQL("CLOSE %s", cursor))

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

    # ------------------------------------------------------- aged receivables
    @api.model
    def _accounting_receivables(self, partner_ids, company_ids):
        """Accounting's open receivable lines (posted, not reconciled) of the
        given commercial partners, in company currency, in one query:
        ``{(company_id, partner_id): {"total_<key>": ..., "contract_<key>": ...}}``
        where ``total`` is every open line and ``contract`` the part that
        belongs to confirmed contracts (their invoices' shares); the rest,
        payments not applied to an invoice and invoices of no contract, is
        not linked to any contract."""
        if not partner_ids or not company_ids:
            return {}
        today = fields.Date.context_today(self)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH shares AS (
                    SELECT event.move_id, SUM(event.invoice_share) AS share
                      FROM backoffice_contract_event event
                      JOIN sale_order so ON so.id = event.order_id AND so.state = 'sale'
                     WHERE event.event_type IN ('invoice', 'refund')
                     GROUP BY event.move_id
                )
                SELECT line.company_id, partner.commercial_partner_id, %(total)s, %(contract)s
                  FROM account_move_line line
                  JOIN res_partner partner ON partner.id = line.partner_id
                  JOIN account_account account ON account.id = line.account_id
                  LEFT JOIN shares
                    ON shares.move_id = line.move_id AND line.display_type = 'payment_term'
                 WHERE account.account_type = 'asset_receivable'
                   AND line.parent_state = 'posted'
                   AND NOT line.reconciled
                   AND line.company_id = ANY(%(companies)s)
                   AND partner.commercial_partner_id = ANY(%(partners)s)
                 GROUP BY line.company_id, partner.commercial_partner_id
                """,
                total=aging_sql(
                    SQL("line.amount_residual"), SQL("line.date_maturity"), today, "total_"
                ),
                contract=aging_sql(
                    SQL("line.amount_residual * COALESCE(shares.share, 0)"),
                    SQL("line.date_maturity"),
                    today,
                    "contract_",
                ),
                companies=list(company_ids),
                partners=list(partner_ids),
            )
        )
        names = [f"total_{key}" for key in AGING_KEYS] + [f"contract_{key}" for key in AGING_KEYS]
        return {
            (row[0], row[1]): {
                name: float(value or 0.0) for name, value in zip(names, row[2:], strict=True)
            }
            for row in self.env.cr.fetchall()
        }

    def _check_aged_access(self):
        """The aged workbook reconciles with accounting: whole customers'
        receivables, for the back office and finance, not a salesperson's
        own contracts only."""
        user = self.env.user
        if not self.env.su and not (
            user.has_group("sales_backoffice.group_backoffice_user")
            or user.has_group("account.group_account_invoice")
        ):
            raise AccessError(
                self.env._("The aged receivables workbook is for the back office and finance.")
            )

    def _aged_columns(self, first, total_label=None):
        bucket_labels = {
            "not_due": self.env._("Not Due"),
            "due_1_30": self.env._("1-30 Days"),
            "due_31_60": self.env._("31-60 Days"),
            "due_61_90": self.env._("61-90 Days"),
            "due_91_180": self.env._("91-180 Days"),
            "due_over_180": self.env._("Over 180 Days"),
        }
        return [
            *first,
            *(Column(bucket_labels[key], MONEY_FORMAT, total=True) for key in AGING_KEYS),
            Column(total_label or self.env._("Total"), MONEY_FORMAT, total=True),
        ]

    def _aged_data(self):
        """Per customer of the selection (company, commercial partner): all
        its contracts' buckets, what is not linked to a contract, and
        accounting's open receivable lines."""
        self._check_aged_access()
        self.check_access("read")
        customers = {(row.company_id.id, row.commercial_partner_id.id) for row in self}
        contracts = self.search(
            [
                ("company_id", "in", [company for company, _partner in customers]),
                ("commercial_partner_id", "in", [partner for _company, partner in customers]),
                ("amount_receivable", "!=", 0),
            ],
            order="commercial_partner_id, date_order, id",
        )
        accounting = self._accounting_receivables(
            {partner for _company, partner in customers},
            {company for company, _partner in customers},
        )
        result = []
        partners = self.env["res.partner"].browse(sorted({p for _c, p in customers}))
        for partner in partners.sorted("name"):
            for company in self.env["res.company"].browse(
                sorted(c for c, p in customers if p == partner.id)
            ):
                rows = contracts.filtered(
                    lambda r, c=company, p=partner: r.company_id == c
                    and r.commercial_partner_id == p
                )
                figures = accounting.get((company.id, partner.id), {})
                contract_buckets = {key: sum(rows.mapped(f"amount_{key}")) for key in AGING_KEYS}
                result.append(
                    {
                        "partner": partner,
                        "company": company,
                        "contracts": rows,
                        "contract_buckets": contract_buckets,
                        "unlinked": {
                            key: figures.get(f"total_{key}", 0.0)
                            - figures.get(f"contract_{key}", 0.0)
                            for key in AGING_KEYS
                        },
                        "accounting": {
                            key: figures.get(f"total_{key}", 0.0) for key in AGING_KEYS
                        },
                    }
                )
        return result

    def _export_aged_xlsx_data(self):
        data = self._aged_data()

        def buckets(values, currency):
            amounts = [currency.round(values[key]) for key in AGING_KEYS]
            return [*amounts, currency.round(sum(amounts))]

        def contract_rows():
            for customer in data:
                for row in customer["contracts"]:
                    yield [
                        customer["partner"].display_name,
                        row.contract_ref or "",
                        row.order_id.name,
                        *buckets(
                            {key: row[f"amount_{key}"] for key in AGING_KEYS}, row.currency_id
                        ),
                    ]
                currency = customer["company"].currency_id
                if any(currency.round(value) for value in customer["unlinked"].values()):
                    yield [
                        customer["partner"].display_name,
                        self.env._("Not linked to a contract"),
                        "",
                        *buckets(customer["unlinked"], currency),
                    ]

        def customer_rows():
            for customer in data:
                currency = customer["company"].currency_id
                contracts = sum(customer["contract_buckets"].values())
                unlinked = sum(customer["unlinked"].values())
                accounting = sum(customer["accounting"].values())
                yield [
                    customer["partner"].display_name,
                    customer["company"].name,
                    currency.round(contracts),
                    currency.round(unlinked),
                    currency.round(accounting - contracts - unlinked),
                    *buckets(customer["accounting"], currency),
                ]

        writer = XlsxWriter()
        writer.add_sheet(
            self.env._("Aged receivables"),
            self._aged_columns(
                [
                    Column(self.env._("Customer"), width=30),
                    Column(self.env._("Contract"), width=24),
                    Column(self.env._("Order"), width=14),
                ]
            ),
            contract_rows(),
            totals_label=self.env._("Total"),
        )
        writer.add_sheet(
            self.env._("By customer"),
            self._aged_columns(
                [
                    Column(self.env._("Customer"), width=30),
                    Column(self.env._("Company"), width=20),
                    Column(self.env._("Contracts"), MONEY_FORMAT, total=True),
                    Column(self.env._("Not linked to a contract"), MONEY_FORMAT, total=True),
                    Column(self.env._("Difference"), MONEY_FORMAT, total=True),
                ],
                total_label=self.env._("Open in Accounting"),
            ),
            customer_rows(),
            totals_label=self.env._("Total"),
        )
        return writer.save()

    def action_export_aged_xlsx(self):
        data = self._export_aged_xlsx_data()
        return self.env["backoffice.xlsx.download"]._download_action("aged_receivables.xlsx", data)
