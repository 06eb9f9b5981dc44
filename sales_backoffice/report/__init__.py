from . import backoffice_contract_performance
from . import backoffice_collection_plan_report

# --- work reports (issue #16) ---
from . import backoffice_trip_summary
from . import backoffice_case_report
