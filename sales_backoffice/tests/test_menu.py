from odoo.tests import HttpCase, tagged

from .common import BackofficeCommon


@tagged("post_install", "-at_install")
class TestBackofficeMenu(BackofficeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.menu_root = cls.env.ref("sales_backoffice.backoffice_menu_root")
        cls.menu_contracts = cls.env.ref("sales_backoffice.backoffice_contract_menu")

    def _visible(self, user):
        """Menu ids the web client gets for ``user`` (what load_menus returns)."""
        menus = self.env["ir.ui.menu"].with_user(user).load_menus(debug=False)
        return {key for key in menus if isinstance(key, int)}

    def test_salesman_does_not_see_back_office(self):
        visible = self._visible(self.salesman)
        self.assertIn(self.env.ref("sale.sale_menu_root").id, visible)
        self.assertNotIn(self.menu_root.id, visible)
        self.assertNotIn(self.menu_contracts.id, visible)

    def test_back_office_groups_see_back_office(self):
        for user in (self.bo_user, self.bo_manager):
            visible = self._visible(user)
            self.assertIn(self.menu_root.id, visible, user.login)
            self.assertIn(self.menu_contracts.id, visible, user.login)

    def test_manager_implies_user(self):
        self.assertTrue(self.bo_manager.has_group("sales_backoffice.group_backoffice_user"))
        self.assertFalse(self.bo_user.has_group("sales_backoffice.group_backoffice_manager"))
        self.assertFalse(self.salesman.has_group("sales_backoffice.group_backoffice_user"))

    def test_contract_action_lists_confirmed_orders_only(self):
        order_model = self.env["sale.order"]
        draft = order_model.create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    (0, 0, {"product_id": self.product_valve.id, "product_uom_qty": 1})
                ],
            }
        )
        confirmed = draft.copy()
        confirmed.action_confirm()
        found = self.env["backoffice.contract.performance"].with_user(self.bo_user).search([])
        self.assertIn(confirmed, found.order_id)
        self.assertNotIn(draft, found.order_id)


@tagged("post_install", "-at_install")
class TestBackofficeMenuTour(HttpCase):
    def test_back_office_menu_tour(self):
        user = self.env["res.users"].create(
            {
                "name": "Tour Backoffice",
                "login": "tour_backoffice",
                "password": "tour_backoffice",
                "group_ids": [(4, self.env.ref("sales_backoffice.group_backoffice_user").id)],
            }
        )
        self.assertTrue(user)
        self.start_tour("/odoo", "sales_backoffice_menu_tour", login="tour_backoffice")
