"""Acceptance suite for the back office's server-side controls, over JSON-RPC.

Every attack is made the way any web client or script can make it: a logged-in
user calls a public method through ``/web/dataset/call_kw`` with whatever
context he likes. Each attack call carries every context key the module reads
(``ATTACK_CONTEXT``), because the context is client input and never a
permission. An attack passes when the server refuses it (a business error) or
when the record, re-read as admin, is as it was; the legitimate flow by the
right people must still pass.

Run through ``make test`` (``BO_PYTEST_ARGS="-k rpc_security"``).
"""

import ast
import base64
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from .odoo_client import RpcError

MODULE = Path(__file__).resolve().parent.parent / "sales_backoffice"

# Every context key sales_backoffice reads (grep "context.get(" and
# "with_context(" in the module), and the standard keys that change what the
# ORM or the mail thread do. A control must hold whatever the caller sends.
ATTACK_CONTEXT = {
    "backoffice_sample_action": True,
    "backoffice_review_write": True,
    "backoffice_claim_action": True,
    "backoffice_classify": True,
    "decision": "approve",
    "decide_action": "waive",
    "skip_backorder": True,
    "cancel_backorder": True,
    "tracking_disable": True,
    "mail_notrack": True,
    "mail_create_nolog": True,
    "active_test": False,
}

# Errors that are a refusal by the business rules (anything else, e.g. a
# TypeError or a ValueError about an unknown field, is a bug and fails).
REFUSALS = {
    "odoo.exceptions.AccessError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.RedirectWarning",
    "odoo.exceptions.MissingError",
}

MANAGER_GROUP = "sales_backoffice.group_backoffice_manager"
USER_GROUP = "sales_backoffice.group_backoffice_user"
SALESMAN_GROUP = "sales_team.group_sale_salesman"
BILLING_GROUP = "account.group_account_invoice"


# ----------------------------------------------------------------- helpers
def ctx(**defaults):
    """The attack context, plus ``default_*`` keys for a create."""
    return dict(ATTACK_CONTEXT, **{f"default_{key}": value for key, value in defaults.items()})


def attempt(call, *args, refusals=REFUSALS, **kwargs):
    """Make one attack step: the business refusal it met, or None when the
    server accepted it. Any other error is a bug of the test or the server."""
    try:
        call(*args, **kwargs)
    except RpcError as error:
        if error.name in refusals:
            return error
        raise
    return None


def m2o(value):
    """The id of a many2one as ``read`` answers it."""
    return value[0] if value else False


def read1(client, model, rid, fields):
    rows = client.call(model, "read", [rid], fields, context={"active_test": False})
    assert rows, f"{model}({rid}) is gone"
    return rows[0]


def today():
    return date.today().isoformat()


