"""Writing .xlsx with openpyxl in write-only mode, with text that can never run as a formula."""

import io
from copy import copy

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
THIN = Side(style="thin", color="999999")
HEADER_FONT = Font(bold=True)
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def _styled(sheet, value, style):
    """A write-only cell with ``style``. Setting font, border … on each cell makes openpyxl hash the
    style objects every time (most of an export's time); each combination is registered once per
    sheet and its style array copied onto new cells."""
    result = WriteOnlyCell(sheet, value=value)
    if style:
        cache = sheet.__dict__.setdefault("_kp_styles", {})
        key = tuple(sorted((name, id(setting)) for name, setting in style.items()))
        if key not in cache:
            template = WriteOnlyCell(sheet)
            for name, setting in style.items():
                setattr(template, name, setting)
            cache[key] = (template._style, tuple(style.values()))  # keep the objects (and their ids) alive
        result._style = copy(cache[key][0])
    return result


def text_cell(sheet, value, **style):
    """A cell that holds ``value`` as text, even when it starts like a formula (CWE-1236)."""
    result = _styled(sheet, None if value is None else str(value), style)
    if value is not None:
        result.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
    return result


def cell(sheet, value, **style):
    """Numbers stay numbers; text goes through text_cell."""
    if isinstance(value, str):
        return text_cell(sheet, value, **style)
    return _styled(sheet, value, style)


def simple_workbook(title, headers, rows, widths=None):
    """One plain sheet (see write_table) as the file's bytes, for small files built in memory."""
    widths = widths or [14] * len(headers)
    buffer = io.BytesIO()
    write_table(buffer, title=title, columns=[(h, w, None) for h, w in zip(headers, widths, strict=True)], rows=rows)
    return buffer.getvalue()


def _column_letter(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def write_table(output, *, title, columns, rows):
    """A plain list sheet, streamed: ``columns`` are (header, width, number_format or None);
    ``rows`` is any iterable of value lists. The header row is frozen and repeated when printed."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, (_, width, _) in enumerate(columns, start=1):
        sheet.column_dimensions[_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.append(
        [
            text_cell(sheet, header, font=HEADER_FONT, alignment=HEADER_ALIGNMENT, border=BORDER)
            for header, _, _ in columns
        ]
    )
    wrap = Alignment(vertical="top", wrap_text=True)
    for values in rows:
        sheet.append(
            [
                cell(sheet, value, number_format=fmt, border=BORDER)
                if fmt
                else cell(sheet, value, border=BORDER, alignment=wrap)
                for value, (_, _, fmt) in zip(values, columns, strict=True)
            ]
        )
    workbook.save(output)


def temporary_file(write, *args, **kwargs):
    """Run ``write(file, …)`` into a temporary file and return it rewound: memory stays bounded."""
    import tempfile

    spooled = tempfile.TemporaryFile()
    write(spooled, *args, **kwargs)
    spooled.seek(0)
    return spooled
