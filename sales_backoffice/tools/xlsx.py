"""The module's one openpyxl layer for XLSX export.

Every workbook of the module (contract lists, statements, statistics, and the
later bids and expense claims) is written through :class:`XlsxWriter`: a
write-only workbook, a bold frozen header, number and date formats from the
column spec, and an optional totals row.
"""

import datetime
from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0"
INTEGER_FORMAT = "0"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_BOLD = Font(bold=True)


class Column:
    """One column: header label, width, number format, whether it is summed."""

    __slots__ = ("label", "number_format", "total", "width")

    def __init__(self, label, number_format=None, total=False, width=None):
        self.label = label
        self.number_format = number_format
        self.total = total
        self.width = width or max(12, min(len(label) + 4, 40))


class XlsxWriter:
    """Write-only workbook built sheet by sheet; ``save()`` returns the bytes."""

    def __init__(self):
        self.workbook = Workbook(write_only=True)

    def add_sheet(self, title, columns, rows, totals_label=None):
        """Write ``rows`` (iterables of cell values) under a header of
        ``columns``; with ``totals_label``, a last row sums the total columns.
        Returns the number of data rows written."""
        sheet = self.workbook.create_sheet(title=title[:31])
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        sheet.append([self._cell(sheet, column.label, font=_BOLD) for column in columns])
        sums = [0.0] * len(columns)
        count = 0
        for row in rows:
            cells = []
            for index, (column, value) in enumerate(zip(columns, row, strict=True)):
                if value is False or value is None:
                    value = None
                if column.total and isinstance(value, int | float):
                    sums[index] += value
                cells.append(self._cell(sheet, value, column.number_format))
            sheet.append(cells)
            count += 1
        if totals_label is not None:
            totals = []
            for index, column in enumerate(columns):
                if index == 0:
                    totals.append(self._cell(sheet, totals_label, font=_BOLD))
                elif column.total:
                    totals.append(
                        self._cell(sheet, round(sums[index], 2), column.number_format, _BOLD)
                    )
                else:
                    totals.append(None)
            sheet.append(totals)
        return count

    @staticmethod
    def _cell(sheet, value, number_format=None, font=None):
        if isinstance(value, datetime.datetime):
            number_format = number_format or DATETIME_FORMAT
        elif isinstance(value, datetime.date):
            number_format = number_format or DATE_FORMAT
        cell = WriteOnlyCell(sheet, value=value)
        if number_format and value is not None:
            cell.number_format = number_format
        if font:
            cell.font = font
        return cell

    def save(self):
        buffer = BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()
