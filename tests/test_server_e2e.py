"""End to end: start the server exactly as command one (`make run`) does, on
the test database, and talk to it over HTTP and JSON-RPC like a client."""

from pathlib import Path

import requests


def _jsonrpc(base, service, method, *args):
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"service": service, "method": method, "args": list(args)},
        "id": 1,
    }
    response = requests.post(f"{base}/jsonrpc", json=payload, timeout=60)
    response.raise_for_status()
    body = response.json()
    assert "error" not in body, body.get("error")
    return body["result"]


def test_login_page_answers(server, e2e_db):
    response = requests.get(f"{server}/web/login", params={"db": e2e_db}, timeout=60)
    assert response.status_code == 200
    assert 'name="login"' in response.text


def test_module_installed_over_jsonrpc(server, e2e_db):
    uid = _jsonrpc(server, "common", "login", e2e_db, "admin", "admin")
    assert isinstance(uid, int) and uid > 0
    modules = _jsonrpc(
        server,
        "object",
        "execute_kw",
        e2e_db,
        uid,
        "admin",
        "ir.module.module",
        "search_read",
        [[["name", "=", "sales_backoffice"]]],
        {"fields": ["state", "demo"]},
    )
    assert modules == [{"id": modules[0]["id"], "state": "installed", "demo": True}]


def test_back_office_user_logs_in_and_sees_menu(server, e2e_db):
    # The demo back-office user exists (demo data loaded) and gets the menu.
    uid = _jsonrpc(server, "common", "login", e2e_db, "backoffice", "backoffice")
    assert uid
    menus = _jsonrpc(
        server,
        "object",
        "execute_kw",
        e2e_db,
        uid,
        "backoffice",
        "ir.ui.menu",
        "load_menus",
        [False],
    )
    xmlids = {menu.get("xmlid") for menu in menus.values() if isinstance(menu, dict)}
    assert "sales_backoffice.backoffice_menu_root" in xmlids


def test_command_one_prints_its_steps_url_and_logins(server_output, e2e_port):
    # Steps and the URL on the terminal; Odoo's own log in a file under the cache.
    for step in ("Python virtualenv ready", "PostgreSQL ready", "Odoo's log:", "ready with"):
        assert step in server_output, server_output[-2000:]
    assert f"http://localhost:{e2e_port}" in server_output
    for login in ("backoffice", "backoffice_manager", "salesperson", "billing"):
        assert login in server_output
    assert " INFO " not in server_output, "Odoo's log went to the terminal"
    log_line = next(line for line in server_output.splitlines() if "Odoo's log:" in line)
    log_file = Path(log_line.split("Odoo's log:", 1)[1].strip())
    assert log_file.is_file() and " INFO " in log_file.read_text(errors="replace")
