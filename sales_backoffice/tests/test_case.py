# ruff: noqa: RUF001  (Chinese mail uses full-width punctuation)
import base64
from datetime import timedelta
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import make_msgid
from io import BytesIO

import openpyxl

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import BackofficeCommon

RESPONSE = "sales_backoffice.mail_activity_type_case_response"
RESOLUTION = "sales_backoffice.mail_activity_type_case_resolution"


class CaseCommon(BackofficeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Policy = cls.env["backoffice.case.type.policy"].sudo()
        for case_type, response, resolution in (
            ("complaint", 4, 48),
            ("enquiry", 8, 24),
            ("quality", 4, 72),
            ("installation", 8, 240),
            ("acceptance", 8, 168),
        ):
            Policy.create(
                {
                    "company_id": cls.company.id,
                    "case_type": case_type,
                    "response_hours": response,
                    "resolution_hours": resolution,
                    "reminder_hours": 2,
                }
            )
        cls.technician = new_test_user(
            cls.env,
            login="bo_technician",
            name="Tom Technician",
            groups="base.group_user",
            company_id=cls.company.id,
            company_ids=[fields.Command.set(cls.company.ids)],
        )
        cls.stage_new = cls.env.ref("sales_backoffice.backoffice_case_stage_new")
        cls.stage_progress = cls.env.ref("sales_backoffice.backoffice_case_stage_in_progress")
        cls.stage_solved = cls.env.ref("sales_backoffice.backoffice_case_stage_solved")

    def _case(self, user=None, **vals):
        values = {
            "subject": "Pump leaks",
            "partner_id": self.customer.id,
            "company_id": self.company.id,
            "case_type": "complaint",
        }
        values.update(vals)
        Case = self.env["backoffice.case"]
        return (Case.with_user(user) if user else Case).create(values)

    def _activities(self, case, xmlid):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "backoffice.case"),
                ("res_id", "=", case.id),
                ("activity_type_id", "=", self.env.ref(xmlid).id),
            ]
        )


