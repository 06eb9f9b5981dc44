from odoo import fields, models

from ..tools.groups import USER_GROUP


class BackofficeWorkbench(models.Model):
    _inherit = "backoffice.workbench"

    def _tile_specs(self):
        specs = super()._tile_specs()
        tile = self._tile
        uid = self.env.uid
        is_backoffice = self.env.user.has_group(USER_GROUP)
        action = "sales_backoffice.backoffice_case_action"
        Case = self.env["backoffice.case"]
        specs.update(
            {
                "case_breached": tile(
                    self.env._("Cases past their deadline"),
                    "backoffice.case",
                    Case._breach_domain(fields.Datetime.now()),
                    action,
                    tone="danger",
                    sequence=95,
                ),
                "case_mine": tile(
                    self.env._("My open cases"),
                    "backoffice.case",
                    [("is_closed", "=", False), ("user_id", "=", uid)],
                    action,
                    mine=True,
                    sequence=96,
                ),
                "case_unassigned": tile(
                    self.env._("Cases without an owner"),
                    "backoffice.case",
                    [("is_closed", "=", False), ("user_id", "=", False)],
                    action,
                    visible=is_backoffice,
                    tone="warning",
                    sequence=97,
                ),
                "case_installation_to_approve": tile(
                    self.env._("Installation requests to approve"),
                    "backoffice.case",
                    [
                        ("installation_state", "=", "requested"),
                        ("is_closed", "=", False),
                        ("installation_requested_by_id", "!=", uid),
                    ],
                    action,
                    visible=is_backoffice,
                    mine=True,
                    sequence=98,
                ),
            }
        )
        return specs
