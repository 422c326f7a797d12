"""Opening an uploaded list safely, whatever its format (importers.formats tells it by its bytes):
an .xls or .ods is checked by importers.xls / importers.ods and read by python-calamine; an .xlsx is
refused here if it is not a plain workbook before any parser sees it, then read with python-calamine
(importers.calamine_rows) when the bytes show its cells are where a list's are, else with openpyxl
in read-only mode (defusedxml guards the XML). Never more rows than a key-project list can have;
the rows and columns hidden in the file come along (importers.hidden)."""

import codecs
import re
import sys
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache

import openpyxl
from defusedxml import DefusedXmlException

from projects.importers import formats, hidden, ods, xls
from projects.importers.calamine_rows import CalamineUnreadable, calamine_rows
from projects.importers.limits import (
    ACCEPTED_FORMATS,
    BROKEN,
    CORRUPT,
    MAX_COLUMNS,
    MAX_DATA_ROWS,
    MAX_LOADED_PART_BYTES,
    MAX_PART_BYTES,
    MAX_ROW_NUMBER,
    MAX_TOTAL_BYTES,
    UNSAFE_XML,
    SheetRows,
    WorkbookRefused,
    check_sheet_count,
    has_data,
    too_many_rows,
)

# openpyxl parses a whole sheet when opening it if the sheet does not state its size, so row
# elements are counted first, on the raw bytes of every part (a sheet can be stored under any
# name); formatted empty rows are allowed for generously.
MAX_ROW_ELEMENTS = MAX_DATA_ROWS * 5
# What openpyxl walks, padded rows included, over all sheets (one part may be read as several).
MAX_ROWS_WALKED = MAX_ROW_NUMBER * 2
SCAN_CHUNK_BYTES = 1 << 20
MAX_TAG_BYTES = 1024 * 1024  # what one read may leave unfinished: a name, an attribute's value
# Bytes that cannot be in an element's name: controls, space, and XML's delimiters.
_NOT_NAME = rb"\x00-\x20<>/=\"'"
_PREFIX = rb"(?:[^" + _NOT_NAME + rb":!?]+:)?"  # an element's namespace prefix, if any
ROW_TAG = re.compile(rb"<" + _PREFIX + rb"row(?=[\s/>])")
SHEET_TAG = re.compile(rb"<" + _PREFIX + rb"sheet(?=[\s/>])")
# An attribute named r (a row's number, or a cell's reference) whose value is not a cell
# reference or a row number below MAX_ROW_NUMBER as Excel writes them. Found wherever it is
# (an element, a comment), so that no tokenising of the XML can be led astray.
ODD_R_ATTRIBUTE = re.compile(rb"""\sr\s*=\s*(["'])(?![A-Za-z]{0,3}[0-9]{0,5}\1)""")
# What may go on in the next read: an element's name, the start of an attribute named r.
UNFINISHED_NAME = re.compile(rb"<[^" + _NOT_NAME + rb"]*\Z")
UNFINISHED_R = re.compile(rb"\s(?:r\s*(?:=\s*)?)?\Z")
# Character references, with no more digits than a character can need.
REFERENCE = re.compile(r"&(?:#([0-9]{1,10})|#x([0-9a-fA-F]{1,8})|(lt|gt|amp|quot|apos));")
# What python-calamine needs to read a part exactly as openpyxl does, in bounded memory (it builds
# a sheet as one dense grid placed by the cells' own references): every cell states its reference,
# first, within the first CALAMINE_MAX_COLUMNS columns and above row CALAMINE_MAX_ROW; no row
# numbered further down (openpyxl numbers rows by them); no r attribute in another form; no cached
# error values (calamine reads them as blanks); UTF-8. Any other file is read by openpyxl.
CALAMINE_MAX_ROW = 25_000
CALAMINE_MAX_COLUMNS = 60  # what openpyxl is asked for (MAX_COLUMNS): A to BH
_FAR_ROW = rb"[A-Za-z]{0,3}(?:[3-9][0-9]|2[5-9])[0-9]{3}"  # 25,000 to 99,999; longer ones are odd
_FAR_COLUMN = rb"(?:[A-Za-z]{3}|[C-Zc-z][A-Za-z]|[Bb][I-Zi-z])[0-9]"  # BI (61) and on
_ATTRIBUTE = rb"""\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*')"""
CELL_TAG = re.compile(rb"<" + _PREFIX + rb"c(?=[\s/>])")
CELL_WITH_REFERENCE = re.compile(rb"<" + _PREFIX + rb"c\s+r\s*=")
UNFINISHED_CELL = re.compile(rb"<" + _PREFIX + rb"""c\s+(?:r\s*(?:=\s*(?:["'][^"'<>]*)?)?)?\Z""")
FAR_CELL = re.compile(rb"<" + _PREFIX + rb"""c\s+r\s*=\s*["'](?:""" + _FAR_COLUMN + rb"|" + _FAR_ROW + rb")")
FAR_ROW = re.compile(rb"<" + _PREFIX + rb"row(?:" + _ATTRIBUTE + rb""")*?\s+r\s*=\s*["']""" + _FAR_ROW)
ERROR_VALUE = re.compile(rb"""\st\s*=\s*(["'])e\1""")
XML_DECLARATION = re.compile(
    rb"""\A(?:\xef\xbb\xbf)?<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']"""
)
PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _caused_by_unsafe_xml(error):
    """openpyxl wraps what defusedxml raises; look down the chain of causes."""
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
    return False


