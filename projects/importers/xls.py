"""Opening an uploaded .xls (Excel 97–2003: BIFF8 records in an OLE2 file) safely: olefile reads the
container, a walk over the Workbook stream's records refuses what would make python-calamine build
too much (it builds every sheet whole, as one dense grid, when it opens the file) and notes the
hidden rows and columns calamine does not report; then calamine reads the cells."""

import struct
from dataclasses import dataclass, field

import olefile

from projects.importers.limits import (
    ACCEPTED_FORMATS,
    BROKEN,
    CORRUPT,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_GRID_CELLS,
    WorkbookRefused,
    check_sheet_count,
    too_large_grid,
)

BOF, EOF, BOUNDSHEET, FILEPASS, SST, DIMENSIONS, ROW, COLINFO = (
    0x0809,
    0x000A,
    0x0085,
    0x002F,
    0x00FC,
    0x0200,
    0x0208,
    0x007D,
)
MERGECELLS = 0x00E5
BIFF8 = 0x0600
# Records of one cell (row, column first) and of a run of cells in a row (row, first column, …, last column).
CELL_RECORDS = {0x0006, 0x00FD, 0x0203, 0x027E, 0x0204, 0x0205, 0x0201, 0x00D6}
RUN_RECORDS = {0x00BD, 0x00BE}  # MULRK, MULBLANK
ROW_HIDDEN = 0x0020  # ROW's grbit: fDyZero, the row is hidden (by hand or by a filter)
COLUMN_HIDDEN = 0x0001  # COLINFO's grbit: fHidden
OLD_OR_BROKEN = "文件是较早的 Excel 格式或已损坏，无法读取。请在 Excel 或 WPS 中另存为 .xlsx 后再导入。"
NOT_A_WORKBOOK = f"文件不是 Excel 工作簿（可能是 Word 等其他 Office 文件）。只能导入 {ACCEPTED_FORMATS} 格式。"
ENCRYPTED = "文件已加密（设置了打开密码），无法读取。请取消密码后另存为 .xlsx 再导入。"


@dataclass
class XlsSheet:
    title: str
    offset: int  # where its BOF record is in the stream
    worksheet: bool
    last_row: int = 0  # 1-based; 0: no cell
    last_column: int = 0
    claimed_cells: int = 0  # the room its DIMENSIONS records make calamine reserve
    hidden_rows: set = field(default_factory=set)
    hidden_columns: set = field(default_factory=set)


def workbook_stream(upload):
    """The BIFF8 Workbook stream's bytes, or a refusal saying what the OLE2 file is instead."""
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    _check_header(content)
    try:
        with olefile.OleFileIO(content) as ole:
            # olefile finds a stream whatever its case, calamine by its exact name: two that differ only
            # in case could have this walk read one and calamine the other.
            names = [entry.name.lower() for entry in ole.direntries if entry is not None]
            if names.count("workbook") + names.count("book") > 1:
                raise WorkbookRefused(BROKEN)
            if ole.exists("EncryptedPackage"):  # an .xlsx with a password: Office wraps it in OLE2
                raise WorkbookRefused(ENCRYPTED)
            if not ole.exists("Workbook"):
                if ole.exists("Book"):
                    raise WorkbookRefused("文件是 Excel 95 或更早的格式，请在 Excel 或 WPS 中另存为 .xlsx 后再导入。")
                raise WorkbookRefused(NOT_A_WORKBOOK)
            if ole.exists("_VBA_PROJECT_CUR"):  # calamine would parse the macros' project too
                raise WorkbookRefused("文件含有宏，出于安全考虑不能导入。请另存为不含宏的 .xlsx 文件。")
            # calamine reserves each stream's stated size before reading it: none may state more than the file.
            if any(entry is not None and entry.size > len(content) for entry in ole.direntries):
                raise WorkbookRefused(BROKEN)
            with ole.openstream("Workbook") as stream:
                return stream.read(MAX_FILE_BYTES + 1)
    except WorkbookRefused:
        raise
    except Exception:  # olefile's words for a broken container are many (OSError, struct.error, …)
        raise WorkbookRefused(CORRUPT) from None


def _check_header(content):
    """The counts of sectors the OLE2 header states (calamine reserves room for them) within the file."""
    if len(content) < 512:
        raise WorkbookRefused(CORRUPT)
    (shift,) = struct.unpack_from("<H", content, 30)
    if shift not in (9, 12):
        raise WorkbookRefused(BROKEN)
    for offset in (40, 44, 64, 72):  # directory, FAT, mini FAT and DIFAT sectors
        (count,) = struct.unpack_from("<I", content, offset)
        if count << shift > len(content):
            raise WorkbookRefused(BROKEN)


def _records(data):
    """(position, kind, body) of each record of the stream, from its start."""
    position = 0
    while position + 4 <= len(data):
        kind, size = struct.unpack_from("<HH", data, position)
        body = data[position + 4 : position + 4 + size]
        if len(body) < size:
            raise WorkbookRefused(CORRUPT)
        yield position, kind, body
        position += 4 + size


