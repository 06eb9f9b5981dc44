"""The module next to Odoo's other apps: its fields on Odoo's models are its
own, and the 19.0.1.1.0 migration moves the claim journal off hr_expense's name.

``TestCoexistenceWithApps`` needs hr_expense, crm, sale_crm and purchase
installed: it is tagged ``backoffice_coexistence`` and ``-standard``, so it runs
only in the coexistence database of ``scripts/test.sh``, which selects it."""

from datetime import date, timedelta

from odoo import models
from odoo.exceptions import ValidationError
from odoo.modules.module import load_script
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

from .common import BackofficeCommon

MIGRATION = "sales_backoffice/migrations/19.0.1.1.0/%s.py"


def defining_modules(env, model, name):
    """Names of the modules that define ``model.name`` (empty when no module does)."""
    field = env["ir.model.fields"]._get(model, name)
    return set(filter(None, (field.modules or "").split(", ")))


class ClaimJournalMixin:
    """Create, audit, approve and post a one-line claim of the salesperson."""

    @classmethod
    def _setup_claim_category(cls):
        cls.claim_category = (
            cls.env["backoffice.expense.category"]
            .sudo()  # configuration data
            .create(
                {
                    "name": "Taxi",
                    "account_id": cls.company_data["default_account_expense"].id,
                    "daily_cap": 500.0,
                    "receipt_required_above": 1000.0,
                    "company_id": cls.company.id,
                }
            )
        )

    def _posted_claim(self):
        monday = date.today() - timedelta(days=date.today().weekday() + 14)
        claim = (
            self.env["backoffice.expense.claim"]
            .with_user(self.salesman)
            .create(
                {
                    "company_id": self.company.id,
                    "date_from": monday,
                    "date_to": monday + timedelta(days=1),
                    "route": "Shanghai - Suzhou",
                    "line_ids": [
                        (
                            0,
                            0,
                            {
                                "date": monday,
                                "category_id": self.claim_category.id,
                                "amount": 60.0,
                            },
                        )
                    ],
                }
            )
        )
        claim.action_submit()
        claim.with_user(self.bo_user).action_audit()
        claim.with_user(self.bo_manager).action_approve()
        claim.with_user(self.bo_manager).action_post()
        return claim

    def _purchase_journal(self, code):
        return self.env["account.journal"].create(
            {
                "name": f"Journal {code}",
                "code": code,
                "type": "purchase",
                "company_id": self.company.id,
            }
        )


