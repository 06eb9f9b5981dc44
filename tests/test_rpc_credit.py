"""Dealer credit over JSON-RPC: a salesperson forging context keys and field
values to confirm an order over the customer's credit limit, to release it or
to write its credit state is refused; a Back Office Manager's override and
release, with a reason, confirm it.

Run through ``make test`` (``BO_PYTEST_ARGS="-k rpc_credit"``).
"""

import pytest

from .test_rpc_security import ATTACK_CONTEXT, World, attempt, m2o, read1

LIMIT = 1000.0
CREDIT_FIELDS = [
    "state",
    "backoffice_credit_state",
    "backoffice_credit_decision",
    "backoffice_credit_decided_by_id",
]
# Every dealer-credit key a forger could hope the module reads, on top of the
# module-wide attack context.
CREDIT_CONTEXT = dict(
    ATTACK_CONTEXT,
    default_backoffice_credit_state="released",
    default_backoffice_credit_decision="forged",
    default_action="release",
    backoffice_credit_release=True,
    backoffice_credit_override=True,
)


class CreditWorld(World):
    """The security suite's users, plus a dealer with a credit limit in a
    company that checks dealer credit (switched back afterwards)."""

    def __init__(self, client):
        super().__init__(client)
        self.was_checked = self.admin.call(
            "res.company", "read", [self.company_id], ["backoffice_credit_check"]
        )[0]["backoffice_credit_check"]
        self.admin.call(
            "res.company", "write", [self.company_id], {"backoffice_credit_check": True}
        )
        self.dealer_id = self.new_dealer()

    def new_dealer(self):
        """A dealer of its own with a credit limit of ``LIMIT``."""
        dealer_id = self.admin.call(
            "res.partner",
            "create",
            {"name": f"RPC Dealer {self.tag} {self.next_number()}", "is_company": True},
        )
        self.admin.call(
            "res.partner",
            "write",
            [dealer_id],
            {"credit_limit": LIMIT},
            context={"allowed_company_ids": [self.company_id]},
        )
        return dealer_id

    def restore(self):
        self.admin.call(
            "res.company",
            "write",
            [self.company_id],
            {"backoffice_credit_check": self.was_checked},
        )

    def quotation(self, salesman="sales1", qty=20.0, dealer_id=None):
        """A quotation of ``salesman`` for a dealer, worth ``qty`` times 100."""
        return self.as_(salesman).call(
            "sale.order",
            "create",
            {
                "partner_id": dealer_id or self.dealer_id,
                "user_id": self.uid(salesman),
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product_id,
                            "product_uom_qty": qty,
                            "price_unit": 100.0,
                            "tax_ids": [(5, 0, 0)],
                        },
                    )
                ],
            },
        )

    def credit(self, order_id):
        return read1(self.admin, "sale.order", order_id, CREDIT_FIELDS)

    def decide(self, role, order_id, action, reason):
        """The manager's dialog as the web client drives it."""
        method = {"override": "action_credit_override", "release": "action_credit_release"}.get(
            action, "action_credit_decline"
        )
        dialog = self.as_(role).call("sale.order", method, [order_id])
        assert dialog["res_model"] == "backoffice.credit.decide"
        wizard_id = self.as_(role).call(
            "backoffice.credit.decide",
            "create",
            {"reason": reason},
            context=dialog["context"],
        )
        return self.as_(role).call("backoffice.credit.decide", "action_confirm", [wizard_id])


@pytest.fixture(scope="module")
def world(client):
    world = CreditWorld(client)
    yield world
    world.restore()


def test_rpc_credit_salesperson_cannot_confirm_over_limit(world):
    order_id = world.quotation()
    before = world.credit(order_id)
    sales = world.as_("sales1")
    assert attempt(sales.call, "sale.order", "action_confirm", [order_id], context=CREDIT_CONTEXT)
    assert attempt(
        sales.call,
        "sale.order",
        "write",
        [order_id],
        {"backoffice_credit_state": "released"},
        context=CREDIT_CONTEXT,
    )
    assert attempt(
        sales.call,
        "sale.order",
        "write",
        [order_id],
        {"backoffice_credit_decision": "ok", "backoffice_credit_decided_by_id": world.uid("mgr1")},
    )
    # Releasing: the buttons, the private method and the dialog are refused.
    for method in ("action_credit_release", "action_credit_override", "action_credit_decline"):
        assert attempt(sales.call, "sale.order", method, [order_id], context=CREDIT_CONTEXT)
    assert attempt(sales.call, "sale.order", "_do_credit_release", [order_id], "forged")
    assert attempt(
        sales.call,
        "backoffice.credit.decide",
        "create",
        {"order_id": order_id, "action": "release", "reason": "forged"},
        context=CREDIT_CONTEXT,
    )
    after = world.credit(order_id)
    assert after == before
    assert after["state"] == "draft"
    assert not after["backoffice_credit_state"]