def scan_xls(upload):
    """The sheets of an .xls as its records describe them, after refusing what calamine must not read."""
    data = workbook_stream(upload)
    sheets, starts = [], set()
    for position, kind, body in _records(data):
        if position == 0 and (kind != BOF or len(body) < 4 or struct.unpack_from("<H", body)[0] != BIFF8):
            raise WorkbookRefused(OLD_OR_BROKEN)
        if kind == BOF:
            starts.add(position)
        elif kind == FILEPASS:
            raise WorkbookRefused(ENCRYPTED)
        elif kind == BOUNDSHEET:
            if len(body) < 8:
                raise WorkbookRefused(BROKEN)
            (offset,) = struct.unpack_from("<I", body)
            sheets.append(XlsSheet(title=_sheet_name(body), offset=offset, worksheet=body[5] == 0))
        elif kind == SST and (len(body) < 8 or struct.unpack_from("<I", body, 4)[0] > len(data) // 3):
            raise WorkbookRefused(BROKEN)  # more strings than the stream could hold: calamine would reserve them
    check_sheet_count(len(sheets))
    if any(sheet.offset not in starts for sheet in sheets):
        raise WorkbookRefused(BROKEN)  # calamine would read records this walk never saw
    _place_cells(data, sheets)
    grid = 0
    for sheet in sheets:
        rows, columns = sheet.last_row, sheet.last_column
        grid += rows * columns + sheet.claimed_cells
        if grid > MAX_GRID_CELLS:
            raise WorkbookRefused(too_large_grid(sheet.title, max(rows, 1), max(columns, 1)))
    return sheets


def _place_cells(data, sheets):
    """Each sheet's cells as calamine reads them: from its BOF record to the first EOF after it
    (sheets may share records; each gets every cell it would be given)."""
    by_offset = {}
    for sheet in sheets:
        by_offset.setdefault(sheet.offset, []).append(sheet)
    reading = []
    for position, kind, body in _records(data):
        if kind == BOF:
            reading.extend(by_offset.get(position, ()))
        elif kind == EOF:
            reading = []
        elif reading:
            for sheet in reading:
                _note(sheet, kind, body)


def _sheet_name(body):
    """A BOUNDSHEET's name as calamine reads it: UTF-16, or one byte a character; NULs dropped."""
    length, flags, text = body[6], body[7], body[8:]
    name = text[: length * 2].decode("utf-16-le", "replace") if flags & 0x01 else text[:length].decode("latin-1")
    return name.replace("\0", "")


def _claimed_cells(body):
    """The cells a DIMENSIONS record makes calamine reserve room for; one whose last row or column
    comes before its first is refused (calamine would take the difference as some billions)."""
    if len(body) == 14:
        first_row, end_row, first_column, end_column = struct.unpack_from("<IIHH", body)
    elif len(body) == 10:
        first_row, end_row, first_column, end_column = struct.unpack_from("<HHHH", body)
    else:
        return 0  # calamine refuses the file
    if end_row < 1 or end_column < 1:
        return 1
    if first_row > end_row - 1 or first_column > end_column - 1:
        raise WorkbookRefused(BROKEN)
    return (end_row - first_row) * (end_column - first_column)


def _note(sheet, kind, body):
    if kind in CELL_RECORDS and len(body) >= 4:
        row, column = struct.unpack_from("<HH", body)
        sheet.last_row = max(sheet.last_row, row + 1)
        sheet.last_column = max(sheet.last_column, column + 1)
    elif kind in RUN_RECORDS and len(body) >= 6:
        row, first = struct.unpack_from("<HH", body)
        (last,) = struct.unpack_from("<H", body, len(body) - 2)
        if last < first:  # calamine's 16-bit count wraps and places cells past column 65,535
            raise WorkbookRefused(BROKEN)
        sheet.last_row = max(sheet.last_row, row + 1)
        sheet.last_column = max(sheet.last_column, last + 1)
    elif kind == DIMENSIONS:
        sheet.claimed_cells += _claimed_cells(body)
    elif kind == MERGECELLS and (len(body) < 2 or len(body) < 2 + 8 * struct.unpack_from("<H", body)[0]):
        raise WorkbookRefused(BROKEN)  # calamine would read past the record's end
    elif kind == ROW and len(body) >= 14:
        (row,) = struct.unpack_from("<H", body)
        (flags,) = struct.unpack_from("<H", body, 12)
        if flags & ROW_HIDDEN:
            sheet.hidden_rows.add(row + 1)
    elif kind == COLINFO and len(body) >= 10:
        first, last = struct.unpack_from("<HH", body)
        (flags,) = struct.unpack_from("<H", body, 8)
        if flags & COLUMN_HIDDEN:
            sheet.hidden_columns.update(range(first + 1, min(last, MAX_COLUMNS - 1) + 2))