@tagged("post_install", "-at_install")
class TestCase(CaseCommon):
    def test_deadlines_from_policy(self):
        case = self._case(user=self.bo_user)
        self.assertTrue(case.name.startswith("CS/"))
        self.assertEqual(case.stage_id, self.stage_new)
        self.assertEqual(case.date_response_deadline, case.date_open + timedelta(hours=4))
        self.assertEqual(case.date_deadline, case.date_open + timedelta(hours=48))
        enquiry = self._case(user=self.bo_user, case_type="enquiry")
        self.assertEqual(enquiry.date_deadline, enquiry.date_open + timedelta(hours=24))
        # No policy for feedback in this company: no deadline.
        self.assertFalse(self._case(case_type="feedback").date_deadline)

    def test_response_and_resolution_hours(self):
        case = self._case(user=self.bo_user)
        self.assertFalse(case.date_first_response)
        case.with_user(self.bo_user).action_assign_to_me()
        self.assertEqual(case.user_id, self.bo_user)
        self.assertTrue(case.date_first_response)
        case.with_user(self.bo_user).resolution = "<p>Seal replaced</p>"
        case.with_user(self.bo_user).action_solve()
        self.assertTrue(case.is_closed)
        self.assertTrue(case.date_closed)
        self.assertGreaterEqual(case.resolution_hours, case.response_hours)
        # Reopened by the back office: no closing date any more.
        case.with_user(self.bo_user).stage_id = self.stage_progress
        self.assertFalse(case.date_closed)

    def test_solve_needs_resolution(self):
        case = self._case(user=self.bo_user)
        with self.assertRaisesRegex(UserError, "write the resolution"):
            case.with_user(self.bo_user).action_solve()

    def test_one_reminder_each(self):
        case = self._case(user=self.bo_user, user_id=self.bo_user.id)
        # Opened 3 hours ago: the response deadline (4 h) is 1 hour away, within
        # the 2 hours of the policy's reminder; the resolution is far away.
        case.sudo().write({"date_open": fields.Datetime.now() - timedelta(hours=3)})
        case.sudo().date_first_response = False
        Case = self.env["backoffice.case"].sudo()
        Case._cron_deadline_reminders()
        Case._cron_deadline_reminders()
        self.assertEqual(len(self._activities(case, RESPONSE)), 1)
        self.assertEqual(self._activities(case, RESPONSE).user_id, self.bo_user)
        self.assertFalse(self._activities(case, RESOLUTION))
        # Done, the reminder is never sent a second time.
        self._activities(case, RESPONSE).action_feedback(feedback="Called back")
        Case._cron_deadline_reminders()
        self.assertFalse(self._activities(case, RESPONSE))
        # 47 hours later the resolution deadline is near: one reminder.
        case.sudo().write({"date_open": fields.Datetime.now() - timedelta(hours=47)})
        Case._cron_deadline_reminders()
        Case._cron_deadline_reminders()
        self.assertEqual(len(self._activities(case, RESOLUTION)), 1)
        self.assertTrue(case.is_response_reminded and case.is_resolution_reminded)
        # Solving the case closes its reminder.
        case.with_user(self.bo_user).resolution = "<p>Done</p>"
        case.with_user(self.bo_user).action_solve()
        self.assertFalse(self._activities(case, RESOLUTION))

    def test_breach_listed(self):
        late = self._case(user=self.bo_user)
        late.sudo().write({"date_open": fields.Datetime.now() - timedelta(hours=50)})
        on_time = self._case(user=self.bo_user)
        self.assertTrue(late.is_breached)
        self.assertFalse(on_time.is_breached)
        Case = self.env["backoffice.case"].with_user(self.bo_user)
        self.assertIn(late, Case.search([("is_breached", "=", True)]))
        self.assertNotIn(on_time, Case.search([("is_breached", "=", True)]))
        self.assertIn(on_time, Case.search([("is_breached", "=", False)]))
        tiles = {
            tile.key: tile
            for tile in self.env["backoffice.workbench"]
            .with_user(self.bo_user)
            .search([("is_visible", "=", True)])
        }
        tile = tiles["case_breached"]
        self.assertEqual(tile.tone, "danger")
        action = tile.action_open()
        opened = self.env[action["res_model"]].with_user(self.bo_user).search(action["domain"])
        self.assertIn(late, opened)
        self.assertNotIn(on_time, opened)
        self.assertEqual(tile.count, len(opened))
        # The report counts it as a breach too.
        report = self.env["backoffice.case.report"].search([("case_id", "=", late.id)])
        self.assertEqual(report.breach_count, 1)

    def test_protected_fields(self):
        case = self._case(user=self.salesman, order_id=self._create_contract().id)
        for vals in (
            {"date_closed": fields.Datetime.now()},
            {"date_first_response": fields.Datetime.now()},
            {"installation_approved_by_id": self.bo_user.id},
            {"date_deadline": fields.Datetime.now()},
        ):
            with self.assertRaises(AccessError):
                case.with_user(self.bo_user).write(vals)
        with self.assertRaises(AccessError):
            self._case(user=self.bo_user, date_closed=fields.Datetime.now())
        # Context defaults are input too.
        forged = (
            self.env["backoffice.case"]
            .with_user(self.bo_user)
            .with_context(default_date_customer_confirmed=fields.Datetime.now())
            .create({"subject": "x", "partner_id": self.customer.id})
        )
        self.assertFalse(forged.date_customer_confirmed)
        # The salesperson (not the owner) does not close the case.
        with self.assertRaises(AccessError):
            case.with_user(self.salesman).stage_id = self.stage_solved

    def test_quality_case_starts_return(self):
        order = self._create_contract([(self.product_pump, 5, 1200.0)])
        delivery = self._deliver(order, {self.product_pump: 5})
        with self.assertRaisesRegex(ValidationError, "names the product"):
            self._case(user=self.bo_user, case_type="quality", order_id=order.id)
        case = self._case(
            user=self.salesman,
            case_type="quality",
            order_id=order.id,
            product_id=self.product_pump.id,
        )
        self.assertEqual(case.available_delivery_ids, delivery)
        action = case.with_user(self.bo_user).action_start_return()
        self.assertEqual(action["res_model"], "stock.return.picking")
        wizard_form = Form(
            self.env["stock.return.picking"]
            .with_user(self.bo_user)
            .with_context(**action["context"])
        )
        wizard_form.return_reason_id = self.reason_damaged
        wizard = wizard_form.save()
        self.assertEqual(wizard.backoffice_case_id, case)
        for line in wizard.product_return_moves:
            line.quantity = 1
        result = wizard.action_create_returns()
        return_picking = self.env["stock.picking"].browse(result["res_id"])
        self.assertIn(return_picking, case.picking_ids)
        self.assertEqual(return_picking.return_reason_id, self.reason_damaged)
        for move in return_picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        return_picking.button_validate()
        events = order.contract_event_ids.filtered(lambda e: e.event_type == "return")
        self.assertEqual(events.picking_id, return_picking)
        self.assertEqual(events.return_reason_id, self.reason_damaged)
        self.assertTrue(case.date_first_response)

    def test_return_of_another_contract_refused(self):
        order = self._create_contract([(self.product_pump, 2, 1200.0)])
        other = self._create_contract([(self.product_pump, 2, 1200.0)])
        self._deliver(order, {self.product_pump: 2})
        other_delivery = self._deliver(other, {self.product_pump: 2})
        case = self._case(
            user=self.bo_user,
            case_type="quality",
            order_id=order.id,
            product_id=self.product_pump.id,
        )
        wizard = (
            self.env["stock.return.picking"]
            .with_user(self.bo_user)
            .with_context(
                active_id=other_delivery.id,
                active_model="stock.picking",
                default_backoffice_case_id=case.id,
            )
            .create({"picking_id": other_delivery.id, "return_reason_id": self.reason_damaged.id})
        )
        for line in wizard.product_return_moves:
            line.quantity = 1
        with self.assertRaisesRegex(UserError, "not a delivery of the case's contract"):
            wizard.action_create_returns()
        self.assertFalse(case.picking_ids)

    def test_quality_case_replacement(self):
        order = self._create_contract([(self.product_pump, 5, 1200.0)])
        self._deliver(order, {self.product_pump: 5})
        case = self._case(
            user=self.bo_user,
            case_type="quality",
            order_id=order.id,
            product_id=self.product_pump.id,
            replacement_qty=2,
        )
        action = case.with_user(self.bo_user).action_create_replacement()
        picking = self.env["stock.picking"].browse(action["res_id"])
        self.assertEqual(picking.picking_type_code, "outgoing")
        self.assertEqual(picking.move_ids.product_id, self.product_pump)
        self.assertEqual(picking.move_ids.product_uom_qty, 2)
        self.assertEqual(picking.origin, case.name)
        self.assertIn(picking, case.picking_ids)

    def test_tracked_product_needs_lot(self):
        self.product_pump.tracking = "serial"
        with self.assertRaisesRegex(ValidationError, "lot or serial"):
            self._case(user=self.bo_user, case_type="quality", product_id=self.product_pump.id)
        lot = self.env["stock.lot"].create(
            {"name": "SN-001", "product_id": self.product_pump.id, "company_id": self.company.id}
        )
        case = self._case(
            user=self.bo_user,
            case_type="quality",
            product_id=self.product_pump.id,
            lot_id=lot.id,
        )
        self.assertEqual(case.lot_id, lot)

    def test_installation_flow(self):
        order = self._create_contract([(self.product_valve, 2, 150.0)])
        with self.assertRaisesRegex(ValidationError, "choose it"):
            self._case(user=self.salesman, case_type="installation")
        case = self._case(
            user=self.salesman,
            case_type="installation",
            order_id=order.id,
            subject="Install the valves",
            description="<p>Customer asks for installation and training on site.</p>",
        )
        self.assertEqual(case.installation_state, "requested")
        self.assertEqual(case.installation_requested_by_id, self.salesman)
        # The salesperson neither approves nor schedules.
        with self.assertRaises(AccessError):
            case.with_user(self.salesman).action_approve()
        with self.assertRaises(AccessError):
            case.with_user(self.salesman)._do_schedule(
                self.technician, fields.Datetime.now(), fields.Datetime.now()
            )
        # Nobody approves their own request, back office included.
        own = self._case(user=self.bo_user, case_type="installation", order_id=order.id)
        with self.assertRaisesRegex(AccessError, "own installation request"):
            own.with_user(self.bo_user).action_approve()
        case.with_user(self.bo_user).action_approve()
        self.assertEqual(case.installation_state, "approved")
        self.assertEqual(case.installation_approved_by_id, self.bo_user)
        with self.assertRaises(UserError):
            case.with_user(self.bo_user).action_approve()
        # Scheduled with the technicians.
        action = case.with_user(self.bo_user).action_schedule()
        wizard_form = Form(
            self.env[action["res_model"]].with_user(self.bo_user).with_context(**action["context"])
        )
        wizard_form.technician_ids.add(self.technician)
        wizard_form.duration = 3
        wizard_form.save().action_schedule()
        event = case.installation_event_id
        self.assertEqual(case.installation_state, "scheduled")
        self.assertIn(self.technician.partner_id, event.partner_ids)
        self.assertAlmostEqual((event.stop - event.start).total_seconds(), 3 * 3600)
        self.assertEqual(event.res_id, case.id)
        # Not closed before the customer confirms.
        with self.assertRaisesRegex(UserError, "customer's confirmation"):
            case.with_user(self.bo_user).stage_id = self.stage_solved
        self.assertFalse(
            order.contract_event_ids.filtered(lambda e: e.event_type == "installation")
        )
        case.with_user(self.bo_user).action_confirm_installation()
        self.assertTrue(case.is_closed)
        self.assertEqual(case.installation_state, "confirmed")
        milestone = order.contract_event_ids.filtered(lambda e: e.event_type == "installation")
        self.assertEqual(len(milestone), 1)
        self.assertIn(case.name, milestone.note)

    def test_acceptance_closing_records_milestone(self):
        order = self._create_contract([(self.product_valve, 2, 150.0)])
        case = self._case(user=self.bo_user, case_type="acceptance", order_id=order.id)
        case.with_user(self.bo_user).write(
            {"resolution": "<p>Accepted on site</p>", "user_id": self.bo_user.id}
        )
        case.with_user(self.bo_user).action_solve()
        milestone = order.contract_event_ids.filtered(lambda e: e.event_type == "acceptance")
        self.assertEqual(len(milestone), 1)

    def test_case_report_xlsx(self):
        case = self._case(user=self.bo_user, user_id=self.bo_user.id)
        rows = (
            self.env["backoffice.case.report"]
            .with_user(self.bo_user)
            .search([("case_id", "=", case.id)])
        )
        action = rows.action_export_xlsx()
        download_id = int(action["url"].split("/")[4])
        download = self.env["backoffice.xlsx.download"].browse(download_id)
        sheet = openpyxl.load_workbook(BytesIO(download._get_content())).active
        self.assertEqual(sheet.cell(row=2, column=1).value, case.name)
        self.assertEqual(sheet.cell(row=2, column=5).value, self.customer.display_name)
        groups = (
            self.env["backoffice.case.report"]
            .with_user(self.bo_user)
            ._read_group(
                [("case_id", "=", case.id)],
                ["case_type", "date_open:month"],
                ["response_hours:avg", "breach_count:sum", "__count"],
            )
        )
        self.assertEqual(len(groups), 1)
        self.assertEqual(groups[0][0], "complaint")
        self.assertEqual(groups[0][4], 1)


