import base64
from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .test_expense import ExpenseCommon

# What an attacker sends along over JSON-RPC, hoping for a bypass.
FORGED = {
    "backoffice_claim_action": True,
    "backoffice_review_write": True,
    "tracking_disable": True,
}


@tagged("post_install", "-at_install")
class TestExpenseSecurity(ExpenseCommon):
    """Who may do what on a claim, decided by the methods that act, whatever
    the context says."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        user_vals = {
            "company_id": cls.company.id,
            "company_ids": [Command.set(cls.company.ids)],
        }
        cls.bo_manager2 = new_test_user(
            cls.env,
            login="bo_manager_sec2",
            name="Mia Manager",
            groups="sales_backoffice.group_backoffice_manager",
            **user_vals,
        )
        cls.bo_user2 = new_test_user(
            cls.env,
            login="bo_user_sec2",
            name="Ben Backoffice",
            groups="sales_backoffice.group_backoffice_user",
            **user_vals,
        )

    def _submitted(self, user=None, **vals):
        claim = self._claim(user=user, **vals)
        claim.with_user(user or self.salesman).action_submit()
        return claim

    def _blocked(self, user=None):
        """A submitted claim with a hotel night and no receipt."""
        claim = self._claim(
            [{"date": self.monday, "category_id": self.hotel.id, "amount": 250.0}], user=user
        )
        claim.with_user(user or self.salesman).action_submit()
        return claim

    # ------------------------------------------------------- forged context
    def test_forged_context_changes_nothing(self):
        claim = self._claim()
        forged = claim.with_user(self.salesman).with_context(**FORGED)
        for vals in (
            {"state": "approved"},
            {"approval_state": "approved"},
            {"auditor_id": self.bo_user.id},
            {"approver_id": self.bo_manager.id},
            {"date_approved": date.today()},
            {"refuse_reason": "x"},
            {"amount_approved": 9999.0},
            {"move_id": self.env["account.move"].search([], limit=1).id},
        ):
            with self.assertRaisesRegex(UserError, "actions only"):
                forged.write(vals)
        with self.assertRaises(AccessError):
            forged.action_post()
        with self.assertRaises(AccessError):
            forged.action_audit()
        with self.assertRaises(AccessError):
            forged.action_approve()
        Claim = (
            self.env["backoffice.expense.claim"].with_user(self.salesman).with_context(**FORGED)
        )
        for vals in (
            {"state": "approved"},
            {"approval_state": "audited"},
            {"auditor_id": self.bo_user.id},
        ):
            with self.assertRaisesRegex(UserError, "starts as a draft"):
                Claim.create({"date_from": self.monday, "date_to": self.monday, **vals})
        self.assertEqual((claim.state, claim.approval_state), ("draft", "draft"))
        self.assertFalse(claim.move_id or claim.review_ids or claim.auditor_id)
        self.assertEqual(Claim.search_count([]), 1)

    def test_forged_context_on_lines(self):
        claim = self._approved_claim()
        claim.with_user(self.bo_manager).action_post()
        self.assertEqual(claim.state, "posted")
        Line = self.env["backoffice.expense.claim.line"]
        line_vals = {
            "claim_id": claim.id,
            "date": self.monday,
            "category_id": self.meals.id,
            "amount": 50.0,
        }
        for user in (self.salesman, self.bo_user, self.bo_manager):
            with self.assertRaisesRegex(UserError, "lines are locked"):
                Line.with_user(user).with_context(**FORGED).create(line_vals)
            with self.assertRaisesRegex(UserError, "lines are locked"):
                claim.with_user(user).with_context(**FORGED).write(
                    {"line_ids": [Command.create(dict(line_vals, claim_id=False))]}
                )
            with self.assertRaisesRegex(UserError, "lines are locked"):
                claim.line_ids[:1].with_user(user).with_context(**FORGED).amount = 1.0
            with self.assertRaisesRegex(UserError, "lines are locked"):
                claim.line_ids[:1].with_user(user).with_context(**FORGED).unlink()
        self.assertEqual(len(claim.line_ids), 2)
        self.assertAlmostEqual(claim.amount_claimed, 500.0)

    def test_computed_fields_are_not_written(self):
        claim = self._claim()
        line = claim.line_ids[:1]
        for vals in ({"state": "paid"}, {"user_id": self.other_salesman.id}, {"company_id": 1}):
            with self.assertRaisesRegex(UserError, "computed"):
                line.with_user(self.salesman).write(vals)
        with self.assertRaisesRegex(UserError, "set by the audit"):
            self.env["backoffice.expense.claim.line"].with_user(self.salesman).create(
                {
                    "claim_id": claim.id,
                    "date": self.monday,
                    "category_id": self.meals.id,
                    "amount": 50.0,
                    "amount_approved": 50.0,
                }
            )
        with self.assertRaisesRegex(UserError, "actions only"):
            claim.with_user(self.salesman).write({"amount_claimed": 1.0})
        self.assertEqual(line.state, "draft")

    # ------------------------------------------------------------ claimant
    def test_claimant_is_fixed(self):
        claim = self._claim(user=self.bo_user)
        with self.assertRaisesRegex(AccessError, "only a Back Office Manager"):
            claim.with_user(self.bo_user).user_id = self.salesman
        with self.assertRaisesRegex(AccessError, "only a Back Office Manager"):
            claim.with_user(self.bo_user).with_context(**FORGED).user_id = self.salesman
        claim.with_user(self.bo_user).action_submit()
        with self.assertRaises(AccessError):
            claim.with_user(self.bo_user).action_audit()
        self.assertEqual((claim.user_id, claim.state), (self.bo_user, "submitted"))

        # A claim created for someone else is not audited by its creator either.
        on_behalf = self._claim(user=self.bo_user, ref="H-002", user_id=self.salesman.id)
        on_behalf.with_user(self.bo_user).action_submit()
        with self.assertRaisesRegex(AccessError, "cannot review"):
            on_behalf.with_user(self.bo_user).action_audit()
        on_behalf.with_user(self.bo_user2).action_audit()

        # A manager reassigns a draft claim, never one of their own.
        draft = self._claim()
        draft.with_user(self.bo_manager).user_id = self.other_salesman
        self.assertEqual(draft.user_id, self.other_salesman)
        own = self._claim(user=self.bo_manager)
        with self.assertRaisesRegex(AccessError, "your own claim"):
            own.with_user(self.bo_manager).user_id = self.salesman
        submitted = self._submitted()
        with self.assertRaisesRegex(UserError, "reset it to draft"):
            submitted.with_user(self.bo_manager).user_id = self.other_salesman

    def test_copy_belongs_to_the_copying_user(self):
        claim = self._approved_claim()
        copy = claim.with_user(self.bo_manager).copy({"user_id": self.salesman.id})
        self.assertEqual(copy.user_id, self.bo_manager)
        self.assertEqual(
            (copy.state, copy.auditor_id.id, copy.review_ids.ids), ("draft", False, [])
        )
        self.assertEqual(len(copy.line_ids), 2)
        self.assertFalse(copy.line_ids.attachment_ids)
        with self.assertRaisesRegex(UserError, "starts as a draft"):
            claim.with_user(self.bo_manager).copy({"approval_state": "approved"})
        mine = self._claim()
        copy = mine.with_user(self.salesman).copy({"user_id": self.other_salesman.id})
        self.assertEqual(copy.user_id, self.salesman)

    def test_nobody_decides_on_own_claim(self):
        claim = self._blocked(user=self.bo_manager)
        for method in ("action_waive_findings", "action_refuse", "action_audit"):
            with self.assertRaisesRegex(AccessError, "cannot review"):
                getattr(claim.with_user(self.bo_manager), method)()
        with self.assertRaisesRegex(AccessError, "cannot review"):
            claim.with_user(self.bo_manager)._do_waive_findings("my own call")
        with self.assertRaisesRegex(AccessError, "cannot review"):
            claim.with_user(self.bo_manager).with_context(**FORGED)._do_refuse("no")
        self.assertFalse(claim.finding_ids.waived_by_id)
        # Another manager waives, another user audits; the claimant never approves.
        claim.with_user(self.bo_manager2)._do_waive_findings("Receipt confirmed by phone")
        claim.with_user(self.bo_user).action_audit()
        with self.assertRaisesRegex(AccessError, "cannot review"):
            claim.with_user(self.bo_manager).action_approve()
        claim.with_user(self.bo_manager2).action_approve()
        # Nor posts it, though Back Office Users and finance post claims.
        with self.assertRaisesRegex(AccessError, "cannot review"):
            claim.with_user(self.bo_manager).action_post()
        self.assertEqual(claim.state, "approved")

    def test_who_may_act(self):
        claim = self._submitted()
        with self.assertRaises(AccessError):
            claim.with_user(self.other_salesman).action_reset_to_draft()
        for user in (self.salesman, self.accountant):
            with self.assertRaises(AccessError):
                claim.with_user(user).action_audit()
            with self.assertRaises(AccessError):
                claim.with_user(user).action_refuse()
        with self.assertRaises(AccessError):
            claim.with_user(self.bo_user).action_approve()
        with self.assertRaises(AccessError):
            claim.with_user(self.bo_user).action_waive_findings()
        claim.with_user(self.bo_user).action_audit()
        with self.assertRaisesRegex(UserError, "must be approved"):
            claim.with_user(self.bo_manager).action_post()
        claim.with_user(self.bo_manager).action_approve()
        with self.assertRaises(AccessError):
            claim.with_user(self.salesman).action_post()
        with self.assertRaises(AccessError):
            claim.with_user(self.accountant).action_reset_to_draft()
        with self.assertRaisesRegex(UserError, "Only submitted or refused"):
            claim.with_user(self.salesman).action_reset_to_draft()
        with self.assertRaisesRegex(UserError, "draft claims only"):
            claim.with_user(self.salesman).action_open_import()
        self.assertEqual(claim.state, "approved")

    # --------------------------------------------------------------- refuse
    def test_refuse_through_the_dialog(self):
        claim = self._submitted()
        action = claim.with_user(self.bo_user).action_refuse()
        self.assertEqual(
            (action["res_model"], action["target"], action["context"]["default_action"]),
            ("backoffice.expense.decide", "new", "refuse"),
        )
        Decide = self.env["backoffice.expense.decide"]
        # A dialog aimed at a claim its user may not decide on does nothing.
        own = self._submitted(user=self.bo_user2)
        with self.assertRaisesRegex(AccessError, "cannot review"):
            Decide.with_user(self.bo_user2).create(
                {"claim_id": own.id, "action": "refuse", "reason": "mine"}
            ).action_confirm()
        with self.assertRaisesRegex(AccessError, "Back Office Manager"):
            Decide.with_user(self.bo_user).create(
                {"claim_id": own.id, "action": "waive", "reason": "fine"}
            ).action_confirm()
        with self.assertRaisesRegex(UserError, "Say why"):
            claim.with_user(self.bo_user)._do_refuse(" ")
        form = Form(Decide.with_user(self.bo_user).with_context(**action["context"]))
        form.reason = "Trip not agreed with the customer"
        form.save().action_confirm()
        self.assertEqual(
            (claim.state, claim.refuse_reason, claim.review_ids.decision),
            ("refused", "Trip not agreed with the customer", "reject"),
        )
        self.assertEqual(own.state, "submitted")
        with self.assertRaisesRegex(UserError, "cannot be refused"):
            claim.with_user(self.bo_user2).action_refuse()

    # --------------------------------------------------------------- lines
    def test_lines_follow_their_claim(self):
        draft = self._claim(lines=[])
        approved = self._approved_claim()
        submitted = self._submitted(
            lines=[{"date": self.monday, "category_id": self.meals.id, "amount": 20.0}]
        )
        approved_line = approved.line_ids[:1]
        draft_line = (
            self.env["backoffice.expense.claim.line"]
            .sudo()
            .create(
                {
                    "claim_id": draft.id,
                    "date": self.monday,
                    "category_id": self.meals.id,
                    "amount": 30.0,
                }
            )
        )
        for user in (self.salesman, self.bo_user, self.bo_manager):
            # Into an approved claim, out of an approved claim.
            with self.assertRaisesRegex(UserError, "lines are locked"):
                draft_line.with_user(user).with_context(**FORGED).claim_id = approved
            with self.assertRaisesRegex(UserError, "lines are locked"):
                approved_line.with_user(user).claim_id = draft
            with self.assertRaisesRegex(UserError, "lines are locked"):
                draft_line.with_user(user).claim_id = submitted
        # Nor into another person's claim.
        theirs = self._claim(user=self.other_salesman, lines=[])
        with self.assertRaises(AccessError):
            draft_line.with_user(self.salesman).claim_id = theirs
        self.assertEqual((draft_line.claim_id, approved_line.claim_id), (draft, approved))
        # Between the claimant's own draft claims, a line moves.
        other_draft = self._claim(lines=[])
        draft_line.with_user(self.salesman).claim_id = other_draft
        self.assertEqual(other_draft.line_ids, draft_line)

    def test_audit_adjusts_submitted_lines_only(self):
        claim = self._claim()
        hotel = claim.line_ids.filtered(lambda line: line.category_id == self.hotel)
        adjust = {"amount_approved": 300.0, "adjust_reason": "Hotel cap"}
        for user in (self.salesman, self.bo_user):
            with self.assertRaises(UserError):
                hotel.with_user(user).write(adjust)
        claim.action_submit()
        with self.assertRaisesRegex(UserError, "claimant does not adjust"):
            hotel.with_user(self.salesman).with_context(**FORGED).write(adjust)
        with self.assertRaisesRegex(UserError, "lines are locked"):
            hotel.with_user(self.bo_user).amount = 100.0
        with self.assertRaisesRegex(UserError, "lines are locked"):
            hotel.with_user(self.bo_user).write(dict(adjust, amount=100.0))
        claim.with_user(self.bo_user).write({"line_ids": [Command.update(hotel.id, adjust)]})
        self.assertAlmostEqual(claim.amount_approved, 380.0)
        claim.with_user(self.bo_user).action_audit()
        with self.assertRaisesRegex(UserError, "approved amounts are fixed"):
            hotel.with_user(self.bo_manager).write({"amount_approved": 100.0})
        self.assertAlmostEqual(claim.amount_approved, 380.0)

    # ------------------------------------------------------------ receipts
    def test_receipts_freeze_with_the_audit(self):
        claim = self._submitted()
        receipt = claim.line_ids.attachment_ids
        line = claim.line_ids.filtered("attachment_ids")
        self.assertEqual((receipt.res_model, receipt.res_id), (line._name, line.id))
        claim.with_user(self.bo_user).action_audit()
        Attachment = self.env["ir.attachment"]
        fake = base64.b64encode(b"%PDF-1.4 another receipt")
        for user in (self.salesman, self.bo_user, self.bo_manager):
            with self.assertRaisesRegex(UserError, "frozen"):
                receipt.with_user(user).with_context(**FORGED).datas = fake
            with self.assertRaisesRegex(UserError, "frozen"):
                receipt.with_user(user).write({"res_id": claim.id, "res_model": claim._name})
            with self.assertRaisesRegex(UserError, "frozen"):
                receipt.with_user(user).unlink()
            for res_model, res_id in ((line._name, line.id), (claim._name, claim.id)):
                with self.assertRaisesRegex(UserError, "frozen"):
                    Attachment.with_user(user).create(
                        {
                            "name": "new.pdf",
                            "datas": fake,
                            "res_model": res_model,
                            "res_id": res_id,
                        }
                    )
        with self.assertRaisesRegex(UserError, "lines are locked"):
            line.with_user(self.salesman).attachment_ids = [Command.clear()]
        self.assertEqual(line.attachment_ids, receipt)
        self.assertEqual(base64.b64decode(receipt.datas), b"%PDF-1.4 receipt")
        # Automated flows (superuser) are not blocked.
        receipt.sudo().write({"description": "Checked by the archive job"})

    def test_receipts_open_while_draft(self):
        claim = self._claim()
        line = claim.line_ids.filtered("attachment_ids")
        receipt = line.attachment_ids
        receipt.with_user(self.salesman).datas = base64.b64encode(b"%PDF-1.4 better scan")
        other = self._claim(lines=[])
        # A receipt of another line is not taken over; a new upload is.
        with self.assertRaisesRegex(UserError, "belongs to another document"):
            self.env["backoffice.expense.claim.line"].with_user(self.salesman).create(
                {
                    "claim_id": other.id,
                    "date": self.monday,
                    "category_id": self.hotel.id,
                    "amount": 120.0,
                    "attachment_ids": [Command.set(receipt.ids)],
                }
            )
        with self.assertRaises(UserError):
            self.env["backoffice.expense.claim.line"].with_user(self.salesman).create(
                {
                    "claim_id": other.id,
                    "date": self.monday,
                    "category_id": self.hotel.id,
                    "amount": 120.0,
                    "attachment_ids": [Command.set(self._receipt(self.other_salesman).ids)],
                }
            )
        new = self._receipt()
        line.with_user(self.salesman).attachment_ids = [Command.set(new.ids)]
        self.assertEqual((new.res_model, new.res_id), (line._name, line.id))
        receipt.with_user(self.salesman).unlink()

    # -------------------------------------------------------------- budgets
    def test_budget_figures_for_the_back_office_only(self):
        team = self.env["crm.team"].sudo().create({"name": "East", "company_id": self.company.id})
        self.env["backoffice.expense.budget"].sudo().create(
            {
                "team_id": team.id,
                "company_id": self.company.id,
                "date_from": self.monday - timedelta(days=30),
                "date_to": self.monday + timedelta(days=30),
                "amount": 300.0,
                "mode": "warn",
            }
        )
        claim = self._submitted(team_id=team.id)
        finding = claim.finding_ids.filtered(lambda f: f.rule == "over_budget")
        self.assertTrue(finding)
        seen = finding.with_user(self.salesman)
        self.assertEqual(seen.message, "This claim goes over a budget.")
        self.assertNotIn("300", seen.message)
        with self.assertRaises(AccessError):
            seen.read(["detail"])
        with self.assertRaises(AccessError):
            self.env["backoffice.expense.budget"].with_user(self.salesman).search([])
        detail = finding.with_user(self.bo_user).detail
        self.assertIn("East", detail)
        self.assertIn("500", detail)
        self.assertIn("300", detail)

    # ------------------------------------------------------------ companies
    def test_records_of_another_company_are_refused(self):
        other = self.env["res.company"].sudo().create({"name": "Other Trading Co"})
        account = (
            self.env["account.account"]
            .sudo()
            .create(
                {
                    "name": "Travel",
                    "code": "629900",
                    "account_type": "expense",
                    "company_ids": [Command.set(other.ids)],
                }
            )
        )
        foreign_category = (
            self.env["backoffice.expense.category"]
            .sudo()
            .create({"name": "Hotel abroad", "account_id": account.id, "company_id": other.id})
        )
        foreign_order = (
            self.env["sale.order"]
            .sudo()
            .create({"partner_id": self.customer.id, "company_id": other.id})
        )
        # The manager works in both companies: only the consistency check refuses.
        self.bo_manager.sudo().company_ids = [Command.link(other.id)]
        env = self.env(
            user=self.bo_manager, context={"allowed_company_ids": [self.company.id, other.id]}
        )
        Claim = env["backoffice.expense.claim"]
        trip = {"company_id": self.company.id, "date_from": self.monday, "date_to": self.monday}
        line = {"date": self.monday, "category_id": self.meals.id, "amount": 10.0}
        with self.assertRaisesRegex(UserError, "(?i)compan"):
            Claim.create(
                dict(trip, line_ids=[Command.create(dict(line, category_id=foreign_category.id))])
            )
        with self.assertRaisesRegex(UserError, "(?i)compan"):
            Claim.create(dict(trip, order_ids=[Command.set(foreign_order.ids)]))
        claim = Claim.create(dict(trip, line_ids=[Command.create(line)]))
        with self.assertRaisesRegex(UserError, "(?i)compan"):
            claim.line_ids.order_id = foreign_order
        with self.assertRaisesRegex(UserError, "(?i)compan"):
            claim.company_id = other
        with self.assertRaisesRegex(UserError, "(?i)compan"):
            env["backoffice.expense.budget"].create(
                {
                    "user_id": self.salesman.id,
                    "company_id": other.id,
                    "date_from": self.monday,
                    "date_to": self.monday,
                    "amount": 1.0,
                }
            )
        self.assertEqual((claim.company_id, claim.line_ids.order_id.id), (self.company, False))

    # ----------------------------------------------------- legitimate flow
    def test_full_flow_by_the_right_people(self):
        claim = self._claim()
        claim.with_user(self.salesman).action_submit()
        claim.with_user(self.bo_user2).action_audit()
        claim.with_user(self.bo_manager2).action_approve()
        self.assertEqual(claim.state, "approved")
        # Finance reads approved claims and posts them.
        claim.with_user(self.accountant).action_post()
        move = claim.move_id
        self.assertEqual((claim.state, move.state), ("posted", "posted"))
        wizard = (
            self.env["account.payment.register"]
            .with_user(self.accountant)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"payment_date": date.today()})
        )
        wizard.action_create_payments()
        self.assertIn(move.payment_state, ("paid", "in_payment"))
        self.assertEqual(claim.state, "paid")
        move.with_user(self.accountant).button_draft()
        self.assertEqual(claim.state, "approved")
        # Posted again, the entry is still settled by its payment.
        claim.with_user(self.bo_user).action_post()
        self.assertEqual((claim.state, claim.move_id), ("paid", move))
        move.with_user(self.accountant).button_draft()
        self.assertEqual(claim.state, "approved")
        move.with_user(self.accountant).button_cancel()
        self.assertEqual(claim.state, "approved")
        claim.with_user(self.bo_user).action_post()
        self.assertNotEqual(claim.move_id, move)
        self.assertEqual(claim.state, "posted")
        self.assertEqual(claim.review_ids.mapped("reviewer_id"), self.bo_manager2 | self.bo_user2)
