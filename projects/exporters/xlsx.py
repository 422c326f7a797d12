"""Writing .xlsx with XlsxWriter in constant-memory mode: rows stream to disk as they are
written, each format is registered once, and text is always written as text (never a formula).

XlsxWriter rather than openpyxl for writing: it writes a formatted cell with a few string
operations where openpyxl builds and hashes style objects per cell; the 20,000-row progress
table takes less time formatted than openpyxl needs to write the same cells bare
(docs/benchmarks.md). openpyxl still reads every workbook (imports, tests).
"""

import datetime
import io
import math
import tempfile
import unicodedata
from decimal import Decimal

import xlsxwriter

from projects import clock

# Excel number formats of the office's tables.
AMOUNT_FORMAT, PERCENT_FORMAT, DATE_FORMAT = "#,##0.00", "0.00%", "yyyy-mm-dd"
THIN_BORDER = {"border": 1, "border_color": "#999999"}
HEADER = {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True, **THIN_BORDER}
WORKBOOK_OPTIONS = {
    "constant_memory": True,  # each row goes to a temporary file once the next one starts
    "strings_to_formulas": False,  # "=…" from a user stays text (CWE-1236)
    "strings_to_numbers": False,
    "strings_to_urls": False,
}
# Row heights for wrapped text, in points. LibreOffice keeps the height an .xlsx states for a row
# instead of fitting it to wrapped text, and rows stream out before the sheet ends, so each row is
# given the height its longest text needs when it is written.
LINE_HEIGHT = 16  # one line of 11-point text set in a CJK font (Calibri's own lines are 15)
ROW_PADDING = 3
MAX_ROW_HEIGHT = 409  # the most a spreadsheet row can be
WIDE, NARROW = 2.0, 1.1  # column-width units of a CJK character and of any other one
CELL_MARGIN = 2  # width units lost to the cell's padding, and slack for breaking Latin words


def text_width(text):
    """The width of one line of ``text`` in column-width units (the width of a digit)."""
    return sum(WIDE if unicodedata.east_asian_width(char) in "WFA" else NARROW for char in text)


def wrapped_lines(text, width):
    """How many lines ``text`` takes wrapped in a column ``width`` units wide."""
    usable = max(width - CELL_MARGIN, 1)
    if "\n" not in text and len(text) * WIDE <= usable:
        return 1  # the common short cell, without measuring each character
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in text.split("\n"))


MAX_LINES = (MAX_ROW_HEIGHT - ROW_PADDING) // LINE_HEIGHT  # what the tallest row prints


def fit_text(text, width, marker="…"):
    """``text`` as it prints in one row of a column ``width`` units wide: whole when it fits, else
    cut where the tallest row ends and closed with ``marker``, which says where the rest is. A row
    cannot grow past MAX_ROW_HEIGHT, and text beyond it would be clipped unseen."""
    if not text or wrapped_lines(text, width) <= MAX_LINES:
        return text
    shortest, longest = 0, len(text)
    while shortest < longest:  # the longest start of the text that still fits with the marker
        middle = (shortest + longest + 1) // 2
        if wrapped_lines(text[:middle] + marker, width) <= MAX_LINES:
            shortest = middle
        else:
            longest = middle - 1
    return text[:shortest] + marker


