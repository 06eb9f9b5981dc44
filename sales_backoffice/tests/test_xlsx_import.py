import base64
import re
import zipfile
from datetime import date, timedelta
from io import BytesIO
from unittest.mock import patch

import openpyxl.xml
from openpyxl import Workbook, load_workbook

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..tools import xlsx
from .common import BackofficeCommon

BID_HEADER = (
    "Tender Reference",
    "Title",
    "Purchaser",
    "Source",
    "Region",
    "Budget",
    "Submission Deadline",
    "Salesperson",
)


def workbook_bytes(header, rows):
    """A workbook written cell by cell, text kept as typed (``"NaN"``,
    ``"1.234,56"``), the way a user's spreadsheet holds it."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite_part(data, part, substitute):
    """The workbook ``data`` with one archive member passed through ``substitute``."""
    source = zipfile.ZipFile(BytesIO(data))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == part:
                content = substitute(content)
            target.writestr(info, content)
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestXlsxImport(BackofficeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.country_id = cls.env.ref("base.us")
        cls.purchaser = cls.env["res.partner"].create(
            {"name": "City Water Authority", "is_company": True}
        )
        cls.deadline = date.today() + timedelta(days=20)
        cls.claim = (
            cls.env["backoffice.expense.claim"]
            .with_user(cls.salesman)
            .create({"company_id": cls.company.id})
        )
        cls.hotel = (
            cls.env["backoffice.expense.category"]
            .sudo()
            .create(
                {
                    "name": "Hotel",
                    "account_id": cls.company_data["default_account_expense"].id,
                    "receipt_required_above": 1000.0,
                    "company_id": cls.company.id,
                }
            )
        )

    def _bid_row(self, ref, purchaser="City Water Authority", **values):
        row = dict.fromkeys(BID_HEADER)
        row.update(
            {
                "Tender Reference": ref,
                "Title": f"Tender {ref}",
                "Purchaser": purchaser,
                "Submission Deadline": self.deadline,
            }
        )
        row.update({key.replace("_", " ").title(): value for key, value in values.items()})
        return [row[label] for label in BID_HEADER]

    def _import_bids(self, data, user=None):
        wizard = (
            self.env["backoffice.bid.import"]
            .with_user(user or self.bo_user)
            .create({"file_data": base64.b64encode(data)})
        )
        wizard.action_import()
        return wizard

    def _import_expenses(self, rows, header=("Date", "Category", "Amount", "Customer")):
        wizard = (
            self.env["backoffice.expense.import"]
            .with_user(self.salesman)
            .create(
                {
                    "claim_id": self.claim.id,
                    "file_data": base64.b64encode(workbook_bytes(header, rows)),
                }
            )
        )
        wizard.action_import()
        return wizard

    def _bids(self, pattern="XI-%"):
        return self.env["backoffice.bid"].search([("tender_ref", "=like", pattern)])

    # ----------------------------------------------------------- the parser
    def test_defusedxml_guards_the_reader(self):
        self.assertTrue(openpyxl.xml.DEFUSEDXML, "openpyxl must parse through defusedxml")
        entity_bomb = (
            b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        )
        # The sheets are streamed through defusedxml, which refuses entities.
        data = rewrite_part(
            workbook_bytes(BID_HEADER, [self._bid_row("XI-1")]),
            "xl/worksheets/sheet1.xml",
            lambda content: entity_bomb + re.sub(rb"^<\?xml[^>]*\?>", b"", content),
        )
        with self.assertRaisesRegex(UserError, "not an XLSX workbook"):
            self._import_bids(data)
        self.assertFalse(self._bids())

    def test_nan_and_infinity_are_refused_with_their_row(self):
        data = workbook_bytes(
            BID_HEADER,
            [
                self._bid_row("XI-1", budget=1000),
                self._bid_row("XI-2", budget="NaN"),
                self._bid_row("XI-3", budget="Infinity"),
                self._bid_row("XI-4", budget="-inf"),
                self._bid_row("XI-5", budget=12345.5),
            ],
        )
        # A numeric cell may hold an overflowing value that reads as infinity.
        data = rewrite_part(
            data,
            "xl/worksheets/sheet1.xml",
            lambda content: content.replace(b"<v>12345.5</v>", b"<v>1e999</v>"),
        )
        with self.assertRaises(ValidationError) as caught:
            self._import_bids(data)
        message = str(caught.exception)
        self.assertIn("Nothing was imported: 4 rows are wrong", message)
        self.assertIn("Row 3: Budget: 'NaN' is not a number", message)
        self.assertIn("Row 4: Budget: 'Infinity' is not a number", message)
        self.assertIn("Row 5: Budget: '-inf' is not a number", message)
        self.assertIn("Row 6: Budget: 'inf' is not a number", message)
        self.assertNotIn("Row 2", message)
        self.assertFalse(self._bids())

    def test_number_formats(self):
        data = workbook_bytes(
            BID_HEADER,
            [
                self._bid_row("XI-1", budget="1,200,000.00"),
                self._bid_row("XI-2", budget=" 12,500 "),
                self._bid_row("XI-3", budget="2500.75"),
            ],
        )
        self._import_bids(data)
        self.assertEqual(
            sorted(self._bids().mapped("budget_amount")), [2500.75, 12500.0, 1200000.0]
        )
        data = workbook_bytes(
            BID_HEADER,
            [
                self._bid_row("XI-4", budget="1.234,56"),
                self._bid_row("XI-5", budget="1,5"),
                self._bid_row("XI-6", budget="12,34,567"),
                self._bid_row("XI-7", budget=100),
            ],
        )
        with self.assertRaises(ValidationError) as caught:
            self._import_bids(data)
        message = str(caught.exception)
        self.assertIn("Row 2: Budget: '1.234,56' is ambiguous", message)
        self.assertIn("Row 3: Budget: '1,5' is ambiguous", message)
        self.assertIn("Row 4: Budget: '12,34,567' is ambiguous", message)
        self.assertNotIn("Row 5", message)
        self.assertFalse(self._bids("XI-7"))

    def test_file_size_limit(self):
        too_big = base64.b64encode(b"\0" * (xlsx.MAX_FILE_SIZE + 1))
        wizard = (
            self.env["backoffice.bid.import"]
            .with_user(self.bo_user)
            .create({"file_data": too_big})
        )
        with self.assertRaisesRegex(UserError, "larger than 10 MB"):
            wizard.action_import()

    def test_decompression_limit(self):
        data = workbook_bytes(BID_HEADER, [self._bid_row("XI-1", title="x" * 5000)])
        with patch.object(xlsx, "MAX_UNCOMPRESSED_SIZE", 4000):
            with self.assertRaisesRegex(UserError, "of data once uncompressed"):
                self._import_bids(data)
        self.assertFalse(self._bids())

    def test_row_limit(self):
        writer = xlsx.XlsxWriter()
        rows = (
            [f"XI-{n}", "Valves", "City Water Authority", self.deadline]
            for n in range(xlsx.MAX_ROWS + 1)
        )
        columns = ("Tender Reference", "Title", "Purchaser", "Submission Deadline")
        writer.add_sheet("Tenders", [xlsx.Column(label) for label in columns], rows)
        with self.assertRaisesRegex(UserError, "more than 20,000 rows"):
            self._import_bids(writer.save())
        self.assertFalse(self._bids())

    def test_unusable_files(self):
        with self.assertRaisesRegex(UserError, "not an XLSX workbook"):
            self._import_bids(b"Tender Reference;Title\nXI-1;Valves\n")
        no_sheet = rewrite_part(
            workbook_bytes(BID_HEADER, [self._bid_row("XI-1")]),
            "xl/workbook.xml",
            lambda content: re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", content),
        )
        with self.assertRaisesRegex(UserError, "The workbook has no sheet"):
            self._import_bids(no_sheet)
        with self.assertRaisesRegex(UserError, "The first sheet has no header row"):
            self._import_bids(workbook_bytes([], []))
        with self.assertRaisesRegex(UserError, "The file has no tender to import"):
            self._import_bids(workbook_bytes(BID_HEADER, [[None] * len(BID_HEADER)]))
        with self.assertRaisesRegex(ValidationError, "Row 1: the column 'Purchaser' is missing"):
            self._import_bids(workbook_bytes(("Tender Reference", "Title"), [["XI-1", "x"]]))
        wizard = self.env["backoffice.bid.import"].with_user(self.bo_user).create({})
        with self.assertRaisesRegex(UserError, "Choose the file to import"):
            wizard.action_import()
        self.assertFalse(self._bids())

    # -------------------------------------------------------------- lookups
    def test_lookups_are_exact_and_wildcards_literal(self):
        data = workbook_bytes(
            BID_HEADER,
            [
                self._bid_row("XI-1", region="Californi_"),
                self._bid_row("XI-2", region="%"),
                self._bid_row("XI-3", salesperson="bo_%"),
                self._bid_row("XI-4", salesperson="%"),
                self._bid_row("XI-5", region="california", salesperson="BO_SALESMAN"),
            ],
        )
        with self.assertRaises(ValidationError) as caught:
            self._import_bids(data)
        message = str(caught.exception)
        self.assertIn("Row 2: unknown region 'Californi_'", message)
        self.assertIn("Row 3: unknown region '%'", message)
        self.assertIn("Row 4: unknown salesperson 'bo_%'", message)
        self.assertIn("Row 5: unknown salesperson '%'", message)
        self.assertNotIn("Row 6", message)
        with self.assertRaises(ValidationError) as caught:
            self._import_expenses(
                [
                    [date.today(), "Hotel", 100, "Contoso%"],
                    [date.today(), "Hotel", 100, "_ontoso Trading"],
                    [date.today(), "hotel", 100, "contoso trading"],
                ]
            )
        message = str(caught.exception)
        self.assertIn("Row 2: customer 'Contoso%' not found", message)
        self.assertIn("Row 3: customer '_ontoso Trading' not found", message)
        self.assertNotIn("Row 4", message)
        self.assertFalse(self.claim.line_ids)
        self._import_expenses([[date.today(), "hotel", 100, "contoso trading"]])
        self.assertEqual(self.claim.line_ids.partner_id, self.customer)

    def test_purchasers_deduplicated_case_insensitively(self):
        Partner = self.env["res.partner"]
        data = workbook_bytes(
            BID_HEADER,
            [
                self._bid_row("XI-1", purchaser="Harbour Works"),
                self._bid_row("XI-2", purchaser="HARBOUR WORKS"),
                self._bid_row("XI-3", purchaser="harbour works"),
                self._bid_row("XI-4", purchaser="CITY WATER AUTHORITY"),
            ],
        )
        wizard = self._import_bids(data)
        self.assertEqual(wizard.created_count, 4)
        harbour = Partner.search([("name", "=ilike", "harbour works")])
        self.assertEqual(len(harbour), 1, "a new purchaser is created once per import")
        self.assertEqual(harbour.name, "Harbour Works")
        self.assertEqual(self._bids().purchaser_id, harbour | self.purchaser)
        # The next import finds the purchaser, whatever the case, and updates.
        data = workbook_bytes(
            BID_HEADER,
            [
                self._bid_row("xi-1", purchaser="harbour works", budget=900),
                self._bid_row("XI-9", purchaser="Harbour works"),
            ],
        )
        wizard = self._import_bids(data)
        self.assertEqual((wizard.created_count, wizard.updated_count), (1, 1))
        self.assertEqual(len(Partner.search([("name", "=ilike", "harbour works")])), 1)
        self.assertEqual(self._bids("XI-1").budget_amount, 900)
        self.assertEqual(len(self._bids()), 5)
        # The same tender twice in one file, in another case, is refused.
        data = workbook_bytes(
            BID_HEADER,
            [
                self._bid_row("XI-20", purchaser="Dock Board"),
                self._bid_row("xi-20", purchaser="DOCK BOARD"),
            ],
        )
        with self.assertRaisesRegex(ValidationError, "Row 3: the tender appears twice"):
            self._import_bids(data)
        self.assertFalse(Partner.search([("name", "=ilike", "dock board")]))

    # ------------------------------------------------------------ templates
    def test_expense_template_from_an_empty_dialog(self):
        wizard = (
            self.env["backoffice.expense.import"]
            .with_user(self.salesman)
            .create({"claim_id": self.claim.id})
        )
        action = wizard.action_download_template()
        download = (
            self.env["backoffice.xlsx.download"]
            .with_user(self.salesman)
            .browse(int(action["url"].split("/")[4]))
        )
        sheet = load_workbook(BytesIO(download._get_content())).active
        header = [cell.value for cell in sheet[1]]
        self.assertEqual(header[:4], ["Date *", "Category *", "Description", "Amount *"])
        with self.assertRaisesRegex(UserError, "Choose the file to import"):
            wizard.action_import()
        wizard.file_data = download.file_data
        wizard.action_import()
        self.assertEqual(self.claim.line_ids.category_id, self.hotel)
