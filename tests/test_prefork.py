"""`BO_WORKERS=N make run` serves in Odoo's prefork mode: N HTTP worker
processes, one cron worker and the gevent process for the bus, each answering."""

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from .odoo_client import OdooClient
from .serving import run_server

WORKERS = 2


def _children(pid):
    """Direct child process ids of ``pid`` (Linux /proc)."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += [int(c) for c in (task / "children").read_text().split()]
    return children


def _descendants(pid):
    found = []
    for child in _children(pid):
        found.append(child)
        found += _descendants(child)
    return found


def _cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


@pytest.fixture(scope="module")
def prefork(root, e2e_db, e2e_port, tmp_path_factory):
    """The server started as `BO_WORKERS=2 make run` starts it."""
    port = e2e_port + 5
    gevent_port = port + 3
    log_path = tmp_path_factory.mktemp("prefork") / "server.log"
    with run_server(
        root,
        log_path,
        port,
        BO_DB=e2e_db,
        BO_WORKERS=str(WORKERS),
        BO_GEVENT_PORT=str(gevent_port),
    ) as (proc, base):
        yield {
            "base": base,
            "gevent": f"http://127.0.0.1:{gevent_port}",
            "pid": proc.pid,
            "output": log_path,
        }


def test_prefork_processes(prefork):
    # run.sh (bash) -> odoo-bin master -> HTTP workers, cron worker, gevent.
    masters = [pid for pid in _children(prefork["pid"]) if "odoo-bin" in _cmdline(pid)]
    assert len(masters) == 1, [_cmdline(pid) for pid in _children(prefork["pid"])]
    deadline = time.monotonic() + 60
    while True:
        workers = [pid for pid in _descendants(masters[0]) if "odoo-bin" in _cmdline(pid)]
        # N HTTP workers, one cron worker and the gevent process.
        if len(workers) >= WORKERS + 2 or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert len(workers) == WORKERS + 2, [_cmdline(pid) for pid in workers]
    output = prefork["output"].read_text(errors="replace")
    assert f"Prefork mode: {WORKERS} HTTP workers, 1 cron worker" in output


def test_prefork_serves_users_in_parallel(prefork, e2e_db):
    """Several back-office users at once, each with its own session."""

    def today(login):
        client = OdooClient(prefork["base"], e2e_db).login(login, login)
        tiles = client.call(
            "backoffice.workbench",
            "web_search_read",
            [["is_visible", "=", True]],
            {"key": {}, "count": {}},
        )
        return len(tiles["records"])

    logins = ["backoffice", "backoffice_manager", "backoffice2"] * 2
    with ThreadPoolExecutor(len(logins)) as pool:
        counts = list(pool.map(today, logins))
    assert all(count > 0 for count in counts), counts


def test_prefork_bus_port_answers(prefork):
    # The gevent process serves the bus (websocket) route.
    response = requests.get(f"{prefork['gevent']}/websocket/health", timeout=30)
    assert response.status_code == 200