class World:
    """The users and the reference data of this module's tests, all created as
    admin through Odoo's own flows over RPC, with logins unique to this run."""

    def __init__(self, client):
        self.client = client
        self.admin = client("admin", "admin")
        self.tag = f"{int(time.time() * 1000) % 10**10:x}"
        self.company_id = self.admin.call("res.users", "read", [self.admin.uid], ["company_id"])[
            0
        ]["company_id"][0]
        self.group_ids = {
            xmlid: self.xmlid(xmlid)
            for xmlid in (
                "base.group_user",
                SALESMAN_GROUP,
                USER_GROUP,
                MANAGER_GROUP,
                BILLING_GROUP,
            )
        }
        self.users = {}
        self._clients = {}
        self._number = 0
        for role, groups in (
            ("sales1", [SALESMAN_GROUP]),
            ("sales2", [SALESMAN_GROUP]),
            ("bo1", [USER_GROUP]),
            ("bo2", [USER_GROUP]),
            ("mgr1", [MANAGER_GROUP]),
            ("mgr2", [MANAGER_GROUP]),
            ("billing", [BILLING_GROUP]),
            # A Back Office Manager who also invoices: the one who may override
            # the invoice check.
            ("billing_mgr", [MANAGER_GROUP, BILLING_GROUP]),
        ):
            self.users[role] = self._create_user(role, groups)
        self.customer_id = self.admin.call(
            "res.partner", "create", {"name": f"RPC Customer {self.tag}", "is_company": True}
        )
        self.product_id = self.admin.call(
            "product.product",
            "create",
            {
                "name": f"RPC Pump {self.tag}",
                "type": "consu",
                "is_storable": False,
                "invoice_policy": "order",
                "list_price": 100.0,
                "taxes_id": [(5, 0, 0)],
            },
        )
        accounts = self.admin.call(
            "account.account",
            "search",
            [("account_type", "=", "expense"), ("company_ids", "in", [self.company_id])],
            limit=1,
        )
        assert accounts, "the test company has no expense account (no chart of accounts?)"
        self.category_id = self.admin.call(
            "backoffice.expense.category",
            "create",
            {
                "name": f"RPC Travel {self.tag}",
                "account_id": accounts[0],
                "company_id": self.company_id,
                "receipt_required_above": 100000.0,
                "daily_cap": 0.0,
            },
        )

    # --------------------------------------------------------------- users
    def xmlid(self, xmlid):
        module, name = xmlid.split(".")
        rows = self.admin.call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            ["res_id"],
        )
        assert rows, f"no record {xmlid}"
        return rows[0]["res_id"]

    def _create_user(self, role, groups):
        login = f"rpc_{role}_{self.tag}"
        uid = self.admin.call(
            "res.users",
            "create",
            {
                "name": f"RPC {role} {self.tag}",
                "login": login,
                "password": login,
                "email": f"{login}@example.com",
                "group_ids": [
                    (
                        6,
                        0,
                        [self.group_ids["base.group_user"]] + [self.group_ids[g] for g in groups],
                    )
                ],
                "company_id": self.company_id,
                "company_ids": [(6, 0, [self.company_id])],
            },
        )
        return {"login": login, "password": login, "uid": uid}

    def next_number(self):
        self._number += 1
        return self._number

    def uid(self, role):
        return self.users[role]["uid"]

    def as_(self, role):
        """A logged-in client for ``role`` (one web session each)."""
        if role not in self._clients:
            user = self.users[role]
            self._clients[role] = self.client(user["login"], user["password"])
        return self._clients[role]

    # ------------------------------------------------------------ contracts
    def contract(self, salesman="sales1", qty=10.0, price=100.0):
        """A confirmed contract of ``salesman``: (order id, order line id)."""
        order_id = self.admin.call(
            "sale.order",
            "create",
            {
                "partner_id": self.customer_id,
                "user_id": self.uid(salesman),
                "company_id": self.company_id,
                "order_line": [
                    (
                        0,
                        0,
                        {
                            "product_id": self.product_id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                            "tax_ids": [(5, 0, 0)],
                        },
                    )
                ],
            },
        )
        self.admin.call("sale.order", "action_confirm", [order_id])
        line_id = read1(self.admin, "sale.order", order_id, ["order_line"])["order_line"][0]
        return order_id, line_id

    def draft_invoice(self, order_id):
        """The contract's invoice through Odoo's invoicing wizard, as a draft."""
        wizard = self.admin.call(
            "sale.advance.payment.inv",
            "create",
            {"advance_payment_method": "delivered", "sale_order_ids": [(6, 0, [order_id])]},
            context={"active_model": "sale.order", "active_ids": [order_id]},
        )
        self.admin.call("sale.advance.payment.inv", "create_invoices", [wizard])
        invoices = read1(self.admin, "sale.order", order_id, ["invoice_ids"])["invoice_ids"]
        assert len(invoices) == 1
        invoice_id = invoices[0]
        self.admin.call("account.move", "write", [invoice_id], {"invoice_date": today()})
        return invoice_id

    def invoice_line(self, invoice_id):
        lines = self.admin.call(
            "account.move.line",
            "search",
            [("move_id", "=", invoice_id), ("display_type", "=", "product")],
        )
        assert len(lines) == 1
        return lines[0]

    def other_currency(self):
        """An active currency other than the company's."""
        company_currency = m2o(
            read1(self.admin, "res.company", self.company_id, ["currency_id"])["currency_id"]
        )
        for name in ("USD", "EUR", "GBP"):
            ids = self.admin.call(
                "res.currency",
                "search",
                [("name", "=", name), ("id", "!=", company_currency)],
                context={"active_test": False},
            )
            if ids:
                self.admin.call("res.currency", "write", ids, {"active": True})
                return ids[0]
        raise AssertionError("no second currency to switch to")

    # -------------------------------------------------------------- samples
    def sample(self, role="sales1", direction="outgoing", qty=1.0):
        values = {
            "direction": direction,
            "material_type": "sample" if direction == "outgoing" else "certificate",
            "partner_id": self.customer_id,
            "purpose": f"RPC {self.tag}",
            "line_ids": [(0, 0, {"description": "Pump sample", "quantity": qty})],
        }
        return self.as_(role).call("backoffice.sample", "create", values)

    def submitted_sample(self, role="sales1", direction="outgoing"):
        sample_id = self.sample(role, direction)
        self.as_(role).call("backoffice.sample", "action_submit", [sample_id])
        return sample_id

    def approve_sample(self, sample_id, role):
        """A reviewer's approval through the review dialog."""
        client = self.as_(role)
        wizard = client.call(
            "backoffice.sample.decide",
            "create",
            {"sample_id": sample_id, "decision": "approve", "comment": "Fine"},
        )
        client.call("backoffice.sample.decide", "action_confirm", [wizard])

    def approved_sample(self, role="sales1"):
        sample_id = self.submitted_sample(role)
        self.approve_sample(sample_id, "bo1")
        self.approve_sample(sample_id, "bo2")
        assert self.sample_state(sample_id) == "approved"
        return sample_id

    def dispatched_sample(self, role="sales1"):
        sample_id = self.approved_sample(role)
        self.as_("bo1").call("backoffice.sample", "action_dispatch", [sample_id])
        assert self.sample_state(sample_id) == "dispatched"
        return sample_id

    def sample_state(self, sample_id):
        return read1(self.admin, "backoffice.sample", sample_id, ["state"])["state"]

    def sample_lines(self, sample_id):
        return self.admin.call(
            "backoffice.sample.line",
            "search_read",
            [("sample_id", "=", sample_id)],
            ["quantity", "is_consumed", "qty_returned_untracked", "description"],
        )

    # --------------------------------------------------------------- claims
    def claim(self, role="sales1", line_date=None, amount=100.0):
        return self.as_(role).call(
            "backoffice.expense.claim",
            "create",
            {
                "route": f"RPC {self.tag}",
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "category_id": self.category_id,
                            "amount": amount,
                            "date": line_date or today(),
                            "description": "Hotel",
                        },
                    )
                ],
            },
        )

    def submitted_claim(self, role="sales1", **kwargs):
        claim_id = self.claim(role, **kwargs)
        self.as_(role).call("backoffice.expense.claim", "action_submit", [claim_id])
        return claim_id

    def approved_claim(self, role="sales1"):
        claim_id = self.submitted_claim(role)
        self.as_("bo1").call("backoffice.expense.claim", "action_audit", [claim_id])
        self.as_("mgr1").call("backoffice.expense.claim", "action_approve", [claim_id])
        assert self.claim_state(claim_id) == "approved"
        return claim_id

    def posted_claim(self, role="sales1"):
        claim_id = self.approved_claim(role)
        self.as_("mgr1").call("backoffice.expense.claim", "action_post", [claim_id])
        assert self.claim_state(claim_id) == "posted"
        return claim_id

    def claim_state(self, claim_id):
        return read1(self.admin, "backoffice.expense.claim", claim_id, ["state"])["state"]

    def claim_snapshot(self, claim_id):
        return read1(
            self.admin,
            "backoffice.expense.claim",
            claim_id,
            [
                "state",
                "user_id",
                "auditor_id",
                "approver_id",
                "move_id",
                "line_ids",
                "amount_claimed",
                "amount_approved",
                "date_approved",
            ],
        )


@pytest.fixture(scope="module")
def world(client):
    return World(client)


