from datetime import date, timedelta
from io import BytesIO

from openpyxl import load_workbook

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import BackofficeCommon


@tagged("post_install", "-at_install")
class TestCustomerStatement(BackofficeCommon):
    """The customer statement is accounting's account of the customer:
    every receivable line, grouped by contract, closing on the customer's
    receivable balance; it is e-mailed with its PDF, by hand and monthly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Statement Customer SA", "is_company": True, "email": "ar@stmt.example"}
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Paula Payables",
                "parent_id": cls.customer.id,
                "email": "paula@stmt.example",
            }
        )
        cls.order = cls._create_contract([(cls.product_valve, 4, 150.0)])
        cls.today = date.today()

    def _free_invoice(self, amount, invoice_date=None):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": invoice_date or self.today,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Service", "quantity": 1, "price_unit": amount, "tax_ids": []}
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def _statement(self, date_from=None, date_to=None, user=None):
        statements = self.env["backoffice.customer.statement"]
        if user:
            statements = statements.with_user(user)
        return statements.create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "date_from": date_from or self.today.replace(day=1),
                "date_to": date_to or self.today,
            }
        )

    def _story(self):
        """An old invoice of no contract (opening balance), the contract's
        invoice partly paid, an unapplied payment and an invoice without a
        contract in the period."""
        old = self._free_invoice(50.0, invoice_date=self.today.replace(day=1) - timedelta(days=40))
        invoice = self._invoice(self.order)
        self._pay(invoice, 200.0)
        free = self._free_invoice(120.0)
        payment = self.init_payment(75.0, post=True, date=self.today, partner=self.customer)
        self.assertTrue(payment.move_id)
        return old, invoice, free, payment

    def test_closing_balance_is_the_receivable_balance(self):
        old, invoice, free, _payment = self._story()
        statement = self._statement(user=self.bo_user)
        data = statement._statement_data()
        self.assertAlmostEqual(data["opening"], 50.0)
        self.assertAlmostEqual(data["closing"], self.customer.credit, places=2)
        self.assertAlmostEqual(
            data["closing"], 50.0 + invoice.amount_residual + 120.0 - 75.0, places=2
        )
        self.assertAlmostEqual(data["aging_total"], data["closing"], places=2)
        self.assertAlmostEqual(sum(g["closing"] for g in data["contracts"]), data["closing"])
        by_name = {group["name"]: group for group in data["contracts"]}
        contract = by_name[self.order.contract_ref]
        self.assertAlmostEqual(contract["opening"], 0.0)
        self.assertAlmostEqual(contract["invoiced"], invoice.amount_total)
        self.assertAlmostEqual(contract["paid"], 200.0)
        self.assertAlmostEqual(contract["closing"], invoice.amount_residual)
        other = by_name["Not linked to a contract"]
        self.assertAlmostEqual(other["opening"], 50.0)
        self.assertEqual(
            {(line["reference"], line["type"]) for line in other["lines"]}
            >= {(free.name, "Invoice")},
            True,
        )
        self.assertIn("Payment", {line["type"] for line in other["lines"]})
        self.assertAlmostEqual(other["closing"], 50.0 + 120.0 - 75.0, places=2)
        self.assertNotIn(old.name, {line["reference"] for line in other["lines"]})

    def test_period_in_the_future_has_only_an_opening(self):
        _old, invoice, _free, _payment = self._story()
        next_year = self.today.year + 1
        data = self._statement(date(next_year, 1, 1), date(next_year, 12, 31))._statement_data()
        self.assertFalse([line for group in data["contracts"] for line in group["lines"]])
        contract = next(g for g in data["contracts"] if g["order"] == self.order)
        self.assertAlmostEqual(contract["opening"], invoice.amount_residual)
        self.assertAlmostEqual(data["closing"], self.customer.credit, places=2)

    def test_xlsx_and_pdf(self):
        _old, invoice, free, _payment = self._story()
        statement = self._statement(user=self.accountant)
        action = statement.action_export_xlsx()
        download = (
            self.env["backoffice.xlsx.download"].sudo().browse(int(action["url"].split("/")[4]))
        )
        workbook = load_workbook(BytesIO(download._get_content()))
        values = list(workbook["Statement"].iter_rows(values_only=True))
        header = values[0]
        self.assertEqual(header[:3], ("Contract", "Date", "Type"))
        balance = header.index("Balance")
        closing = {row[0]: row[balance] for row in values if row[2] == "Closing balance"}
        self.assertAlmostEqual(closing[self.order.contract_ref], invoice.amount_residual)
        self.assertIn(free.name, {row[3] for row in values})
        summary = dict(workbook["Summary"].iter_rows(min_row=2, values_only=True))
        self.assertAlmostEqual(summary["Closing balance"], self.customer.credit, places=2)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("sales_backoffice.action_report_customer_statement", statement.ids)[
                0
            ]
            .decode()
        )
        self.assertIn("Customer Reconciliation Statement", html)
        self.assertIn(self.order.contract_ref, html)
        self.assertIn("Not linked to a contract", html)
        self.assertIn("Aging of open items", html)

    def test_statement_of_another_company_refused(self):
        other_company = self.setup_other_company()["company"]
        statement = self.env["backoffice.customer.statement"].create(
            {"partner_id": self.customer.id, "company_id": other_company.id}
        )
        with self.assertRaises(AccessError):
            statement.with_user(self.bo_user)._statement_data()

    def test_send_by_email_queues_the_pdf(self):
        self._story()
        self.customer.backoffice_statement_contact_id = self.contact
        statement = self._statement(user=self.bo_user)
        action = statement.action_send_email()
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.bo_user)
            .with_context(**action["context"])
        )
        self.assertIn(self.contact, composer.partner_ids)
        composer.save().action_send_mail()
        log = self.env["backoffice.statement.log"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(log), 1)
        self.assertEqual(
            (log.state, log.origin, log.contact_id), ("queued", "manual", self.contact)
        )
        mail = log.mail_id
        self.assertTrue(mail)
        self.assertEqual(mail.state, "outgoing")
        self.assertIn(self.contact, mail.recipient_ids)
        # The statement is attached (rendered as HTML in test mode: wkhtmltopdf
        # would wait on assets this uncommitted transaction holds; the PDF
        # itself is downloaded over HTTP in tests/test_http_downloads.py).
        [statement_file] = mail.attachment_ids
        self.assertIn(b"Statement Customer SA", statement_file.raw)

    def test_monthly_run(self):
        last_month_end = self.today.replace(day=1) - timedelta(days=1)
        self._free_invoice(90.0, invoice_date=last_month_end)
        silent = self.env["res.partner"].create(
            {"name": "No Mail Ltd", "is_company": True, "backoffice_statement_monthly": True}
        )
        self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": silent.id,
                "invoice_date": last_month_end,
                "invoice_line_ids": [
                    Command.create({"name": "X", "quantity": 1, "price_unit": 10, "tax_ids": []})
                ],
            }
        ).action_post()
        self.customer.write(
            {"backoffice_statement_monthly": True, "backoffice_statement_contact_id": self.contact}
        )
        logs_model = self.env["backoffice.statement.log"]
        logs = logs_model._cron_send_monthly_statements()
        sent = logs.filtered(lambda log: log.partner_id == self.customer)
        self.assertEqual(len(sent), 1)
        self.assertEqual(
            (sent.state, sent.origin, sent.contact_id), ("queued", "monthly", self.contact)
        )
        self.assertEqual(sent.date_to, last_month_end)
        self.assertEqual(sent.date_from, last_month_end.replace(day=1))
        self.assertIn(self.contact, sent.mail_id.recipient_ids)
        self.assertIn(b"Statement Customer SA", sent.mail_id.attachment_ids.raw)
        failed = logs.filtered(lambda log: log.partner_id == silent)
        self.assertEqual(failed.state, "failed")
        self.assertIn("no e-mail address", failed.error)
        self.assertIn("no e-mail address", failed.message_ids[:1].body)
        # A second run of the same month sends nothing twice.
        self.assertFalse(logs_model._cron_send_monthly_statements())

    def test_delivery_log_access(self):
        self.customer.backoffice_statement_monthly = True
        log = self.env["backoffice.statement.log"]._prepare_delivery(
            self.customer, self.company, self.today.replace(day=1), self.today, "manual"
        )
        self.assertEqual(log.with_user(self.bo_user).partner_id, self.customer)
        with self.assertRaises(AccessError):
            log.with_user(self.salesman).read(["partner_id"])
        with self.assertRaises(AccessError):
            log.with_user(self.bo_user).write({"state": "queued"})
        with self.assertRaises(AccessError):
            self.env["backoffice.statement.log"].with_user(self.bo_manager).create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "date_from": self.today,
                    "date_to": self.today,
                }
            )
        with self.assertRaises(AccessError):
            log.with_user(self.bo_user).unlink()
        other_company = self.setup_other_company()["company"]
        other_log = self.env["backoffice.statement.log"]._prepare_delivery(
            self.customer, other_company, self.today.replace(day=1), self.today, "manual"
        )
        self.assertNotIn(
            other_log,
            self.env["backoffice.statement.log"].with_user(self.bo_user).search([]),
        )
        with self.assertRaises(AccessError):
            self.env["backoffice.customer.statement"].with_user(self.salesman).create(
                {"partner_id": self.customer.id, "company_id": self.company.id}
            )
