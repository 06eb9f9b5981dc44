"""Every file the back office hands out, downloaded over HTTP as the browser
does: each XLSX export opens in openpyxl with its sheet and header row, each
PDF report is a PDF. The records come from the demo data, or are created over
JSON-RPC where the demo data has none."""

import datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook

MANAGER = ("backoffice_manager", "backoffice_manager")


@pytest.fixture(scope="module")
def manager(client):
    return client(*MANAGER)


def _create(session, model, vals):
    created = session.call(model, "create", [vals])
    return created[0] if isinstance(created, list) else created


def _ids(session, model, domain, limit=3):
    ids = session.call(model, "search", domain, limit=limit)
    assert ids, f"no {model} record matches {domain} in the demo data"
    return ids


def _download_workbook(session, action, sheet, header):
    """Follow a download action: the URL answers the workbook itself."""
    assert action["type"] == "ir.actions.act_url", action
    response = session.get(action["url"])
    assert response.status_code == 200, response.text[:500]
    assert response.content[:2] == b"PK", f"{action['url']}: {response.content[:200]!r}"
    assert "attachment" in response.headers.get("Content-Disposition", "")
    workbook = load_workbook(BytesIO(response.content))
    assert sheet in workbook.sheetnames, workbook.sheetnames
    first_row = next(workbook[sheet].iter_rows(max_row=1, values_only=True))
    assert first_row[: len(header)] == tuple(header), first_row
    return workbook


def _download_pdf(session, report_name, ids):
    url = f"/report/pdf/{report_name}/{','.join(map(str, ids))}"
    response = session.get(url)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF"), response.content[:200]


def _period():
    today = datetime.date.today()
    return {"date_from": f"{today.year - 1}-01-01", "date_to": str(today)}


# ------------------------------------------------------------------- exports
def test_contract_list_export(manager):
    ids = _ids(manager, "backoffice.contract.performance", [])
    action = manager.call("backoffice.contract.performance", "action_export_xlsx", ids)
    _download_workbook(manager, action, "Contracts", ["Contract"])


def test_sample_export(manager):
    ids = _ids(manager, "backoffice.sample", [])
    action = manager.call("backoffice.sample", "action_export_xlsx", ids)
    _download_workbook(manager, action, "Samples", ["Reference", "Direction"])


def test_tender_export(manager):
    # The demo holds many tenders: export the one this test looks for.
    ids = _ids(manager, "backoffice.bid", [("tender_ref", "in", ("WT-2026-0187", "GP-2026-3321"))])
    action = manager.call("backoffice.bid", "action_export_xlsx", ids)
    workbook = _download_workbook(manager, action, "Tenders", ["Reference", "Tender"])
    refs = {row[0] for row in workbook["Tenders"].iter_rows(min_row=2, values_only=True)}
    assert "WT-2026-0187" in refs


def test_contract_statistics_workbook(manager):
    wizard = _create(manager, "backoffice.contract.statistics", _period())
    action = manager.call("backoffice.contract.statistics", "action_export_xlsx", [wizard])
    workbook = _download_workbook(manager, action, "Month", ["Period", "Contracts Signed"])
    assert {"Quarter", "Year"} <= set(workbook.sheetnames)


def test_expense_statistics_workbook(manager):
    wizard = _create(manager, "backoffice.expense.statistics", _period())
    action = manager.call("backoffice.expense.statistics", "action_export_xlsx", [wizard])
    response = manager.get(action["url"])
    sheet = load_workbook(BytesIO(response.content)).sheetnames[0]
    _download_workbook(manager, action, sheet, ["Salesperson", "Sales Team"])


def _statement(session):
    [perf] = session.call(
        "backoffice.contract.performance", "search_read", [], ["partner_id"], limit=1
    )
    return _create(
        session, "backoffice.customer.statement", dict(_period(), partner_id=perf["partner_id"][0])
    )


