import base64
from datetime import date, timedelta
from io import BytesIO

from openpyxl import load_workbook

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..tools import xlsx
from .common import BackofficeCommon

FORMULAS = [
    '=HYPERLINK("http://attacker.example","Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
]


@tagged("post_install", "-at_install")
class TestXlsxExport(BackofficeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.purchaser = cls.env["res.partner"].create({"name": "=1+1", "is_company": True})

    def _workbook(self, action, user=None):
        download = (
            self.env["backoffice.xlsx.download"]
            .with_user(user or self.bo_user)
            .browse(int(action["url"].split("/")[4]))
        )
        self.assertEqual(action["type"], "ir.actions.act_url")
        return load_workbook(BytesIO(download._get_content()))

    def assertText(self, cell, value):
        self.assertEqual(cell.value, value)
        self.assertEqual(cell.data_type, "s", f"{value!r} must be text, not a formula")

    # ----------------------------------------------------------- formulas
    def test_writer_writes_formula_like_text_as_text(self):
        writer = xlsx.XlsxWriter()
        writer.add_sheet(
            "Sheet",
            [
                xlsx.Column("=Header"),
                xlsx.Column("Amount", xlsx.MONEY_FORMAT),
                xlsx.Column("Date", xlsx.DATE_FORMAT),
            ],
            [[text, text, "=TODAY()"] for text in FORMULAS]
            + [["plain", 5.0, date(2026, 1, 2)], ["bad\x07char", -4.0, None]],
        )
        sheet = load_workbook(BytesIO(writer.save())).active
        self.assertText(sheet["A1"], "=Header")
        for row, text in enumerate(FORMULAS, start=2):
            self.assertText(sheet.cell(row, 1), text)
            self.assertText(sheet.cell(row, 2), text)
            self.assertText(sheet.cell(row, 3), "=TODAY()")
            self.assertTrue(sheet.cell(row, 1).quotePrefix)
        self.assertEqual(sheet["A7"].value, "plain")
        self.assertEqual(sheet["B7"].value, 5.0)
        self.assertEqual(sheet["C7"].value.date(), date(2026, 1, 2))
        self.assertEqual(sheet["A8"].value, "badchar")
        self.assertEqual((sheet["B8"].value, sheet["B8"].data_type), (-4.0, "n"))

    def test_tender_export_escapes_user_text(self):
        bid = (
            self.env["backoffice.bid"]
            .with_user(self.bo_user)
            .create(
                {
                    "name": FORMULAS[0],
                    "tender_ref": "@REF",
                    "purchaser_id": self.purchaser.id,
                    "winner_name": "-Winner",
                    "date_submission_deadline": date.today() + timedelta(days=5),
                    "company_id": self.company.id,
                }
            )
        )
        sheet = self._workbook(bid.action_export_xlsx())["Tenders"]
        self.assertText(sheet["A2"], "@REF")
        self.assertText(sheet["B2"], FORMULAS[0])
        self.assertText(sheet["C2"], "=1+1")
        self.assertText(sheet["L2"], "-Winner")
        self.assertFalse(
            [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
        )

    def test_template_is_a_workbook_with_its_header(self):
        action = self.env["backoffice.bid.import"].with_user(self.bo_user).create({})
        sheet = self._workbook(action.action_download_template())["Tenders"]
        self.assertEqual(sheet["A1"].value, "Tender Reference *")
        self.assertEqual(sheet["A2"].value, "ZB-2026-0042")

    # ------------------------------------------------------------- access
    def test_download_stores_base64_for_web_content(self):
        action = self.env["backoffice.bid"].with_user(self.bo_user).search([]).action_export_xlsx()
        download = (
            self.env["backoffice.xlsx.download"]
            .with_user(self.bo_user)
            .browse(int(action["url"].split("/")[4]))
        )
        # /web/content base64-decodes Binary fields: what it decodes is the workbook.
        self.assertTrue(base64.b64decode(download.file_data).startswith(b"PK"))
        self.assertIn(f"/{download.id}/file_data/tenders.xlsx", action["url"])

    def test_downloads_and_imports_are_their_creator_only(self):
        Download = self.env["backoffice.xlsx.download"]
        action = self.env["backoffice.bid"].with_user(self.bo_user).action_export_xlsx()
        download = Download.browse(int(action["url"].split("/")[4]))
        self.assertEqual(download.with_user(self.bo_user).file_name, "tenders.xlsx")
        with self.assertRaises(AccessError):
            download.with_user(self.bo_manager).read(["file_data"])
        with self.assertRaises(AccessError):
            download.with_user(self.salesman).read(["file_data"])
        self.assertFalse(Download.with_user(self.bo_manager).search([("id", "=", download.id)]))
        with self.assertRaises(AccessError):
            download.with_user(self.bo_manager).write({"file_name": "x.xlsx"})

        bid_import = self.env["backoffice.bid.import"].with_user(self.bo_user).create({})
        with self.assertRaises(AccessError):
            bid_import.with_user(self.bo_manager).read(["file_data"])
        with self.assertRaises(AccessError):
            bid_import.with_user(self.bo_manager).action_import()

        claim = (
            self.env["backoffice.expense.claim"]
            .with_user(self.salesman)
            .create({"company_id": self.company.id})
        )
        expense_import = (
            self.env["backoffice.expense.import"]
            .with_user(self.salesman)
            .create({"claim_id": claim.id})
        )
        with self.assertRaises(AccessError):
            expense_import.with_user(self.other_salesman).read(["file_data"])
        with self.assertRaises(AccessError):
            expense_import.with_user(self.bo_manager).write({"file_name": "x.xlsx"})

    def test_download_access_rights_per_group(self):
        employee = new_test_user(
            self.env,
            login="bo_employee",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        with self.assertRaises(AccessError):
            self.env["backoffice.xlsx.download"].with_user(employee)._download_action(
                "x.xlsx", b"PK"
            )
        with self.assertRaises(AccessError):
            self.env["backoffice.bid.import"].with_user(self.salesman).create({})
