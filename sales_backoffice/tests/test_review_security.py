from psycopg2 import IntegrityError

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .test_sample import SampleCommon

# What an attacker sends over JSON-RPC: the flags the module used to trust.
FORGED = {"backoffice_sample_action": True, "backoffice_review_write": True}


@tagged("post_install", "-at_install")
class TestSampleReviewRules(SampleCommon):
    """Four-eyes rules of the review mixin, on sample registrations, with the
    old bypass flags forged on every call."""

    def _as(self, record, user):
        return record.with_user(user).with_context(**FORGED)

    def test_salesperson_cannot_approve_own_registration(self):
        sample = self._sample()
        self._as(sample, self.salesman).action_submit()
        with self.assertRaisesRegex(UserError, "actions only"):
            self._as(sample, self.salesman).write({"state": "approved"})
        with self.assertRaisesRegex(AccessError, "Only a Back Office User may review"):
            self._as(sample, self.salesman).action_approve()
        with self.assertRaisesRegex(AccessError, "Only a Back Office User may review"):
            self._as(sample, self.salesman)._do_approve()
        with self.assertRaises(AccessError):
            self.env["backoffice.sample.review"].with_user(self.salesman).with_context(
                **FORGED
            ).create(
                {"sample_id": sample.id, "reviewer_id": self.bo_user.id, "decision": "approve"}
            )
        with self.assertRaises(AccessError):
            self.env["backoffice.sample.decide"].with_user(self.salesman).with_context(
                **FORGED
            ).create({"sample_id": sample.id, "decision": "approve"})
        with self.assertRaisesRegex(UserError, "actions only"):
            self._as(sample, self.bo_manager).write({"state": "approved"})
        self.assertEqual(sample.state, "to_review")
        self.assertFalse(sample.review_ids)

    def test_protected_fields_refused_on_create(self):
        Sample = self.env["backoffice.sample"].with_user(self.bo_manager).with_context(**FORGED)
        for vals in (
            {"verified_by_id": self.bo_manager.id},
            {"date_verified": fields.Datetime.now()},
            {"date_dispatched": fields.Date.today()},
            {"review_round": 5},
            {"state": "done"},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                Sample.create({"partner_id": self.customer.id, **vals})
        with self.assertRaisesRegex(UserError, "requested by whoever enters it"):
            self.env["backoffice.sample"].with_user(self.bo_user).create(
                {"partner_id": self.customer.id, "requested_by_id": self.salesman.id}
            )
        self.assertFalse(
            self.env["backoffice.sample"].search([("partner_id", "=", self.customer.id)])
        )

    def test_incoming_verification_cannot_be_forged(self):
        document = self._sample(
            direction="incoming",
            material_type="certificate",
            line_ids=[(0, 0, {"description": "Licence", "quantity": 1, "is_returnable": False})],
        )
        forged = {
            "state": "done",
            "verified_by_id": self.bo_user.id,
            "date_verified": fields.Datetime.now(),
        }
        for user in (self.salesman, self.bo_user, self.bo_manager):
            with self.subTest(user=user.login), self.assertRaisesRegex(UserError, "actions only"):
                self._as(document, user).write(forged)
        with self.assertRaisesRegex(AccessError, "Only a Back Office User may verify"):
            self._as(document, self.salesman).action_verify()
        self.assertEqual(document.state, "draft")
        self.assertFalse(document.verified_by_id or document.date_verified)
        # The back office verifies it, and the requester never does.
        own = self._sample(
            user=self.bo_user,
            direction="incoming",
            line_ids=[(0, 0, {"description": "Certificate", "quantity": 1})],
        )
        with self.assertRaisesRegex(UserError, "cannot review"):
            self._as(own, self.bo_user).action_verify()
        self._as(document, self.bo_user).action_verify()
        self.assertEqual((document.state, document.verified_by_id), ("done", self.bo_user))

    def test_new_round_after_reset(self):
        sample = self._sample()
        sample.action_submit()
        self._decide(sample, self.bo_user, "approve")
        self._as(sample, self.bo_user).action_cancel()
        self._as(sample, self.salesman).action_reset_to_draft()
        self.assertEqual((sample.state, sample.review_round), ("draft", 2))
        self.assertEqual(sample.review_approval_count, 0)
        sample.action_submit()
        # The approval of the first round no longer counts.
        self._decide(sample, self.bo_user2, "approve")
        self.assertEqual((sample.state, sample.review_approval_count), ("to_review", 1))
        with self.assertRaisesRegex(UserError, "needs 2 approvals"):
            self._as(sample, self.bo_user).action_dispatch()
        # The first reviewer decides again in the new round.
        self._decide(sample, self.bo_user, "approve")
        self.assertEqual(sample.state, "approved")
        self.assertEqual(len(sample.review_ids), 3)
        self.assertEqual(sorted(sample.review_ids.mapped("review_round")), [1, 2, 2])
        # Nobody moves the round back by hand.
        with self.assertRaisesRegex(UserError, "actions only"):
            self._as(sample, self.bo_manager).write({"review_round": 1})

    def test_requester_is_fixed_and_copy_resets_it(self):
        sample = self._sample()
        for user in (self.salesman, self.bo_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._as(sample, user).write({"requested_by_id": self.bo_user.id})
        self.assertEqual(sample.requested_by_id, self.salesman)
        # A Back Office Manager may correct it; the change is tracked.
        self._as(sample, self.bo_manager).write({"requested_by_id": self.other_salesman.id})
        self.assertEqual(sample.requested_by_id, self.other_salesman)
        copy = self._as(sample, self.bo_user).copy()
        self.assertEqual(
            (copy.requested_by_id, copy.state, copy.review_round, copy.review_ids),
            (self.bo_user, "draft", 1, self.env["backoffice.sample.review"]),
        )
        copy = self._as(sample, self.bo_user).copy({"requested_by_id": self.salesman.id})
        self.assertEqual(copy.requested_by_id, self.bo_user)

    def test_nobody_reviews_what_they_asked_for_or_entered(self):
        # A back-office user enters a registration and hands it to a salesperson.
        sample = self._sample(user=self.bo_user, user_id=self.salesman.id)
        with self.assertRaises(AccessError):
            self._as(sample, self.bo_user).write({"requested_by_id": self.salesman.id})
        self._as(sample, self.bo_manager).write({"requested_by_id": self.salesman.id})
        sample.action_submit()
        with self.assertRaisesRegex(AccessError, "cannot review"):
            self._as(sample, self.bo_user)._do_approve()
        self.assertFalse(sample.with_user(self.bo_user).can_review)
        # Managers are no exception.
        own = self._sample(user=self.bo_manager)
        own.action_submit()
        with self.assertRaisesRegex(AccessError, "cannot review"):
            self._as(own, self.bo_manager)._do_approve("mine")
        with self.assertRaisesRegex(AccessError, "cannot review"):
            self._as(own, self.bo_manager).action_reject()
        self.assertFalse((sample | own).review_ids)

    def test_actions_check_group_and_state(self):
        mine = self._sample()
        theirs = self._sample(user=self.other_salesman)
        with self.assertRaisesRegex(AccessError, "not theirs"):
            self._as(mine, self.stock_user).action_submit()
        with self.assertRaisesRegex(AccessError, "not theirs"):
            self._as(theirs, self.stock_user).action_cancel()
        self.assertEqual((mine | theirs).sudo().mapped("state"), ["draft", "draft"])
        self._as(mine, self.salesman).action_cancel()
        self.assertEqual(mine.state, "cancel")
        self._as(mine, self.salesman).action_reset_to_draft()
        self._as(mine, self.salesman).action_submit()
        with self.assertRaisesRegex(AccessError, "only the back office cancels"):
            self._as(mine, self.salesman).action_cancel()
        with self.assertRaisesRegex(UserError, "not a draft"):
            self._as(mine, self.salesman).action_submit()
        with self.assertRaisesRegex(UserError, "not waiting for a review"):
            self._as(theirs, self.bo_user)._do_approve()
        for method in ("action_dispatch", "action_post_fee", "action_register_return"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(self._as(mine, self.salesman), method)()
        with self.assertRaisesRegex(UserError, "has not been dispatched"):
            self._as(mine, self.bo_user).action_register_return()
        with self.assertRaisesRegex(UserError, "has not been dispatched"):
            self._as(mine, self.bo_user).action_post_fee()
        with self.assertRaises(AccessError):
            self.env["backoffice.sample.return"].with_user(self.salesman).create(
                {"sample_id": mine.id}
            )
        with self.assertRaises(AccessError):
            self._as(mine, self.env.ref("base.public_user")).action_export_xlsx()
        self.assertEqual(mine.state, "to_review")

    def test_review_unique_per_round_in_database(self):
        sample = self._sample()
        sample.action_submit()
        Review = self.env["backoffice.sample.review"].sudo()
        vals = {"sample_id": sample.id, "reviewer_id": self.bo_user.id, "decision": "approve"}
        Review.create(vals)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            Review.create(vals)
        Review.create({**vals, "review_round": 2})
        for table in ("backoffice_sample_review", "backoffice_expense_claim_review"):
            self.env.cr.execute(
                SQL(
                    "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexdef ILIKE %s",
                    table,
                    "%UNIQUE%review_round%reviewer_id%",
                )
            )
            self.assertEqual(len(self.env.cr.fetchall()), 1, table)


@tagged("post_install", "-at_install")
class TestSampleItemLock(SampleCommon):
    """Items follow their registration: frozen once it has left draft."""

    def _as(self, record, user):
        return record.with_user(user).with_context(**FORGED)

    def test_items_of_a_submitted_registration_are_frozen(self):
        sample = self._approved()
        draft = self._sample()
        line = sample.line_ids.filtered("product_id")
        Line = self.env["backoffice.sample.line"]
        for user in (self.salesman, self.bo_user, self.bo_manager):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "has left draft"):
                    self._as(line, user).write({"quantity": 300})
                with self.assertRaisesRegex(UserError, "has left draft"):
                    self._as(Line, user).create(
                        {"sample_id": sample.id, "description": "Extra", "quantity": 9}
                    )
                with self.assertRaisesRegex(UserError, "has left draft"):
                    self._as(line, user).unlink()
                # Moved away, or moved in.
                with self.assertRaisesRegex(UserError, "has left draft"):
                    self._as(line, user).write({"sample_id": draft.id})
                with self.assertRaisesRegex(UserError, "has left draft"):
                    self._as(draft.line_ids[:1], user).write({"sample_id": sample.id})
                with self.assertRaisesRegex(
                    UserError, "stay as they were submitted|Only the back office"
                ):
                    self._as(sample, user).write(
                        {"line_ids": [Command.update(line.id, {"quantity": 300})]}
                    )
        for vals in ({"is_consumed": True}, {"qty_returned_untracked": 5}):
            with self.subTest(vals=vals), self.assertRaisesRegex(UserError, "return registration"):
                self._as(draft.line_ids[:1], self.salesman).write(vals)
        self.assertEqual(line.quantity, 3)
        self.assertEqual(len(sample.line_ids), 2)
        # The salesperson cannot dispatch, and what leaves is what was approved.
        with self.assertRaisesRegex(AccessError, "Only a Back Office User may dispatch"):
            self._as(sample, self.salesman).action_dispatch()
        self.assertFalse(sample.picking_ids)
        before = self._on_hand()
        self._as(sample, self.bo_user).action_dispatch()
        self.assertEqual(self._on_hand(), before - 3)
        # The module's own return registration still updates them.
        wizard = (
            self.env["backoffice.sample.return"]
            .with_user(self.bo_user)
            .create({"sample_id": sample.id})
        )
        wizard.line_ids.quantity = 3
        wizard.action_confirm()
        self.assertEqual((line.qty_returned, sample.state), (3, "done"))

    def test_return_wizard_only_takes_the_registration_items(self):
        sample = self._approved()
        other = self._approved()
        sample.with_user(self.bo_user).action_dispatch()
        other.with_user(self.bo_user).action_dispatch()
        wizard = (
            self.env["backoffice.sample.return"]
            .with_user(self.bo_user)
            .create({"sample_id": sample.id})
        )
        wizard.line_ids = [
            Command.create(
                {"sample_line_id": other.line_ids.filtered("product_id").id, "quantity": 1}
            )
        ]
        with self.assertRaisesRegex(ValidationError, "is not an item of"):
            wizard.action_confirm()
        self.assertEqual(other.line_ids.filtered("product_id").qty_returned, 0)

    def test_transfer_links_cannot_be_forged(self):
        sample = self._approved()
        sample.with_user(self.bo_user).action_dispatch()
        line = sample.line_ids.filtered("product_id")
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.int_type_id.id,
                "location_id": self.company.sample_location_id.id,
                "location_dest_id": self.warehouse.lot_stock_id.id,
            }
        )
        with self.assertRaises(AccessError):
            picking.with_user(self.stock_user).write({"backoffice_sample_id": sample.id})
        with self.assertRaises(AccessError):
            self.env["stock.move"].with_user(self.stock_user).create(
                {
                    "picking_id": picking.id,
                    "product_id": self.product_valve.id,
                    "product_uom_qty": 3,
                    "location_id": picking.location_id.id,
                    "location_dest_id": picking.location_dest_id.id,
                    "backoffice_sample_line_id": line.id,
                }
            )
        self.assertEqual(sample.picking_ids.location_dest_id, self.company.sample_location_id)

    def test_other_company_records_refused(self):
        other = self.setup_other_company()["company"]
        foreign_partner = self.env["res.partner"].create(
            {"name": "Foreign Buyer", "company_id": other.id}
        )
        foreign_product = self.env["product.product"].create(
            {"name": "Foreign Valve", "type": "consu", "company_id": other.id}
        )
        # The company check holds whatever the rights of the caller.
        Sample = self.env["backoffice.sample"].sudo()
        vals = {"company_id": self.company.id, "partner_id": foreign_partner.id}
        with self.assertRaisesRegex(UserError, "belongs to another company"):
            Sample.create(vals)
        with self.assertRaisesRegex(UserError, "belongs to another company"):
            Sample.create(
                {
                    "company_id": self.company.id,
                    "line_ids": [(0, 0, {"product_id": foreign_product.id, "quantity": 1})],
                }
            )
        sample = self._sample()
        with self.assertRaisesRegex(UserError, "belongs to another company"):
            sample.sudo().write({"carrier_partner_id": foreign_partner.id})
        with self.assertRaises(UserError):
            sample.with_user(self.bo_user).write({"carrier_partner_id": foreign_partner.id})
        self.assertFalse(sample.carrier_partner_id)
