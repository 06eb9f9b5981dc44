from odoo import fields, models
from odoo.tools import SQL

SCOPES = [("user", "Salesperson"), ("team", "Sales Team")]


class BackofficeCollectionPlanReport(models.Model):
    """One row per collection plan: planned against collected in its month.

    Collected is the payment events (which follow Odoo's reconciliations
    between payments and the contracts' invoices) dated in the month, of the
    salesperson's contracts, or for a team's plan of the team's contracts.
    Expected is the plan pro rata of the days gone in the month; a plan is
    behind when less than that was collected.
    """

    _name = "backoffice.collection.plan.report"
    _description = "Collection Plan Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "plan_id"
    _depends = {
        "backoffice.collection.plan": [
            "company_id",
            "user_id",
            "team_id",
            "date",
            "amount_planned",
        ],
        "backoffice.contract.event": ["order_id", "event_type", "amount", "date", "company_id"],
        "sale.order": ["user_id", "team_id"],
    }

    plan_id = fields.Many2one("backoffice.collection.plan", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    scope = fields.Selection(SCOPES, string="Plan For", readonly=True)
    date = fields.Date("Month", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_planned = fields.Monetary("Planned", readonly=True, aggregator="sum")
    amount_collected = fields.Monetary("Collected", readonly=True, aggregator="sum")
    amount_expected = fields.Monetary(
        "Expected to Date",
        readonly=True,
        aggregator="sum",
        help="The plan pro rata of the days gone in the month.",
    )
    amount_behind = fields.Monetary(
        "Behind Plan", readonly=True, aggregator="sum", help="Expected to date minus collected."
    )
    amount_gap = fields.Monetary(
        "Left to Collect", readonly=True, aggregator="sum", help="Planned minus collected."
    )
    rate = fields.Float("Collected (%)", readonly=True, aggregator="avg")
    is_behind = fields.Boolean("Behind", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT plan.id AS id,
                   plan.id AS plan_id,
                   plan.company_id,
                   plan.user_id,
                   plan.team_id,
                   CASE WHEN plan.user_id IS NULL THEN 'team' ELSE 'user' END AS scope,
                   plan.date,
                   company.currency_id,
                   plan.amount_planned,
                   actual.amount AS amount_collected,
                   expected.amount AS amount_expected,
                   GREATEST(expected.amount - actual.amount, 0) AS amount_behind,
                   plan.amount_planned - actual.amount AS amount_gap,
                   CASE WHEN plan.amount_planned > 0
                        THEN 100.0 * actual.amount / plan.amount_planned
                        ELSE 0 END AS rate,
                   actual.amount < expected.amount AS is_behind
              FROM backoffice_collection_plan plan
              JOIN res_company company ON company.id = plan.company_id
             CROSS JOIN LATERAL (
                   SELECT COALESCE(SUM(event.amount), 0) AS amount
                     FROM backoffice_contract_event event
                     JOIN sale_order so ON so.id = event.order_id
                    WHERE event.event_type = 'payment'
                      AND event.company_id = plan.company_id
                      AND event.date >= plan.date
                      AND event.date < (plan.date + INTERVAL '1 month')::date
                      AND CASE WHEN plan.user_id IS NOT NULL
                               THEN so.user_id = plan.user_id
                               ELSE so.team_id = plan.team_id END
             ) actual
             CROSS JOIN LATERAL (
                   SELECT ROUND(plan.amount_planned * LEAST(1.0, GREATEST(0.0,
                              (%(today)s - plan.date + 1)::numeric
                              / ((plan.date + INTERVAL '1 month')::date - plan.date)
                          )), 2) AS amount
             ) expected
            """,
            today=fields.Date.context_today(self),
        )
