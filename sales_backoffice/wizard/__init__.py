from . import backoffice_period_mixin
from . import backoffice_xlsx_download
from . import stock_return_picking
from . import backoffice_contract_milestone
from . import backoffice_customer_statement
from . import backoffice_contract_statistics
from . import backoffice_sample_decide
from . import backoffice_sample_return
from . import backoffice_expense_import
from . import backoffice_expense_decide
from . import backoffice_expense_statistics
from . import backoffice_bid_lost
from . import backoffice_bid_import

# --- work reports (issue #16) ---
from . import backoffice_work_report_review
from . import backoffice_work_report_compilation
from . import backoffice_credit_decide
from . import backoffice_case_schedule
from . import backoffice_dunning_promise
