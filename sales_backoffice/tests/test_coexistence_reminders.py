"""The module's reminders are Odoo activities scheduled and closed through
``mail.activity.mixin``'s API, like those of Odoo's own apps."""

from odoo.tests import tagged

from .common import BackofficeCommon

DUNNING = "sales_backoffice.mail_activity_type_dunning"


@tagged("post_install", "-at_install")
class TestReminderActivities(BackofficeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.orders = cls._create_contract(user=cls.salesman) | cls._create_contract(
            user=cls.other_salesman
        )
        cls.dunning = cls.env.ref(DUNNING)

    def _remind(self, orders, **kwargs):
        return orders._backoffice_remind(
            DUNNING,
            user_by_record=lambda order: order.user_id,
            summary_by_record=lambda order: f"Chase {order.name}",
            **kwargs,
        )

    def _open(self, order):
        return order.activity_ids.filtered(lambda a: a.activity_type_id == self.dunning)

    def test_one_automated_activity_per_record_and_purpose(self):
        first, second = self.orders
        activities = self._remind(self.orders)
        self.assertEqual(len(activities), 2)
        self.assertTrue(all(activities.mapped("automated")))
        self.assertEqual(self._open(first).user_id, self.salesman)
        self.assertEqual(self._open(second).user_id, self.other_salesman)
        self.assertEqual(self._open(first).summary, f"Chase {first.name}")
        # Never a second one while one is open, whoever's it is.
        self.assertFalse(self._remind(self.orders))
        self.assertEqual(len(self.orders.activity_ids), 2)

    def test_manual_reminder_and_note(self):
        order = self.orders[0]
        activity = self._remind(
            order, automated=False, note_by_record=lambda o: f"<p>Call {o.partner_id.name}</p>"
        )
        self.assertFalse(activity.automated)
        self.assertIn(order.partner_id.name, str(activity.note))

    def test_done_closes_the_reminder_and_allows_the_next(self):
        order = self.orders[0]
        self._remind(order)
        done = order.with_user(self.bo_user)._backoffice_reminder_done(DUNNING, feedback="Paid")
        self.assertTrue(done)
        self.assertFalse(self._open(order))
        self.assertTrue(
            order.message_ids.filtered(
                lambda m: m.mail_activity_type_id == self.dunning and "Paid" in str(m.body)
            )
        )
        # The cause comes back: a new reminder.
        self.assertEqual(len(self._remind(order)), 1)

    def test_automation_skip_schedules_nothing(self):
        orders = self.orders.with_context(mail_activity_automation_skip=True)
        self.assertEqual(self._remind(orders), self.env["mail.activity"])
        self.assertFalse(self.orders.activity_ids)
