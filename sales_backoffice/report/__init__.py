from . import backoffice_contract_performance
from . import backoffice_case_report