class Sheet:
    """One worksheet written top to bottom, row by row."""

    def __init__(self, workbook, title):
        self.workbook = workbook
        self.worksheet = workbook.add_worksheet(title[:31])
        self.row = 0
        self._formats = {}
        self._widths = []

    def style(self, **properties):
        """The workbook format with these XlsxWriter properties, created once per combination."""
        key = tuple(sorted(properties.items()))
        if key not in self._formats:
            self._formats[key] = self.workbook.add_format(properties) if properties else None
        return self._formats[key]

    def widths(self, widths):
        self._widths = list(widths)
        for index, width in enumerate(widths):
            self.worksheet.set_column(index, index, width)

    def print_setup(self, *, header_rows, freeze, paper=None):
        """Landscape, one page wide, the first ``header_rows`` rows repeated on every page and
        frozen on screen with the columns left of ``freeze`` (row, column)."""
        sheet = self.worksheet
        sheet.set_landscape()
        if paper is not None:
            sheet.set_paper(paper)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(0, header_rows - 1)
        sheet.freeze_panes(*freeze)

    def append(self, values, formats):
        """Write one row: ``values`` with their ``formats`` (None where a cell has none), as high as
        its longest wrapped text needs."""
        row, write = self.row, self._write
        lines = self._lines(values, formats)
        if lines > 1:
            self.worksheet.set_row(row, min(lines * LINE_HEIGHT + ROW_PADDING, MAX_ROW_HEIGHT))
        for column, (value, cell_format) in enumerate(zip(values, formats, strict=True)):
            write(row, column, value, cell_format)
        self.row += 1

    def _lines(self, values, formats):
        """The most lines any wrapped text cell of the row takes in its column."""
        lines = 1
        for value, cell_format, width in zip(values, formats, self._widths, strict=False):
            if isinstance(value, str) and cell_format is not None and cell_format.text_wrap:
                lines = max(lines, wrapped_lines(value, width))
        return lines

    def merged(self, value, cell_format, columns):
        """A row whose first ``columns`` cells are merged into one holding ``value``."""
        self.worksheet.merge_range(self.row, 0, self.row, columns - 1, str(value), cell_format)
        self.row += 1

    def _write(self, row, column, value, cell_format):
        sheet = self.worksheet
        if value is None:
            if cell_format is not None:
                sheet.write_blank(row, column, None, cell_format)
        elif isinstance(value, str):
            sheet.write_string(row, column, value, cell_format)
        elif isinstance(value, bool):
            sheet.write_boolean(row, column, value, cell_format)
        elif isinstance(value, (int, Decimal, float)):
            sheet.write_number(row, column, value, cell_format)
        elif isinstance(value, (datetime.date, datetime.datetime)):
            sheet.write_datetime(row, column, value, cell_format)
        else:
            sheet.write_string(row, column, str(value), cell_format)


def new_workbook(output):
    """A workbook that writes to ``output`` (a path or a binary file) when closed."""
    return xlsxwriter.Workbook(output, WORKBOOK_OPTIONS)


def write_table(output, *, title, columns, rows, heading=None, note=""):
    """A plain list sheet, streamed: ``columns`` are (header, width, number_format or None);
    ``rows`` is any iterable of value lists. The header row is frozen and repeated when printed.
    With a ``heading`` the sheet is titled for filing: the heading merged across the top, then a
    row with ``note`` on the left and the export date on the right, then the header row."""
    workbook = new_workbook(output)
    sheet = Sheet(workbook, title)
    sheet.widths([width for _, width, _ in columns])
    width = len(columns)
    header_rows = 3 if heading else 1
    sheet.print_setup(header_rows=header_rows, freeze=(header_rows, 0))
    if heading:
        title_format = sheet.style(bold=True, size=16, align="center", valign="vcenter", text_wrap=True)
        sheet.merged(heading, title_format, width)
        sheet.append([note or None] + [None] * (width - 2) + [f"制表日期：{clock.today():%Y-%m-%d}"], [None] * width)
    header = sheet.style(**HEADER)
    sheet.append([name for name, _, _ in columns], [header] * len(columns))
    formats = [
        sheet.style(num_format=fmt, **THIN_BORDER) if fmt else sheet.style(valign="top", text_wrap=True, **THIN_BORDER)
        for _, _, fmt in columns
    ]
    for values in rows:
        sheet.append(values, formats)
    workbook.close()


def simple_workbook(title, headers, rows, widths=None):
    """One plain sheet (see write_table) as the file's bytes, for small files built in memory."""
    widths = widths or [14] * len(headers)
    buffer = io.BytesIO()
    write_table(buffer, title=title, columns=[(h, w, None) for h, w in zip(headers, widths, strict=True)], rows=rows)
    return buffer.getvalue()


def temporary_file(write, *args, **kwargs):
    """Run ``write(file, …)`` into a temporary file and return it rewound: memory stays bounded."""
    spooled = tempfile.TemporaryFile()
    write(spooled, *args, **kwargs)
    spooled.seek(0)
    return spooled
