"""Shared fixtures of the top-level suites: they run against the database and
Odoo that ``make test`` provisioned (scripts/test.sh passes them in)."""

import os
from pathlib import Path

import pytest

from .odoo_client import OdooClient
from .serving import run_server

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
    with run_server(root, log_path, e2e_port, BO_DB=e2e_db) as (_proc, base):
        yield base


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
