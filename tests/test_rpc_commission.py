"""JSON-RPC attacks on commission settlements (issue #16 part 4).

A salesperson never confirms, posts or rewrites the own settlement, nor a
manager the own; the state, the lines and the entry are written by the
settlement's actions only, whatever context the caller sends. The
legitimate flow (a manager computes, another manager confirms, finance posts
and pays) must still pass. Run through ``make test``
(``BO_PYTEST_ARGS="-k rpc_commission"``).
"""

from datetime import date

import pytest

from .test_rpc_security import World, attempt, ctx, read1

SETTLEMENT = "backoffice.commission.settlement"
LINE = "backoffice.commission.line"
RULE = "backoffice.commission.rule"


class CommissionWorld(World):
    def __init__(self, client):
        super().__init__(client)
        month_start = date.today().replace(day=1)
        self.period = {"date_from": month_start.isoformat(), "date_to": date.today().isoformat()}
        for role in ("sales1", "mgr1"):
            self.as_("mgr2").call(
                RULE,
                "create",
                {
                    "name": f"RPC {role} 5% {self.tag}",
                    "company_id": self.company_id,
                    "user_id": self.uid(role),
                    "base": "collected",
                    "rate": 5.0,
                },
            )

    def paid_contract(self, salesman):
        """A contract of ``salesman`` invoiced and paid in full (1000, no tax)."""
        order_id, _line_id = self.contract(salesman)
        invoice_id = self.draft_invoice(order_id)
        self.admin.call("account.move", "action_post", [invoice_id])
        wizard = self.admin.call(
            "account.payment.register",
            "create",
            {"payment_date": date.today().isoformat()},
            context={"active_model": "account.move", "active_ids": [invoice_id]},
        )
        self.admin.call("account.payment.register", "action_create_payments", [wizard])
        return order_id

    def settlement(self, salesman, manager="mgr2"):
        """A computed draft settlement of ``salesman`` for this month."""
        settlement_id = self.as_(manager).call(
            SETTLEMENT,
            "create",
            {"company_id": self.company_id, "user_id": self.uid(salesman), **self.period},
        )
        self.as_(manager).call(SETTLEMENT, "action_compute", [settlement_id])
        return settlement_id

    def state(self, settlement_id):
        return read1(self.admin, SETTLEMENT, settlement_id, ["state"])["state"]


@pytest.fixture(scope="module")
def world(client):
    world = CommissionWorld(client)
    world.paid_contract("sales1")
    world.paid_contract("mgr1")
    world.sales1_settlement = world.settlement("sales1")
    world.mgr1_settlement = world.settlement("mgr1")
    world.sales1_draft = world.as_("mgr2").call(
        SETTLEMENT,
        "create",
        {
            "company_id": world.company_id,
            "user_id": world.uid("sales1"),
            "date_from": "2020-03-01",
            "date_to": "2020-03-31",
        },
    )
    return world


def test_rpc_commission_legit_flow(world):
    settlement_id = world.sales1_settlement
    row = read1(world.admin, SETTLEMENT, settlement_id, ["amount_total", "line_ids"])
    assert row["amount_total"] == pytest.approx(50.0)
    # The salesperson reads the own settlement and its lines.
    own = world.as_("sales1").call(SETTLEMENT, "read", [settlement_id], ["amount_total"])
    assert own[0]["amount_total"] == pytest.approx(50.0)
    assert world.as_("sales1").call(LINE, "search_count", [("settlement_id", "=", settlement_id)])
    world.as_("mgr1").call(SETTLEMENT, "action_confirm", [settlement_id])
    world.as_("billing").call(SETTLEMENT, "action_post", [settlement_id])
    row = read1(world.admin, SETTLEMENT, settlement_id, ["state", "move_id"])
    assert row["state"] == "posted"
    assert row["move_id"]
    # A re-run of the period never counts the payment twice.
    with_dup = attempt(
        world.as_("mgr2").call,
        SETTLEMENT,
        "create",
        {"company_id": world.company_id, "user_id": world.uid("sales1"), **world.period},
    )
    assert with_dup is not None


