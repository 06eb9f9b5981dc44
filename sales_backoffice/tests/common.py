from odoo.tests import TransactionCase, new_test_user


class BackofficeCommon(TransactionCase):
    """Users of each group, a customer and products shared by the module's tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.salesman = new_test_user(
            cls.env,
            login="bo_salesman",
            name="Sam Salesman",
            groups="sales_team.group_sale_salesman",
        )
        cls.bo_user = new_test_user(
            cls.env,
            login="bo_user",
            name="Bea Backoffice",
            groups="sales_backoffice.group_backoffice_user",
        )
        cls.bo_manager = new_test_user(
            cls.env,
            login="bo_manager",
            name="Max Manager",
            groups="sales_backoffice.group_backoffice_manager",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Contoso Trading", "email": "buyer@contoso.example"}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Industrial Pump", "list_price": 1200.0, "type": "consu"}
        )