# ======================================================== legitimate flows
def test_rpc_security_legit_claim_flow(world):
    claim_id = world.posted_claim("sales1")
    claim = world.claim_snapshot(claim_id)
    assert m2o(claim["auditor_id"]) == world.uid("bo1")
    assert m2o(claim["approver_id"]) == world.uid("mgr1")
    move = read1(world.admin, "account.move", m2o(claim["move_id"]), ["state", "move_type"])
    assert move == {"id": m2o(claim["move_id"]), "state": "posted", "move_type": "in_receipt"}


def test_rpc_security_legit_sample_flow(world):
    sample_id = world.dispatched_sample("sales1")
    reviewers = world.admin.call(
        "backoffice.sample.review",
        "search_read",
        [("sample_id", "=", sample_id)],
        ["reviewer_id", "decision"],
    )
    assert {m2o(r["reviewer_id"]) for r in reviewers} == {world.uid("bo1"), world.uid("bo2")}


def test_rpc_security_legit_incoming_verification(world):
    sample_id = world.submitted_sample("sales1", direction="incoming")
    world.as_("bo1").call("backoffice.sample", "action_verify", [sample_id])
    sample = read1(
        world.admin, "backoffice.sample", sample_id, ["state", "verified_by_id", "date_verified"]
    )
    assert sample["state"] == "done"
    assert m2o(sample["verified_by_id"]) == world.uid("bo1")
    assert sample["date_verified"]


def test_rpc_security_legit_manager_overrides_class(world):
    order_id, _line = world.contract("sales1")
    world.as_("mgr1").call(
        "sale.order",
        "write",
        [order_id],
        {
            "receivable_class": "concerned",
            "receivable_class_manual": True,
            "receivable_class_reason": "Customer announced payment problems",
        },
    )
    order = read1(world.admin, "sale.order", order_id, ["receivable_class"])
    assert order["receivable_class"] == "concerned"


def test_rpc_security_legit_manager_waives_colleagues_findings(world):
    # A line outside the trip is a blocking finding.
    claim_id = world.submitted_claim(
        "sales1", line_date=(date.today() - timedelta(days=30)).isoformat()
    )
    findings = world.admin.call(
        "backoffice.expense.finding", "search", [("claim_id", "=", claim_id)]
    )
    assert findings
    wizard = world.as_("mgr1").call(
        "backoffice.expense.decide",
        "create",
        {"claim_id": claim_id, "action": "waive", "reason": "Trip extended by phone"},
    )
    world.as_("mgr1").call("backoffice.expense.decide", "action_confirm", [wizard])
    rows = world.admin.call(
        "backoffice.expense.finding",
        "search_read",
        [("claim_id", "=", claim_id)],
        ["waived_by_id"],
    )
    assert rows and all(m2o(r["waived_by_id"]) == world.uid("mgr1") for r in rows)


def test_rpc_security_legit_milestone_and_source(world):
    order_id, _line = world.contract("sales1")
    wizard = world.as_("bo1").call(
        "backoffice.contract.milestone",
        "create",
        {"order_id": order_id, "event_type": "note", "note": "Called the buyer"},
    )
    world.as_("bo1").call("backoffice.contract.milestone", "action_record", [wizard])
    events = world.as_("bo1").call(
        "backoffice.contract.event",
        "search_read",
        [("order_id", "=", order_id), ("event_type", "=", "note")],
        ["source_name"],
    )
    order_name = read1(world.admin, "sale.order", order_id, ["display_name"])["display_name"]
    assert [event["source_name"] for event in events] == [order_name]


def test_rpc_security_legit_invoice_check(world):
    # A matching invoice is posted by a billing user ...
    order_id, _line = world.contract("sales1")
    invoice_id = world.draft_invoice(order_id)
    world.as_("billing").call("account.move", "action_post", [invoice_id])
    assert read1(world.admin, "account.move", invoice_id, ["state"])["state"] == "posted"
    # ... a differing one only by a manager who gives a reason.
    order_id, _line = world.contract("sales1")
    invoice_id = world.draft_invoice(order_id)
    line_id = world.invoice_line(invoice_id)
    world.as_("billing").call("account.move.line", "write", [line_id], {"price_unit": 90.0})
    assert attempt(world.as_("billing").call, "account.move", "action_post", [invoice_id])
    world.as_("billing_mgr").call(
        "account.move",
        "write",
        [invoice_id],
        {"invoice_check_override_reason": "Agreed rebate, mail of the buyer"},
    )
    world.as_("billing_mgr").call("account.move", "action_post", [invoice_id])
    assert read1(world.admin, "account.move", invoice_id, ["state"])["state"] == "posted"


def test_rpc_security_legit_own_workbook(world):
    sample_id = world.sample("sales1")
    action = world.as_("sales1").call("backoffice.sample", "action_export_xlsx", [sample_id])
    # What the button opens in the browser: /web/content base64-decodes the
    # Binary field, so it must hold base64, not the raw workbook.
    response = world.as_("sales1").get(action["url"])
    assert response.status_code == 200
    assert response.content[:2] == b"PK", "the downloaded workbook is not an XLSX file"


# ================================================================ claims
def test_rpc_security_salesman_approves_and_posts_own_claim(world):
    sales = world.as_("sales1")
    claim_id = world.claim("sales1")
    before = world.claim_snapshot(claim_id)
    attempt(
        sales.call,
        "backoffice.expense.claim",
        "write",
        [claim_id],
        {"state": "approved"},
        context=ctx(),
    )
    attempt(sales.call, "backoffice.expense.claim", "action_post", [claim_id], context=ctx())
    after = world.claim_snapshot(claim_id)
    assert after == before
    receipts = world.admin.call(
        "account.move",
        "search",
        [
            ("move_type", "=", "in_receipt"),
            (
                "ref",
                "=",
                read1(world.admin, "backoffice.expense.claim", claim_id, ["name"])["name"],
            ),
        ],
    )
    assert not receipts, "a receipt was booked for a claim nobody approved"


