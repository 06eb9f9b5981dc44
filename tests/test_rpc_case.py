"""Customer service over JSON-RPC: the controls of cases hold whatever a
logged-in user sends (values, context defaults, every context key the module
reads), and the legitimate installation flow still passes.

Run through ``make test`` (``BO_PYTEST_ARGS="-k rpc_case"``).
"""

import pytest

from .test_rpc_security import ATTACK_CONTEXT, World, attempt, m2o, read1

CASE_FIELDS = [
    "stage_id",
    "is_closed",
    "date_closed",
    "date_first_response",
    "installation_state",
    "installation_approved_by_id",
    "installation_requested_by_id",
    "date_customer_confirmed",
]
FORGED = {
    "date_closed": "2026-01-01 10:00:00",
    "date_first_response": "2026-01-01 09:00:00",
    "date_customer_confirmed": "2026-01-01 10:00:00",
}


def ctx(**extra):
    return {**ATTACK_CONTEXT, **extra}


@pytest.fixture(scope="module")
def world(client):
    return World(client)


def _installation(world, requester="sales1"):
    order_id, _line = world.contract("sales1")
    case_id = world.as_(requester).call(
        "backoffice.case",
        "create",
        {
            "subject": f"Install {world.tag}-{world.next_number()}",
            "partner_id": world.customer_id,
            "order_id": order_id,
            "case_type": "installation",
            "description": "<p>Please install.</p>",
        },
        context=ctx(),
    )
    return order_id, case_id


def _solved_stage(world):
    return world.xmlid("sales_backoffice.backoffice_case_stage_solved")


def test_rpc_case_legit_installation_flow(world):
    order_id, case_id = _installation(world)
    world.as_("bo1").call("backoffice.case", "action_approve", [case_id])
    wizard_id = world.as_("bo1").call(
        "backoffice.case.schedule",
        "create",
        {"case_id": case_id, "technician_ids": [(6, 0, [world.uid("bo2")])], "duration": 2.0},
    )
    world.as_("bo1").call("backoffice.case.schedule", "action_schedule", [wizard_id])
    world.as_("bo1").call("backoffice.case", "action_confirm_installation", [case_id])
    case = read1(world.admin, "backoffice.case", case_id, CASE_FIELDS)
    assert case["is_closed"] and case["installation_state"] == "confirmed"
    events = world.admin.call(
        "backoffice.contract.event",
        "search_read",
        [("order_id", "=", order_id), ("event_type", "=", "installation")],
        ["note"],
    )
    assert len(events) == 1


@pytest.mark.parametrize("how", ["vals", "default"])
def test_rpc_case_forged_timestamps(world, how):
    values = {"subject": f"Forged {world.next_number()}", "partner_id": world.customer_id}
    context = ctx()
    if how == "vals":
        values.update(FORGED)
    else:
        context = ctx(**{f"default_{key}": value for key, value in FORGED.items()})
    created = []
    attempt(
        lambda: created.append(
            world.as_("sales1").call("backoffice.case", "create", values, context=context)
        )
    )
    for case_id in created:
        case = read1(world.admin, "backoffice.case", case_id, CASE_FIELDS)
        assert not case["date_closed"] and not case["date_customer_confirmed"]
        assert not case["date_first_response"]
    # Written later: refused as well.
    case_id = world.as_("bo1").call(
        "backoffice.case",
        "create",
        {"subject": f"Plain {world.next_number()}", "partner_id": world.customer_id},
    )
    for key, value in FORGED.items():
        assert attempt(
            world.as_("mgr1").call,
            "backoffice.case",
            "write",
            [case_id],
            {key: value},
            context=ctx(),
        ), key
    assert not read1(world.admin, "backoffice.case", case_id, CASE_FIELDS)["date_closed"]


def test_rpc_case_nobody_approves_own_request(world):
    _order_id, case_id = _installation(world, requester="bo1")
    assert attempt(
        world.as_("bo1").call, "backoffice.case", "action_approve", [case_id], context=ctx()
    )
    _order_id, other_id = _installation(world)
    assert attempt(
        world.as_("sales1").call, "backoffice.case", "action_approve", [other_id], context=ctx()
    )
    assert attempt(
        world.as_("sales1").call,
        "backoffice.case",
        "write",
        [other_id],
        {"installation_approved_by_id": world.uid("bo1")},
        context=ctx(),
    )
    for rid in (case_id, other_id):
        case = read1(world.admin, "backoffice.case", rid, CASE_FIELDS)
        assert case["installation_state"] == "requested"
        assert not m2o(case["installation_approved_by_id"])


def test_rpc_case_installation_not_closed_by_stage(world):
    _order_id, case_id = _installation(world)
    world.as_("bo1").call("backoffice.case", "action_approve", [case_id])
    for role in ("sales1", "bo1", "mgr1"):
        assert attempt(
            world.as_(role).call,
            "backoffice.case",
            "write",
            [case_id],
            {"stage_id": _solved_stage(world)},
            context=ctx(),
        ), role
    assert not read1(world.admin, "backoffice.case", case_id, CASE_FIELDS)["is_closed"]


def test_rpc_case_salespeople_see_their_customers_only(world):
    order_id, _line = world.contract("sales1")
    case_id = world.as_("bo1").call(
        "backoffice.case",
        "create",
        {"subject": "Theirs", "partner_id": world.customer_id, "order_id": order_id},
    )
    assert world.as_("sales1").call("backoffice.case", "read", [case_id], ["subject"])
    assert attempt(world.as_("sales2").call, "backoffice.case", "read", [case_id], ["subject"])
    assert case_id not in world.as_("sales2").call("backoffice.case", "search", [])
    # Not the owner: the salesperson does not close it either.
    assert attempt(
        world.as_("sales1").call,
        "backoffice.case",
        "write",
        [case_id],
        {"stage_id": _solved_stage(world)},
        context=ctx(),
    )
    assert not read1(world.admin, "backoffice.case", case_id, CASE_FIELDS)["is_closed"]
