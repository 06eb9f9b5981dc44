"""Dunning by level attacked over JSON-RPC.

A salesperson forges a dunning level, writes or creates dunning log rows, or
records a promise to pay on another salesperson's contract, with every
context key an attacker may send; each attack must be refused (a business
error) and the contract, re-read as admin, unchanged. The legitimate flow
(the scheduled run, the contract's own salesperson recording a promise) passes.

Run through ``make test`` (``BO_PYTEST_ARGS="-k rpc_dunning"``).
"""

import time
from datetime import date, timedelta

import pytest

from .odoo_client import RpcError

ATTACK_CONTEXT = {
    "backoffice_classify": True,
    "tracking_disable": True,
    "mail_notrack": True,
    "active_test": False,
    "default_dunning_level_id": 1,
    "default_state": "sent",
}
REFUSALS = {
    "odoo.exceptions.AccessError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.MissingError",
}
SALESMAN_GROUP = "sales_team.group_sale_salesman"


def refused(call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except RpcError as error:
        if error.name in REFUSALS:
            return True
        raise
    return False


class DunningWorld:
    def __init__(self, client):
        self.admin = client("admin", "admin")
        tag = f"{int(time.time() * 1000) % 10**10:x}"
        self.company_id = self.admin.call("res.users", "read", [self.admin.uid], ["company_id"])[
            0
        ]["company_id"][0]
        group = self._xmlid(SALESMAN_GROUP)
        base_user = self._xmlid("base.group_user")
        self.clients = {}
        for role in ("sales1", "sales2"):
            login = f"rpc_dun_{role}_{tag}"
            uid = self.admin.call(
                "res.users",
                "create",
                {
                    "name": f"RPC dunning {role} {tag}",
                    "login": login,
                    "password": login,
                    "group_ids": [(6, 0, [base_user, group])],
                    "company_id": self.company_id,
                    "company_ids": [(6, 0, [self.company_id])],
                },
            )
            self.clients[role] = (client(login, login), uid)
        customer = self.admin.call(
            "res.partner",
            "create",
            {"name": f"RPC dunned {tag}", "email": f"dunned_{tag}@example.com"},
        )
        product = self.admin.call(
            "product.product",
            "create",
            {
                "name": f"RPC dunning item {tag}",
                "type": "consu",
                "invoice_policy": "order",
                "list_price": 100.0,
                "taxes_id": [(5, 0, 0)],
            },
        )
        self.order_id = self.admin.call(
            "sale.order",
            "create",
            {
                "partner_id": customer,
                "user_id": self.clients["sales1"][1],
                "order_line": [(0, 0, {"product_id": product, "product_uom_qty": 3})],
            },
        )
        self.admin.call("sale.order", "action_confirm", [self.order_id])
        wizard = self.admin.call(
            "sale.advance.payment.inv",
            "create",
            {"advance_payment_method": "delivered", "sale_order_ids": [(6, 0, [self.order_id])]},
            context={"active_model": "sale.order", "active_ids": [self.order_id]},
        )
        self.admin.call(
            "sale.advance.payment.inv",
            "create_invoices",
            [wizard],
            context={"active_model": "sale.order", "active_ids": [self.order_id]},
        )
        [invoice_id] = self.admin.call("sale.order", "read", [self.order_id], ["invoice_ids"])[0][
            "invoice_ids"
        ]
        past = (date.today() - timedelta(days=10)).isoformat()
        self.admin.call(
            "account.move",
            "write",
            [invoice_id],
            {"invoice_payment_term_id": False, "invoice_date": past, "invoice_date_due": past},
        )
        self.admin.call("account.move", "action_post", [invoice_id])
        # The daily run, as the scheduler runs it.
        cron = self._xmlid("sales_backoffice.ir_cron_dunning")
        self.admin.call("ir.cron", "method_direct_trigger", [cron])

    def _xmlid(self, xmlid):
        module, name = xmlid.split(".")
        rows = self.admin.call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            ["res_id"],
        )
        assert rows, xmlid
        return rows[0]["res_id"]

    def order(self):
        return self.admin.call(
            "sale.order",
            "read",
            [self.order_id],
            [
                "dunning_level_id",
                "dunning_log_ids",
                "date_payment_promised",
                "amount_payment_promised",
            ],
        )[0]


