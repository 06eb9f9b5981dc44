from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import BackofficeCommon

# Context keys an attacker sends over JSON-RPC; none of them may unlock anything.
CLASS_CONTEXT = {"backoffice_classify": True, "default_receivable_class": "doubtful"}
EVENT_CONTEXT = {
    "backoffice_sync": True,
    "default_event_type": "payment",
    "default_res_model": "res.users",
    "default_res_id": 1,
    "default_invoice_share": 1.0,
}


@tagged("post_install", "-at_install")
class TestReceivableClassSecurity(BackofficeCommon):
    """Only the classification run and a manager's recorded override set the
    receivable class of a contract."""

    def test_salesperson_cannot_classify_own_contract(self):
        order = self._create_contract([(self.product_valve, 1, 150.0)], user=self.salesman)
        mine = order.with_user(self.salesman).with_context(**CLASS_CONTEXT)
        with self.assertRaisesRegex(AccessError, "Only a Back Office Manager"):
            mine.write({"receivable_class": "doubtful"})
        with self.assertRaisesRegex(AccessError, "Only a Back Office Manager"):
            mine.write({"receivable_class_manual": True, "receivable_class_reason": "mine"})
        with self.assertRaisesRegex(AccessError, "follow the contract's milestones"):
            mine.write({"date_original_archived": date.today()})
        order.invalidate_recordset()
        self.assertEqual(order.receivable_class, "normal")
        self.assertFalse(order.receivable_class_manual)
        self.assertFalse(order.date_original_archived)

    def test_salesperson_cannot_create_classified_order(self):
        orders = self.env["sale.order"].with_user(self.salesman)
        vals = {
            "partner_id": self.customer.id,
            "user_id": self.salesman.id,
            "order_line": [Command.create({"product_id": self.product_valve.id})],
        }
        with self.assertRaisesRegex(AccessError, "receivable_class"):
            orders.create(dict(vals, receivable_class="concerned"))
        # A default forged in the context is dropped, not applied.
        order = orders.with_context(**CLASS_CONTEXT).create(vals)
        self.assertEqual(order.receivable_class, "normal")

    def test_back_office_user_cannot_classify(self):
        order = self._create_contract([(self.product_valve, 1, 150.0)])
        with self.assertRaises(AccessError):
            order.with_user(self.bo_user).with_context(**CLASS_CONTEXT).write(
                {"receivable_class": "concerned"}
            )
        self.assertEqual(order.receivable_class, "normal")

    def test_manager_sets_class_only_as_override(self):
        order, _invoice = self._overdue_contract(100)
        as_manager = order.with_user(self.bo_manager)
        with self.assertRaisesRegex(AccessError, "tick 'Class Set by Manager'"):
            as_manager.write({"receivable_class": "normal"})
        with self.assertRaisesRegex(AccessError, "tick 'Class Set by Manager'"):
            as_manager.write({"receivable_class": "normal", "receivable_class_manual": False})
        as_manager.write(
            {
                "receivable_class_manual": True,
                "receivable_class": "concerned",
                "receivable_class_reason": "Pays late every year, always pays",
            }
        )
        self.assertEqual(order.receivable_class, "concerned")
        # Once taken out of the classification, the manager may change it again.
        as_manager.write({"receivable_class": "normal"})
        self.env["sale.order"]._cron_classify_receivables()
        self.assertEqual(order.receivable_class, "normal")

    def _overdue_contract(self, days):
        order = self._create_contract([(self.product_valve, 2, 150.0)])
        return order, self._overdue_invoice(order, days)

    def test_classification_run_still_classifies(self):
        order, _invoice = self._overdue_contract(100)
        self.env["sale.order"].with_user(self.bo_user)._cron_classify_receivables()
        self.assertEqual(order.receivable_class, "doubtful")

    def test_empty_class_means_normal(self):
        """Orders written by a registry without the module have no class."""
        field = self.env["sale.order"]._fields["receivable_class"]
        self.assertFalse(field.required)
        self.env.cr.execute(
            SQL(
                "SELECT is_nullable FROM information_schema.columns "
                "WHERE table_name = 'sale_order' AND column_name = 'receivable_class'"
            )
        )
        self.assertEqual(self.env.cr.fetchone()[0], "YES")
        order, _invoice = self._overdue_contract(40)
        quiet = self._create_contract([(self.product_valve, 1, 150.0)])
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE sale_order SET receivable_class = NULL WHERE id IN %s",
                tuple((order | quiet).ids),
            )
        )
        (order | quiet).invalidate_recordset()
        self.assertEqual(self._performance(quiet).receivable_class, "normal")
        self.assertEqual(self._performance(order).receivable_class, "normal")
        self.env["sale.order"]._cron_classify_receivables()
        self.assertEqual(order.receivable_class, "concerned")
        self.assertEqual(self._performance(order).receivable_class, "concerned")
        self.assertEqual(self._performance(quiet).receivable_class, "normal")


