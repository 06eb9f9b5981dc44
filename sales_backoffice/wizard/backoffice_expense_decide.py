from odoo import fields, models

ACTIONS = [("refuse", "Refuse the claim"), ("waive", "Waive the open findings")]


class BackofficeExpenseDecide(models.TransientModel):
    """Refuse a claim or waive its findings, always with a reason. The claim's
    private methods check who may do it."""

    _name = "backoffice.expense.decide"
    _description = "Refuse Claim or Waive Findings"

    claim_id = fields.Many2one("backoffice.expense.claim", required=True, readonly=True)
    action = fields.Selection(ACTIONS, required=True, default="refuse", readonly=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        if self.action == "refuse":
            self.claim_id._do_refuse(self.reason)
        else:
            self.claim_id._do_waive_findings(self.reason)
        return {"type": "ir.actions.act_window_close"}
