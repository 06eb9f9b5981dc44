from datetime import date, timedelta
from unittest.mock import patch

import psycopg2

from odoo import sql_db
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.sales_backoffice.tools import cron as cron_tools

from .common import BackofficeCommon

MIXIN_LOGGER = "odoo.addons.sales_backoffice.models.backoffice_reminder_mixin"
PROGRESS_DEFAULTS = {"done": 0, "remaining": 0, "timed_out_counter": 0}


class Interrupted(Exception):
    """The server dying in the middle of a classification run."""


@tagged("post_install", "-at_install")
class TestCronBatches(BackofficeCommon):
    """The daily classification run works in committed batches: interrupted,
    then restarted through Odoo's cron machinery, it ends with the classes and
    the single dunning activity per contract of an uninterrupted run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.job = cls.env.ref("sales_backoffice.ir_cron_classify_receivables")
        cls.dunning_type = cls.env.ref("sales_backoffice.mail_activity_type_dunning")
        # Whatever the demo data left to classify is classified first, so the
        # runs below work on this test's contracts only.
        companies = cls.env["res.company"].sudo().search([])
        cls.env(su=True, context={"allowed_company_ids": companies.ids})[
            "sale.order"
        ]._cron_classify_receivables()
        cls.orders = cls.env["sale.order"]
        for days in (40, 45, 50, 100, 120):
            order = cls._create_contract([(cls.product_valve, 2, 150.0)])
            invoice = order._create_invoices()
            invoice.invoice_payment_term_id = False
            invoice.invoice_date = invoice.invoice_date_due = date.today() - timedelta(days=days)
            invoice.action_post()
            cls.orders |= order
        cls.expected = ["concerned", "concerned", "concerned", "doubtful", "doubtful"]

    def _dunning_counts(self):
        activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "sale.order"),
                ("res_id", "in", self.orders.ids),
                ("activity_type_id", "=", self.dunning_type.id),
            ]
        )
        return [len(activities.filtered(lambda a, o=o: a.res_id == o.id)) for o in self.orders]

    def _classes(self):
        self.orders.invalidate_recordset()
        return self.orders.mapped("receivable_class")

    def _run_job(self, fail_from_batch=None):
        """Run the scheduled action the way the cron worker does (its own
        cursor, ``_commit_progress`` committing each batch), two contracts a
        batch; from batch number ``fail_from_batch`` on every batch raises."""
        calls = {"count": 0}
        original_batch = self.registry["sale.order"]._backoffice_classify_batch
        original_batches = cron_tools.batches

        def classify_batch(records, pending):
            calls["count"] += 1
            if fail_from_batch and calls["count"] >= fail_from_batch:
                raise Interrupted
            return original_batch(records, pending)

        self.env.flush_all()
        with (
            self.enter_registry_test_mode(),
            patch.object(
                cron_tools, "batches", lambda records, size=2: original_batches(records, 2)
            ),
            patch.object(
                self.registry["sale.order"], "_backoffice_classify_batch", classify_batch
            ),
            mute_logger("odoo.addons.base.models.ir_cron"),
            self.registry.cursor() as cr,
        ):
            self.registry["ir.cron"]._process_job(
                cr, {**self.job.read(load=None)[0], **PROGRESS_DEFAULTS}
            )
        self.env.invalidate_all()
        return calls["count"]

    def _progress_done(self):
        progress = self.env["ir.cron.progress"].search([("cron_id", "=", self.job.id)])
        return sum(progress.mapped("done"))

    def test_interrupted_run_restarted_ends_the_same(self):
        self.env["ir.cron.progress"].search([("cron_id", "=", self.job.id)]).unlink()
        # The server dies in the second batch: the first one is committed.
        self._run_job(fail_from_batch=2)
        self.assertEqual(self._classes(), ["concerned", "concerned", "normal", "normal", "normal"])
        self.assertEqual(self._dunning_counts(), [1, 1, 0, 0, 0])
        self.assertEqual(self._progress_done(), 2)
        # Restarted, the run classifies only what the first one left.
        calls = self._run_job()
        self.assertEqual(calls, 2, "three contracts left, two a batch")
        self.assertEqual(self._classes(), self.expected)
        self.assertEqual(self._dunning_counts(), [1, 1, 1, 1, 1])
        self.assertEqual(self._progress_done(), 5)
        # The next day's run has nothing to do and adds nothing.
        self.assertEqual(self._run_job(), 0)
        self.assertEqual(self._classes(), self.expected)
        self.assertEqual(self._dunning_counts(), [1, 1, 1, 1, 1])

    def test_failed_batch_is_retried_within_the_job(self):
        """A batch that fails once (a serialization error, say) after the first
        one committed: Odoo runs the action again in the same job, and it
        goes on from the data."""
        original_batch = self.registry["sale.order"]._backoffice_classify_batch
        state = {"calls": 0}

        def once_failing(records, pending):
            state["calls"] += 1
            if state["calls"] == 2:
                raise Interrupted
            return original_batch(records, pending)

        with patch.object(self.registry["sale.order"], "_backoffice_classify_batch", once_failing):
            self._run_job()
        self.assertEqual(self._classes(), self.expected)
        self.assertEqual(self._dunning_counts(), [1, 1, 1, 1, 1])

    def test_same_result_as_one_transaction(self):
        """Outside a cron job (a button, a shell) the run is one transaction
        and ends with the same classes and activities."""
        self.env["sale.order"]._cron_classify_receivables()
        self.assertEqual(self._classes(), self.expected)
        self.assertEqual(self._dunning_counts(), [1, 1, 1, 1, 1])

    def test_locked_contract_is_skipped_and_classified_next_time(self):
        """A contract a user is saving (its row locked by another transaction)
        is skipped without waiting, logged, and classified by the next run."""
        # A committed demo contract, the only row another connection can lock.
        demo_company = self.env.ref("base.main_company")
        # The scheduled action's view: every company (it runs as the superuser).
        env = self.env(su=True, context={"allowed_company_ids": (demo_company | self.company).ids})
        performance = env["backoffice.contract.performance"]
        performance.invalidate_model()
        rows = performance.search(
            [
                ("company_id", "=", demo_company.id),
                ("days_overdue", ">", 0),
                ("receivable_class", "!=", "concerned"),
                ("order_id.receivable_class_manual", "=", False),
            ]
        )
        self.assertTrue(
            rows,
            "the demo data has overdue contracts: %s"
            % performance.read_group(
                [], ["receivable_class"], ["company_id", "receivable_class"], lazy=False
            ),
        )
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        locked_order = None
        # The first contract this test's transaction has not written itself.
        for row in rows:
            try:
                other.execute(
                    SQL(
                        "SELECT id FROM sale_order WHERE id = %s FOR UPDATE NOWAIT",
                        row.order_id.id,
                    ),
                    log_exceptions=False,
                )
            except psycopg2.errors.LockNotAvailable:
                other.rollback()
                continue
            locked_order = row.order_id
            break
        try:
            self.assertTrue(locked_order)
            old_class = locked_order.receivable_class
            # From now on every overdue demo contract is "concerned".
            demo_company.write(
                {"receivable_concerned_days": 1, "receivable_doubtful_days": 100000}
            )
            # A plain FOR UPDATE would wait forever; fail after 5 s instead.
            self.env.cr.execute(SQL("SET LOCAL lock_timeout = 5000"))
            with self.assertLogs(MIXIN_LOGGER, "WARNING") as logs:
                env["sale.order"]._cron_classify_receivables()
            self.assertIn(str(locked_order.id), logs.output[0])
            locked_order.invalidate_recordset()
            self.assertEqual(locked_order.receivable_class, old_class)
            self.assertEqual(self._classes(), self.expected, "the others are classified")
        finally:
            other.rollback()
            other.close()
            self.env.cr.execute(SQL("SET LOCAL lock_timeout = 0"))
        env["sale.order"]._cron_classify_receivables()
        locked_order.invalidate_recordset()
        self.assertEqual(locked_order.receivable_class, "concerned")
