"""The back office's groups, named once for every model that checks them."""

USER_GROUP = "sales_backoffice.group_backoffice_user"
MANAGER_GROUP = "sales_backoffice.group_backoffice_manager"
