from odoo.tests import HttpCase, tagged

from .common import BackofficeCommon


@tagged("post_install", "-at_install")
class TestExpenseTour(BackofficeCommon, HttpCase):
    def test_expense_claim_tour(self):
        account = self.company_data["default_account_expense"]
        self.env["backoffice.expense.category"].sudo().create(
            [
                {
                    "name": "Hotel",
                    "account_id": account.id,
                    "daily_cap": 1000.0,
                    "receipt_required_above": 100.0,
                    "company_id": self.company.id,
                },
                {
                    "name": "Meals",
                    "account_id": account.id,
                    "daily_cap": 300.0,
                    "receipt_required_above": 200.0,
                    "company_id": self.company.id,
                },
            ]
        )
        self.start_tour("/odoo", "sales_backoffice_expense_submit_tour", login=self.salesman.login)
        claim = (
            self.env["backoffice.expense.claim"]
            .sudo()
            .search([("user_id", "=", self.salesman.id)])
        )
        self.assertEqual(claim.state, "submitted")
        self.assertEqual(len(claim.line_ids), 2)
        self.assertEqual(claim.line_ids.mapped("receipt_ref"), ["H-100", False])
        self.assertEqual(claim.finding_ids.rule, "missing_receipt")

        url = f"/odoo/backoffice-expenses/{claim.id}"
        self.start_tour(url, "sales_backoffice_expense_audit_tour", login=self.bo_user.login)
        self.start_tour(url, "sales_backoffice_expense_waive_tour", login=self.bo_manager.login)
        self.assertEqual(claim.finding_ids.waived_by_id, self.bo_manager)
        claim.with_user(self.bo_user).action_audit()
        manager = self.env["res.users"].create(
            {
                "name": "Ada Approver",
                "login": "bo_tour_approver",
                "password": "bo_tour_approver",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "group_ids": [
                    (6, 0, self.env.ref("sales_backoffice.group_backoffice_manager").ids)
                ],
            }
        )
        self.start_tour(url, "sales_backoffice_expense_approve_tour", login=manager.login)
        self.assertEqual((claim.state, claim.approver_id), ("approved", manager))
