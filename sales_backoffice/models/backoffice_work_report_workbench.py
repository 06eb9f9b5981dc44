from odoo import models

from ..tools.groups import USER_GROUP


class BackofficeWorkbench(models.Model):
    """The work reports' queues on Today: reports waiting for a review (the
    back office, never their author) and reports not submitted in time."""

    _inherit = "backoffice.workbench"

    def _tile_specs(self):
        specs = super()._tile_specs()
        uid = self.env.uid
        action = "sales_backoffice.backoffice_work_report_action"
        specs.update(
            {
                "work_report_to_review": self._tile(
                    self.env._("Work reports to review"),
                    "backoffice.work.report",
                    [("state", "=", "submitted"), ("user_id", "!=", uid)],
                    action,
                    visible=self.env.user.has_group(USER_GROUP),
                    mine=True,
                    sequence=95,
                ),
                "work_report_late": self._tile(
                    self.env._("Late work reports"),
                    "backoffice.work.report",
                    [("state", "=", "draft"), ("is_late", "=", True)],
                    action,
                    tone="danger",
                    sequence=96,
                ),
            }
        )
        return specs
