import threading
import uuid
from contextlib import closing, contextmanager
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.modules.registry import DummyRLock, Registry
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL, mute_logger


@tagged("post_install", "-at_install")
class TestSampleReviewConcurrency(TransactionCase):
    """Two requests of one reviewer approving the same registration at the
    same time, each in its own real transaction: one decision is recorded, the
    other request gets a clear error.

    The test transaction is invisible to other connections, so the setup is
    committed through a separate connection and removed again in a cleanup."""

    @contextmanager
    def _real_env(self, uid=SUPERUSER_ID):
        """An environment on a real connection of its own (not the test's)."""
        with closing(db_connect(self.env.cr.dbname).cursor()) as cr:
            # Never hang the suite on a lock held by the test transaction.
            cr.execute(SQL("SET LOCAL lock_timeout = %s", "20s"))
            yield api.Environment(cr, uid, {})

    def setUp(self):
        super().setUp()
        # The test runner holds the registry lock; the requests' threads need
        # the registry too (as in HttpCase, which lifts it the same way).
        self.startPatcher(patch.object(Registry, "_lock", DummyRLock()))
        tag = uuid.uuid4().hex[:8]
        with self._real_env() as env:
            env = env(context={"no_reset_password": True})
            company = env.ref("base.main_company")
            user_vals = {"company_id": company.id, "company_ids": [(6, 0, company.ids)]}
            requester = new_test_user(
                env,
                login=f"bo_race_requester_{tag}",
                groups="sales_team.group_sale_salesman",
                **user_vals,
            )
            reviewer = new_test_user(
                env,
                login=f"bo_race_reviewer_{tag}",
                groups="sales_backoffice.group_backoffice_user",
                **user_vals,
            )
            sample = (
                env["backoffice.sample"]
                .with_user(requester)
                .create(
                    {
                        "name": f"RACE/{tag}",
                        "company_id": company.id,
                        "line_ids": [(0, 0, {"description": "Colour card", "quantity": 1})],
                    }
                )
            )
            sample.action_submit()
            env.cr.commit()
            self.users = (requester | reviewer).ids
            self.partners = (requester | reviewer).partner_id.ids
            self.reviewer_id = reviewer.id
            self.sample_id = sample.id
        self.addCleanup(self._remove_committed)

    def _remove_committed(self):
        with self._real_env() as env:
            for query in (
                SQL("DELETE FROM backoffice_sample_review WHERE sample_id = %s", self.sample_id),
                SQL("DELETE FROM backoffice_sample WHERE id = %s", self.sample_id),
                SQL(
                    "DELETE FROM mail_message WHERE model = %s AND res_id = %s",
                    "backoffice.sample",
                    self.sample_id,
                ),
                SQL(
                    "DELETE FROM mail_followers WHERE res_model = %s AND res_id = %s",
                    "backoffice.sample",
                    self.sample_id,
                ),
            ):
                env.cr.execute(query)
            env["res.users"].browse(self.users).unlink()
            env["res.partner"].browse(self.partners).unlink()
            env.cr.commit()

    def _approve(self, label, ready, decided, outcome):
        """One request: approve, wait until the other request has decided too,
        then commit (the winner) or roll back (the loser)."""
        try:
            with self._real_env(self.reviewer_id) as env:
                ready.wait()
                try:
                    env["backoffice.sample"].browse(self.sample_id)._do_approve(label)
                    env.flush_all()
                    outcome[label] = "approved"
                except UserError as error:
                    outcome[label] = error
                    env.cr.rollback()
                # Hold the winner's transaction (and its lock) open until the
                # loser has tried.
                decided.wait()
                if outcome[label] == "approved":
                    env.cr.commit()
        except Exception as error:  # reported by the test below
            outcome[label] = error
            ready.abort()
            decided.abort()

    def test_same_reviewer_approves_twice_at_once(self):
        ready, decided = threading.Barrier(2, timeout=60), threading.Barrier(2, timeout=60)
        outcome = {}
        threads = [
            threading.Thread(target=self._approve, args=(label, ready, decided, outcome))
            for label in ("first request", "second request")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(any(thread.is_alive() for thread in threads))

        winners = [label for label, result in outcome.items() if result == "approved"]
        losers = [result for result in outcome.values() if result != "approved"]
        self.assertEqual(len(winners), 1, outcome)
        self.assertEqual(len(losers), 1, outcome)
        self.assertIsInstance(losers[0], UserError, outcome)
        self.assertRegex(str(losers[0]), "recording a decision on .* right now")
        with self._real_env() as env:
            sample = env["backoffice.sample"].browse(self.sample_id)
            self.assertEqual(len(sample.review_ids), 1)
            self.assertEqual(sample.review_ids.reviewer_id.id, self.reviewer_id)
            self.assertEqual(sample.review_ids.comment, winners[0])
            self.assertEqual((sample.state, sample.review_approval_count), ("to_review", 1))

    def test_same_reviewer_after_a_committed_decision(self):
        """The second request comes after the first one committed: refused,
        still one review."""
        with self._real_env(self.reviewer_id) as env:
            env["backoffice.sample"].browse(self.sample_id)._do_approve("first")
            env.cr.commit()
        with self._real_env(self.reviewer_id) as env:
            with self.assertRaisesRegex(UserError, "already reviewed"):
                env["backoffice.sample"].browse(self.sample_id)._do_approve("second")
            env.cr.rollback()
        with self._real_env() as env:
            self.assertEqual(len(env["backoffice.sample"].browse(self.sample_id).review_ids), 1)

    def test_same_reviewer_from_an_older_snapshot(self):
        """The second request's transaction started before the first one
        committed, so it does not see that decision: the unique index refuses
        the duplicate and the request gets a clear error."""
        with self._real_env(self.reviewer_id) as late_env:
            late = late_env["backoffice.sample"].browse(self.sample_id)
            self.assertEqual(late.state, "to_review")  # takes the snapshot
            with self._real_env(self.reviewer_id) as env:
                env["backoffice.sample"].browse(self.sample_id)._do_approve("first")
                env.cr.commit()
            with mute_logger("odoo.sql_db"), self.assertRaisesRegex(UserError, "already reviewed"):
                late._do_approve("second")
            late_env.cr.rollback()
        with self._real_env() as env:
            reviews = env["backoffice.sample"].browse(self.sample_id).review_ids
            self.assertEqual(reviews.mapped("comment"), ["first"])