@pytest.fixture(scope="module")
def world(client):
    return DunningWorld(client)


def test_rpc_dunning_run_stepped_the_contract(world):
    order = world.order()
    assert order["dunning_level_id"], "the run moved the overdue contract to its first level"
    assert len(order["dunning_log_ids"]) == 1


def test_rpc_dunning_salesperson_cannot_forge_level_or_logs(world):
    sales1, _uid = world.clients["sales1"]
    before = world.order()
    levels = world.admin.call(
        "backoffice.dunning.level", "search", [("company_id", "=", world.company_id)]
    )
    for vals in (
        {"dunning_level_id": levels[-1]},
        {"dunning_level_id": False},
        {"dunning_log_ids": [(5, 0, 0)]},
        {"dunning_log_ids": [(0, 0, {"date": date.today().isoformat(), "state": "sent"})]},
        {"date_payment_promised": (date.today() + timedelta(days=60)).isoformat()},
    ):
        assert refused(
            sales1.call, "sale.order", "write", [world.order_id], vals, context=ATTACK_CONTEXT
        ), vals
    assert refused(
        sales1.call,
        "backoffice.dunning.log",
        "create",
        {"order_id": world.order_id, "date": date.today().isoformat(), "state": "sent"},
        context=ATTACK_CONTEXT,
    )
    log_ids = before["dunning_log_ids"]
    assert refused(
        sales1.call,
        "backoffice.dunning.log",
        "write",
        log_ids,
        {"state": "sent"},
        context=ATTACK_CONTEXT,
    )
    assert refused(sales1.call, "backoffice.dunning.log", "unlink", log_ids)
    assert refused(sales1.call, "backoffice.dunning.log", "action_print_letter", log_ids)
    assert world.order() == before


def test_rpc_dunning_promise_on_another_salespersons_contract(world):
    sales2, _uid = world.clients["sales2"]
    before = world.order()
    assert refused(
        sales2.call,
        "sale.order",
        "action_dunning_promise",
        [world.order_id],
        context=ATTACK_CONTEXT,
    )
    promise = {
        "order_id": world.order_id,
        "date_payment_promised": (date.today() + timedelta(days=5)).isoformat(),
        "amount_payment_promised": 50.0,
    }
    wizard = None
    try:
        wizard = sales2.call(
            "backoffice.dunning.promise", "create", promise, context=ATTACK_CONTEXT
        )
    except RpcError as error:
        assert error.name in REFUSALS
    if wizard:
        assert refused(
            sales2.call,
            "backoffice.dunning.promise",
            "action_confirm",
            [wizard],
            context=ATTACK_CONTEXT,
        )
    # Nor may the other salesperson read the contract's dunning log.
    assert (
        sales2.call("backoffice.dunning.log", "search", [("order_id", "=", world.order_id)]) == []
    )
    assert world.order() == before


def test_rpc_dunning_own_salesperson_records_a_promise(world):
    sales1, _uid = world.clients["sales1"]
    promised = (date.today() + timedelta(days=5)).isoformat()
    action = sales1.call("sale.order", "action_dunning_promise", [world.order_id])
    wizard = sales1.call(
        "backoffice.dunning.promise",
        "create",
        {"date_payment_promised": promised, "amount_payment_promised": 50.0},
        context=action["context"],
    )
    sales1.call("backoffice.dunning.promise", "action_confirm", [wizard])
    order = world.order()
    assert order["date_payment_promised"] == promised
    assert order["amount_payment_promised"] == 50.0
    logs = sales1.call("backoffice.dunning.log", "search", [("order_id", "=", world.order_id)])
    assert logs == order["dunning_log_ids"]