@pytest.mark.parametrize("role", ["mgr1", "sales1"])
def test_rpc_commission_own_settlement_confirmed(world, role):
    settlement_id = world.mgr1_settlement if role == "mgr1" else world.sales1_draft
    client = world.as_(role)
    assert attempt(client.call, SETTLEMENT, "action_confirm", [settlement_id], context=ctx())
    assert attempt(
        client.call,
        SETTLEMENT,
        "write",
        [settlement_id],
        {"state": "confirmed", "confirmed_by_id": world.uid("mgr2")},
        context=ctx(),
    )
    assert world.state(settlement_id) == "draft"


def test_rpc_commission_forged_create(world):
    for role in ("sales1", "mgr1", "billing"):
        refused = attempt(
            world.as_(role).call,
            SETTLEMENT,
            "create",
            {
                "company_id": world.company_id,
                "user_id": world.uid(role),
                "date_from": "2020-01-01",
                "date_to": "2020-01-31",
                "state": "posted",
            },
            context=ctx(state="posted"),
        )
        assert refused, f"{role} created a posted settlement"
    # A manager's plain create with a default state from the context stays a draft.
    settlement_id = world.as_("mgr1").call(
        SETTLEMENT,
        "create",
        {
            "company_id": world.company_id,
            "user_id": world.uid("sales2"),
            "date_from": "2020-02-01",
            "date_to": "2020-02-28",
        },
        context=ctx(state="posted", move_id=1),
    )
    row = read1(world.admin, SETTLEMENT, settlement_id, ["state", "move_id"])
    assert row["state"] == "draft"
    assert not row["move_id"]


def test_rpc_commission_lines_are_computed_only(world):
    settlement_id = world.mgr1_settlement
    line_ids = world.admin.call(LINE, "search", [("settlement_id", "=", settlement_id)])
    assert line_ids
    before = read1(world.admin, LINE, line_ids[0], ["amount"])["amount"]
    for role in ("mgr2", "mgr1", "billing"):
        assert attempt(
            world.as_(role).call, LINE, "write", line_ids, {"amount": 1e6}, context=ctx()
        )
        assert attempt(
            world.as_(role).call,
            LINE,
            "create",
            {"settlement_id": settlement_id, "is_counted": True, "amount": 1e6},
            context=ctx(),
        )
        assert attempt(world.as_(role).call, LINE, "unlink", line_ids, context=ctx())
    assert read1(world.admin, LINE, line_ids[0], ["amount"])["amount"] == before


def test_rpc_commission_refused_users(world):
    settlement_id = world.mgr1_settlement
    # Another salesperson reads nothing of it; the back office and finance do not confirm.
    assert attempt(world.as_("sales2").call, SETTLEMENT, "read", [settlement_id], ["amount_total"])
    for role in ("bo1", "billing", "sales2"):
        assert attempt(
            world.as_(role).call, SETTLEMENT, "action_confirm", [settlement_id], context=ctx()
        )
        assert attempt(
            world.as_(role).call, SETTLEMENT, "action_compute", [settlement_id], context=ctx()
        )
    # Finance posts confirmed settlements only.
    assert attempt(world.as_("billing").call, SETTLEMENT, "action_post", [settlement_id])
    assert world.state(settlement_id) == "draft"
    # Once confirmed by another manager, the salesperson still cannot post it.
    world.as_("mgr2").call(SETTLEMENT, "action_confirm", [settlement_id])
    assert attempt(world.as_("mgr1").call, SETTLEMENT, "action_post", [settlement_id])
    assert attempt(world.as_("mgr2").call, SETTLEMENT, "action_compute", [settlement_id])
    assert world.state(settlement_id) == "confirmed"


def test_rpc_commission_statement_pdf(world):
    """The salesperson downloads the own commission statement; another
    salesperson gets none."""
    settlement_id = world.sales1_draft
    url = f"/report/pdf/sales_backoffice.report_commission_statement/{settlement_id}"
    response = world.as_("sales1").get(url)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    refused = world.as_("sales2").get(url)
    assert not refused.content.startswith(b"%PDF")
