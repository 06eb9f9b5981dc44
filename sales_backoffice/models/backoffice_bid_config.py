from odoo import api, fields, models

from ..tools import cron

DOCUMENT_TYPES = [
    ("qualification", "Qualification"),
    ("certificate", "Certificate"),
    ("inspection_report", "Quality Inspection Report"),
    ("technical", "Technical Proposal"),
    ("commercial", "Price Offer"),
    ("other", "Other"),
]


class BackofficeBidStage(models.Model):
    _name = "backoffice.bid.stage"
    _description = "Tender Stage"
    _order = "sequence, id desc"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean()
    is_won = fields.Boolean("Won Stage")
    is_lost = fields.Boolean("Lost Stage")
    requires_documents = fields.Boolean(
        help="A bid enters this stage only when its required documents are ready (e.g. Submitted)."
    )


class BackofficeBidSource(models.Model):
    _name = "backoffice.bid.source"
    _inherit = ["mail.thread", "mail.activity.mixin", "backoffice.reminder.mixin"]
    _description = "Tender Website"
    _order = "name, id desc"
    _check_company_auto = True

    name = fields.Char(required=True)
    url = fields.Char("URL")
    check_interval_days = fields.Integer("Check Every (days)", default=3)
    user_id = fields.Many2one(
        "res.users", string="Checked By", default=lambda self: self.env.user, check_company=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    check_ids = fields.One2many("backoffice.bid.source.check", "source_id", string="Checks")
    date_last_check = fields.Datetime(compute="_compute_date_last_check", store=True)
    is_check_due = fields.Boolean(compute="_compute_is_check_due", search="_search_is_check_due")
    active = fields.Boolean(default=True)

    @api.depends("check_ids.date")
    def _compute_date_last_check(self):
        for source in self:
            source.date_last_check = max(source.check_ids.mapped("date"), default=False)

    def _due_before(self, source):
        return fields.Datetime.subtract(fields.Datetime.now(), days=source.check_interval_days)

    @api.depends("date_last_check", "check_interval_days")
    def _compute_is_check_due(self):
        for source in self:
            source.is_check_due = (
                not source.date_last_check or source.date_last_check < self._due_before(source)
            )

    def _search_is_check_due(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        due = self.search([("active", "=", True)]).filtered("is_check_due")
        return [("id", "in" if (operator == "=") == value else "not in", due.ids)]

    def action_log_source_check(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log Check of %s", self.name),
            "res_model": "backoffice.bid.source.check",
            "view_mode": "form",
            "target": "new",
            "context": {"default_source_id": self.id},
        }

    @api.model
    def _cron_remind_checks(self):
        due = self.search([("is_check_due", "=", True)])
        cron.commit_progress(self.env, 0, remaining=len(due))
        due._backoffice_remind_batched(
            "sales_backoffice.mail_activity_type_source_check",
            "Tender website check reminders",
            user_by_record=lambda source: source.user_id,
            summary_by_record=lambda source: self.env._("Check %s for new tenders", source.name),
        )
        return due


class BackofficeBidSourceCheck(models.Model):
    _name = "backoffice.bid.source.check"
    _description = "Tender Website Check"
    _order = "date desc, id desc"
    _check_company_auto = True

    source_id = fields.Many2one(
        "backoffice.bid.source", required=True, ondelete="cascade", index=True, check_company=True
    )
    company_id = fields.Many2one(related="source_id.company_id", store=True, index=True)
    user_id = fields.Many2one(
        "res.users", required=True, default=lambda self: self.env.user, check_company=True
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    new_tender_count = fields.Integer("New Tenders")
    note = fields.Text()

    def action_save(self):
        return {"type": "ir.actions.act_window_close"}


class BackofficeBidCategory(models.Model):
    _name = "backoffice.bid.category"
    _description = "Tender Category"
    _order = "name, id desc"

    name = fields.Char(required=True, translate=True)
    template_ids = fields.One2many(
        "backoffice.bid.category.document", "category_id", string="Document Checklist"
    )
    active = fields.Boolean(default=True)


class BackofficeBidCategoryDocument(models.Model):
    _name = "backoffice.bid.category.document"
    _description = "Tender Checklist Template Line"
    _order = "sequence, id desc"

    category_id = fields.Many2one("backoffice.bid.category", required=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    document_type = fields.Selection(DOCUMENT_TYPES, required=True, default="other")
    is_required = fields.Boolean("Required", default=True)
    days_before_deadline = fields.Integer(
        default=2, help="Due this many days before the submission deadline."
    )


class BackofficeBidLostReason(models.Model):
    _name = "backoffice.bid.lost.reason"
    _description = "Tender Lost Reason"
    _order = "name, id desc"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
