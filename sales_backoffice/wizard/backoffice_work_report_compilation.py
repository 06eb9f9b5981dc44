from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..models.backoffice_work_report_rule import PERIOD_TYPES, period_bounds
from ..tools.xlsx import DATE_FORMAT, INTEGER_FORMAT, MONEY_FORMAT, Column, XlsxWriter

SUBMITTED_STATES = ("submitted", "reviewed")
APPROVED_CLAIM_STATES = ("approved", "posted", "paid")


class BackofficeWorkReportCompilation(models.TransientModel):
    """For a period and a sales team, one document for the sales director:
    who submitted and who is late, the summaries and plans by salesperson,
    the market information and the period's figures.

    ``_compile()`` is the one place these are gathered; the PDF, the XLSX
    workbook and the scheduled briefing all read it."""

    _name = "backoffice.work.report.compilation"
    _description = "Work Report Compilation"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    team_id = fields.Many2one("crm.team", required=True, check_company=True)
    period_type = fields.Selection(PERIOD_TYPES, required=True, default="week")
    date = fields.Date(
        "Period Of",
        required=True,
        default=fields.Date.context_today,
        help="Any day of the period.",
    )
    date_from = fields.Date(compute="_compute_period")
    date_to = fields.Date(compute="_compute_period")

    @api.depends("period_type", "date")
    def _compute_period(self):
        for wizard in self:
            if wizard.period_type and wizard.date:
                wizard.date_from, wizard.date_to = period_bounds(wizard.period_type, wizard.date)
            else:
                wizard.date_from = wizard.date_to = False

    # ------------------------------------------------------------- the data
    def _reports(self):
        """The team's reports of the period (their period inside it)."""
        self.ensure_one()
        return self.env["backoffice.work.report"].search(
            [
                ("company_id", "=", self.company_id.id),
                ("team_id", "=", self.team_id.id),
                ("date_from", ">=", self.date_from),
                ("date_to", "<=", self.date_to),
            ],
            order="user_id, date_from, id",
        )

    def _compile(self):
        """Everything the compilation shows, as plain values."""
        self.ensure_one()
        if not self.date_from:
            raise ValidationError(self.env._("Choose the period of the compilation."))
        reports = self._reports()
        submitted = reports.filtered(lambda r: r.state in SUBMITTED_STATES)
        late = reports.filtered(lambda r: r.state == "draft" and r.is_late)
        by_user = defaultdict(lambda: self.env["backoffice.work.report"])
        for report in submitted:
            by_user[report.user_id] |= report
        return {
            "company": self.company_id,
            "team": self.team_id,
            "date_from": self.date_from,
            "date_to": self.date_to,
            "currency": self.company_id.currency_id,
            "submitted": submitted,
            "late": late,
            "pending": reports - submitted - late,
            "by_user": sorted(by_user.items(), key=lambda item: item[0].name or ""),
            "market_info": submitted.filtered(lambda r: (r.market_info or "").strip()),
            "figures": self._figures(),
        }

    def _figures(self):
        """The module's figures of the team for the period, each one aggregate
        query with the caller's record rules."""
        self.ensure_one()
        company, team = self.company_id, self.team_id
        start, end = self.date_from, self.date_to
        figures = {}
        [(count, amount)] = self.env["backoffice.contract.performance"]._read_group(
            [
                ("company_id", "=", company.id),
                ("team_id", "=", team.id),
                ("date_contract_signed", ">=", start),
                ("date_contract_signed", "<=", end),
            ],
            aggregates=["__count", "amount_ordered:sum"],
        )
        figures["signed_count"], figures["signed_amount"] = count, amount or 0.0
        events = dict(
            self.env["backoffice.contract.event"]._read_group(
                [
                    ("company_id", "=", company.id),
                    ("order_id.team_id", "=", team.id),
                    ("event_type", "in", ("delivery", "return", "invoice", "refund", "payment")),
                    ("date", ">=", start),
                    ("date", "<=", end),
                ],
                groupby=["event_type"],
                aggregates=["amount:sum"],
            )
        )
        figures["delivered"] = events.get("delivery", 0.0) + events.get("return", 0.0)
        figures["invoiced"] = events.get("invoice", 0.0) + events.get("refund", 0.0)
        figures["collected"] = events.get("payment", 0.0)
        [(overdue,)] = self.env["backoffice.contract.performance"]._read_group(
            [("company_id", "=", company.id), ("team_id", "=", team.id)],
            aggregates=["amount_overdue:sum"],
        )
        figures["overdue"] = overdue or 0.0
        [(claims, claimed)] = self.env["backoffice.expense.claim"]._read_group(
            [
                ("company_id", "=", company.id),
                ("team_id", "=", team.id),
                ("state", "in", APPROVED_CLAIM_STATES),
                ("date_approved", ">=", start),
                ("date_approved", "<=", end),
            ],
            aggregates=["__count", "amount_approved:sum"],
        )
        figures["claims_count"], figures["claims_amount"] = claims, claimed or 0.0
        bids = dict(
            self.env["backoffice.bid"]._read_group(
                [
                    ("company_id", "=", company.id),
                    ("user_id", "in", team.member_ids.ids),
                    ("date_closed", ">=", start),
                    ("date_closed", "<=", end),
                ],
                groupby=["is_won"],
                aggregates=["__count"],
            )
        )
        figures["bids_won"], figures["bids_lost"] = bids.get(True, 0), bids.get(False, 0)
        return figures

    def _figure_rows(self, figures):
        """(label, value, is_money) of each figure, in the document's order."""
        return [
            (self.env._("Contracts signed"), figures["signed_count"], False),
            (self.env._("Amount signed"), figures["signed_amount"], True),
            (self.env._("Delivered"), figures["delivered"], True),
            (self.env._("Invoiced"), figures["invoiced"], True),
            (self.env._("Collected"), figures["collected"], True),
            (self.env._("Overdue today"), figures["overdue"], True),
            (self.env._("Expense claims approved"), figures["claims_count"], False),
            (self.env._("Amount approved"), figures["claims_amount"], True),
            (self.env._("Tenders won"), figures["bids_won"], False),
            (self.env._("Tenders lost"), figures["bids_lost"], False),
        ]

    # -------------------------------------------------------------- outputs
    def action_print_pdf(self):
        self.ensure_one()
        return self.env.ref(
            "sales_backoffice.action_report_work_report_compilation"
        ).report_action(self)

    def _file_name(self, extension):
        return f"work_reports_{self.team_id.name or ''}_{self.date_from}.{extension}".replace(
            " ", "_"
        ).replace("/", "_")

    def _export_xlsx_data(self):
        data = self._compile()
        labels = dict(
            self.env["backoffice.work.report"]._fields["state"]._description_selection(self.env)
        )
        writer = XlsxWriter()
        writer.add_sheet(
            self.env._("Figures"),
            [Column(self.env._("Figure"), width=30), Column(self.env._("Value"), MONEY_FORMAT)],
            [(label, value) for label, value, _money in self._figure_rows(data["figures"])],
        )
        report_columns = [
            Column(self.env._("Salesperson"), width=24),
            Column(self.env._("From"), DATE_FORMAT),
            Column(self.env._("To"), DATE_FORMAT),
            Column(self.env._("Status"), width=12),
            Column(self.env._("Late"), width=8),
            Column(self.env._("Summary"), width=50),
            Column(self.env._("Plan"), width=50),
            Column(self.env._("Market Information"), width=50),
            Column(self.env._("Customers Visited"), width=40),
            Column(self.env._("Customers"), INTEGER_FORMAT, total=True),
        ]
        yes = self.env._("Yes")
        writer.add_sheet(
            self.env._("Reports"),
            report_columns,
            (
                (
                    report.user_id.name,
                    report.date_from,
                    report.date_to,
                    labels.get(report.state),
                    yes if report.is_late else "",
                    report.summary or "",
                    report.plan or "",
                    report.market_info or "",
                    ", ".join(report.partner_ids.mapped("name")),
                    len(report.partner_ids),
                )
                for report in data["submitted"] | data["late"]
            ),
            totals_label=self.env._("Total"),
        )
        return writer.save()

    def action_export_xlsx(self):
        self.ensure_one()
        return self.env["backoffice.xlsx.download"]._download_action(
            self._file_name("xlsx"), self._export_xlsx_data()
        )