def test_rpc_credit_forged_values_on_create(world):
    sales = world.as_("sales1")
    assert attempt(
        sales.call,
        "sale.order",
        "create",
        {"partner_id": world.dealer_id, "backoffice_credit_state": "released"},
    )
    order_id = sales.call(
        "sale.order", "create", {"partner_id": world.dealer_id}, context=CREDIT_CONTEXT
    )
    created = world.credit(order_id)
    assert not created["backoffice_credit_state"]
    assert not created["backoffice_credit_decision"]


def test_rpc_credit_hold_release_by_manager(world):
    order_id = world.quotation()
    sales = world.as_("sales1")
    # Another salesperson cannot even put it on hold.
    assert attempt(world.as_("sales2").call, "sale.order", "action_credit_request", [order_id])
    sales.call("sale.order", "action_credit_request", [order_id])
    assert world.credit(order_id)["backoffice_credit_state"] == "hold"
    assert attempt(sales.call, "sale.order", "action_confirm", [order_id], context=CREDIT_CONTEXT)
    # A back-office user is no manager.
    assert attempt(world.as_("bo1").call, "sale.order", "action_credit_release", [order_id])
    # No reason, no release.
    assert attempt(world.decide, "mgr1", order_id, "release", "   ")
    assert world.credit(order_id)["state"] == "draft"
    world.decide("mgr1", order_id, "release", "Deposit received by bank transfer")
    after = world.credit(order_id)
    assert after["state"] == "sale"
    assert after["backoffice_credit_state"] == "released"
    assert after["backoffice_credit_decision"] == "Deposit received by bank transfer"
    assert m2o(after["backoffice_credit_decided_by_id"]) == world.uid("mgr1")
    # The salesperson may not write the decision away afterwards.
    assert attempt(
        sales.call, "sale.order", "write", [order_id], {"backoffice_credit_state": False}
    )
    assert world.credit(order_id)["backoffice_credit_state"] == "released"


def test_rpc_credit_manager_override_in_chatter(world):
    order_id = world.quotation()
    mgr = world.as_("mgr1")
    assert attempt(mgr.call, "sale.order", "action_confirm", [order_id])
    world.decide("mgr1", order_id, "override", "Guarantee from the parent company")
    assert world.credit(order_id)["state"] == "sale"
    bodies = [
        message["body"]
        for message in world.admin.call(
            "mail.message",
            "search_read",
            [("model", "=", "sale.order"), ("res_id", "=", order_id)],
            ["body"],
        )
    ]
    assert any("Guarantee from the parent company" in body for body in bodies)


def test_rpc_credit_growth_refused(world):
    order_id = world.quotation(qty=5.0, dealer_id=world.new_dealer())
    sales = world.as_("sales1")
    sales.call("sale.order", "action_confirm", [order_id])
    line_id = read1(world.admin, "sale.order", order_id, ["order_line"])["order_line"][0]
    assert attempt(
        sales.call,
        "sale.order.line",
        "write",
        [line_id],
        {"product_uom_qty": 50.0},
        context=CREDIT_CONTEXT,
    )
    assert attempt(
        sales.call,
        "sale.order",
        "write",
        [order_id],
        {
            "order_line": [
                (
                    0,
                    0,
                    {
                        "product_id": world.product_id,
                        "product_uom_qty": 30.0,
                        "price_unit": 100.0,
                        "tax_ids": [(5, 0, 0)],
                    },
                )
            ]
        },
        context=CREDIT_CONTEXT,
    )
    order = read1(world.admin, "sale.order", order_id, ["order_line", "amount_total"])
    assert order["order_line"] == [line_id]
    assert order["amount_total"] == 500.0
