"""The module's one openpyxl layer for XLSX export and import.

Every workbook of the module (contract lists, statements, statistics, bids and
expense claims) is written through :class:`XlsxWriter`: a write-only
workbook, a bold frozen header, number and date formats from the column spec,
and an optional totals row. Text is always written as text: a value that
begins like a formula (``=``, ``+``, ``-``, ``@``) is a string cell with a
quote prefix, never a live formula.

Every import reads its file through :class:`XlsxImporter`: size, row and
decompression limits, the header checked against a column spec, each cell
parsed strictly, and every bad row reported with its number and reason so
that the caller imports all rows or none.
"""

import base64
import datetime
import math
import re
import zipfile
from copy import copy
from io import BytesIO

import openpyxl.xml
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from odoo.exceptions import UserError, ValidationError
from odoo.tools.sql import escape_psql

MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0"
INTEGER_FORMAT = "0"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Text starting with one of these is a formula (or becomes one when a user
# edits the cell) in spreadsheet applications: it is written as quoted text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Import limits: the upload, its uncompressed content, and the data rows.
MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_UNCOMPRESSED_SIZE = 100 * 1024 * 1024
MAX_ROWS = 20000

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
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                    if value.startswith(FORMULA_PREFIXES):
                        cells.append(self._cell(sheet, value))
                        continue
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
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if isinstance(value, datetime.datetime):
            number_format = number_format or DATETIME_FORMAT
        elif isinstance(value, datetime.date):
            number_format = number_format or DATE_FORMAT
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
            # openpyxl turns any string starting with "=" into a formula.
            cell.data_type = "s"
            cell.quotePrefix = True
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
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED_NUMBER = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DIGITS_AND_SEPARATORS = re.compile(r"[+-]?[\d.,]+")


class ImportColumn:
    """One column of an import template: a stable key (what the rows are
    read by), its header in the user's language, the kind of value (``text``,
    ``number`` or ``date``), whether it is required, and an example value.
    ``aliases`` are other headers accepted for it (the English one), so a
    template downloaded in one language imports in another."""

    __slots__ = ("aliases", "example", "key", "kind", "label", "required")

    def __init__(self, key, label, kind="text", required=False, example=None):
        self.key = key
        self.label = label
        self.kind = kind
        self.required = required
        self.example = example
        self.aliases = set()

    def headers(self):
        """Every header that names this column, case aside."""
        return {header.casefold() for header in {self.label, *self.aliases}}


def add_english_aliases(columns, english_columns):
    """Let ``columns`` (in the user's language) also answer to the English
    headers of the same keys."""
    english = {column.key: column.label for column in english_columns}
    for column in columns:
        if column.key in english:
            column.aliases.add(english[column.key])
    return columns


def bilingual_importer(wizard, title, empty_message):
    """The importer of an import wizard's ``_columns()``, its headers accepted
    in the user's language, in English and in every installed language: a
    template downloaded in one language imports in another."""
    columns = wizard._columns()
    codes = {"en_US"} | {code for code, _name in wizard.env["res.lang"].get_installed()}
    for code in sorted(codes):
        add_english_aliases(columns, wizard.with_context(lang=code)._columns())
    return XlsxImporter(wizard.env, columns, title, empty_message)


class XlsxImporter:
    """Reads uploaded workbooks against a column spec, for one import wizard.

    ``read_file(file_data)`` returns ``(rows, errors)``: the good rows as (row
    number, {column key: value}) and every bad row as (row number, reason), so that
    the caller adds its own checks and calls ``raise_errors(errors)`` before
    writing anything. A file that cannot be read at all raises a UserError."""

    def __init__(self, env, columns, title, empty_message):
        self.env = env
        self.columns = columns
        self.title = title
        self.empty_message = empty_message

    # ---------------------------------------------------------------- template
    def template(self):
        """A workbook with the header row (required columns marked with *)
        and one example row."""
        writer = XlsxWriter()
        examples = (
            [[column.example for column in self.columns]]
            if any(column.example is not None for column in self.columns)
            else []
        )
        writer.add_sheet(
            self.title,
            [Column(c.label + (" *" if c.required else "")) for c in self.columns],
            examples,
        )
        return writer.save()

    # -------------------------------------------------------------------- read
    def decode(self, file_data):
        """The raw bytes of a Binary field value (base64), size checked."""
        if not file_data:
            raise UserError(self.env._("Choose the file to import."))
        # Refuse before decoding: base64 is 4/3 of the size of its content.
        if len(file_data) > (MAX_FILE_SIZE * 4) // 3 + 4:
            raise self._too_large()
        try:
            data = base64_decode(file_data)
        except ValueError:
            raise UserError(self.env._("The file is not an XLSX workbook.")) from None
        if len(data) > MAX_FILE_SIZE:
            raise self._too_large()
        return data

    def _too_large(self):
        return UserError(
            self.env._(
                "The file is larger than %(size)s MB: split it into smaller files.",
                size=MAX_FILE_SIZE // (1024 * 1024),
            )
        )

    def _open(self, data):
        """The workbook, once the archive is known to be a reasonable size:
        a small file that inflates to gigabytes is refused unopened."""
        from openpyxl import load_workbook  # noqa: PLC0415 (only imports need the reader)

        if not openpyxl.xml.DEFUSEDXML:
            raise UserError(
                self.env._("Imports need the Python package defusedxml: ask your administrator.")
            )
        not_xlsx = UserError(self.env._("The file is not an XLSX workbook."))
        try:
            with zipfile.ZipFile(BytesIO(data)) as archive:
                inflated = sum(info.file_size for info in archive.infolist())
        except (zipfile.BadZipFile, ValueError):
            raise not_xlsx from None
        if inflated > MAX_UNCOMPRESSED_SIZE:
            raise UserError(
                self.env._(
                    "The workbook holds more than %(size)s MB of data once "
                    "uncompressed: split it into smaller files.",
                    size=MAX_UNCOMPRESSED_SIZE // (1024 * 1024),
                )
            )
        try:
            return load_workbook(BytesIO(data), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many types for a file that is not XLSX
            raise not_xlsx from error

    def read_file(self, file_data):
        """Parse the first sheet of the uploaded ``file_data`` (base64)."""
        workbook = self._open(self.decode(file_data))
        try:
            return self._read_sheet(workbook)
        except UserError:
            raise
        except Exception as error:  # a sheet that openpyxl cannot parse while streaming it
            raise UserError(self.env._("The file is not an XLSX workbook.")) from error
        finally:
            workbook.close()

    def _read_sheet(self, workbook):
        if not workbook.worksheets:
            raise UserError(
                self.env._("The workbook has no sheet: put the rows to import on its first sheet.")
            )
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        first = next(rows, None)
        if not first or all(cell in (None, "") for cell in first):
            raise UserError(
                self.env._(
                    "The first sheet has no header row: download the template and "
                    "fill in its columns."
                )
            )
        header = [
            str(cell).rstrip(" *").strip().casefold() if cell is not None else "" for cell in first
        ]
        positions, missing = {}, []
        for column in self.columns:
            found = [index for index, name in enumerate(header) if name in column.headers()]
            if found:
                positions[column.key] = found[0]
            elif column.required:
                missing.append(
                    (1, self.env._("the column '%(column)s' is missing", column=column.label))
                )
        if missing:
            self.raise_errors(missing)
        parsed, errors, count = [], [], 0
        for number, row in enumerate(rows, start=2):
            if row is None or all(_is_blank(cell) for cell in row):
                continue
            count += 1
            if count > MAX_ROWS:
                raise UserError(
                    self.env._(
                        "The file has more than %(count)s rows: split it into smaller files.",
                        count=f"{MAX_ROWS:,}",
                    )
                )
            values, reasons = {}, []
            for column in self.columns:
                index = positions.get(column.key)
                cell = row[index] if index is not None and index < len(row) else None
                if _is_blank(cell):
                    if column.required:
                        reasons.append(self.env._("%(column)s is required", column=column.label))
                    values[column.key] = None
                    continue
                try:
                    values[column.key] = self._parse(column, cell)
                except ValueError as error:
                    reasons.append(f"{column.label}: {error}")
            if reasons:
                errors.append((number, "; ".join(reasons)))
            else:
                parsed.append((number, values))
        if not parsed and not errors:
            raise UserError(self.empty_message)
        return parsed, errors

    # ----------------------------------------------------------------- parsers
    def _parse(self, column, cell):
        return getattr(self, f"_parse_{column.kind}")(cell)

    def _parse_text(self, cell):
        if isinstance(cell, float) and cell.is_integer():
            cell = int(cell)  # a reference typed as a number: 1042, not 1042.0
        if isinstance(cell, datetime.datetime | datetime.date):
            cell = cell.isoformat()
        return str(cell).strip()

    def _parse_number(self, cell):
        not_a_number = ValueError(self.env._("'%(value)s' is not a number", value=cell))
        if isinstance(cell, bool) or isinstance(cell, datetime.date | datetime.time):
            raise not_a_number
        if isinstance(cell, int | float):
            value = float(cell)
        else:
            text = str(cell).strip()
            if _PLAIN_NUMBER.fullmatch(text):
                value = float(text)
            elif _GROUPED_NUMBER.fullmatch(text):
                value = float(text.replace(",", ""))
            elif "," in text and _DIGITS_AND_SEPARATORS.fullmatch(text):
                raise ValueError(
                    self.env._(
                        "'%(value)s' is ambiguous: write it with a decimal point and "
                        "no thousands separator, like 1234.56",
                        value=text,
                    )
                )
            else:
                raise not_a_number
        if not math.isfinite(value):
            raise not_a_number
        return value

    def _parse_date(self, cell):
        if isinstance(cell, datetime.datetime):
            return cell.date()
        if isinstance(cell, datetime.date):
            return cell
        try:
            return datetime.date.fromisoformat(str(cell).strip())
        except ValueError:
            raise ValueError(
                self.env._("'%(value)s' is not a date (YYYY-MM-DD)", value=cell)
            ) from None

    # ------------------------------------------------------------------ errors
    def raise_errors(self, errors):
        """Refuse the whole file when any row is bad, listing every one."""
        if not errors:
            return
        errors = sorted(errors, key=lambda error: error[0])
        lines = [
            self.env._(
                "Nothing was imported: %(count)s rows are wrong. Fix them and "
                "import the file again:",
                count=len({number for number, _reason in errors}),
            )
        ]
        lines += [
            self.env._("Row %(row)s: %(reason)s", row=number, reason=reason)
            for number, reason in errors
        ]
        raise ValidationError("\n".join(lines))


def _is_blank(cell):
    return cell is None or (isinstance(cell, str) and not cell.strip())


def base64_decode(file_data):
    """Strict base64 decoding of a Binary field value: garbage is refused,
    not silently dropped."""
    if isinstance(file_data, str):
        file_data = file_data.encode()
    try:
        return base64.b64decode(file_data, validate=True)
    except (ValueError, TypeError) as error:
        raise ValueError(str(error)) from None


def exact_match(field_name, value):
    """Domain leaf matching ``value`` exactly but case-insensitively: the
    LIKE wildcards of user input (``%``, ``_``, ``\\``) are escaped."""
    return (field_name, "=ilike", escape_psql(value))