@pytest.mark.parametrize("how", ["vals", "default"])
def test_rpc_security_salesman_creates_approved_claim(world, how):
    sales = world.as_("sales1")
    values = {
        "route": "Forged",
        "line_ids": [(0, 0, {"category_id": world.category_id, "amount": 50.0})],
    }
    if how == "vals":
        values.update(state="approved", approver_id=world.uid("mgr1"))
        context = ctx()
    else:
        context = ctx(state="approved", approver_id=world.uid("mgr1"), auditor_id=world.uid("bo1"))
    created = []
    attempt(
        lambda: created.append(
            sales.call("backoffice.expense.claim", "create", values, context=context)
        )
    )
    if created:
        claim = world.claim_snapshot(created[0])
        assert claim["state"] == "draft"
        assert not claim["approver_id"] and not claim["auditor_id"]


@pytest.mark.parametrize("how", ["line_create", "claim_write"])
def test_rpc_security_salesman_adds_lines_to_posted_claim(world, how):
    sales = world.as_("sales1")
    claim_id = world.posted_claim("sales1")
    before = world.claim_snapshot(claim_id)
    line = {"category_id": world.category_id, "amount": 999.0, "description": "Extra"}
    if how == "line_create":
        attempt(
            sales.call,
            "backoffice.expense.claim.line",
            "create",
            dict(line, claim_id=claim_id),
            context=ctx(),
        )
    else:
        attempt(
            sales.call,
            "backoffice.expense.claim",
            "write",
            [claim_id],
            {"line_ids": [(0, 0, line)]},
            context=ctx(),
        )
    assert world.claim_snapshot(claim_id) == before


def test_rpc_security_lines_reparented_into_approved_claim(world):
    sales = world.as_("sales1")
    approved_id = world.approved_claim("sales1")
    before = world.claim_snapshot(approved_id)
    draft_id = world.claim("sales1", amount=777.0)
    line_ids = read1(world.admin, "backoffice.expense.claim", draft_id, ["line_ids"])["line_ids"]
    attempt(
        sales.call,
        "backoffice.expense.claim.line",
        "write",
        line_ids,
        {"claim_id": approved_id},
        context=ctx(),
    )
    assert world.claim_snapshot(approved_id) == before


def test_rpc_security_claimant_rewrites_claimant_and_audits(world):
    bo = world.as_("bo1")
    claim_id = world.submitted_claim("bo1")
    attempt(
        bo.call,
        "backoffice.expense.claim",
        "write",
        [claim_id],
        {"user_id": world.uid("sales1")},
        context=ctx(),
    )
    attempt(bo.call, "backoffice.expense.claim", "action_audit", [claim_id], context=ctx())
    claim = world.claim_snapshot(claim_id)
    assert claim["state"] == "submitted"
    assert not claim["auditor_id"]
    reviews = world.admin.call(
        "backoffice.expense.claim.review",
        "search",
        [("claim_id", "=", claim_id), ("reviewer_id", "=", world.uid("bo1"))],
    )
    assert not reviews, "the claimant audited the own claim"


@pytest.mark.parametrize("how", ["wizard", "direct"])
def test_rpc_security_manager_waives_own_findings(world, how):
    mgr = world.as_("mgr1")
    claim_id = world.submitted_claim(
        "mgr1", line_date=(date.today() - timedelta(days=30)).isoformat()
    )
    findings_before = world.admin.call(
        "backoffice.expense.finding",
        "search_read",
        [("claim_id", "=", claim_id)],
        ["waived_by_id", "waive_reason"],
    )
    assert findings_before, "the claim should have a blocking finding"
    if how == "wizard":
        attempt(
            lambda: mgr.call(
                "backoffice.expense.decide",
                "action_confirm",
                [
                    mgr.call(
                        "backoffice.expense.decide",
                        "create",
                        {"claim_id": claim_id, "action": "waive", "reason": "Mine, fine"},
                        context=ctx(),
                    )
                ],
                context=ctx(),
            )
        )
    else:
        # Today's signature takes the reason; once the button takes none, the
        # extra argument is a TypeError, which refuses the call just as well.
        attempt(
            mgr.call,
            "backoffice.expense.claim",
            "action_waive_findings",
            [claim_id],
            "Mine, fine",
            context=ctx(),
            refusals=REFUSALS | {"builtins.TypeError"},
        )
    findings_after = world.admin.call(
        "backoffice.expense.finding",
        "search_read",
        [("claim_id", "=", claim_id)],
        ["waived_by_id", "waive_reason"],
    )
    assert not any(f["waived_by_id"] for f in findings_after), "own findings waived"


# ================================================================ samples
@pytest.mark.parametrize("how", ["write_state", "action_approve", "review_create"])
def test_rpc_security_salesman_approves_own_sample(world, how):
    sales = world.as_("sales1")
    sample_id = world.submitted_sample("sales1")
    if how == "write_state":
        attempt(
            sales.call,
            "backoffice.sample",
            "write",
            [sample_id],
            {"state": "approved"},
            context=ctx(),
        )
    elif how == "action_approve":
        for _round in range(2):
            attempt(sales.call, "backoffice.sample", "action_approve", [sample_id], context=ctx())
    else:
        for _round in range(2):
            attempt(
                sales.call,
                "backoffice.sample.review",
                "create",
                {"sample_id": sample_id, "reviewer_id": world.uid("bo1"), "decision": "approve"},
                context=ctx(),
            )
    assert world.sample_state(sample_id) == "to_review"
    assert not world.admin.call(
        "backoffice.sample.review", "search", [("sample_id", "=", sample_id)]
    )


def test_rpc_security_salesman_forges_verification(world):
    sales = world.as_("sales1")
    sample_id = world.submitted_sample("sales1", direction="incoming")
    fields = ["state", "verified_by_id", "date_verified"]
    before = read1(world.admin, "backoffice.sample", sample_id, fields)
    attempt(
        sales.call,
        "backoffice.sample",
        "write",
        [sample_id],
        {
            "state": "done",
            "verified_by_id": world.uid("bo1"),
            "date_verified": f"{today()} 10:00:00",
        },
        context=ctx(),
    )
    attempt(sales.call, "backoffice.sample", "action_verify", [sample_id], context=ctx())
    assert read1(world.admin, "backoffice.sample", sample_id, fields) == before


