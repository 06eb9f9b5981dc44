from . import backoffice_contract_performance

# --- work reports (issue #16) ---
from . import backoffice_trip_summary