def _check_package(upload):
    """Refuse, on the bytes, what no parser may see; say whether python-calamine may read the rest."""
    upload.seek(0)
    looks_like_zip = upload.read(4) == b"PK\x03\x04"
    upload.seek(0)
    if not zipfile.is_zipfile(upload):
        raise WorkbookRefused(CORRUPT if looks_like_zip else formats.NOT_A_LIST_FILE)
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            names = set(package.namelist())
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise WorkbookRefused(
                    f"文件不是有效的 Excel 工作簿（缺少工作簿结构）。只能导入 {ACCEPTED_FORMATS} 格式。"
                )
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise WorkbookRefused("文件含有宏（.xlsm），出于安全考虑不能导入。请另存为不含宏的 .xlsx 文件。")
            infos = package.infolist()
            if sum(info.file_size for info in infos) > MAX_TOTAL_BYTES:
                raise WorkbookRefused("文件解压后异常庞大，已拒绝读取。")
            sheets = [info for info in infos if _is_sheet_name(info.filename)]
            check_sheet_count(len(sheets))
            for info in infos:
                limit = MAX_PART_BYTES if info in sheets else MAX_LOADED_PART_BYTES
                if info.file_size > limit:
                    raise WorkbookRefused(f"文件内部数据异常庞大（{info.filename}），已拒绝读取。")
            # Every part, whatever its name: the workbook's relationships may point a sheet anywhere.
            rows = sheet_tags = 0
            calamine_readable = True
            for info in infos:
                scan = _scan_part(package, info, MAX_ROW_ELEMENTS - rows)
                rows += scan.rows
                sheet_tags += scan.sheets
                calamine_readable &= scan.calamine_readable and scan.cells == scan.cells_with_reference
                if rows > MAX_ROW_ELEMENTS or scan.highest_row > MAX_ROW_NUMBER:
                    raise WorkbookRefused(too_many_rows())
            check_sheet_count(sheet_tags)
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise WorkbookRefused("文件已损坏，无法读取。请重新导出后再试。") from None
    except (RuntimeError, NotImplementedError):  # zipfile's words for encrypted, unknown compression
        raise WorkbookRefused(
            "文件已加密或使用了不支持的压缩方式，无法读取。请在 Excel 中另存为普通的 .xlsx 文件后再导入。"
        ) from None
    upload.seek(0)
    return calamine_readable


def _is_sheet_name(name):
    name = name.lower()
    return name.startswith("xl/worksheets/") and "/_rels/" not in name and not name.endswith(".rels")


@dataclass
class _PartScan:
    rows: int = 0  # row elements
    highest_row: int = 0  # the highest row number an r attribute states
    sheets: int = 0  # sheet elements (a workbook's list of sheets)
    cells: int = 0  # c elements
    cells_with_reference: int = 0  # c elements whose first attribute is r
    calamine_readable: bool = True  # see CALAMINE_MAX_ROW