def test_rpc_security_salesman_dispatches_more_than_approved(world):
    sales = world.as_("sales1")
    sample_id = world.approved_sample("sales1")
    lines_before = world.sample_lines(sample_id)
    attempt(
        sales.call,
        "backoffice.sample.line",
        "write",
        [line["id"] for line in lines_before],
        {"quantity": 50.0},
        context=ctx(),
    )
    attempt(sales.call, "backoffice.sample", "action_dispatch", [sample_id], context=ctx())
    assert world.sample_lines(sample_id) == lines_before
    assert world.sample_state(sample_id) == "approved", "a salesperson dispatched the goods"


def test_rpc_security_earlier_round_approval_does_not_count(world):
    sample_id = world.submitted_sample("sales1")
    world.approve_sample(sample_id, "bo1")
    assert world.sample_state(sample_id) == "to_review"
    world.as_("bo1").call("backoffice.sample", "action_cancel", [sample_id])
    world.as_("bo1").call("backoffice.sample", "action_reset_to_draft", [sample_id])
    world.as_("sales1").call("backoffice.sample", "action_submit", [sample_id])
    sample = read1(world.admin, "backoffice.sample", sample_id, ["required_reviews"])
    assert sample["required_reviews"] == 2
    world.approve_sample(sample_id, "bo2")
    assert world.sample_state(sample_id) == "to_review", (
        "one approval of the new round approved the registration"
    )


@pytest.mark.parametrize(
    "values",
    [{"quantity": 40.0}, {"is_consumed": True}, {"qty_returned_untracked": 1.0}, None],
    ids=["quantity", "is_consumed", "qty_returned_untracked", "unlink"],
)
def test_rpc_security_sample_lines_after_dispatch(world, values):
    sales = world.as_("sales1")
    sample_id = world.dispatched_sample("sales1")
    before = world.sample_lines(sample_id)
    line_ids = [line["id"] for line in before]
    if values is None:
        attempt(sales.call, "backoffice.sample.line", "unlink", line_ids, context=ctx())
    else:
        attempt(sales.call, "backoffice.sample.line", "write", line_ids, values, context=ctx())
    assert world.sample_lines(sample_id) == before
    assert world.sample_state(sample_id) == "dispatched"


def test_rpc_security_requester_rewrites_requester_and_reviews(world):
    bo = world.as_("bo1")
    sample_id = world.submitted_sample("bo1")
    attempt(
        bo.call,
        "backoffice.sample",
        "write",
        [sample_id],
        {"requested_by_id": world.uid("bo2")},
        context=ctx(),
    )
    attempt(bo.call, "backoffice.sample", "action_approve", [sample_id], context=ctx())
    sample = read1(world.admin, "backoffice.sample", sample_id, ["requested_by_id"])
    assert m2o(sample["requested_by_id"]) == world.uid("bo1")
    assert not world.admin.call(
        "backoffice.sample.review",
        "search",
        [("sample_id", "=", sample_id), ("reviewer_id", "=", world.uid("bo1"))],
    ), "the requester reviewed the own request"


def test_rpc_security_copy_makes_copier_the_requester(world):
    sample_id = world.sample("bo1")
    copied = []
    attempt(
        lambda: copied.append(
            world.as_("bo2").call("backoffice.sample", "copy", [sample_id], context=ctx())
        )
    )
    assert copied, "copying a colleague's registration was refused"
    copy_id = copied[0][0] if isinstance(copied[0], list) else copied[0]
    copy = read1(world.admin, "backoffice.sample", copy_id, ["requested_by_id", "state"])
    assert copy["state"] == "draft"
    assert m2o(copy["requested_by_id"]) == world.uid("bo2")


# ============================================================== contracts
def test_rpc_security_salesman_changes_receivable_class(world):
    order_id, _line = world.contract("sales1")
    fields = ["receivable_class", "receivable_class_manual", "receivable_class_reason"]
    before = read1(world.admin, "sale.order", order_id, fields)
    attempt(
        world.as_("sales1").call,
        "sale.order",
        "write",
        [order_id],
        {"receivable_class": "doubtful"},
        context=ctx(),
    )
    assert read1(world.admin, "sale.order", order_id, fields) == before


@pytest.mark.parametrize("role", ["sales1", "mgr1"])
def test_rpc_security_contract_totals_forged(world, role):
    """What a contract delivered, invoiced and collected follows its
    documents: neither its salesperson nor a manager writes it, on an order
    or when creating one, and the contract report keeps the real figures."""
    order_id, _line = world.contract("sales1")
    totals = {
        "event_amount_delivered": 1000.0,
        "event_amount_returned": 0.0,
        "event_amount_invoiced": 1000.0,
        "event_amount_invoiced_total": 1150.0,
        "event_amount_collected": 1150.0,
    }
    before = read1(world.admin, "sale.order", order_id, list(totals))
    assert set(before.values()) == {order_id, 0.0}
    assert attempt(
        world.as_(role).call, "sale.order", "write", [order_id], totals, context=ctx()
    ), "writing a contract's totals was accepted"
    assert attempt(
        world.as_(role).call,
        "sale.order",
        "create",
        {"partner_id": world.customer_id, "user_id": world.uid("sales1"), **totals},
        context=ctx(**totals),
    ), "creating an order with totals was accepted"
    assert read1(world.admin, "sale.order", order_id, list(totals)) == before
    rows = world.admin.call(
        "backoffice.contract.performance",
        "search_read",
        [("order_id", "=", order_id)],
        ["amount_delivered", "amount_collected", "collection_rate"],
    )
    assert [(row["amount_delivered"], row["amount_collected"]) for row in rows] == [(0.0, 0.0)]


