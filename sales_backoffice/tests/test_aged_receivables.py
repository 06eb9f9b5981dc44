from datetime import date, timedelta
from io import BytesIO

from openpyxl import load_workbook

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..report.backoffice_contract_performance import AGING_KEYS
from .common import BackofficeCommon

BUCKET_FIELDS = [f"amount_{key}" for key in AGING_KEYS]


@tagged("post_install", "-at_install")
class TestAgedReceivables(BackofficeCommon):
    """The aged receivables by contract: buckets that add up to what is owed,
    and per customer to accounting's open receivable lines, with what no
    contract covers (an unapplied payment, an invoice of no contract)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Aged Customer Ltd", "is_company": True, "email": "ap@aged.example"}
        )
        cls.order_old = cls._create_contract([(cls.product_valve, 4, 150.0)])
        cls.order_new = cls._create_contract([(cls.product_valve, 2, 100.0)])

    def _free_invoice(self, amount, days_overdue=0):
        """An invoice of no contract, due ``days_overdue`` days ago."""
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": date.today() - timedelta(days=days_overdue),
                "invoice_date_due": date.today() - timedelta(days=days_overdue),
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Consulting", "quantity": 1, "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def _unapplied_payment(self, amount):
        payment = self.init_payment(amount, post=True, date=date.today(), partner=self.customer)
        self.assertTrue(payment.move_id, "the test payment must be in accounting")
        return payment

    def _accounting_open(self):
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "child_of", self.customer.id),
                ("company_id", "=", self.company.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
            ]
        )
        return sum(lines.mapped("amount_residual"))

    def _build(self):
        old = self._overdue_invoice(self.order_old, 45)
        self._pay(old, 100.0)
        new = self._invoice(self.order_new)
        new.line_ids.filtered(lambda line: line.display_type == "payment_term").write(
            {"date_maturity": date.today() + timedelta(days=30)}
        )
        free = self._free_invoice(300.0, days_overdue=200)
        payment = self._unapplied_payment(80.0)
        return old, new, free, payment

    def test_buckets_add_up(self):
        old, new, _free, _payment = self._build()
        perf_old, perf_new = self._performance(self.order_old), self._performance(self.order_new)
        self.assertAlmostEqual(perf_old.amount_due_31_60, old.amount_residual, places=2)
        self.assertAlmostEqual(perf_new.amount_not_due, new.amount_residual, places=2)
        for perf in perf_old | perf_new:
            self.assertAlmostEqual(
                sum(perf[name] for name in BUCKET_FIELDS), perf.amount_receivable, places=2
            )
        # Kept for the dunning: overdue and its days.
        self.assertAlmostEqual(perf_old.amount_overdue, old.amount_residual, places=2)
        self.assertEqual(perf_old.days_overdue, 45)
        self.assertEqual(perf_old.commercial_partner_id, self.customer)
        # The pivot's figures: grouped by customer.
        groups = self.env["backoffice.contract.performance"]._read_group(
            [("commercial_partner_id", "=", self.customer.id)],
            ["commercial_partner_id"],
            [f"{name}:sum" for name in BUCKET_FIELDS] + ["amount_receivable:sum"],
        )
        [(_partner, *sums)] = groups
        self.assertAlmostEqual(sum(sums[:-1]), sums[-1], places=2)
        self.assertAlmostEqual(sums[-1], old.amount_residual + new.amount_residual, places=2)

    def test_customer_total_equals_accounting(self):
        old, new, free, _payment = self._build()
        rows = self.env["backoffice.contract.performance"].search(
            [("order_id", "in", (self.order_old | self.order_new).ids)]
        )
        [customer] = rows.with_user(self.bo_user)._aged_data()
        contracts = sum(customer["contract_buckets"].values())
        unlinked = sum(customer["unlinked"].values())
        accounting = sum(customer["accounting"].values())
        self.assertAlmostEqual(accounting, self._accounting_open(), places=2)
        self.assertAlmostEqual(contracts, old.amount_residual + new.amount_residual, places=2)
        # What no contract covers: the invoice of no contract less the payment.
        self.assertAlmostEqual(unlinked, free.amount_residual - 80.0, places=2)
        self.assertAlmostEqual(customer["unlinked"]["due_over_180"], 300.0, places=2)
        self.assertAlmostEqual(customer["unlinked"]["not_due"], -80.0, places=2)
        self.assertAlmostEqual(contracts + unlinked, accounting, places=2)
        # ... and the customer's receivable balance.
        self.assertAlmostEqual(accounting, self.customer.credit, places=2)

    def test_aged_workbook(self):
        old, new, free, _payment = self._build()
        rows = self.env["backoffice.contract.performance"].search(
            [("order_id", "in", self.order_old.ids)]
        )
        action = rows.with_user(self.bo_user).action_export_aged_xlsx()
        download = (
            self.env["backoffice.xlsx.download"].sudo().browse(int(action["url"].split("/")[4]))
        )
        workbook = load_workbook(BytesIO(download._get_content()))
        self.assertEqual(workbook.sheetnames, ["Aged receivables", "By customer"])
        values = list(workbook["Aged receivables"].iter_rows(values_only=True))
        header = values[0]
        self.assertEqual(header[:4], ("Customer", "Contract", "Order", "Not Due"))
        body = values[1:-1]
        # Every contract of the customer, not only the selected one.
        self.assertEqual(
            {row[1] for row in body},
            {self.order_old.contract_ref, self.order_new.contract_ref, "Not linked to a contract"},
        )
        total_col = header.index("Total")
        self.assertAlmostEqual(values[-1][total_col], self._accounting_open(), places=2)
        unlinked = next(row for row in body if row[1] == "Not linked to a contract")
        self.assertAlmostEqual(unlinked[total_col], free.amount_residual - 80.0, places=2)
        self.assertAlmostEqual(unlinked[header.index("Over 180 Days")], 300.0, places=2)
        customers = list(workbook["By customer"].iter_rows(values_only=True))
        by_header = customers[0]
        [customer_row] = [row for row in customers[1:-1] if row[0] == self.customer.display_name]
        self.assertAlmostEqual(customer_row[by_header.index("Difference")], 0.0, places=2)
        self.assertAlmostEqual(
            customer_row[by_header.index("Open in Accounting")], self._accounting_open(), places=2
        )
        self.assertAlmostEqual(
            customer_row[by_header.index("Contracts")],
            old.amount_residual + new.amount_residual,
            places=2,
        )

    def test_aged_workbook_refused_to_salesperson(self):
        self._build()
        rows = (
            self.env["backoffice.contract.performance"]
            .with_user(self.salesman)
            .search([("order_id", "=", self.order_old.id)])
        )
        self.assertTrue(rows, "the salesperson reads the own contract's buckets")
        self.assertGreater(rows.amount_due_31_60, 0)
        with self.assertRaises(AccessError):
            rows.action_export_aged_xlsx()