@tagged("post_install", "-at_install")
class TestCaseAccess(CaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.setup_other_company()["company"]
        cls.other_bo_user = new_test_user(
            cls.env,
            login="bo_user_other_co",
            name="Otto Other",
            groups="sales_backoffice.group_backoffice_user",
            company_id=cls.other_company.id,
            company_ids=[fields.Command.set(cls.other_company.ids)],
        )

    def test_salespeople_see_their_customers_cases(self):
        order = self._create_contract([(self.product_valve, 1, 150.0)])
        case = self._case(user=self.bo_user, order_id=order.id)
        self.assertEqual(case.salesperson_id, self.salesman)
        self.assertEqual(case.with_user(self.salesman).subject, "Pump leaks")
        with self.assertRaises(AccessError):
            case.with_user(self.other_salesman).check_access("read")
        self.assertNotIn(
            case, self.env["backoffice.case"].with_user(self.other_salesman).search([])
        )
        self.assertNotIn(
            case.id,
            self.env["backoffice.case.report"]
            .with_user(self.other_salesman)
            .search([])
            .case_id.ids,
        )
        # The customer's own salesperson sees it as well.
        self.customer.user_id = self.other_salesman
        unlinked = self._case(user=self.bo_user)
        self.assertEqual(unlinked.salesperson_id, self.other_salesman)
        unlinked.with_user(self.other_salesman).check_access("read")
        with self.assertRaises(AccessError):
            unlinked.with_user(self.salesman).check_access("read")

    def test_backoffice_sees_company_cases_only(self):
        case = self._case(user=self.salesman)
        case.with_user(self.bo_user).check_access("write")
        with self.assertRaises(AccessError):
            case.with_user(self.other_bo_user).check_access("read")
        self.assertNotIn(
            case, self.env["backoffice.case"].with_user(self.other_bo_user).search([])
        )
        with self.assertRaises(AccessError):
            case.with_user(self.salesman).unlink()

    def test_policy_and_stage_configured_by_managers(self):
        with self.assertRaises(AccessError):
            self.env["backoffice.case.type.policy"].with_user(self.bo_user).create(
                {"company_id": self.company.id, "case_type": "feedback"}
            )
        with self.assertRaises(AccessError):
            self.stage_solved.with_user(self.bo_user).is_closed = False

    def test_customer_file(self):
        order = self._create_contract([(self.product_valve, 1, 150.0)])
        self._case(user=self.bo_user, order_id=order.id)
        closed = self._case(user=self.bo_user, resolution="<p>ok</p>")
        closed.with_user(self.bo_user).action_solve()
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.customer.id})
        partner = self.customer.with_user(self.bo_user)
        self.assertEqual(partner.backoffice_case_open_count, 1)
        self.assertEqual(partner.backoffice_case_closed_count, 1)
        self.assertGreaterEqual(partner.backoffice_contract_count, 1)
        self.assertEqual(partner.backoffice_contact_count, 1)
        for method in (
            "action_view_backoffice_open_cases",
            "action_view_backoffice_closed_cases",
            "action_view_backoffice_contracts",
            "action_view_backoffice_samples_sent",
            "action_view_backoffice_contacts",
        ):
            action = getattr(partner, method)()
            self.assertTrue(action["res_model"], method)
        contacts = partner.action_view_backoffice_contacts()
        self.assertEqual(self.env["res.partner"].search(contacts["domain"]), contact)
        # Another salesperson's file shows none of these cases.
        self.assertEqual(
            self.customer.with_user(self.other_salesman).backoffice_case_open_count, 0
        )