def test_rpc_security_note_retyped_into_payment(world):
    bo = world.as_("bo1")
    order_id, _line = world.contract("sales1")
    event_id = bo.call(
        "backoffice.contract.event",
        "create",
        {"order_id": order_id, "event_type": "note", "amount": 1_000_000.0, "note": "Memo"},
    )

    def collected():
        rows = world.admin.call(
            "backoffice.contract.performance",
            "search_read",
            [("order_id", "=", order_id)],
            ["amount_collected"],
        )
        return rows[0]["amount_collected"]

    before = collected()
    attempt(
        bo.call,
        "backoffice.contract.event",
        "write",
        [event_id],
        {"event_type": "payment"},
        context=ctx(),
    )
    assert read1(world.admin, "backoffice.contract.event", event_id, ["event_type"]) == {
        "id": event_id,
        "event_type": "note",
    }
    assert collected() == before


@pytest.mark.parametrize("target", ["vendor_bill", "other_company", "other_company_partner"])
def test_rpc_security_source_name_leak(world, target):
    admin = world.admin
    secret = f"SECRET-{target}-{world.tag}"
    if target == "vendor_bill":
        model = "account.move"
        vendor = admin.call("res.partner", "create", {"name": f"Vendor {world.tag}"})
        res_id = admin.call(
            "account.move",
            "create",
            {"move_type": "in_invoice", "partner_id": vendor, "ref": secret},
        )
    elif target == "other_company":
        model = "res.company"
        res_id = admin.call("res.company", "create", {"name": secret})
    else:
        model = "res.partner"
        company = admin.call("res.company", "create", {"name": f"Hidden Co {world.tag}"})
        res_id = admin.call("res.partner", "create", {"name": secret, "company_id": company})
    assert secret in read1(admin, model, res_id, ["display_name"])["display_name"]
    bo = world.as_("bo1")
    # Precondition: the back-office user may not read it directly.
    with pytest.raises(RpcError) as caught:
        bo.call(model, "read", [res_id], ["display_name"])
    assert caught.value.name == "odoo.exceptions.AccessError"
    order_id, _line = world.contract("sales1")
    created = []
    attempt(
        lambda: created.append(
            bo.call(
                "backoffice.contract.event",
                "create",
                {"order_id": order_id, "event_type": "note", "res_model": model, "res_id": res_id},
                context=ctx(res_model=model, res_id=res_id),
            )
        )
    )
    if created:
        leaked = []
        attempt(
            lambda: leaked.extend(
                bo.call(
                    "backoffice.contract.event",
                    "read",
                    created,
                    ["source_name", "display_name"],
                    context=ctx(),
                )
            )
        )
        for row in leaked:
            assert secret not in str(row["source_name"]), "source_name leaks an unreadable record"


# ====================================================== workbooks, imports
def _own_download(world):
    sample_id = world.sample("sales1")
    action = world.as_("sales1").call("backoffice.sample", "action_export_xlsx", [sample_id])
    # /web/content/<model>/<id>/file_data/<name>
    download_id = int(action["url"].split("?")[0].split("/")[4])
    return "backoffice.xlsx.download", download_id, "sales1", "sales2", action["url"]


def _own_bid_import(world):
    data = base64.b64encode(b"PK secret tender list " + world.tag.encode()).decode()
    wizard = world.as_("bo1").call(
        "backoffice.bid.import", "create", {"file_data": data, "file_name": "tenders.xlsx"}
    )
    return "backoffice.bid.import", wizard, "bo1", "bo2", None


def _own_expense_import(world):
    claim_id = world.claim("sales1")
    data = base64.b64encode(b"PK secret expenses " + world.tag.encode()).decode()
    wizard = world.as_("sales1").call(
        "backoffice.expense.import",
        "create",
        {"claim_id": claim_id, "file_data": data, "file_name": "expenses.xlsx"},
    )
    return "backoffice.expense.import", wizard, "sales1", "sales2", None


@pytest.mark.parametrize(
    "make", [_own_download, _own_bid_import, _own_expense_import], ids=["xlsx", "bid", "expense"]
)
def test_rpc_security_files_of_another_user(world, make):
    model, rid, owner_role, intruder_role, url = make(world)
    # bin_size: the size of the file, not its bytes.
    sizes = {"bin_size": True}
    # Each file is its creator's only: not even the administrator reads it.
    owner = world.as_(owner_role).call(model, "read", [rid], ["file_data"], context=sizes)
    assert owner and owner[0]["file_data"]
    intruder = world.as_(intruder_role)
    rows = []
    attempt(
        lambda: rows.extend(
            intruder.call(model, "read", [rid], ["file_name", "file_data"], context=ctx() | sizes)
        )
    )
    assert not any(row.get("file_data") for row in rows), "read another user's file"
    found = []
    attempt(
        lambda: found.extend(
            intruder.call(
                model, "search_read", [("id", "=", rid)], ["file_name"], context=ctx() | sizes
            )
        )
    )
    assert not found, "another user's file is listed"
    if url:
        mine = world.as_("sales1").get(url)
        theirs = intruder.get(url)
        assert mine.status_code == 200
        assert theirs.status_code != 200 or theirs.content != mine.content, (
            "downloaded another user's workbook"
        )


# =========================================================== invoice check
def _mismatching_invoice(world):
    order_id, sale_line_id = world.contract("sales1", qty=10.0, price=100.0)
    invoice_id = world.draft_invoice(order_id)
    return order_id, sale_line_id, invoice_id, world.invoice_line(invoice_id)


def _invoice_state(world, invoice_id):
    return read1(world.admin, "account.move", invoice_id, ["state"])["state"]


def test_rpc_security_invoice_currency_switch(world):
    billing = world.as_("billing")
    _order, _sale_line, invoice_id, line_id = _mismatching_invoice(world)
    currency_id = world.other_currency()
    attempt(
        billing.call,
        "account.move",
        "write",
        [invoice_id],
        {"currency_id": currency_id},
        context=ctx(),
    )
    attempt(
        billing.call,
        "account.move.line",
        "write",
        [line_id],
        {"price_unit": 1000.0},
        context=ctx(),
    )
    attempt(billing.call, "account.move", "action_post", [invoice_id], context=ctx())
    assert _invoice_state(world, invoice_id) == "draft", "a differing invoice was posted"


