"""19.0.1.1.0: the claim journal is now checked (a purchase journal of the
company). Values copied from the old, unchecked field that break that rule are
cleared, so posting falls back to the company's first purchase journal instead
of failing; each one is logged."""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    companies = env["res.company"].search([("backoffice_expense_journal_id", "!=", False)])
    for company in companies:
        if company._backoffice_expense_journal_is_valid():
            continue
        journal = company.backoffice_expense_journal_id
        _logger.warning(
            "Company %s: claim journal %s is not one of its purchase journals; cleared",
            company.display_name,
            journal.display_name,
        )
        company.backoffice_expense_journal_id = False
