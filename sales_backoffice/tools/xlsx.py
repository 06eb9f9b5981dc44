"""The module's one openpyxl layer for XLSX export.

Every workbook of the module (contract lists, statements, statistics, and the
later bids and expense claims) is written through :class:`XlsxWriter`: a
write-only workbook, a bold frozen header, number and date formats from the
column spec, and an optional totals row.
"""

import datetime
from copy import copy
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
        # One style per column, computed once and shared by its cells: setting
        # a number format cell by cell is what makes large exports slow.
        styles = [self._cell(sheet, 0, column.number_format)._style for column in columns]
        sums = [0.0] * len(columns)
        count = 0
        for row in rows:
            cells = []
            for index, (column, value) in enumerate(zip(columns, row, strict=True)):
                if value is False or value is None:
                    cells.append(None)
                    continue
                if column.total and isinstance(value, int | float):
                    sums[index] += value
                if column.number_format or isinstance(value, datetime.date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell._style = (
                        copy(styles[index])
                        if column.number_format
                        else self._cell(sheet, value)._style
                    )
                    cells.append(cell)
                else:
                    cells.append(value)
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


# --------------------------------------------------------------------- import
class ImportColumn:
    """One column of an import template: header, whether it is required, and
    a parser turning the cell into a value or raising ValueError with a reason."""

    __slots__ = ("example", "label", "parse", "required")

    def __init__(self, label, parse, required=False, example=None):
        self.label = label
        self.parse = parse
        self.required = required
        self.example = example


class XlsxImportError(Exception):
    """Raised with every bad row: ``errors`` is a list of (row number, reason)."""

    def __init__(self, errors):
        super().__init__("\n".join(f"Row {row}: {reason}" for row, reason in errors))
        self.errors = errors


def template(columns, title="Import"):
    """A workbook with the header row and one example row."""
    writer = XlsxWriter()
    examples = (
        [[column.example for column in columns]]
        if any(c.example is not None for c in columns)
        else []
    )
    writer.add_sheet(
        title,
        [Column(column.label + (" *" if column.required else "")) for column in columns],
        examples,
    )
    return writer.save()


def read_rows(data, columns, messages):
    """Parse the first sheet of ``data``: the header must name ``columns`` (in
    any order). Returns ``(rows, errors)``: the good rows as (row number,
    {label: value}) and every bad row as (row number, reason), so that callers
    add their own checks and report everything at once. Raises
    XlsxImportError when the file itself is unusable. ``messages`` translates
    the fixed reasons: keys 'not_xlsx', 'missing_column', 'required', 'empty'."""
    from openpyxl import load_workbook  # noqa: PLC0415 (only imports need the reader)

    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a file that is not XLSX
        raise XlsxImportError([(0, messages["not_xlsx"])]) from error
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [
        str(cell).rstrip(" *").strip() if cell is not None else "" for cell in next(rows, ())
    ]
    positions = {}
    errors = []
    for column in columns:
        if column.label in header:
            positions[column.label] = header.index(column.label)
        elif column.required:
            errors.append((1, messages["missing_column"] % column.label))
    if errors:
        raise XlsxImportError(errors)
    parsed = []
    for number, row in enumerate(rows, start=2):
        if row is None or all(cell in (None, "") for cell in row):
            continue
        values, reasons = {}, []
        for column in columns:
            index = positions.get(column.label)
            cell = row[index] if index is not None and index < len(row) else None
            if cell in (None, ""):
                if column.required:
                    reasons.append(messages["required"] % column.label)
                values[column.label] = None
                continue
            try:
                values[column.label] = column.parse(cell)
            except ValueError as error:
                reasons.append(f"{column.label}: {error}")
        if reasons:
            errors.append((number, "; ".join(reasons)))
        else:
            parsed.append((number, values))
    workbook.close()
    if not parsed and not errors:
        raise XlsxImportError([(0, messages["empty"])])
    return parsed, errors


def parse_date(cell):
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    try:
        return datetime.date.fromisoformat(str(cell).strip())
    except ValueError:
        raise ValueError(f"'{cell}' is not a date (YYYY-MM-DD)") from None


def parse_number(cell):
    if isinstance(cell, bool):
        raise ValueError(f"'{cell}' is not a number")
    if isinstance(cell, int | float):
        return float(cell)
    try:
        return float(str(cell).replace(",", "").strip())
    except ValueError:
        raise ValueError(f"'{cell}' is not a number") from None


def parse_text(cell):
    return str(cell).strip()
