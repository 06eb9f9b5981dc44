from . import test_menu
from . import test_contract_performance
from . import test_contract_reports
from . import test_contract_tour
from . import test_contract_queries
from . import test_contract_security
from . import test_invoice_check
from . import test_sample
from . import test_sample_tour
from . import test_expense
from . import test_expense_tour
from . import test_expense_security
from . import test_bid
from . import test_bid_tour
from . import test_workbench
from . import test_digest
from . import test_translation
from . import test_dashboard
from . import test_review_security
from . import test_review_concurrency
from . import test_xlsx_import
from . import test_xlsx_export
from . import test_demo_data
from . import test_coexistence
from . import test_coexistence_reminders
from . import test_work_report  # work reports (issue #16)
from . import test_work_report_tour  # work reports (issue #16)