def _scan_part(package, info, rows_allowed):
    """What a part holds that makes openpyxl walk rows, read from its bytes as the XML parser will
    see them (UTF-16 decoded, either quote, spaces, character references), stopping once past
    ``rows_allowed``. A DOCTYPE is refused: an attribute default in it could number the rows."""
    scan, pending = _PartScan(), b""
    encoding, chunks = _utf8_chunks(package, info)
    scan.calamine_readable = encoding.lower().replace("_", "-") in ("utf-8", "utf8")
    for chunk, last in chunks:
        data = pending + chunk
        if b"<!DOCTYPE" in data:
            raise WorkbookRefused(UNSAFE_XML)
        cut = len(data)  # what is read now; the rest waits for the next read
        if not last:
            unfinished_tags = (UNFINISHED_NAME.search(data), UNFINISHED_R.search(data), UNFINISHED_CELL.search(data))
            for unfinished in unfinished_tags:
                if unfinished is not None:
                    cut = min(cut, unfinished.start())
        for attribute in ODD_R_ATTRIBUTE.finditer(data):
            if attribute.start() >= cut:
                break
            close = data.find(attribute.group(1), attribute.end())
            if close < 0 and not last:
                cut = attribute.start()
                break
            value = data[attribute.end() : close if close >= 0 else len(data)]
            scan.calamine_readable = False
            scan.highest_row = max(scan.highest_row, _row_number(_decode(value, encoding)))
        # A name ending just before the cut is whole: its next byte decides whether it is a row.
        scan.rows += len(ROW_TAG.findall(data, 0, min(cut + 1, len(data))))
        scan.sheets += len(SHEET_TAG.findall(data, 0, min(cut + 1, len(data))))
        scan.cells += len(CELL_TAG.findall(data, 0, min(cut + 1, len(data))))
        scan.cells_with_reference += len(CELL_WITH_REFERENCE.findall(data, 0, cut))
        if any(far.search(data, 0, cut) for far in (FAR_CELL, FAR_ROW, ERROR_VALUE)):
            scan.calamine_readable = False
        if scan.rows > rows_allowed or scan.highest_row > MAX_ROW_NUMBER:
            break
        pending = data[cut:]
        if len(pending) > MAX_TAG_BYTES:
            raise WorkbookRefused(f"文件内部数据异常（{info.filename}），已拒绝读取。")
    return scan


def _utf8_chunks(package, info):
    """The part's bytes as the XML parser will read them: (the encoding its values are in, an
    iterator of (chunk, is the last one)). A part the parser would read as UTF-16 (by its first two
    bytes, as expat decides) is decoded to UTF-8 first; any other is ASCII in its markup, and its
    attribute values are in the encoding its XML declaration names."""
    stream = package.open(info)
    first = stream.read(SCAN_CHUNK_BYTES)
    # Enough of the start to see the byte order and the whole XML declaration (up to its ">").
    while len(first) < MAX_TAG_BYTES and (len(first) < 2 or b">" not in first):
        more = stream.read(SCAN_CHUNK_BYTES)
        if not more:
            break
        first += more
    if first.removeprefix(b"\xef\xbb\xbf").startswith(b"<?xml") and b"?>" not in first:
        raise WorkbookRefused(f"文件内部数据异常（{info.filename}），已拒绝读取。")
    head = first[:2]
    decoder, encoding = None, "utf-8"
    if head in (b"\xff\xfe", b"\xfe\xff"):
        decoder, encoding = codecs.getincrementaldecoder("utf-16")(errors="replace"), "utf-16"
    elif len(head) == 2 and head[0] == 0:
        decoder, encoding = codecs.getincrementaldecoder("utf-16-be")(errors="replace"), "utf-16"
    elif len(head) == 2 and head[1] == 0:
        decoder, encoding = codecs.getincrementaldecoder("utf-16-le")(errors="replace"), "utf-16"
    elif declared := XML_DECLARATION.match(first):
        encoding = declared.group(1).decode("ascii")

    def chunks():
        with stream:
            chunk = first
            while True:
                following = stream.read(SCAN_CHUNK_BYTES)
                if decoder is not None:
                    chunk = decoder.decode(chunk, final=not following).encode()
                yield chunk, not following
                if not following:
                    return
                chunk = following

    return encoding, chunks()


@lru_cache(maxsize=32)
def _byte_table(encoding):
    """What each byte is in ``encoding`` as expat reads an encoding it does not know itself: byte by
    byte, through Python's codec (so a Thai or Urdu digit is a digit, a no-break space a space)."""
    characters = []
    for byte in range(256):
        try:
            character = bytes([byte]).decode(encoding)
        except (UnicodeDecodeError, LookupError, ValueError):
            character = "\ufffd"
        characters.append(character if len(character) == 1 else "\ufffd")
    return "".join(characters)


