from . import backoffice_reminder_mixin
from . import backoffice_review_mixin
from . import res_company
from . import res_config_settings
from . import backoffice_return_reason
from . import backoffice_contract_event
from . import backoffice_dunning_level
from . import sale_order
from . import sale_order_line
from . import stock_picking
from . import account_move
from . import account_partial_reconcile
from . import backoffice_bid_config
from . import backoffice_bid
from . import backoffice_sample
from . import backoffice_sample_line
from . import backoffice_sample_review
from . import res_partner
from . import backoffice_expense_category
from . import backoffice_expense_budget
from . import backoffice_expense_finding
from . import backoffice_expense_claim
from . import backoffice_expense_claim_line
from . import backoffice_expense_claim_review
from . import ir_attachment
from . import backoffice_workbench

# customer service
from . import backoffice_case_type_policy
from . import backoffice_case_stage
from . import backoffice_case_team
from . import backoffice_case
from . import backoffice_dunning_log
from . import digest_digest
from . import backoffice_demo
from . import backoffice_collection_plan

# --- work reports (issue #16) ---
from . import backoffice_work_report_rule
from . import backoffice_work_report
from . import backoffice_briefing

# Commissions (#16 part 4)
from . import backoffice_commission_rule
from . import backoffice_commission_line
from . import backoffice_commission_settlement
from . import backoffice_statement_log