@tagged("post_install", "-at_install")
class TestContractEventSecurity(BackofficeCommon):
    """Document events are the module's; people record manual milestones only."""

    def test_milestone_cannot_become_payment(self):
        order = self._create_contract([(self.product_valve, 1, 150.0)])
        events = self.env["backoffice.contract.event"].with_user(self.bo_user)
        note = events.create(
            {"order_id": order.id, "event_type": "note", "amount": 1_000_000.0, "note": "x"}
        )
        for event_type in ("payment", "invoice", "delivery", "refund", "return", "signed"):
            with self.assertRaisesRegex(ValidationError, "cannot become"):
                note.with_context(**EVENT_CONTEXT).write({"event_type": event_type})
        self.assertEqual(note.event_type, "note")
        self.assertEqual(self._performance(order).amount_collected, 0.0)
        # Retyping between milestones is an ordinary correction.
        note.write({"event_type": "quality_issue"})
        self.assertEqual(note.event_type, "quality_issue")

    def test_milestones_only_of_manual_types(self):
        order = self._create_contract([(self.product_valve, 1, 150.0)])
        events = self.env["backoffice.contract.event"].with_user(self.bo_user)
        with self.assertRaisesRegex(ValidationError, "recorded from their documents"):
            events.with_context(**EVENT_CONTEXT).create(
                {"order_id": order.id, "event_type": "payment", "amount": 100.0}
            )
        with self.assertRaisesRegex(ValidationError, "signature is recorded"):
            events.create({"order_id": order.id, "event_type": "signed"})
        # The forged default type is ignored by an explicit milestone type.
        event = events.with_context(**EVENT_CONTEXT).create(
            {"order_id": order.id, "event_type": "acceptance"}
        )
        self.assertEqual(event.event_type, "acceptance")
        self.assertFalse(event.res_model)
        self.assertFalse(event.invoice_share)
        self.assertEqual(event.user_id, self.bo_user)

    def test_document_fields_refused(self):
        order = self._create_contract([(self.product_valve, 2, 150.0)])
        delivery = self._deliver(order, {self.product_valve: 2})
        invoice = self._invoice(order)
        other = self._create_contract([(self.product_valve, 1, 150.0)])
        other_invoice = self._invoice(other)
        events = self.env["backoffice.contract.event"].with_user(self.bo_user)
        before = len(order.contract_event_ids)
        base = {"order_id": order.id, "event_type": "note"}
        for forged in (
            {"res_model": "res.users", "res_id": self.bo_manager.id},
            {"picking_id": delivery.id},
            {"invoice_share": 1.0},
            {"amount_total": 5000.0},
            {"partial_id": 1},
        ):
            with self.assertRaisesRegex(AccessError, "set from its document only"):
                events.create(dict(base, **forged))
        with self.assertRaisesRegex(AccessError, "in the name of who records it"):
            events.create(dict(base, user_id=self.bo_manager.id))
        with self.assertRaisesRegex(ValidationError, "not a posted invoice of this contract"):
            events.create(dict(base, move_id=other_invoice.id))
        note = events.create(dict(base, move_id=invoice.id))
        for forged in (
            {"res_model": "account.move", "res_id": other_invoice.id},
            {"invoice_share": 0.5},
            {"picking_id": delivery.id},
        ):
            with self.assertRaisesRegex(AccessError, "set from its document only"):
                note.write(forged)
        with self.assertRaisesRegex(ValidationError, "not a posted invoice of this contract"):
            note.write({"move_id": other_invoice.id})
        with self.assertRaisesRegex(ValidationError, "stays on the contract"):
            note.write({"order_id": other.id})
        with self.assertRaisesRegex(AccessError, "in the name of who records it"):
            note.write({"user_id": self.bo_manager.id})
        order.invalidate_recordset()
        self.assertEqual(len(order.contract_event_ids), before + 1)
        self.assertEqual(note.move_id, invoice)
        for document_event in order.contract_event_ids.filtered("is_document_event"):
            with self.assertRaisesRegex(ValidationError, "change with their documents only"):
                document_event.with_user(self.bo_manager).write({"event_type": "note"})

    def test_source_name_reads_only_linked_documents(self):
        order = self._create_contract([(self.product_valve, 2, 150.0)])
        delivery = self._deliver(order, {self.product_valve: 2})
        invoice = self._invoice(order)
        payment = self._pay(invoice, 100.0)
        events = order.contract_event_ids
        by_type = {event.event_type: event for event in events}
        self.assertEqual(by_type["signed"].source_name, order.display_name)
        self.assertEqual(by_type["delivery"].source_name, delivery.display_name)
        self.assertEqual(by_type["invoice"].source_name, invoice.display_name)
        self.assertEqual(by_type["payment"].source_name, payment.display_name)
        # A source written before the rules (any model, any record) is not read.
        secret = self.env["res.partner"].create({"name": "Secret Supplier Ltd"})
        legacy = (
            self.env["backoffice.contract.event"]
            .sudo()
            .create(
                {
                    "order_id": order.id,
                    "event_type": "note",
                    "res_model": "res.partner",
                    "res_id": secret.id,
                }
            )
        )
        self.assertEqual(legacy.with_user(self.salesman).source_name, order.display_name)
        action = legacy.with_user(self.salesman).action_open_source()
        self.assertEqual((action["res_model"], action["res_id"]), ("sale.order", order.id))
        # Opening a document applies the user's own rights on it.
        with self.assertRaises(AccessError):
            by_type["payment"].with_user(self.salesman).action_open_source()

    def test_dispatch_milestone_through_wizard(self):
        order = self._create_contract([(self.product_valve, 1, 150.0)])
        invoice = self._invoice(order)
        wizard = (
            self.env["backoffice.contract.milestone"]
            .with_user(self.bo_user)
            .create(
                {
                    "order_id": order.id,
                    "event_type": "invoice_dispatched",
                    "move_id": invoice.id,
                    "dispatch_method": "email",
                }
            )
        )
        wizard.action_record()
        event = order.contract_event_ids.filtered(lambda e: e.event_type == "invoice_dispatched")
        self.assertEqual(event.source_name, invoice.display_name)
        self.assertFalse(event.res_model)


