"""Shared fixtures of the top-level suites: they run against the database and
Odoo that ``make test`` provisioned (scripts/test.sh passes them in)."""

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests

from .odoo_client import OdooClient

SERVER_OUTPUT = pytest.StashKey()

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def e2e_db():
    db = os.environ.get("BO_E2E_DB")
    if not db:
        pytest.fail("BO_E2E_DB is not set: run the top-level suites through `make test`")
    return db


@pytest.fixture(scope="session")
def e2e_port():
    return int(os.environ.get("BO_E2E_HTTP_PORT", "8269"))


@pytest.fixture(scope="session")
def server(root, e2e_db, e2e_port, tmp_path_factory, pytestconfig):
    """The server started exactly as command one (`make run`) starts it, on
    the test database; one for the whole pytest session."""
    log_path = tmp_path_factory.mktemp("e2e") / "server.log"
    # What command one printed, for the tests that read it.
    pytestconfig.stash[SERVER_OUTPUT] = log_path
    env = dict(os.environ, BO_DB=e2e_db, BO_HTTP_PORT=str(e2e_port))
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            ["bash", str(root / "scripts" / "run.sh")],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{e2e_port}"
    deadline = time.monotonic() + 300
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(
                    f"server exited early ({proc.returncode}):\n{log_path.read_text()[-4000:]}"
                )
            try:
                if requests.get(f"{base}/web/health", timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or still loading the registry
            if time.monotonic() > deadline:
                pytest.fail(f"server did not answer in 300 s:\n{log_path.read_text()[-4000:]}")
            time.sleep(1)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture(scope="session")
def client(server, e2e_db):
    """``client("login", "password")``: a logged-in web session."""

    def make(login, password):
        return OdooClient(server, e2e_db).login(login, password)

    return make


@pytest.fixture(scope="session")
def server_output(server, pytestconfig):
    """What command one printed on its terminal while starting the server."""
    return pytestconfig.stash[SERVER_OUTPUT].read_text(errors="replace")
