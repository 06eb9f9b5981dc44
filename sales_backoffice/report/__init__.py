from . import backoffice_contract_performance
