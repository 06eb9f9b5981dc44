from odoo import api, fields, models
from odoo.tools import SQL

from ..models.backoffice_case import CHANNELS
from ..models.backoffice_case_type_policy import CASE_TYPES
from ..tools.xlsx import DATE_FORMAT, INTEGER_FORMAT, Column, XlsxWriter

HOURS_FORMAT = "#,##0.0"


class BackofficeCaseReport(models.Model):
    """One row per case: type, product, customer, salesperson and month, the
    response and resolution hours and whether a deadline was missed."""

    _name = "backoffice.case.report"
    _description = "Customer Service Analysis"
    _auto = False
    _order = "date_open desc, id desc"
    _rec_name = "case_id"
    _depends = {
        "backoffice.case": [
            "name",
            "company_id",
            "partner_id",
            "order_id",
            "salesperson_id",
            "user_id",
            "product_id",
            "case_type",
            "channel",
            "stage_id",
            "is_closed",
            "date_open",
            "date_first_response",
            "date_closed",
            "date_response_deadline",
            "date_deadline",
            "create_uid",
        ],
        "res.partner": ["user_id", "commercial_partner_id"],
    }

    case_id = fields.Many2one("backoffice.case", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    order_id = fields.Many2one("sale.order", string="Contract", readonly=True)
    salesperson_id = fields.Many2one("res.users", readonly=True)
    partner_user_id = fields.Many2one("res.users", string="Customer's Salesperson", readonly=True)
    order_user_id = fields.Many2one("res.users", string="Contract's Salesperson", readonly=True)
    create_uid = fields.Many2one("res.users", string="Opened By", readonly=True)
    user_id = fields.Many2one("res.users", string="Owner", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    case_type = fields.Selection(CASE_TYPES, readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    stage_id = fields.Many2one("backoffice.case.stage", readonly=True)
    is_closed = fields.Boolean(readonly=True)
    date_open = fields.Datetime("Opened On", readonly=True)
    response_hours = fields.Float(readonly=True, aggregator="avg")
    resolution_hours = fields.Float(readonly=True, aggregator="avg")
    breach_count = fields.Integer(
        "Breaches", readonly=True, aggregator="sum", help="1 when a deadline was missed."
    )

    @property
    def _table_query(self):
        now = fields.Datetime.now()
        return SQL(
            """
            SELECT c.id AS id,
                   c.id AS case_id,
                   c.company_id,
                   c.partner_id,
                   c.order_id,
                   c.salesperson_id,
                   COALESCE(p.user_id, cp.user_id) AS partner_user_id,
                   so.user_id AS order_user_id,
                   c.create_uid,
                   c.user_id,
                   c.product_id,
                   c.case_type,
                   c.channel,
                   c.stage_id,
                   COALESCE(c.is_closed, FALSE) AS is_closed,
                   c.date_open,
                   CASE WHEN c.date_first_response IS NOT NULL
                        THEN EXTRACT(EPOCH FROM c.date_first_response - c.date_open) / 3600.0
                   END AS response_hours,
                   CASE WHEN c.date_closed IS NOT NULL
                        THEN EXTRACT(EPOCH FROM c.date_closed - c.date_open) / 3600.0
                   END AS resolution_hours,
                   CASE WHEN COALESCE(c.date_first_response, %(now)s) > c.date_response_deadline
                          OR COALESCE(c.date_closed, %(now)s) > c.date_deadline
                        THEN 1 ELSE 0
                   END AS breach_count
              FROM backoffice_case c
              JOIN res_partner p ON p.id = c.partner_id
         LEFT JOIN res_partner cp ON cp.id = p.commercial_partner_id
         LEFT JOIN sale_order so ON so.id = c.order_id
            """,
            now=now,
        )

    @api.model
    def _export_columns(self):
        return [
            Column(self.env._("Case"), width=16),
            Column(self.env._("Opened On"), DATE_FORMAT),
            Column(self.env._("Type"), width=18),
            Column(self.env._("Channel"), width=10),
            Column(self.env._("Customer"), width=28),
            Column(self.env._("Contract"), width=16),
            Column(self.env._("Product"), width=24),
            Column(self.env._("Salesperson"), width=20),
            Column(self.env._("Owner"), width=20),
            Column(self.env._("Stage"), width=14),
            Column(self.env._("Response Hours"), HOURS_FORMAT),
            Column(self.env._("Resolution Hours"), HOURS_FORMAT),
            Column(self.env._("Breaches"), INTEGER_FORMAT, total=True),
        ]

    def action_export_xlsx(self):
        types = dict(self._fields["case_type"]._description_selection(self.env))
        channels = dict(self._fields["channel"]._description_selection(self.env))
        rows = (
            [
                row.case_id.name,
                fields.Datetime.context_timestamp(self, row.date_open).date()
                if row.date_open
                else None,
                types.get(row.case_type, ""),
                channels.get(row.channel, ""),
                row.partner_id.display_name or "",
                row.order_id.display_name or "",
                row.product_id.display_name or "",
                row.salesperson_id.name or "",
                row.user_id.name or "",
                row.stage_id.name or "",
                round(row.response_hours, 1) if row.response_hours else None,
                round(row.resolution_hours, 1) if row.resolution_hours else None,
                row.breach_count,
            ]
            for row in self
        )
        writer = XlsxWriter()
        writer.add_sheet(
            self.env._("Cases"), self._export_columns(), rows, totals_label=self.env._("Total")
        )
        return self.env["backoffice.xlsx.download"]._download_action("cases.xlsx", writer.save())