def test_rpc_security_invoice_unlinked_line(world):
    billing = world.as_("billing")
    _order, _sale_line, invoice_id, line_id = _mismatching_invoice(world)
    attempt(
        billing.call,
        "account.move.line",
        "write",
        [line_id],
        {"sale_line_ids": [(5, 0, 0)], "price_unit": 1000.0},
        context=ctx(),
    )
    attempt(billing.call, "account.move", "action_post", [invoice_id], context=ctx())
    assert _invoice_state(world, invoice_id) == "draft", "a differing invoice was posted"


def test_rpc_security_invoice_auto_post(world):
    billing = world.as_("billing")
    admin = world.admin
    _order, _sale_line, invoice_id, line_id = _mismatching_invoice(world)
    attempt(
        billing.call,
        "account.move.line",
        "write",
        [line_id],
        {"price_unit": 1000.0},
        context=ctx(),
    )
    refused = attempt(
        billing.call,
        "account.move",
        "write",
        [invoice_id],
        {"auto_post": "at_date", "date": today()},
        context=ctx(),
    )
    if refused:
        return
    before = admin.call(
        "mail.message", "search", [("model", "=", "account.move"), ("res_id", "=", invoice_id)]
    )
    cron_id = world.xmlid("account.ir_cron_auto_post_draft_entry")
    admin.call("ir.cron", "method_direct_trigger", [cron_id])
    if _invoice_state(world, invoice_id) != "posted":
        return  # blocked: not posted at all
    notes = admin.call(
        "mail.message",
        "search",
        [
            ("model", "=", "account.move"),
            ("res_id", "=", invoice_id),
            ("id", "not in", before),
            ("message_type", "in", ("comment", "notification")),
        ],
    )
    activities = admin.call(
        "mail.activity",
        "search",
        [("res_model", "=", "account.move"), ("res_id", "=", invoice_id)],
    )
    assert notes, "the cron posted a differing invoice without a note"
    assert activities, "the cron posted a differing invoice and nobody is asked to look at it"


def test_rpc_security_credit_note_at_another_price(world):
    billing = world.as_("billing")
    _order, sale_line_id, invoice_id, _line_id = _mismatching_invoice(world)
    world.admin.call("account.move", "action_post", [invoice_id])
    created = []
    attempt(
        lambda: created.append(
            billing.call(
                "account.move",
                "create",
                {
                    "move_type": "out_refund",
                    "partner_id": world.customer_id,
                    "invoice_date": today(),
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": world.product_id,
                                "quantity": 1.0,
                                "price_unit": 1000.0,
                                "tax_ids": [(5, 0, 0)],
                                "sale_line_ids": [(6, 0, [sale_line_id])],
                            },
                        )
                    ],
                },
                context=ctx(),
            )
        )
    )
    if created:
        refund_id = created[0]
        attempt(billing.call, "account.move", "action_post", [refund_id], context=ctx())
        assert _invoice_state(world, refund_id) == "draft", (
            "a credit note at another price than the contract's was posted"
        )


def test_rpc_security_override_reason_cleared_on_reset(world):
    manager = world.as_("billing_mgr")
    _order, _sale_line, invoice_id, line_id = _mismatching_invoice(world)
    manager.call("account.move.line", "write", [line_id], {"price_unit": 90.0})
    manager.call(
        "account.move", "write", [invoice_id], {"invoice_check_override_reason": "Agreed rebate"}
    )
    manager.call("account.move", "action_post", [invoice_id])
    assert _invoice_state(world, invoice_id) == "posted"
    world.as_("billing").call("account.move", "button_draft", [invoice_id], context=ctx())
    invoice = read1(
        world.admin, "account.move", invoice_id, ["state", "invoice_check_override_reason"]
    )
    assert invoice["state"] == "draft"
    assert not invoice["invoice_check_override_reason"], (
        "the override reason survives the reset: the next post needs no new decision"
    )


# ====================================================== buttons, no argument
def _module_action_methods():
    """{model: {action method names}} of the module's source, with the methods
    of its abstract mixins given to the models that inherit them."""
    own, inherits = {}, {}
    for path in sorted(MODULE.rglob("*.py")):
        if "tests" in path.relative_to(MODULE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.ClassDef):
                continue
            attrs = {}
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                    target = stmt.targets[0]
                    if isinstance(target, ast.Name) and target.id in ("_name", "_inherit"):
                        attrs[target.id] = ast.literal_eval(stmt.value)
            if not attrs:
                continue
            parents = attrs.get("_inherit", [])
            parents = [parents] if isinstance(parents, str) else list(parents)
            name = attrs.get("_name") or parents[0]
            methods = {
                stmt.name
                for stmt in node.body
                if isinstance(stmt, ast.FunctionDef) and stmt.name.startswith("action_")
            }
            own.setdefault(name, set()).update(methods)
            inherits.setdefault(name, set()).update(p for p in parents if p != name)
    result = {}
    for name, own_methods in own.items():
        methods, todo, seen = set(own_methods), list(inherits.get(name, ())), set()
        while todo:
            parent = todo.pop()
            if parent in seen:
                continue
            seen.add(parent)
            methods |= own.get(parent, set())
            todo += inherits.get(parent, ())
        if methods:
            result[name] = methods
    return result


