"""Shared fixtures of the top-level suites: they run against the database and
Odoo that ``make test`` provisioned (scripts/test.sh passes them in)."""

import os
from pathlib import Path

import pytest

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
