"""Opening an uploaded .ods (OpenDocument spreadsheet) safely: the zip's parts are bounded as an
.xlsx's are, then content.xml's markup is read on its bytes for what python-calamine would build
from it — rows and cells repeated by number-rows-repeated / number-columns-repeated, spaces repeated
by text:s — and for the hidden rows and columns calamine does not report. calamine builds every
sheet when it opens the file, from its first cell with anything in it to its last, and leaves out
the empty repeated rows and cells LibreOffice writes at the end of every sheet; so only repeats of
rows and cells with something in them count."""

import html
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from projects.importers.limits import (
    CORRUPT,
    MAX_COLUMNS,
    MAX_DATA_ROWS,
    MAX_GRID_CELLS,
    MAX_LOADED_PART_BYTES,
    MAX_PART_BYTES,
    MAX_ROW_NUMBER,
    MAX_TOTAL_BYTES,
    UNSAFE_XML,
    WorkbookRefused,
    check_sheet_count,
    too_large_grid,
    too_many_rows,
)

MAX_REPEATED_SPACES = 1_000_000  # calamine writes out <text:s text:c="n"/> as n spaces
_PREFIX = rb"(?:[^\s<>/=\"'!?:]+:)?"
# The elements that place rows and cells, with their attributes (quoted values may hold ">"; a
# "<" outside quotes ends the attempt, so that no input makes a match scan on and on).
TAG = re.compile(
    rb"<(" + _PREFIX + rb")(table|table-row|table-cell|covered-table-cell|table-column|s)"
    rb"""(?=[\s/>])((?:[^<>"']|"[^"]*"|'[^']*')*)>"""
)
ATTRIBUTE = re.compile(rb"""([^\s=/>"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
HIDDEN = ("collapse", "filter")
# A cell written as <table:table-cell …/> is empty unless one of these gives it a value.
VALUE_ATTRIBUTES = {"value-type", "value", "string-value", "date-value", "time-value", "boolean-value", "formula"}


@dataclass
class OdsSheet:
    title: str
    next_row: int = 1
    next_column: int = 1  # of the table-column elements
    last_row: int = 0  # the last row with something in it; 0: none
    last_column: int = 0
    hidden_rows: list = field(default_factory=list)  # (first, last) row numbers
    hidden_columns: set = field(default_factory=set)

    def hidden_row_numbers(self):
        """The hidden rows up to the last with anything in it (LibreOffice hides a million empty ones)."""
        return frozenset(n for first, last in self.hidden_rows for n in range(first, min(last, self.last_row) + 1))


def scan_ods(upload):
    """The sheets of an .ods as content.xml places them, after refusing what calamine must not read."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            content = _content_xml(package)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        raise WorkbookRefused(CORRUPT) from None
    except (RuntimeError, NotImplementedError):
        raise WorkbookRefused(
            "文件已加密或使用了不支持的压缩方式，无法读取。请另存为普通的 .ods 或 .xlsx 文件后再导入。"
        ) from None
    finally:
        upload.seek(0)
    return _sheets(content)


def _content_xml(package):
    infos = package.infolist()
    names = {info.filename for info in infos}
    if len(names) != len(infos):  # two parts of one name: this check could read one, calamine the other
        raise WorkbookRefused("文件内部结构异常（重复的部件），已拒绝读取。")
    if "content.xml" not in names:
        raise WorkbookRefused("文件不是有效的 .ods 表格（缺少 content.xml）。只能导入 .xlsx、.xls、.ods 格式。")
    if any(name.startswith(("Basic/", "Scripts/")) and not name.endswith("/") for name in names):
        raise WorkbookRefused("文件含有宏，出于安全考虑不能导入。请另存为不含宏的 .ods 或 .xlsx 文件。")
    if sum(info.file_size for info in infos) > MAX_TOTAL_BYTES:
        raise WorkbookRefused("文件解压后异常庞大，已拒绝读取。")
    for info in infos:
        if info.file_size > (MAX_PART_BYTES if info.filename == "content.xml" else MAX_LOADED_PART_BYTES):
            raise WorkbookRefused(f"文件内部数据异常庞大（{info.filename}），已拒绝读取。")
    if "META-INF/manifest.xml" in names and b"encryption-data" in package.read("META-INF/manifest.xml"):
        raise WorkbookRefused("文件已加密（设置了打开密码），无法读取。请取消密码后另存为 .xlsx 再导入。")
    with package.open("content.xml") as stream:
        content = stream.read(MAX_PART_BYTES + 1)  # the size the zip states may be false
    if len(content) > MAX_PART_BYTES:
        raise WorkbookRefused("文件内部数据异常庞大（content.xml），已拒绝读取。")
    return content


def _sheets(content):
    # Comments, CDATA, DTDs and processing instructions (but the XML declaration) could hide markup
    # from this reading and not from the parser's; office programs write none in content.xml.
    if b"<!" in content or b"<?" in content[5:]:
        raise WorkbookRefused(UNSAFE_XML)
    if content.lstrip(b"\xef\xbb\xbf")[:1] not in (b"<", b"") or content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise WorkbookRefused("文件内部数据异常（content.xml），已拒绝读取。")
    _refuse_nested_tables(content)
    sheets, sheet, row, spaces, data_rows, grid = [], None, None, 0, 0, 0
    for tag in TAG.finditer(content):
        name, attributes = tag.group(2), xml_attributes(tag.group(3))
        empty = tag.group(3).rstrip().endswith(b"/")
        if name == b"s":
            spaces += _count(attributes, "c")
            if spaces > MAX_REPEATED_SPACES:
                raise WorkbookRefused("文件内部数据异常（大量重复的空格），已拒绝读取。")
            continue
        if name in (b"table", b"table-row") and row is not None:
            data_rows, grid = _end_row(sheet, row, data_rows, grid)
            row = None
        if name == b"table":
            sheet = OdsSheet(title=html.unescape(attributes.get("name", "")))
            sheets.append(sheet)
            check_sheet_count(len(sheets))
        elif sheet is None:
            continue
        elif name == b"table-column":
            repeated = _count(attributes, "number-columns-repeated")
            if attributes.get("visibility") in HIDDEN:
                first = sheet.next_column
                sheet.hidden_columns.update(range(first, min(first + repeated - 1, MAX_COLUMNS) + 1))
            sheet.next_column += repeated
        elif name == b"table-row":
            row = {"repeated": _count(attributes, "number-rows-repeated"), "column": 1, "last": 0}
            row["hidden"] = attributes.get("visibility") in HIDDEN
        elif row is not None:  # a cell
            repeated = _count(attributes, "number-columns-repeated")
            if not empty or VALUE_ATTRIBUTES & attributes.keys():
                row["last"] = row["column"] + repeated - 1
            row["column"] += repeated
    if row is not None:
        _end_row(sheet, row, data_rows, grid)
    if not sheets:
        raise WorkbookRefused("文件中没有工作表。")
    return sheets


def _end_row(sheet, row, data_rows, grid):
    """Place a row (repeated as it says) on its sheet; the running counts of rows with data and of
    the cells calamine will build, refused past their limits."""
    first, repeated = sheet.next_row, row["repeated"]
    sheet.next_row += repeated
    if row["hidden"]:
        sheet.hidden_rows.append((first, first + repeated - 1))
    if not row["last"]:
        return data_rows, grid
    data_rows += repeated
    if data_rows > MAX_DATA_ROWS or first + repeated - 1 > MAX_ROW_NUMBER:
        raise WorkbookRefused(too_many_rows())
    before = sheet.last_row * sheet.last_column
    sheet.last_row = first + repeated - 1
    sheet.last_column = max(sheet.last_column, row["last"])
    grid += sheet.last_row * sheet.last_column - before
    if grid > MAX_GRID_CELLS:
        raise WorkbookRefused(too_large_grid(sheet.title, sheet.last_row, sheet.last_column))
    return data_rows, grid


TABLE_TAG = re.compile(rb"<(/?)" + _PREFIX + rb"""table(?=[\s/>])(?:[^<>"']|"[^"]*"|'[^']*')*?(/?)>""")


def _refuse_nested_tables(content):
    """A table inside a table (in a cell): readers disagree on whose rows follow it (this scan and
    calamine did), so no such file is read."""
    depth = 0
    for tag in TABLE_TAG.finditer(content):
        closing, self_closing = tag.group(1), tag.group(2)
        if closing:
            depth = max(depth - 1, 0)
            continue
        if depth:
            raise WorkbookRefused(
                "文件内部数据异常（表格中嵌套表格），已拒绝读取。请在表格软件中另存为 .xlsx 后再导入。"
            )
        if not self_closing:
            depth += 1


def xml_attributes(text):
    """Attributes by local name (the prefix dropped), values as written. Of a repeat count given
    twice under two prefixes (table:number-rows-repeated and foo:number-rows-repeated), the larger:
    a reader may take either."""
    found = {}
    for match in ATTRIBUTE.finditer(text):
        local = match.group(1).rsplit(b":", 1)[-1].decode("ascii", "replace")
        value = (match.group(2) if match.group(2) is not None else match.group(3)).decode("utf-8", "replace")
        if local in found and local.startswith("number-"):
            value = max(found[local], value, key=_as_count)
        found[local] = value
    return found


def _as_count(text):
    """A repeat count's size for comparing two (anything not a plain number as the largest: it is
    refused when counted)."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else 10**10


def _count(attributes, name):
    """A repeat count: a whole number from 1 up (what the parser would make of anything else is
    not guessed: such a file is refused)."""
    text = html.unescape(attributes.get(name, "1")).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 9 or int(text) < 1:
        raise WorkbookRefused(f'文件内部数据异常（{name}="{text[:20]}"），已拒绝读取。')
    return int(text)
