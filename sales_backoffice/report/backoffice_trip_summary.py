from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.xlsx import INTEGER_FORMAT, MONEY_FORMAT, Column, XlsxWriter

# Claims that are a trip someone made: submitted and on, not refused.
TRIP_CLAIM_STATES = ("submitted", "audited", "approved", "posted", "paid")


class BackofficeTripSummary(models.Model):
    """Business trips by salesperson and month: trip days, routes, customers
    visited and amounts claimed, from the expense claims (a claim counts in
    the month its trip starts) and the customers of the work reports."""

    _name = "backoffice.trip.summary"
    _description = "Business Trip Days"
    _auto = False
    _order = "month desc, user_id, id desc"
    _depends = {
        "backoffice.expense.claim": [
            "user_id",
            "team_id",
            "company_id",
            "date_from",
            "date_to",
            "trip_days",
            "route",
            "partner_ids",
            "amount_claimed",
            "amount_approved",
            "state",
        ],
        "backoffice.work.report": ["user_id", "company_id", "date_from", "partner_ids", "state"],
    }

    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    month = fields.Date(readonly=True)
    trip_count = fields.Integer("Trips", readonly=True, aggregator="sum")
    trip_days = fields.Integer(readonly=True, aggregator="sum")
    routes = fields.Char(readonly=True)
    customer_count = fields.Integer("Customers Visited", readonly=True, aggregator="sum")
    customer_names = fields.Char("Customers", readonly=True)
    amount_claimed = fields.Monetary(readonly=True, aggregator="sum")
    amount_approved = fields.Monetary(readonly=True, aggregator="sum")

    @property
    def _table_query(self):
        return SQL(
            """
            WITH trips AS (
                SELECT claim.user_id, claim.company_id,
                       DATE_TRUNC('month', claim.date_from)::date AS month,
                       MIN(claim.team_id) AS team_id,
                       COUNT(*) AS trip_count,
                       SUM(claim.trip_days) AS trip_days,
                       STRING_AGG(claim.route, ' / ' ORDER BY claim.date_from, claim.id)
                           FILTER (WHERE claim.route IS NOT NULL AND claim.route != '') AS routes,
                       SUM(claim.amount_claimed) AS amount_claimed,
                       SUM(claim.amount_approved) FILTER (WHERE claim.state IN %(approved)s)
                           AS amount_approved
                  FROM backoffice_expense_claim claim
                 WHERE claim.state IN %(states)s
                 GROUP BY claim.user_id, claim.company_id, DATE_TRUNC('month', claim.date_from)
            ), visits AS (
                SELECT claim.user_id, claim.company_id,
                       DATE_TRUNC('month', claim.date_from)::date AS month,
                       rel.res_partner_id AS partner_id
                  FROM backoffice_expense_claim claim
                  JOIN backoffice_expense_claim_res_partner_rel rel
                    ON rel.backoffice_expense_claim_id = claim.id
                 WHERE claim.state IN %(states)s
                 UNION
                SELECT report.user_id, report.company_id,
                       DATE_TRUNC('month', report.date_from)::date AS month,
                       rel.res_partner_id AS partner_id
                  FROM backoffice_work_report report
                  JOIN backoffice_work_report_res_partner_rel rel
                    ON rel.backoffice_work_report_id = report.id
                 WHERE report.state IN ('submitted', 'reviewed')
            ), customers AS (
                SELECT visits.user_id, visits.company_id, visits.month,
                       COUNT(DISTINCT visits.partner_id) AS customer_count,
                       STRING_AGG(DISTINCT partner.name, ', ') AS customer_names
                  FROM visits
                  JOIN res_partner partner ON partner.id = visits.partner_id
                 GROUP BY visits.user_id, visits.company_id, visits.month
            )
            SELECT ROW_NUMBER() OVER (ORDER BY trips.month, trips.user_id, trips.company_id) AS id,
                   trips.user_id, trips.team_id, trips.company_id, company.currency_id,
                   trips.month, trips.trip_count, trips.trip_days, trips.routes,
                   COALESCE(customers.customer_count, 0) AS customer_count,
                   customers.customer_names,
                   trips.amount_claimed,
                   COALESCE(trips.amount_approved, 0) AS amount_approved
              FROM trips
              JOIN res_company company ON company.id = trips.company_id
              LEFT JOIN customers
                ON customers.user_id = trips.user_id
               AND customers.company_id = trips.company_id
               AND customers.month = trips.month
            """,
            states=TRIP_CLAIM_STATES,
            approved=("approved", "posted", "paid"),
        )

    @api.depends("user_id", "month")
    def _compute_display_name(self):
        for row in self:
            row.display_name = f"{row.user_id.name or ''} {row.month or ''}"

    # ------------------------------------------------------------------ export
    def _xlsx_columns(self):
        return [
            Column(self.env._("Salesperson"), width=24),
            Column(self.env._("Sales Team"), width=18),
            Column(self.env._("Month"), width=10),
            Column(self.env._("Trips"), INTEGER_FORMAT, total=True),
            Column(self.env._("Trip Days"), INTEGER_FORMAT, total=True),
            Column(self.env._("Routes"), width=40),
            Column(self.env._("Customers Visited"), INTEGER_FORMAT, total=True),
            Column(self.env._("Customers"), width=40),
            Column(self.env._("Claimed"), MONEY_FORMAT, total=True),
            Column(self.env._("Approved"), MONEY_FORMAT, total=True),
        ]

    def _export_xlsx_data(self):
        self.check_access("read")
        writer = XlsxWriter()
        writer.add_sheet(
            self.env._("Trip Days"),
            self._xlsx_columns(),
            (
                (
                    row.user_id.name,
                    row.team_id.name or "",
                    row.month.strftime("%Y-%m") if row.month else "",
                    row.trip_count,
                    row.trip_days,
                    row.routes or "",
                    row.customer_count,
                    row.customer_names or "",
                    row.amount_claimed,
                    row.amount_approved,
                )
                for row in self
            ),
            totals_label=self.env._("Total"),
        )
        return writer.save()

    def action_export_xlsx(self):
        return self.env["backoffice.xlsx.download"]._download_action(
            "trip_days.xlsx", self._export_xlsx_data()
        )
