"""JSON-RPC attacks on aged receivables, the customer statement and its
delivery log (issue #15 parts 2 and 3), as the wrong user with the context
keys a client may send. Uses the world of ``test_rpc_security``."""

import pytest

from .test_rpc_security import World, attempt, ctx, today


@pytest.fixture(scope="module")
def world(client):
    return World(client)


def _statement(session, world, **vals):
    return session.call(
        "backoffice.customer.statement",
        "create",
        dict({"partner_id": world.customer_id, "date_from": today(), "date_to": today()}, **vals),
    )


def test_rpc_statement_log_cannot_be_forged(world):
    """Nobody writes a delivery log: not the back office, not a manager, not
    with a context default."""
    values = {
        "partner_id": world.customer_id,
        "company_id": world.company_id,
        "date_from": today(),
        "date_to": today(),
        "state": "queued",
    }
    for role in ("bo1", "mgr1", "billing"):
        session = world.as_(role)
        assert attempt(session.call, "backoffice.statement.log", "create", values, context=ctx())
        assert attempt(
            session.call,
            "backoffice.statement.log",
            "create",
            {"partner_id": world.customer_id},
            context=ctx(**values),
        )
    # A real delivery, made by the statement's button, then tampered with.
    mgr = world.as_("mgr1")
    action = mgr.call(
        "backoffice.customer.statement", "action_send_email", [_statement(mgr, world)]
    )
    [log_id] = action["context"]["default_res_ids"]
    log = mgr.call("backoffice.statement.log", "read", [log_id], ["state", "origin"])[0]
    assert (log["state"], log["origin"]) == ("draft", "manual")
    for role in ("bo1", "mgr1"):
        session = world.as_(role)
        assert attempt(
            session.call, "backoffice.statement.log", "write", [log_id], {"state": "queued"}
        )
        assert attempt(session.call, "backoffice.statement.log", "unlink", [log_id])
    assert mgr.call("backoffice.statement.log", "read", [log_id], ["state"])[0]["state"] == "draft"


def test_rpc_statement_refused_to_salesperson(world):
    sales = world.as_("sales1")
    assert attempt(
        sales.call,
        "backoffice.customer.statement",
        "create",
        {"partner_id": world.customer_id},
        context=ctx(),
    )
    assert attempt(sales.call, "backoffice.statement.log", "search_read", [], ["partner_id"])
    # The salesperson's own contract: its buckets, not the accounting workbook.
    order_id, _line = world.contract("sales1")
    rows = sales.call(
        "backoffice.contract.performance",
        "search_read",
        [("order_id", "=", order_id)],
        ["amount_not_due", "amount_receivable"],
    )
    assert rows
    assert attempt(
        sales.call, "backoffice.contract.performance", "action_export_aged_xlsx", [rows[0]["id"]]
    )


def test_rpc_statement_of_a_foreign_company_refused(world):
    """A statement names a company the user does not belong to: the
    accounting it would read under sudo stays closed."""
    other = world.admin.call("res.company", "create", {"name": f"Other Co {world.tag}"})
    bo = world.as_("bo1")
    created = []
    if attempt(lambda: created.append(_statement(bo, world, company_id=other))):
        return  # refused at creation
    assert attempt(bo.call, "backoffice.customer.statement", "action_export_xlsx", created)
    assert attempt(bo.call, "backoffice.customer.statement", "action_send_email", created)
    assert not world.admin.call("backoffice.statement.log", "search", [("company_id", "=", other)])
