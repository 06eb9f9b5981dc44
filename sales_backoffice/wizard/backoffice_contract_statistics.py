from odoo import models

from ..models.backoffice_contract_event import DOCUMENT_EVENT_MEASURES, DOCUMENT_EVENT_TYPES
from ..tools.xlsx import INTEGER_FORMAT, MONEY_FORMAT, Column, XlsxWriter

GRANULARITIES = ("month", "quarter", "year")


class BackofficeContractStatistics(models.TransientModel):
    """Statistics workbook: contracts signed, delivered, invoiced and collected
    per month, quarter and year (one sheet each)."""

    _name = "backoffice.contract.statistics"
    _inherit = ["backoffice.period.mixin"]
    _description = "Contract Statistics Workbook"

    def _figures(self, granularity):
        """{period label: {measure: value}} for one granularity, from the
        performance report (contracts signed) and the events (the rest)."""
        self.ensure_one()
        figures = {}
        signed = self.env["backoffice.contract.performance"]._read_group(
            [
                ("company_id", "=", self.company_id.id),
                ("date_contract_signed", ">=", self.date_from),
                ("date_contract_signed", "<=", self.date_to),
            ],
            [f"date_contract_signed:{granularity}"],
            ["__count", "amount_ordered:sum"],
        )
        for period, count, ordered in signed:
            figures.setdefault(period, {})["contracts"] = count
            figures[period]["ordered"] = ordered
        events = self.env["backoffice.contract.event"]._read_group(
            [
                ("company_id", "=", self.company_id.id),
                ("date", ">=", self.date_from),
                ("date", "<=", self.date_to),
                ("event_type", "in", DOCUMENT_EVENT_TYPES),
            ],
            [f"date:{granularity}", "event_type"],
            ["amount:sum"],
        )
        measure = DOCUMENT_EVENT_MEASURES
        for period, event_type, amount in events:
            bucket = figures.setdefault(period, {})
            bucket[measure[event_type]] = bucket.get(measure[event_type], 0.0) + amount
        return dict(sorted(figures.items()))

    @staticmethod
    def _label(period, granularity):
        if granularity == "month":
            return period.strftime("%Y-%m")
        if granularity == "quarter":
            return f"{period.year}-Q{(period.month - 1) // 3 + 1}"
        return str(period.year)

    def _export_xlsx_data(self):
        self.ensure_one()
        columns = [
            Column(self.env._("Period"), width=12),
            Column(self.env._("Contracts Signed"), INTEGER_FORMAT, total=True),
            Column(self.env._("Ordered"), MONEY_FORMAT, total=True),
            Column(self.env._("Delivered"), MONEY_FORMAT, total=True),
            Column(self.env._("Invoiced"), MONEY_FORMAT, total=True),
            Column(self.env._("Collected"), MONEY_FORMAT, total=True),
        ]
        titles = {
            "month": self.env._("Month"),
            "quarter": self.env._("Quarter"),
            "year": self.env._("Year"),
        }
        writer = XlsxWriter()
        for granularity in GRANULARITIES:
            figures = self._figures(granularity)
            rows = (
                [
                    self._label(period, granularity),
                    values.get("contracts", 0),
                    values.get("ordered", 0.0),
                    values.get("delivered", 0.0),
                    values.get("invoiced", 0.0),
                    values.get("collected", 0.0),
                ]
                for period, values in figures.items()
            )
            writer.add_sheet(titles[granularity], columns, rows, totals_label=self.env._("Total"))
        return writer.save()

    def action_export_xlsx(self):
        self.ensure_one()
        name = f"contract_statistics_{self.date_from}_{self.date_to}.xlsx"
        return self.env["backoffice.xlsx.download"]._download_action(
            name, self._export_xlsx_data()
        )
