from . import backoffice_contract_performance
from . import backoffice_collection_plan_report
