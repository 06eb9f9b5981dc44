from . import test_menu
from . import test_contract_performance
from . import test_contract_reports
from . import test_contract_tour
from . import test_contract_queries
from . import test_sample
from . import test_sample_tour
from . import test_expense
