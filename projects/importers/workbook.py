"""Opening an uploaded .xlsx safely: refuse what is not a plain workbook before openpyxl parses
it, read with openpyxl in read-only mode (defusedxml guards the XML), and never read more rows
than a key-project list can have."""

import re
import zipfile
import zlib
from dataclasses import dataclass

import openpyxl
from defusedxml import DefusedXmlException

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DATA_ROWS = 20_000
# Parts openpyxl loads whole into memory (shared strings, styles, workbook) must stay small;
# worksheets are streamed and cut off by the row limit instead.
MAX_LOADED_PART_BYTES = 16 * 1024 * 1024
MAX_PART_BYTES = 60 * 1024 * 1024  # any one part, worksheets included, uncompressed
MAX_TOTAL_BYTES = 120 * 1024 * 1024  # all parts together, uncompressed
MAX_SHEETS = 20
MAX_ROW_NUMBER = 100_000  # openpyxl fills the gap up to a row's number with empty rows
MAX_COLUMNS = 60
# openpyxl parses a whole sheet when opening it if the sheet does not state its size, so row
# elements are counted first, on the raw bytes; formatted empty rows are allowed for generously.
MAX_ROW_ELEMENTS = MAX_DATA_ROWS * 5
ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
ROW_NUMBER = re.compile(rb"<(?:\w+:)?row[^>]*?\sr=\"(\d+)\"")


UNSAFE_XML = "文件包含不安全的 XML 内容（如实体扩展），已拒绝读取。"


def _caused_by_unsafe_xml(error):
    """openpyxl wraps what defusedxml raises; look down the chain of causes."""
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
    return False


class WorkbookRefused(Exception):
    """The file cannot be read as a key-project list; the message says why, in Chinese."""


@dataclass
class SheetRows:
    title: str
    rows: list  # (excel_row_number, tuple of cell values)


def _check_package(upload):
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size > MAX_FILE_BYTES:
        raise WorkbookRefused(f"文件大小为 {size / 1024 / 1024:.1f} MB，超过 10 MB 的上限。")
    upload.seek(0)
    looks_like_zip = upload.read(4) == b"PK\x03\x04"
    upload.seek(0)
    if not zipfile.is_zipfile(upload):
        if looks_like_zip:
            raise WorkbookRefused("文件已损坏（不完整），无法读取。请重新导出后再试。")
        raise WorkbookRefused(
            "这不是 Excel .xlsx 文件（可能是 .xls、.csv 或其他文件改了扩展名）。请在 Excel 中另存为 .xlsx 后再导入。"
        )
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as package:
            names = set(package.namelist())
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise WorkbookRefused("文件不是有效的 Excel 工作簿（缺少工作簿结构）。")
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise WorkbookRefused("文件含有宏（.xlsm），出于安全考虑不能导入。请另存为不含宏的 .xlsx 文件。")
            infos = package.infolist()
            if sum(info.file_size for info in infos) > MAX_TOTAL_BYTES:
                raise WorkbookRefused("文件解压后异常庞大，已拒绝读取。")
            sheets = [
                info for info in infos if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            ]
            if len(sheets) > MAX_SHEETS:
                raise WorkbookRefused(
                    f"文件有 {len(sheets)} 个工作表，超过 {MAX_SHEETS} 个，请确认是否为重点项目清单。"
                )
            for info in infos:
                limit = MAX_PART_BYTES if info in sheets else MAX_LOADED_PART_BYTES
                if info.file_size > limit:
                    raise WorkbookRefused(f"文件内部数据异常庞大（{info.filename}），已拒绝读取。")
                if info.filename.endswith(".xml") and _row_elements(package, info) > MAX_ROW_ELEMENTS:
                    raise WorkbookRefused(_too_many_rows())
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise WorkbookRefused("文件已损坏，无法读取。请重新导出后再试。") from None
    upload.seek(0)


def _row_elements(package, info):
    """How many row elements a part has, counted on its bytes (whatever its path), stopping past
    the limit; a row numbered beyond MAX_ROW_NUMBER counts as too many (openpyxl would pad)."""
    count, tail = 0, b""
    with package.open(info) as stream:
        while chunk := stream.read(1 << 20):
            data = tail + chunk
            cut = max(len(data) - 64, 0)
            count += len(ROW_TAG.findall(data, 0, cut))
            if any(int(number) > MAX_ROW_NUMBER for number in ROW_NUMBER.findall(data, 0, cut)):
                return MAX_ROW_ELEMENTS + 1
            tail = data[cut:]
            if count > MAX_ROW_ELEMENTS:
                break
    return count + len(ROW_TAG.findall(tail))


def _too_many_rows():
    return f"文件超过 {MAX_DATA_ROWS:,} 行数据，已停止读取。请确认是否为重点项目清单，或拆分后导入。"


def read_rows(upload):
    """Every non-empty row of every visible sheet, as (row number, values), after the checks."""
    _check_package(upload)
    try:
        workbook = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    except Exception as error:
        if _caused_by_unsafe_xml(error):
            raise WorkbookRefused(UNSAFE_XML) from None
        raise WorkbookRefused("文件已损坏或不是有效的 Excel 工作簿，无法读取。") from None
    sheets, data_rows = [], 0
    try:
        for sheet in workbook.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            rows = []
            sheet.reset_dimensions()  # the size a file states may be wrong: read what is there
            for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
                if not any(value not in (None, "") and str(value).strip() for value in values):
                    continue
                data_rows += 1
                if data_rows > MAX_DATA_ROWS:
                    raise WorkbookRefused(_too_many_rows())
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
