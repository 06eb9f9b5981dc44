"""Work reports over JSON-RPC (issue #16): the salesperson cannot review
their own report, forge its state or late flag, or change it once submitted;
another salesperson cannot read it. Every attack call carries the attack
context of ``test_rpc_security`` (the context is never a permission).

Run through ``make test`` (``BO_PYTEST_ARGS="-k rpc_work_report"``).
"""

from datetime import date, timedelta

import pytest

from .test_rpc_security import World, attempt, ctx, read1

MODEL = "backoffice.work.report"
PROTECTED = ("state", "is_late", "reviewer_id", "review_comment", "date_submitted")


@pytest.fixture(scope="module")
def world(client):
    return World(client)


def _report(world, role="sales1", days_ago=0):
    day = (date.today() - timedelta(days=days_ago)).isoformat()
    return world.as_(role).call(
        MODEL,
        "create",
        {"period_type": "day", "date_from": day, "summary": f"Visits {world.next_number()}"},
    )


def _state(world, report_id):
    return read1(world.admin, MODEL, report_id, list(PROTECTED))


def test_rpc_work_report_legit_flow(world):
    report_id = _report(world, days_ago=1)
    world.as_("sales1").call(MODEL, "action_submit", [report_id])
    action = world.as_("bo1").call(MODEL, "action_review", [report_id])
    assert action["res_model"] == "backoffice.work.report.review"
    wizard = world.as_("bo1").call(
        action["res_model"], "create", {"report_id": report_id, "comment": "Fine."}
    )
    world.as_("bo1").call(action["res_model"], "action_confirm", [wizard])
    row = _state(world, report_id)
    assert row["state"] == "reviewed"
    assert row["reviewer_id"][0] == world.uid("bo1")


def test_rpc_work_report_salesperson_reviews_own_report(world):
    report_id = _report(world, days_ago=2)
    sales = world.as_("sales1")
    sales.call(MODEL, "action_submit", [report_id])
    assert attempt(sales.call, MODEL, "action_review", [report_id], context=ctx())
    # The dialog is the back office's: neither can its model be written.
    assert attempt(
        sales.call,
        "backoffice.work.report.review",
        "create",
        {"report_id": report_id, "comment": "Self praise"},
        context=ctx(),
    )
    assert _state(world, report_id)["state"] == "submitted"


@pytest.mark.parametrize("how", ["vals", "default"])
def test_rpc_work_report_salesperson_forges_state_and_late_flag(world, how):
    sales = world.as_("sales1")
    forged = {"state": "reviewed", "is_late": False, "reviewer_id": world.uid("bo1")}
    day = (date.today() - timedelta(days=10 + (how == "default"))).isoformat()
    vals = {"period_type": "day", "date_from": day, "summary": "Forged"}
    if how == "vals":
        assert attempt(sales.call, MODEL, "create", dict(vals, **forged), context=ctx())
    else:
        report_id = sales.call(MODEL, "create", vals, context=ctx(**forged))
        row = _state(world, report_id)
        assert row["state"] == "draft" and not row["reviewer_id"]
    # A late report stays late whatever its author writes.
    report_id = _report(world, days_ago=20 + (how == "default"))
    for field, value in (("is_late", True), ("state", "submitted"), ("date_due", "2099-01-01")):
        assert attempt(sales.call, MODEL, "write", [report_id], {field: value}, context=ctx())
    assert _state(world, report_id)["state"] == "draft"


def test_rpc_work_report_salesperson_edits_submitted_report(world):
    report_id = _report(world, days_ago=3)
    sales = world.as_("sales1")
    sales.call(MODEL, "action_submit", [report_id])
    for vals in ({"summary": "Rewritten"}, {"market_info": "Later thought"}):
        assert attempt(sales.call, MODEL, "write", [report_id], vals, context=ctx())
    assert attempt(sales.call, MODEL, "unlink", [report_id], context=ctx())
    # Nor does the author reopen it.
    assert attempt(sales.call, MODEL, "action_reset_to_draft", [report_id], context=ctx())
    assert read1(world.admin, MODEL, report_id, ["summary"])["summary"].startswith("Visits")
    # The back office sends it back, but writes nothing of the author's.
    bo = world.as_("bo1")
    assert attempt(bo.call, MODEL, "write", [report_id], {"summary": "Edited"}, context=ctx())
    bo.call(MODEL, "action_reset_to_draft", [report_id])
    assert _state(world, report_id)["state"] == "draft"


def test_rpc_work_report_other_salesperson_reads_report(world):
    report_id = _report(world, days_ago=4)
    other = world.as_("sales2")
    assert other.call(MODEL, "search", [("id", "=", report_id)], context=ctx()) == []
    assert attempt(other.call, MODEL, "read", [report_id], ["summary"], context=ctx())
    assert attempt(other.call, MODEL, "action_submit", [report_id], context=ctx())
    assert attempt(
        other.call,
        MODEL,
        "create",
        {
            "user_id": world.uid("sales1"),
            "period_type": "day",
            "date_from": date.today().isoformat(),
        },
        context=ctx(),
    )


# ------------------------------------------------------- downloads (demo data)
def test_rpc_work_report_downloads(client):
    """The compilation (XLSX and PDF) and the trip days workbook, downloaded
    over HTTP by the demo manager, open with their sheets."""
    from .test_http_downloads import _download_pdf, _download_workbook  # noqa: PLC0415

    manager = client("backoffice_manager", "backoffice_manager")
    [report] = manager.call(
        MODEL,
        "search_read",
        [("state", "!=", "draft"), ("team_id", "!=", False)],
        ["team_id", "date_from"],
        limit=1,
    )
    wizard = manager.call(
        "backoffice.work.report.compilation",
        "create",
        {"team_id": report["team_id"][0], "period_type": "week", "date": report["date_from"]},
    )
    action = manager.call("backoffice.work.report.compilation", "action_export_xlsx", [wizard])
    workbook = _download_workbook(manager, action, "Reports", ["Salesperson", "From", "To"])
    assert workbook["Reports"].max_row >= 2
    _download_pdf(manager, "sales_backoffice.report_work_report_compilation", [wizard])
    ids = manager.call("backoffice.trip.summary", "search", [])
    assert ids, "the demo has no trip"
    action = manager.call("backoffice.trip.summary", "action_export_xlsx", ids)
    _download_workbook(manager, action, "Trip Days", ["Salesperson", "Sales Team", "Month"])
