from datetime import date
from io import BytesIO

from openpyxl import load_workbook

from odoo.tests import tagged

from .common import BackofficeCommon


@tagged("post_install", "-at_install")
class TestContractReports(BackofficeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_a = cls._create_contract([(cls.product_valve, 4, 150.0)])
        cls.order_b = cls._create_contract([(cls.product_pump, 1, 1200.0)])

    def _download(self, action):
        record_id = int(action["url"].split("/")[4])
        download = self.env["backoffice.xlsx.download"].sudo().browse(record_id)
        return load_workbook(BytesIO(download._get_content())), download.file_name

    def test_contract_list_export(self):
        invoice = self._invoice(self.order_a)
        self._pay(invoice, 300.0)
        rows = (
            self.env["backoffice.contract.performance"]
            .with_user(self.bo_user)
            .search([("order_id", "in", (self.order_a | self.order_b).ids)])
        )
        workbook, name = self._download(rows.action_export_xlsx())
        self.assertTrue(name.endswith(".xlsx"))
        sheet = workbook["Contracts"]
        values = list(sheet.iter_rows(values_only=True))
        header = values[0]
        self.assertEqual(header[:3], ("Contract", "Order", "Customer"))
        self.assertEqual(len(values), 2 + 1 + 1)  # header, two contracts, totals
        ordered_col = header.index("Ordered")
        collected_col = header.index("Collected")
        body = values[1:-1]
        self.assertEqual(
            {row[0] for row in body}, {self.order_a.contract_ref, self.order_b.contract_ref}
        )
        self.assertEqual(values[-1][0], "Total")
        self.assertAlmostEqual(values[-1][ordered_col], 600.0 + 1200.0)
        self.assertAlmostEqual(values[-1][collected_col], 300.0)
        self.assertEqual(sheet.cell(row=2, column=ordered_col + 1).number_format, "#,##0.00")
        self.assertEqual(
            sheet.cell(row=2, column=header.index("Order Date") + 1).number_format, "yyyy-mm-dd"
        )

    def test_customer_statement(self):
        invoice = self._invoice(self.order_a)
        self._pay(invoice, 200.0)
        wizard = (
            self.env["backoffice.customer.statement"]
            .with_user(self.accountant)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "date_from": date.today().replace(day=1),
                    "date_to": date.today(),
                }
            )
        )
        data = wizard._statement_data()
        contract = next(c for c in data["contracts"] if c["order"] == self.order_a)
        self.assertAlmostEqual(contract["opening"], 0.0)
        self.assertAlmostEqual(contract["invoiced"], invoice.amount_total)
        self.assertAlmostEqual(contract["paid"], 200.0)
        self.assertAlmostEqual(contract["closing"], invoice.amount_residual)
        workbook, _name = self._download(wizard.action_export_xlsx())
        values = list(workbook["Statement"].iter_rows(values_only=True))
        balance = values[0].index("Balance")
        closing = [
            row
            for row in values
            if row[2] == "Closing balance" and row[0] == self.order_a.contract_ref
        ]
        self.assertAlmostEqual(closing[0][balance], invoice.amount_residual)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("sales_backoffice.action_report_customer_statement", wizard.ids)[0]
            .decode()
        )
        self.assertIn("Customer Reconciliation Statement", html)
        self.assertIn(self.order_a.contract_ref, html)

    def test_statement_period_opening_balance(self):
        invoice = self._invoice(self.order_a)
        wizard = self.env["backoffice.customer.statement"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "date_from": date.today().replace(year=date.today().year + 1, month=1, day=1),
                "date_to": date.today().replace(year=date.today().year + 1, month=12, day=31),
            }
        )
        contract = next(
            c for c in wizard._statement_data()["contracts"] if c["order"] == self.order_a
        )
        self.assertAlmostEqual(contract["opening"], invoice.amount_total)
        self.assertFalse(contract["lines"])

    def test_statistics_workbook(self):
        self._deliver(self.order_a, {self.product_valve: 4})
        self._invoice(self.order_a)
        wizard = (
            self.env["backoffice.contract.statistics"]
            .with_user(self.bo_user)
            .create(
                {
                    "date_from": date.today().replace(month=1, day=1),
                    "date_to": date.today(),
                    "company_id": self.company.id,
                }
            )
        )
        workbook, _name = self._download(wizard.action_export_xlsx())
        self.assertEqual(workbook.sheetnames, ["Month", "Quarter", "Year"])
        year_rows = list(workbook["Year"].iter_rows(values_only=True))
        this_year = next(row for row in year_rows if row[0] == str(date.today().year))
        signed = self.env["backoffice.contract.performance"].search(
            [
                ("company_id", "=", self.company.id),
                ("date_contract_signed", ">=", wizard.date_from),
                ("date_contract_signed", "<=", wizard.date_to),
            ]
        )
        self.assertEqual(this_year[1], len(signed))
        self.assertAlmostEqual(this_year[2], sum(signed.mapped("amount_ordered")))
        self.assertAlmostEqual(this_year[3], sum(signed.mapped("amount_delivered")))
        self.assertAlmostEqual(this_year[4], sum(signed.mapped("amount_invoiced")))
        self.assertEqual(year_rows[-1][0], "Total")

    def test_statistics_collections_untaxed(self):
        """Payments are tax included: the workbook shows them in the untaxed
        proportion beside the untaxed invoiced, and as paid beside the
        tax-included invoiced, never one added to the other."""
        invoice = self._invoice(self.order_a)  # 600 untaxed, 690 with 15% tax
        self._pay(invoice, 345.0)
        wizard = (
            self.env["backoffice.contract.statistics"]
            .with_user(self.bo_user)
            .create(
                {
                    "date_from": date.today().replace(month=1, day=1),
                    "date_to": date.today(),
                    "company_id": self.company.id,
                }
            )
        )
        [(_period, figures)] = [
            (period, values)
            for period, values in wizard._figures("year").items()
            if period.year == date.today().year
        ]
        events = self.env["backoffice.contract.event"].search(
            [
                ("company_id", "=", self.company.id),
                ("date", ">=", wizard.date_from),
                ("date", "<=", wizard.date_to),
            ]
        )
        invoices = events.filtered(lambda e: e.event_type in ("invoice", "refund"))
        payments = events.filtered(lambda e: e.event_type == "payment")
        self.assertAlmostEqual(figures["invoiced"], sum(invoices.mapped("amount")))
        self.assertAlmostEqual(figures["invoiced_total"], sum(invoices.mapped("amount_total")))
        self.assertAlmostEqual(figures["collected_total"], sum(payments.mapped("amount")))
        mine = payments.filtered(lambda e: e.order_id == self.order_a)
        self.assertAlmostEqual(sum(mine.mapped("amount")), 345.0)
        others = payments - mine
        ratio = {
            (e.order_id, e.move_id): e.amount / e.amount_total for e in invoices if e.amount_total
        }
        expected = 300.0 + sum(e.amount * ratio.get((e.order_id, e.move_id), 1.0) for e in others)
        self.assertAlmostEqual(figures["collected"], expected, places=2)
        workbook, _name = self._download(wizard.action_export_xlsx())
        header = next(workbook["Year"].iter_rows(max_row=1, values_only=True))
        self.assertEqual(
            header[4:],
            ("Invoiced", "Collected (untaxed)", "Invoiced (tax incl.)", "Collected (tax incl.)"),
        )

    def test_contract_statement_pdf(self):
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "sales_backoffice.action_report_contract_performance", self.order_a.ids
            )[0]
            .decode()
        )
        self.assertIn("Contract Performance Statement", html)
        self.assertIn(self.order_a.contract_ref, html)