@tagged("post_install", "-at_install")
class TestModuleFieldNames(ClaimJournalMixin, BackofficeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_claim_category()
        cls.other_company = cls.setup_other_company()["company"]

    def test_fields_on_odoo_models_are_the_modules_own(self):
        """A field the module adds to a model it does not own is defined by no
        other installed module outside its dependencies: such a field would
        merge with the other app's (one column, two meanings)."""
        allowed, todo = (
            set(),
            self.env["ir.module.module"].search([("name", "=", "sales_backoffice")]),
        )
        while todo:
            allowed |= set(todo.mapped("name"))
            todo = todo.dependencies_id.depend_id.filtered(
                lambda m, seen=frozenset(allowed): m.name not in seen
            )
        data = self.env["ir.model.data"].search(
            [("module", "=", "sales_backoffice"), ("model", "=", "ir.model.fields")]
        )
        fields = self.env["ir.model.fields"].browse(data.mapped("res_id")).exists()
        # The module's own models live in the backoffice.* namespace.
        # Every module that touches a model gets an xmlid for its magic fields.
        checked = fields.filtered(
            lambda field: not field.model.startswith("backoffice.")
            and field.name not in models.MAGIC_COLUMNS
            and field.name != "display_name"
        )
        self.assertIn("backoffice_expense_journal_id", checked.mapped("name"))
        clashes = {
            f"{field.model}.{field.name}: {sorted(defining_modules(self.env, field.model, field.name) - allowed)}"
            for field in checked
            if defining_modules(self.env, field.model, field.name) - allowed
        }
        self.assertFalse(clashes, "fields shared with other apps")

    def test_claim_journal_is_not_hr_expense_name(self):
        self.assertNotIn(
            "sales_backoffice", defining_modules(self.env, "res.company", "expense_journal_id")
        )
        self.assertNotIn(
            "sales_backoffice",
            defining_modules(self.env, "res.config.settings", "expense_journal_id"),
        )
        self.assertEqual(
            defining_modules(self.env, "res.company", "backoffice_expense_journal_id"),
            {"sales_backoffice"},
        )

    def test_claim_posts_on_configured_journal(self):
        journal = self._purchase_journal("BOEX")
        settings = self.env["res.config.settings"].with_company(self.company).create({})
        settings.backoffice_expense_journal_id = journal
        settings.execute()
        self.assertEqual(self.company.backoffice_expense_journal_id, journal)
        self.assertEqual(self._posted_claim().move_id.journal_id, journal)

    def test_claim_journal_must_be_a_purchase_journal_of_the_company(self):
        other_journal = self.env["account.journal"].create(
            {
                "name": "Elsewhere",
                "code": "ELSW",
                "type": "purchase",
                "company_id": self.other_company.id,
            }
        )
        with self.assertRaisesRegex(ValidationError, "Elsewhere"):
            self.company.backoffice_expense_journal_id = other_journal
        with self.assertRaisesRegex(ValidationError, "must be one of its purchase journals"):
            self.company.backoffice_expense_journal_id = self.company_data["default_journal_sale"]
        self.assertFalse(self.company.backoffice_expense_journal_id)


@tagged("post_install", "-at_install")
class TestClaimJournalMigration(BackofficeCommon):
    """The migration scripts on a database laid out as 19.0.1.0.0 left it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.setup_other_company()["company"]

    def _old_layout(self, journal):
        """res_company as 19.0.1.0.0 had it: the claim journal in
        ``expense_journal_id``, no ``backoffice_expense_journal_id``. The test's
        transaction is rolled back, schema changes included."""
        cr = self.env.cr
        self.env.flush_all()
        if not column_exists(cr, "res_company", "expense_journal_id"):
            create_column(cr, "res_company", "expense_journal_id", "int4")
        cr.execute(
            SQL(
                "ALTER TABLE res_company DROP COLUMN %s",
                SQL.identifier("backoffice_expense_journal_id"),
            )
        )
        cr.execute(
            SQL(
                "UPDATE res_company SET expense_journal_id = %s WHERE id = %s",
                journal.id,
                self.company.id,
            )
        )
        self.env.invalidate_all()

    def _column_values(self, column):
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM res_company ORDER BY id",
                SQL.identifier(column),
            )
        )
        return dict(self.env.cr.fetchall())

    def test_pre_migrate_copies_old_value(self):
        journal = self.company_data["default_journal_purchase"]
        self._old_layout(journal)
        before = self._column_values("expense_journal_id")
        pre = load_script(MIGRATION % "pre-migrate", "sales_backoffice_pre_migrate_19_0_1_1_0")
        pre.migrate(self.env.cr, "19.0.1.0.0")
        self.assertTrue(column_exists(self.env.cr, "res_company", "backoffice_expense_journal_id"))
        self.assertEqual(self._column_values("backoffice_expense_journal_id"), before)
        self.assertEqual(
            self._column_values("backoffice_expense_journal_id")[self.company.id], journal.id
        )
        # hr_expense's column (or the old one the update drops) is left as it was.
        self.assertEqual(self._column_values("expense_journal_id"), before)
        # Run twice (an interrupted update restarted): nothing changes.
        self.env.cr.execute(
            SQL("UPDATE res_company SET expense_journal_id = NULL WHERE id = %s", self.company.id)
        )
        pre.migrate(self.env.cr, "19.0.1.0.0")
        self.assertEqual(
            self._column_values("backoffice_expense_journal_id")[self.company.id], journal.id
        )

    def test_post_migrate_clears_journals_the_field_now_refuses(self):
        purchase = self.company_data["default_journal_purchase"]
        sale = self.company_data["default_journal_sale"]
        other_company = self.other_company
        self.env.cr.execute(
            SQL(
                "UPDATE res_company SET backoffice_expense_journal_id = "
                "CASE WHEN id = %s THEN %s ELSE %s END WHERE id IN %s",
                self.company.id,
                purchase.id,
                sale.id,
                (self.company.id, other_company.id),
            )
        )
        self.env.invalidate_all()
        post = load_script(MIGRATION % "post-migrate", "sales_backoffice_post_migrate_19_0_1_1_0")
        with self.assertLogs("sales_backoffice_post_migrate_19_0_1_1_0", "WARNING") as logs:
            post.migrate(self.env.cr, "19.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(self.company.backoffice_expense_journal_id, purchase)
        self.assertFalse(other_company.backoffice_expense_journal_id)
        self.assertEqual(len(logs.output), 1)
        self.assertIn(other_company.name, logs.output[0])


@tagged("post_install", "-at_install", "-standard", "backoffice_coexistence")
class TestCoexistenceWithApps(ClaimJournalMixin, BackofficeCommon):
    """Runs in the database with hr_expense, crm, sale_crm and purchase."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_claim_category()
        cls.hr_journal = cls.env["account.journal"].create(
            {
                "name": "Employee Expenses",
                "code": "HREX",
                "type": "purchase",
                "company_id": cls.company.id,
            }
        )
        cls.settings_admin = new_test_user(
            cls.env,
            login="bo_settings_admin",
            groups="base.group_system,sales_team.group_sale_manager,"
            "account.group_account_manager,hr_expense.group_hr_expense_manager,"
            "sales_backoffice.group_backoffice_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.bo_journal = cls.env["account.journal"].create(
            {
                "name": "Sales Claims",
                "code": "BOCL",
                "type": "purchase",
                "company_id": cls.company.id,
            }
        )

    def test_apps_are_installed(self):
        installed = self.env["ir.module.module"].search(
            [
                ("name", "in", ("hr_expense", "crm", "sale_crm", "purchase")),
                ("state", "=", "installed"),
            ]
        )
        self.assertEqual(
            sorted(installed.mapped("name")), ["crm", "hr_expense", "purchase", "sale_crm"]
        )

    def _settings_form(self):
        # Each app's block of Settings shows to its managers only.
        Settings = self.env["res.config.settings"].with_user(self.settings_admin)
        return Form(Settings.with_company(self.company))

    def test_two_journal_settings_keep_their_values(self):
        form = self._settings_form()
        form.expense_journal_id = self.hr_journal
        form.backoffice_expense_journal_id = self.bo_journal
        form.save().execute()
        self.assertEqual(self.company.expense_journal_id, self.hr_journal)
        self.assertEqual(self.company.backoffice_expense_journal_id, self.bo_journal)

        # Changing one leaves the other alone, both ways.
        form = self._settings_form()
        self.assertEqual(form.expense_journal_id, self.hr_journal)
        self.assertEqual(form.backoffice_expense_journal_id, self.bo_journal)
        form.expense_journal_id = self.bo_journal
        form.save().execute()
        self.assertEqual(self.company.backoffice_expense_journal_id, self.bo_journal)
        self.company.backoffice_expense_journal_id = self.hr_journal
        self.assertEqual(self.company.expense_journal_id, self.bo_journal)

    def test_each_app_books_on_its_own_journal(self):
        self.company.write(
            {
                "expense_journal_id": self.hr_journal.id,
                "backoffice_expense_journal_id": self.bo_journal.id,
            }
        )
        self.assertEqual(self._posted_claim().move_id.journal_id, self.bo_journal)
        wizard = self.env["hr.expense.post.wizard"].with_company(self.company).create({})
        self.assertEqual(wizard.employee_journal_id, self.hr_journal)