def test_customer_statement_xlsx(manager):
    statement = _statement(manager)
    action = manager.call("backoffice.customer.statement", "action_export_xlsx", [statement])
    _download_workbook(manager, action, "Statement", ["Contract", "Date", "Type"])


def test_tender_import_template(manager):
    wizard = _create(manager, "backoffice.bid.import", {})
    action = manager.call("backoffice.bid.import", "action_download_template", [wizard])
    workbook = _download_workbook(
        manager, action, "Tenders", ["Tender Reference *", "Title *", "Purchaser *"]
    )
    assert workbook["Tenders"]["A2"].value == "ZB-2026-0042"


def _claim(session):
    return _create(
        session,
        "backoffice.expense.claim",
        {"date_from": str(datetime.date.today()), "date_to": str(datetime.date.today())},
    )


def test_expense_import_template_from_an_empty_dialog(manager):
    # The dialog as it opens: a claim, no file yet.
    wizard = _create(manager, "backoffice.expense.import", {"claim_id": _claim(manager)})
    action = manager.call("backoffice.expense.import", "action_download_template", [wizard])
    _download_workbook(manager, action, "Expenses", ["Date *", "Category *", "Description"])


def test_download_is_refused_to_another_user(manager, client):
    ids = _ids(manager, "backoffice.bid", [])
    action = manager.call("backoffice.bid", "action_export_xlsx", ids)
    other = client("admin", "admin")
    response = other.get(action["url"])
    assert response.status_code in (403, 404)
    assert not response.content.startswith(b"PK")


# ----------------------------------------------------------------------- PDF
def test_contract_performance_statement_pdf(manager):
    # One document per request: this machine's wkhtmltopdf (unpatched Qt)
    # cannot merge several.
    ids = _ids(manager, "sale.order", [("state", "=", "sale")], limit=1)
    _download_pdf(manager, "sales_backoffice.report_contract_performance", ids)


def test_customer_statement_pdf(manager):
    statement = _statement(manager)
    action = manager.call("backoffice.customer.statement", "action_print_pdf", [statement])
    assert action["report_name"] == "sales_backoffice.report_customer_statement"
    _download_pdf(manager, action["report_name"], [statement])


def test_expense_claim_form_pdf(manager):
    _download_pdf(manager, "sales_backoffice.report_expense_claim", [_claim(manager)])


# ------------------------------------------------- aged receivables (#15)
def test_aged_receivables_workbook(manager):
    """The aged workbook over HTTP: contract rows and, per customer, the
    reconciliation with accounting's open receivable lines."""
    ids = _ids(manager, "backoffice.contract.performance", [("amount_receivable", "!=", 0)])
    action = manager.call("backoffice.contract.performance", "action_export_aged_xlsx", ids)
    workbook = _download_workbook(
        manager, action, "Aged receivables", ["Customer", "Contract", "Order", "Not Due"]
    )
    rows = list(workbook["By customer"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:5] == (
        "Customer",
        "Company",
        "Contracts",
        "Not linked to a contract",
        "Difference",
    )
    assert rows[-1][0] == "Total"
    for row in rows[1:-1]:
        assert abs(row[header.index("Difference")]) < 0.01, row
        total = row[header.index("Open in Accounting")]
        assert abs(row[2] + row[3] - total) < 0.01, row
    aged = list(workbook["Aged receivables"].iter_rows(values_only=True))
    total_col = aged[0].index("Total")
    grand = rows[-1][header.index("Open in Accounting")]
    assert abs(aged[-1][total_col] - grand) < 0.01


def test_customer_statement_xlsx_summary(manager):
    statement = _statement(manager)
    action = manager.call("backoffice.customer.statement", "action_export_xlsx", [statement])
    workbook = _download_workbook(manager, action, "Summary", ["Item", "Amount"])
    summary = dict(workbook["Summary"].iter_rows(min_row=2, values_only=True))
    assert "Closing balance" in summary and "Opening balance" in summary
