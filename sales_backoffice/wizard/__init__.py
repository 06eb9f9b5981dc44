from . import backoffice_xlsx_download
from . import stock_return_picking
from . import backoffice_contract_milestone
from . import backoffice_customer_statement
from . import backoffice_contract_statistics
from . import backoffice_sample_decide
from . import backoffice_sample_return