def _record_for(world, model):
    """A fresh record of ``model`` to press a button on, created the way the
    user would, or an existing one for reports and Odoo's own models."""
    mgr = world.as_("mgr1")
    tag = world.tag
    if model == "backoffice.sample":
        return world.submitted_sample("sales1")
    if model == "backoffice.expense.claim":
        return world.submitted_claim("sales1")
    if model == "backoffice.expense.import":
        return mgr.call(
            "backoffice.expense.import",
            "create",
            {"claim_id": world.claim("mgr1"), "file_data": base64.b64encode(b"x").decode()},
        )
    if model == "backoffice.expense.decide":
        return mgr.call(
            "backoffice.expense.decide",
            "create",
            {"claim_id": world.submitted_claim("sales1"), "action": "refuse", "reason": "No"},
        )
    if model == "backoffice.sample.decide":
        return mgr.call(
            "backoffice.sample.decide",
            "create",
            {"sample_id": world.submitted_sample("sales1"), "decision": "approve"},
        )
    if model == "backoffice.sample.return":
        return mgr.call(
            "backoffice.sample.return", "create", {"sample_id": world.dispatched_sample("sales1")}
        )
    if model == "backoffice.customer.statement":
        return mgr.call(
            "backoffice.customer.statement", "create", {"partner_id": world.customer_id}
        )
    if model == "backoffice.dunning.promise":
        order_id, _line = world.contract("sales1")
        return mgr.call(
            "backoffice.dunning.promise",
            "create",
            {"order_id": order_id, "amount_payment_promised": 10.0},
        )
    if model in ("backoffice.work.report.review", "backoffice.work.report.compilation"):
        [report] = mgr.call(
            "backoffice.work.report",
            "search_read",
            [("team_id", "!=", False)],
            ["team_id"],
            limit=1,
        )
        if model == "backoffice.work.report.compilation":
            return mgr.call(model, "create", {"team_id": report["team_id"][0]})
        return mgr.call(model, "create", {"report_id": report["id"], "comment": "Button test"})
    if model == "backoffice.contract.milestone":
        order_id, _line = world.contract("sales1")
        return mgr.call(
            "backoffice.contract.milestone",
            "create",
            {"order_id": order_id, "event_type": "note", "note": "Button test"},
        )
    if model in ("backoffice.bid", "backoffice.bid.lost"):
        bid_id = mgr.call(
            "backoffice.bid",
            "create",
            {
                "name": f"Tender {tag}",
                "tender_ref": f"T-{tag}-{world.next_number()}",
                "purchaser_id": world.customer_id,
            },
        )
        if model == "backoffice.bid":
            return bid_id
        reasons = world.admin.call("backoffice.bid.lost.reason", "search", [], limit=1)
        reason_id = (
            reasons[0]
            if reasons
            else world.admin.call("backoffice.bid.lost.reason", "create", {"name": f"Price {tag}"})
        )
        return mgr.call(
            "backoffice.bid.lost",
            "create",
            {"bid_id": bid_id, "winner_name": "Rival", "lost_reason_id": reason_id},
        )
    if model in ("backoffice.bid.source", "backoffice.bid.source.check"):
        source_id = world.admin.call(
            "backoffice.bid.source", "create", {"name": f"Tender site {tag}-{world.next_number()}"}
        )
        if model == "backoffice.bid.source":
            return source_id
        return mgr.call("backoffice.bid.source.check", "create", {"source_id": source_id})
    if model in (
        "backoffice.bid.import",
        "backoffice.expense.statistics",
        "backoffice.contract.statistics",
    ):
        return mgr.call(model, "create", {})
    if model == "account.move":
        order_id, _line = world.contract("sales1")
        invoice_id = world.draft_invoice(order_id)
        world.admin.call("account.move", "action_post", [invoice_id])
        return invoice_id
    if model == "sale.order":
        return world.contract("sales1")[0]
    if model == "res.partner":
        return world.customer_id
    # customer service
    if model in ("backoffice.case", "backoffice.case.report", "backoffice.case.schedule"):
        case_id = mgr.call(
            "backoffice.case",
            "create",
            {"subject": f"Case {tag}-{world.next_number()}", "partner_id": world.customer_id},
        )
        if model == "backoffice.case":
            return case_id
        if model == "backoffice.case.schedule":
            return mgr.call(
                "backoffice.case.schedule",
                "create",
                {"case_id": case_id, "technician_ids": [(6, 0, [world.uid("bo1")])]},
            )
        return mgr.call("backoffice.case.report", "search", [("case_id", "=", case_id)])[0]
    if model == "backoffice.contract.event":
        order_id, _line = world.contract("sales1")
        return mgr.call(
            "backoffice.contract.event", "create", {"order_id": order_id, "event_type": "note"}
        )
    ids = mgr.call(model, "search", [], limit=1)
    assert ids, f"no {model} record to press the buttons on: add it to _record_for"
    return ids[0]


def test_rpc_security_buttons_take_no_argument(world):
    methods = _module_action_methods()
    assert "backoffice.sample" in methods and "action_approve" in methods["backoffice.sample"]
    mgr = world.as_("mgr1")
    failures = []
    for model in sorted(methods):
        for method in sorted(methods[model]):
            record_id = _record_for(world, model)
            try:
                result = mgr.call(model, method, [record_id])
            except RpcError as error:
                if error.name not in REFUSALS:
                    failures.append(f"{model}.{method}(): {error.name}: {error.message}")
                continue
            if not (result is None or result is True or isinstance(result, dict)):
                failures.append(f"{model}.{method}() answered {result!r}")
    assert not failures, "buttons that cannot be pressed over RPC:\n" + "\n".join(failures)


@pytest.mark.parametrize("how", ["vals", "default"])
@pytest.mark.parametrize("direction", ["outgoing", "incoming"])
def test_rpc_security_salesman_creates_approved_or_verified_sample(world, how, direction):
    """A registration born approved (outgoing) or verified (incoming)."""
    forged = {
        "state": "approved" if direction == "outgoing" else "done",
        "verified_by_id": world.uid("bo1"),
        "date_verified": f"{today()} 10:00:00",
        "requested_by_id": world.uid("bo2"),
    }
    values = {
        "direction": direction,
        "partner_id": world.customer_id,
        "line_ids": [(0, 0, {"description": "Forged", "quantity": 1.0})],
    }
    if how == "vals":
        values.update(forged)
        context = ctx()
    else:
        context = ctx(**forged)
    created = []
    attempt(
        lambda: created.append(
            world.as_("sales1").call("backoffice.sample", "create", values, context=context)
        )
    )
    if created:
        sample = read1(
            world.admin,
            "backoffice.sample",
            created[0],
            ["state", "verified_by_id", "date_verified", "requested_by_id"],
        )
        assert sample["state"] == "draft"
        assert not sample["verified_by_id"] and not sample["date_verified"]
        assert m2o(sample["requested_by_id"]) == world.uid("sales1")