@tagged("post_install", "-at_install")
class TestCaseMailGateway(CaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alias_domain = (
            cls.env["mail.alias.domain"].sudo().create({"name": "cases.example.com"})
        )
        cls.company.sudo().alias_domain_id = cls.alias_domain
        cls.team = (
            cls.env["backoffice.case.team"]
            .sudo()
            .create(
                {
                    "name": "Service Desk",
                    "company_id": cls.company.id,
                    "alias_name": "service-test",
                    "alias_domain_id": cls.alias_domain.id,
                }
            )
        )
        cls.inbox = (
            cls.env["backoffice.bid.inbox"]
            .sudo()
            .create(
                {
                    "name": "Tender inbox",
                    "company_id": cls.company.id,
                    "alias_name": "tenders-test",
                    "alias_domain_id": cls.alias_domain.id,
                    "user_id": cls.bo_user.id,
                }
            )
        )

    def _raw(self, subject, body, sender, to, attachment=None, in_reply_to=None, charset="utf-8"):
        message = MIMEMultipart()
        message["From"] = sender
        message["To"] = to
        message["Subject"] = Header(subject, charset).encode()
        message_id = make_msgid(domain="customer.example")
        message["Message-Id"] = message_id
        if in_reply_to:
            message["In-Reply-To"] = in_reply_to
            message["References"] = in_reply_to
        message.attach(MIMEText(body, "plain", charset))
        if attachment:
            name, data = attachment
            part = MIMEApplication(data, Name=name)
            part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
            message.attach(part)
        return message.as_string(), message_id

    def test_mail_creates_and_updates_case(self):
        order = self._create_contract([(self.product_valve, 1, 150.0)])
        subject = f"关于合同{order.contract_ref}的投诉：阀门漏水"
        raw, message_id = self._raw(
            subject,
            "您好，阀门在安装后第二天开始漏水，请尽快处理。",
            "Contoso Buyer <buyer@contoso.example>",
            "service-test@cases.example.com",
        )
        self.assertIn("=?utf-8?b?", raw)
        case_id = self.env["mail.thread"].sudo().message_process(False, raw)
        case = self.env["backoffice.case"].browse(case_id)
        self.assertEqual(case.subject, subject)
        self.assertTrue(case.name.startswith("CS/"))
        self.assertEqual(case.partner_id, self.customer)
        self.assertEqual(case.order_id, order)
        self.assertEqual(case.team_id, self.team)
        self.assertEqual(case.company_id, self.company)
        self.assertEqual(case.channel, "email")
        self.assertFalse(case.user_id)
        self.assertIn("阀门在安装后", case.message_ids[-1].body)
        self.assertTrue(case.date_deadline)
        # The reply lands in the same case's chatter.
        reply, _reply_id = self._raw(
            f"Re: {subject}",
            "补充：漏水位置在法兰连接处。",
            "Contoso Buyer <buyer@contoso.example>",
            "service-test@cases.example.com",
            in_reply_to=message_id,
        )
        self.assertEqual(self.env["mail.thread"].sudo().message_process(False, reply), case.id)
        self.assertIn("法兰连接处", case.message_ids[0].body)
        self.assertEqual(
            self.env["backoffice.case"].search_count([("team_id", "=", self.team.id)]), 1
        )

    def test_mail_from_unknown_sender(self):
        raw, _message_id = self._raw(
            "Question about prices",
            "What does the pump cost?",
            "New Customer <new@unknown.example>",
            "service-test@cases.example.com",
            charset="gb2312",
        )
        case = self.env["backoffice.case"].browse(
            self.env["mail.thread"].sudo().message_process(False, raw)
        )
        self.assertEqual(case.partner_id.email, "new@unknown.example")
        self.assertFalse(case.order_id)

    def test_reply_confirms_installation(self):
        order = self._create_contract([(self.product_valve, 1, 150.0)])
        case = self._case(user=self.salesman, case_type="installation", order_id=order.id)
        case.with_user(self.bo_user).action_approve()
        now = fields.Datetime.now()
        case.with_user(self.bo_user)._do_schedule(self.technician, now, now + timedelta(hours=2))
        sent = case.with_user(self.bo_user).message_post(
            body="Installation booked tomorrow, please confirm.",
            partner_ids=self.customer.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        reply, _message_id = self._raw(
            f"Re: {case.subject}",
            "确认，明天上午可以安装。",
            "Contoso Buyer <buyer@contoso.example>",
            "service-test@cases.example.com",
            in_reply_to=sent.message_id,
        )
        self.assertEqual(self.env["mail.thread"].sudo().message_process(False, reply), case.id)
        self.assertTrue(case.is_closed)
        self.assertTrue(
            order.contract_event_ids.filtered(lambda e: e.event_type == "installation")
        )

    def test_mail_creates_tender(self):
        raw, _message_id = self._raw(
            "招标公告：市政供水管网阀门采购项目",
            "项目编号：SZ-2026-118，投标截止时间：2026年12月20日。",
            "Bea Backoffice <bea@ourcompany.example>",
            "tenders-test@cases.example.com",
            attachment=("招标文件.pdf", b"%PDF-1.4 tender document"),
        )
        bid_id = self.env["mail.thread"].sudo().message_process(False, raw)
        bid = self.env["backoffice.bid"].browse(bid_id)
        self.assertEqual(bid._name, "backoffice.bid")
        self.assertEqual(bid.name, "招标公告：市政供水管网阀门采购项目")
        self.assertEqual(bid.company_id, self.company)
        self.assertEqual(bid.stage_id, self.env["backoffice.bid"]._default_stage())
        incoming = bid.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertIn("SZ-2026-118", incoming.body)
        self.assertEqual(incoming.attachment_ids.name, "招标文件.pdf")
        self.assertEqual(
            base64.b64decode(incoming.attachment_ids.datas), b"%PDF-1.4 tender document"
        )
        self.assertTrue(
            bid.activity_ids.filtered(lambda a: a.user_id == self.bo_user),
            "the inbox's back-office user completes the tender",
        )
