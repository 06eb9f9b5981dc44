from odoo import fields, models
from odoo.exceptions import AccessError

from ..tools.groups import USER_GROUP


class DigestDigest(models.Model):
    """The back office's figures in Odoo's periodic KPI digest emails."""

    _inherit = "digest.digest"

    kpi_backoffice_contracts_signed = fields.Boolean("Contracts Signed")
    kpi_backoffice_contracts_signed_value = fields.Integer(
        compute="_compute_kpi_backoffice_values"
    )
    kpi_backoffice_collected = fields.Boolean("Amount Collected")
    kpi_backoffice_collected_value = fields.Monetary(compute="_compute_kpi_backoffice_values")
    kpi_backoffice_overdue = fields.Boolean("Overdue Receivables")
    kpi_backoffice_overdue_value = fields.Monetary(compute="_compute_kpi_backoffice_values")
    kpi_backoffice_claims_approved = fields.Boolean("Expense Claims Approved")
    kpi_backoffice_claims_approved_value = fields.Integer(compute="_compute_kpi_backoffice_values")
    kpi_backoffice_bids_won = fields.Boolean("Tenders Won")
    kpi_backoffice_bids_won_value = fields.Integer(compute="_compute_kpi_backoffice_values")

    def _compute_kpi_backoffice_values(self):
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(
                self.env._("Do not have access, skip this data for user's digest email")
            )
        start, end, companies = self._get_kpi_compute_parameters()
        start_date, end_date = fields.Date.to_date(start), fields.Date.to_date(end)
        # Figures of the recipient's companies, whatever records the digest's
        # sender may open: the KPI shows totals only.
        env = self.sudo().env
        by_company = {}
        for company in companies:
            period = [("company_id", "=", company.id)]
            by_company[company] = {
                "contracts_signed": env["sale.order"].search_count(
                    [
                        *period,
                        ("state", "=", "sale"),
                        ("date_contract_signed", ">", start_date),
                        ("date_contract_signed", "<=", end_date),
                    ]
                ),
                "collected": sum(
                    env["backoffice.contract.event"]
                    .search(
                        [
                            *period,
                            ("event_type", "=", "payment"),
                            ("date", ">", start_date),
                            ("date", "<=", end_date),
                        ]
                    )
                    .mapped("amount")
                ),
                "overdue": sum(
                    env["backoffice.contract.performance"]
                    .search([*period, ("amount_overdue", "!=", 0)])
                    .mapped("amount_overdue")
                ),
                "claims_approved": env["backoffice.expense.claim"].search_count(
                    [
                        *period,
                        ("date_approved", ">", start_date),
                        ("date_approved", "<=", end_date),
                    ]
                ),
                "bids_won": env["backoffice.bid"].search_count(
                    [
                        *period,
                        ("is_won", "=", True),
                        ("date_closed", ">", start_date),
                        ("date_closed", "<=", end_date),
                    ]
                ),
            }
        for digest in self:
            values = by_company.get(digest.company_id or self.env.company, {})
            digest.kpi_backoffice_contracts_signed_value = values.get("contracts_signed", 0)
            digest.kpi_backoffice_collected_value = values.get("collected", 0.0)
            digest.kpi_backoffice_overdue_value = values.get("overdue", 0.0)
            digest.kpi_backoffice_claims_approved_value = values.get("claims_approved", 0)
            digest.kpi_backoffice_bids_won_value = values.get("bids_won", 0)

    def _compute_kpis_actions(self, company, user):
        res = super()._compute_kpis_actions(company, user)
        menu = self.env.ref("sales_backoffice.backoffice_menu_root").id
        res.update(
            {
                "kpi_backoffice_contracts_signed": f"sales_backoffice.backoffice_contract_performance_action?menu_id={menu}",
                "kpi_backoffice_collected": f"sales_backoffice.backoffice_contract_performance_action?menu_id={menu}",
                "kpi_backoffice_overdue": f"sales_backoffice.backoffice_contract_performance_action?menu_id={menu}",
                "kpi_backoffice_claims_approved": f"sales_backoffice.backoffice_expense_claim_action?menu_id={menu}",
                "kpi_backoffice_bids_won": f"sales_backoffice.backoffice_bid_action?menu_id={menu}",
            }
        )
        return res
