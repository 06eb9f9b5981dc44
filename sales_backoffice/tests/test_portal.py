from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import BackofficeCommon


@tagged("post_install", "-at_install")
class TestPortalContracts(BackofficeCommon, HttpCase):
    """A customer's portal users follow their commercial partner's contracts,
    and nobody else's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.is_company = True
        cls.buyer = cls.env["res.partner"].create(
            {"name": "Bill Buyer", "parent_id": cls.customer.id, "email": "bill@contoso.example"}
        )
        cls.portal_user = new_test_user(
            cls.env,
            login="bo_portal_a",
            password="bo_portal_a",
            groups="base.group_portal",
            partner_id=cls.buyer.id,
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Fabrikam Industries", "is_company": True}
        )
        cls.contract = cls._create_contract([(cls.product_valve, 4, 150.0)])
        cls.contract.contract_ref = "PORTAL/A/1"
        # A contract placed by the customer's contact belongs to the customer too.
        cls.contract_contact = cls._create_contract([(cls.product_valve, 1, 150.0)])
        cls.contract_contact.write({"partner_id": cls.buyer.id, "contract_ref": "PORTAL/A/2"})
        cls.other_contract = cls._create_contract([(cls.product_valve, 2, 150.0)])
        cls.other_contract.write(
            {"partner_id": cls.other_customer.id, "contract_ref": "PORTAL/B/1"}
        )

    def _visible(self, user):
        Performance = self.env["backoffice.contract.performance"].with_user(user)
        Performance.invalidate_model()
        return Performance.search([]).order_id

    def test_record_rules(self):
        self.assertEqual(self._visible(self.portal_user), self.contract | self.contract_contact)
        other = self.env["backoffice.contract.performance"].browse(self.other_contract.id)
        with self.assertRaises(AccessError):
            other.with_user(self.portal_user).read(["amount_ordered"])
        # Read only: the report is a query, but the rights say so too.
        self.assertFalse(
            self.env["backoffice.contract.performance"]
            .with_user(self.portal_user)
            .has_access("write")
        )
        # Another customer's portal user sees none of them.
        other_user = new_test_user(
            self.env,
            login="bo_portal_b",
            groups="base.group_portal",
            partner_id=self.env["res.partner"]
            .create({"name": "Fay Fabrikam", "parent_id": self.other_customer.id})
            .id,
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.assertEqual(self._visible(other_user), self.other_contract)
        # The portal rule gives nothing to internal users: a salesperson keeps
        # their own contracts only.
        self.assertEqual(
            self._visible(self.other_salesman),
            self.env["sale.order"],
        )

    def test_contract_pages(self):
        picking = self._deliver(self.contract, {self.product_valve: 4})
        invoice = self._invoice(self.contract)
        self._pay(invoice, 200.0)
        self.authenticate(self.portal_user.login, self.portal_user.login)

        response = self.url_open("/my/contracts")
        self.assertEqual(response.status_code, 200)
        self.assertIn("PORTAL/A/1", response.text)
        self.assertIn("PORTAL/A/2", response.text)
        self.assertNotIn("PORTAL/B/1", response.text)
        self.assertIn("/my/contracts/statement", response.text)

        response = self.url_open(f"/my/contracts/{self.contract.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("PORTAL/A/1", response.text)
        self.assertIn(f"/my/invoices/{invoice.id}", response.text)
        self.assertIn(f"/my/picking/pdf/{picking.id}?access_token=", response.text)
        # Odoo's delivery slip opens with the link the page gives.
        slip = self.url_open(
            f"/my/picking/pdf/{picking.id}?access_token={self.contract.access_token}"
        )
        self.assertEqual(slip.status_code, 200)
        # The invoice link is Odoo's portal invoice page, readable by the user.
        self.assertEqual(self.url_open(f"/my/invoices/{invoice.id}").status_code, 200)

    def test_other_customer_contract_not_found(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        for contract_id in (self.other_contract.id, self.other_contract.id + 100000):
            response = self.url_open(f"/my/contracts/{contract_id}")
            self.assertIn(response.status_code, (403, 404), contract_id)
            self.assertNotIn("PORTAL/B/1", response.text)
        # Even with a token of the order: contracts have none.
        self.other_contract._portal_ensure_token()
        response = self.url_open(
            f"/my/contracts/{self.other_contract.id}"
            f"?access_token={self.other_contract.access_token}"
        )
        self.assertIn(response.status_code, (403, 404))

    def test_anonymous_is_sent_to_login(self):
        response = self.url_open(f"/my/contracts/{self.contract.id}", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])

    def test_home_counter(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["contract_count"]})
        self.assertEqual(counters["contract_count"], 1)
        self.assertIn("/my/contracts", self.url_open("/my").text)

    def test_statement_download(self):
        invoice = self._invoice(self.contract)
        self._pay(invoice, 100.0)
        other_invoice = self._invoice(self.other_contract)
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.url_open("/my/contracts/statement")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        statement = (
            self.env["backoffice.customer.statement"].sudo().search([], order="id desc", limit=1)
        )
        self.assertEqual(statement.partner_id, self.customer)
        self.assertEqual(statement.company_id, self.company)
        # Tests render reports as HTML: the statement is the customer's own.
        self.assertIn(invoice.name, response.text)
        self.assertNotIn(other_invoice.name, response.text)
        self.assertNotIn("PORTAL/B/1", response.text)

    def test_statement_refuses_other_companies_and_bad_input(self):
        other_company = self.env["res.company"].create({"name": "Other Branch"})
        self.authenticate(self.portal_user.login, self.portal_user.login)
        for query in (
            f"company_id={other_company.id}",
            "company_id=abc",
            "date_from=2026-13-01",
            "date_from=2026-05-01&date_to=2026-04-01",
        ):
            response = self.url_open(f"/my/contracts/statement?{query}")
            self.assertEqual(response.status_code, 404, query)

    def test_statement_needs_a_contract(self):
        lonely = new_test_user(
            self.env,
            login="bo_portal_c",
            groups="base.group_portal",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.authenticate(lonely.login, lonely.login)
        self.assertEqual(self.url_open("/my/contracts/statement").status_code, 404)
        response = self.url_open("/my/contracts")
        self.assertEqual(response.status_code, 200)
        self.assertIn("no contracts", response.text)

    def test_portal_contracts_tour(self):
        self._deliver(self.contract, {self.product_valve: 4})
        self._invoice(self.contract)
        self.start_tour(
            "/my/contracts", "sales_backoffice_portal_contracts_tour", login="bo_portal_a"
        )
