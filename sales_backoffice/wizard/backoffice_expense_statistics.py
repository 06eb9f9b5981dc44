from collections import defaultdict

from odoo import models

from ..tools.xlsx import MONEY_FORMAT, Column, XlsxWriter

COUNTED_STATES = ("approved", "posted", "paid")


class BackofficeExpenseStatistics(models.TransientModel):
    """Monthly expense statistics: one sheet per month, a row per salesperson
    with their team, a column per category, and totals."""

    _name = "backoffice.expense.statistics"
    _inherit = ["backoffice.period.mixin"]
    _description = "Expense Statistics Workbook"

    def _figures(self):
        """{month: {(user, team): {category: amount}}} of approved amounts."""
        self.ensure_one()
        groups = self.env["backoffice.expense.claim.line"]._read_group(
            [
                ("company_id", "=", self.company_id.id),
                ("state", "in", COUNTED_STATES),
                ("date", ">=", self.date_from),
                ("date", "<=", self.date_to),
            ],
            ["date:month", "user_id", "team_id", "category_id"],
            ["amount_approved:sum"],
        )
        figures = defaultdict(lambda: defaultdict(dict))
        for month, user, team, category, amount in groups:
            figures[month][user, team][category] = amount
        return dict(sorted(figures.items()))

    def _export_xlsx_data(self):
        self.ensure_one()
        figures = self._figures()
        categories = (
            self.env["backoffice.expense.category"]
            .with_context(active_test=False)
            .search([("company_id", "=", self.company_id.id)])
        )
        columns = [
            Column(self.env._("Salesperson"), width=24),
            Column(self.env._("Sales Team"), width=20),
            *(Column(category.name, MONEY_FORMAT, total=True) for category in categories),
            Column(self.env._("Total"), MONEY_FORMAT, total=True),
        ]
        writer = XlsxWriter()
        for month, people in figures.items():
            rows = (
                [
                    user.name or "",
                    team.name or "",
                    *(amounts.get(category, 0.0) for category in categories),
                    sum(amounts.values()),
                ]
                for (user, team), amounts in sorted(
                    people.items(), key=lambda item: item[0][0].name or ""
                )
            )
            writer.add_sheet(
                month.strftime("%Y-%m"), columns, rows, totals_label=self.env._("Total")
            )
        if not figures:
            writer.add_sheet(
                self.env._("No expenses"), columns, [], totals_label=self.env._("Total")
            )
        return writer.save()

    def action_export_xlsx(self):
        self.ensure_one()
        name = f"expense_statistics_{self.date_from}_{self.date_to}.xlsx"
        return self.env["backoffice.xlsx.download"]._download_action(
            name, self._export_xlsx_data()
        )
