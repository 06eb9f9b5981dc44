"""19.0.1.1.0: the claim journal moves from ``res.company.expense_journal_id``
(a name hr_expense owns for its own default journal) to
``backoffice_expense_journal_id``.

The new column is created here and filled from the old one, so claims keep
their journal. The old column is left alone: without hr_expense the update
drops it with the field, with hr_expense it stays hr_expense's setting (the
two apps shared it until now, so both keep the value they had).
"""

import logging

from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

_logger = logging.getLogger(__name__)

OLD_COLUMN = "expense_journal_id"
NEW_COLUMN = "backoffice_expense_journal_id"


def migrate(cr, version):
    if not version or column_exists(cr, "res_company", NEW_COLUMN):
        return
    create_column(cr, "res_company", NEW_COLUMN, "int4")
    if not column_exists(cr, "res_company", OLD_COLUMN):
        return
    cr.execute(
        SQL(
            "UPDATE %(table)s SET %(new)s = %(old)s WHERE %(old)s IS NOT NULL",
            table=SQL.identifier("res_company"),
            new=SQL.identifier(NEW_COLUMN),
            old=SQL.identifier(OLD_COLUMN),
        )
    )
    _logger.info(
        "Back office claim journal copied to %s for %s companies", NEW_COLUMN, cr.rowcount
    )
