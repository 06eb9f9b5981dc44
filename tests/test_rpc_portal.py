"""The customer portal and the collection plans attacked over HTTP and
JSON-RPC, on the demo database served the way ``make run`` serves it: the demo
portal user of Deco Addict reads its own contracts and statement and nothing
else, whatever it sends; salespeople read their own plans and change none.

Run through ``make test`` (``BO_PYTEST_ARGS="-k rpc_portal"``).
"""

import pytest

from .odoo_client import RpcError

PORTAL = ("customer_portal", "customer_portal")
MANAGER = ("backoffice_manager", "backoffice_manager")
SALESPERSON = ("salesperson", "salesperson")
# What a caller may send to widen what it reads (companies the user is not
# in are refused by Odoo itself before any of this module's code runs).
ATTACK_CONTEXT = {
    "active_test": False,
    "force_company": 1,
    "sudo": True,
}
REFUSALS = ("odoo.exceptions.AccessError", "odoo.exceptions.UserError")


@pytest.fixture(scope="module")
def portal(client):
    return client(*PORTAL)


@pytest.fixture(scope="module")
def manager(client):
    return client(*MANAGER)


@pytest.fixture(scope="module")
def salesperson(client):
    return client(*SALESPERSON)


@pytest.fixture(scope="module")
def contracts(manager):
    """{True: the portal user's customer's contract ids, False: the others'}."""
    [user] = manager.call(
        "res.users", "search_read", [("login", "=", PORTAL[0])], ["commercial_partner_id"]
    )
    customer = user["commercial_partner_id"][0]
    rows = manager.call(
        "backoffice.contract.performance",
        "search_read",
        [],
        fields=["partner_id", "contract_ref"],
    )
    split = {True: [], False: []}
    for row in rows:
        split[row["partner_id"][0] == customer].append(row["id"])
    assert split[True] and split[False], split
    return split


def _refused(call):
    with pytest.raises(RpcError) as caught:
        call()
    assert caught.value.name in REFUSALS, caught.value


def test_portal_pages(portal, contracts):
    response = portal.get("/my/contracts")
    assert response.status_code == 200, response.text[:500]
    for contract_id in contracts[True]:
        assert f'href="/my/contracts/{contract_id}"' in response.text
    for contract_id in contracts[False]:
        assert f'href="/my/contracts/{contract_id}"' not in response.text
    page = portal.get(f"/my/contracts/{contracts[True][0]}")
    assert page.status_code == 200, page.text[:500]
    for contract_id in contracts[False]:
        assert portal.get(f"/my/contracts/{contract_id}").status_code in (403, 404)


def test_portal_statement_pdf(portal):
    response = portal.get("/my/contracts/statement")
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"] == "application/pdf"
    assert "attachment" in response.headers.get("Content-Disposition", "")
    assert response.content.startswith(b"%PDF"), response.content[:200]


def test_portal_rpc_reads_own_contracts_only(portal, contracts):
    ids = portal.call("backoffice.contract.performance", "search", [], context=ATTACK_CONTEXT)
    assert sorted(ids) == sorted(contracts[True])
    _refused(
        lambda: portal.call(
            "backoffice.contract.performance",
            "read",
            contracts[False][:1],
            ["amount_ordered"],
            context=ATTACK_CONTEXT,
        )
    )


def test_portal_rpc_refused_elsewhere(portal):
    for model, method, args in (
        ("backoffice.collection.plan", "search_read", [[]]),
        ("backoffice.collection.plan.report", "search_read", [[]]),
        ("backoffice.contract.event", "search_read", [[]]),
        (
            "backoffice.customer.statement",
            "create",
            [{"partner_id": 1, "date_from": "2020-01-01", "date_to": "2030-01-01"}],
        ),
    ):
        _refused(lambda m=model, f=method, a=args: portal.call(m, f, *a, context=ATTACK_CONTEXT))


def test_salesperson_reads_own_plans_and_writes_none(salesperson, manager):
    uid = salesperson.uid
    plans = salesperson.call(
        "backoffice.collection.plan", "search_read", [], ["user_id"], context=ATTACK_CONTEXT
    )
    assert plans
    assert all(not plan["user_id"] or plan["user_id"][0] == uid for plan in plans), plans
    others = manager.call(
        "backoffice.collection.plan", "search", [("user_id", "not in", [uid, False])]
    )
    assert others
    _refused(
        lambda: salesperson.call(
            "backoffice.collection.plan", "read", others[:1], ["amount_planned"]
        )
    )
    _refused(
        lambda: salesperson.call(
            "backoffice.collection.plan",
            "write",
            [plans[0]["id"]],
            {"amount_planned": 1.0},
            context=ATTACK_CONTEXT,
        )
    )
    _refused(
        lambda: salesperson.call(
            "backoffice.collection.plan",
            "create",
            {"user_id": uid, "date": "2031-01-01", "amount_planned": 1.0},
            context=ATTACK_CONTEXT,
        )
    )
    rows = salesperson.call(
        "backoffice.collection.plan.report", "search_read", [], ["user_id", "amount_collected"]
    )
    assert {row["id"] for row in rows} == {plan["id"] for plan in plans}
