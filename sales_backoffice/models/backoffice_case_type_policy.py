from odoo import api, fields, models
from odoo.exceptions import ValidationError

CASE_TYPES = [
    ("complaint", "Complaint"),
    ("enquiry", "Enquiry"),
    ("feedback", "Feedback"),
    ("quality", "Quality Problem"),
    ("installation", "Installation Request"),
    ("acceptance", "Acceptance"),
]


class BackofficeCaseTypePolicy(models.Model):
    """How fast the back office answers and solves each type of case."""

    _name = "backoffice.case.type.policy"
    _description = "Customer Service Policy"
    _order = "company_id, case_type, id desc"
    _rec_name = "case_type"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    case_type = fields.Selection(CASE_TYPES, required=True)
    response_hours = fields.Float(
        required=True, default=8.0, help="Hours from the case's opening to the first response."
    )
    resolution_hours = fields.Float(
        required=True, default=72.0, help="Hours from the case's opening to its solution."
    )
    reminder_hours = fields.Float(
        default=2.0, help="The owner is reminded this many hours before each deadline."
    )

    _type_company_unique = models.Constraint(
        "UNIQUE(company_id, case_type)", "This company already has a policy for this case type."
    )

    @api.constrains("response_hours", "resolution_hours", "reminder_hours")
    def _check_hours(self):
        for policy in self:
            if min(policy.response_hours, policy.resolution_hours, policy.reminder_hours) < 0:
                raise ValidationError(self.env._("Policy hours cannot be negative."))
            if policy.resolution_hours < policy.response_hours:
                raise ValidationError(
                    self.env._(
                        "A case cannot be solved before it is answered: the resolution "
                        "time must not be shorter than the response time."
                    )
                )