@tagged("post_install", "-at_install")
class TestContractCompanies(BackofficeCommon):
    """Records of another company are refused on contract records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.setup_other_company()["company"]
        cls.bo_user.company_ids |= cls.other_company
        cls.other_reason = (
            cls.env["backoffice.return.reason"]
            .sudo()
            .create({"name": "Wrong colour", "company_id": cls.other_company.id})
        )

    def test_models_check_companies(self):
        for model in (
            "backoffice.contract.event",
            "backoffice.return.reason",
            "backoffice.customer.statement",
        ):
            self.assertTrue(self.env[model]._check_company_auto, model)
        event_fields = self.env["backoffice.contract.event"]._fields
        for name in ("order_id", "move_id", "picking_id", "return_reason_id"):
            self.assertTrue(event_fields[name].check_company, name)

    def test_other_company_reason_refused(self):
        order = self._create_contract([(self.product_valve, 1, 150.0)])
        events = self.env["backoffice.contract.event"].with_user(self.bo_user)
        with self.assertRaisesRegex(UserError, "belongs to another company"):
            events.create(
                {
                    "order_id": order.id,
                    "event_type": "quality_issue",
                    "return_reason_id": self.other_reason.id,
                }
            )
        delivery = self._deliver(order, {self.product_valve: 1})
        with self.assertRaisesRegex(UserError, "belongs to another company"):
            delivery.with_user(self.bo_user).write({"return_reason_id": self.other_reason.id})
        # A shared reason (no company) is fine.
        delivery.with_user(self.bo_user).return_reason_id = self.reason_damaged
        self.assertEqual(delivery.return_reason_id, self.reason_damaged)

    def test_other_company_statement_partner_refused(self):
        partner = self.env["res.partner"].create(
            {"name": "Fabrikam Local", "company_id": self.other_company.id}
        )
        statements = self.env["backoffice.customer.statement"].with_user(self.bo_user)
        with self.assertRaisesRegex(UserError, "belongs to another company"):
            statements.create({"partner_id": partner.id, "company_id": self.company.id})
