from odoo import models

from ..models.backoffice_contract_event import DOCUMENT_EVENT_MEASURES, DOCUMENT_EVENT_TYPES
from ..tools.xlsx import INTEGER_FORMAT, MONEY_FORMAT, Column, XlsxWriter

GRANULARITIES = ("month", "quarter", "year")


class BackofficeContractStatistics(models.TransientModel):
    """Statistics workbook: contracts signed, delivered, invoiced and collected
    per month, quarter and year (one sheet each).

    Ordered, delivered and invoiced are untaxed; payments are tax included.
    So that the columns compare, collections are shown twice: as paid (tax
    included, beside the invoices' tax-included total) and in the untaxed
    proportion of the invoice they paid (beside the untaxed invoiced)."""

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
            if event_type == "payment":
                continue
            bucket = figures.setdefault(period, {})
            bucket[measure[event_type]] = bucket.get(measure[event_type], 0.0) + amount
        invoiced_total = self.env["backoffice.contract.event"]._read_group(
            [
                ("company_id", "=", self.company_id.id),
                ("date", ">=", self.date_from),
                ("date", "<=", self.date_to),
                ("event_type", "in", ("invoice", "refund")),
            ],
            [f"date:{granularity}"],
            ["amount_total:sum"],
        )
        for period, amount_total in invoiced_total:
            figures.setdefault(period, {})["invoiced_total"] = amount_total
        for period, collected, collected_untaxed in self._collections(granularity):
            bucket = figures.setdefault(period, {})
            bucket["collected_total"] = collected
            bucket["collected"] = collected_untaxed
        return dict(sorted(figures.items()))

    def _collections(self, granularity):
        """[(period, collected tax included, collected untaxed)]: each payment
        event counted in the untaxed proportion of the invoice (its part of
        the contract) it paid."""
        events = self.env["backoffice.contract.event"]
        payments = events._read_group(
            [
                ("company_id", "=", self.company_id.id),
                ("date", ">=", self.date_from),
                ("date", "<=", self.date_to),
                ("event_type", "=", "payment"),
            ],
            [f"date:{granularity}", "order_id", "move_id"],
            ["amount:sum"],
        )
        ratios = {
            (order, move): (untaxed / total if total else 1.0)
            for order, move, untaxed, total in events._read_group(
                [
                    ("move_id", "in", list({move.id for _p, _o, move, _a in payments})),
                    ("event_type", "in", ("invoice", "refund")),
                ],
                ["order_id", "move_id"],
                ["amount:sum", "amount_total:sum"],
            )
        }
        collections = {}
        for period, order, move, amount in payments:
            collected, untaxed = collections.get(period, (0.0, 0.0))
            collections[period] = (
                collected + amount,
                untaxed + amount * ratios.get((order, move), 1.0),
            )
        currency = self.company_id.currency_id
        return [
            (period, currency.round(collected), currency.round(untaxed))
            for period, (collected, untaxed) in collections.items()
        ]

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
            Column(self.env._("Collected (untaxed)"), MONEY_FORMAT, total=True),
            Column(self.env._("Invoiced (tax incl.)"), MONEY_FORMAT, total=True),
            Column(self.env._("Collected (tax incl.)"), MONEY_FORMAT, total=True),
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
                    values.get("invoiced_total", 0.0),
                    values.get("collected_total", 0.0),
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