def _decode(value, encoding):
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-16", "utf16"):
        return value.decode("utf-8", "replace")
    try:
        codecs.lookup(encoding)
    except LookupError:
        return value.decode("utf-8", "replace")  # expat refuses an encoding it cannot find
    table = _byte_table(encoding)
    return "".join(table[byte] for byte in value)


def _row_number(text):
    """The row number an r attribute's value gives, read as openpyxl reads it (int, else an
    integral float), or 0 when openpyxl could not read it either (or it is a cell reference)."""
    text = REFERENCE.sub(_reference, text)
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        return 0
    return int(number) if number.is_integer() else 0


def _reference(match):
    number, hexadecimal, name = match.groups()
    if name:
        return PREDEFINED[name]
    code = int(number) if number else int(hexadecimal, 16)
    return chr(code) if code <= sys.maxunicode else "\ufffd"


def read_rows(upload):
    """Every non-empty row of every visible sheet, as (row number, values), after the checks; with
    the rows and columns hidden in the file."""
    kind = formats.upload_format(upload)
    if kind == formats.XLS:
        sheets = xls.scan_xls(upload)
        found = {sheet.title: (frozenset(sheet.hidden_rows), frozenset(sheet.hidden_columns)) for sheet in sheets}
        return _with_hidden(_calamine_rows(upload, unreadable=BROKEN), found)
    if kind == formats.ODS:
        sheets = ods.scan_ods(upload)
        found = {sheet.title: (sheet.hidden_row_numbers(), frozenset(sheet.hidden_columns)) for sheet in sheets}
        return _with_hidden(_calamine_rows(upload, unreadable=BROKEN), found)
    sheets = None
    if _check_package(upload):
        try:
            sheets = _calamine_rows(upload)
        except CalamineUnreadable:
            pass  # openpyxl reads it, or says in its words why not
    sheets = sheets or _openpyxl_rows(upload)
    try:
        with zipfile.ZipFile(upload) as package:
            return _with_hidden(sheets, hidden.xlsx_hidden(package, _utf8_chunks))
    finally:
        upload.seek(0)


def _with_hidden(sheets, found):
    for sheet in sheets:
        sheet.hidden_rows, sheet.hidden_columns = found.get(sheet.title, (frozenset(), frozenset()))
    return sheets


def _calamine_rows(upload, unreadable=None):
    """calamine's reading; ``unreadable``: the refusal when calamine cannot read the file (else
    CalamineUnreadable, for openpyxl to try)."""
    try:
        return calamine_rows(upload, max_columns=MAX_COLUMNS, max_rows_walked=MAX_ROWS_WALKED)
    except CalamineUnreadable:
        if unreadable is None:
            raise
        raise WorkbookRefused(unreadable) from None


def _openpyxl_rows(upload):
    upload.seek(0)
    try:
        workbook = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:
        if _caused_by_unsafe_xml(error):
            raise WorkbookRefused(UNSAFE_XML) from None
        raise WorkbookRefused("文件已损坏或不是有效的 Excel 工作簿，无法读取。") from None
    sheets, data_rows, walked = [], 0, 0
    try:
        for sheet in workbook.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            rows = []
            sheet.reset_dimensions()  # the size a file states may be wrong: read what is there
            for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
                walked += 1  # empty rows too: openpyxl pads up to each row's number
                if walked > MAX_ROWS_WALKED:
                    raise WorkbookRefused(too_many_rows())
                if not has_data(values):
                    continue
                data_rows += 1
                if data_rows > MAX_DATA_ROWS:
                    raise WorkbookRefused(too_many_rows())
                rows.append((number, tuple(values)))
            sheets.append(SheetRows(title=sheet.title, rows=rows))
    except WorkbookRefused:
        raise
    except Exception as error:
        if _caused_by_unsafe_xml(error):
            raise WorkbookRefused(UNSAFE_XML) from None
        raise WorkbookRefused("文件已损坏，读取工作表时出错。") from None
    finally:
        workbook.close()
    if not sheets:
        raise WorkbookRefused("文件中没有可见的工作表。")
    return sheets
