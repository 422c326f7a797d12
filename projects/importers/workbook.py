"""Opening an uploaded .xlsx safely: refuse what is not a plain workbook before openpyxl parses
it, read with openpyxl in read-only mode (defusedxml guards the XML), and never read more rows
than a key-project list can have."""

import zipfile
from dataclasses import dataclass

import openpyxl
from defusedxml import DefusedXmlException

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DATA_ROWS = 20_000
# Parts openpyxl loads whole into memory (shared strings, styles, workbook) must stay small;
# worksheets are streamed and cut off by the row limit instead.
MAX_LOADED_PART_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 60


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
    if not zipfile.is_zipfile(upload):
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
            for info in package.infolist():
                streamed = info.filename.startswith("xl/worksheets/")
                if not streamed and info.file_size > MAX_LOADED_PART_BYTES:
                    raise WorkbookRefused(f"文件内部数据异常庞大（{info.filename}），已拒绝读取。")
    except zipfile.BadZipFile:
        raise WorkbookRefused("文件已损坏，无法读取。请重新导出后再试。") from None
    upload.seek(0)


def read_rows(upload):
    """Every non-empty row of every visible sheet, as (row number, values), after the checks."""
    _check_package(upload)
    try:
        workbook = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    except DefusedXmlException:
        raise WorkbookRefused("文件包含不安全的 XML 内容（如实体扩展），已拒绝读取。") from None
    except WorkbookRefused:
        raise
    except Exception:
        raise WorkbookRefused("文件已损坏或不是有效的 Excel 工作簿，无法读取。") from None
    sheets, data_rows = [], 0
    try:
        for sheet in workbook.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            rows = []
            for number, values in enumerate(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1):
                if not any(value not in (None, "") and str(value).strip() for value in values):
                    continue
                data_rows += 1
                if data_rows > MAX_DATA_ROWS:
                    raise WorkbookRefused(
                        f"文件超过 {MAX_DATA_ROWS:,} 行数据，已停止读取。请确认是否为重点项目清单，或拆分后导入。"
                    )
                rows.append((number, tuple(values)))
            sheets.append(SheetRows(title=sheet.title, rows=rows))
    except DefusedXmlException:
        raise WorkbookRefused("文件包含不安全的 XML 内容（如实体扩展），已拒绝读取。") from None
    except WorkbookRefused:
        raise
    except Exception:
        raise WorkbookRefused("文件已损坏，读取工作表时出错。") from None
    finally:
        workbook.close()
    if not sheets:
        raise WorkbookRefused("文件中没有可见的工作表。")
    return sheets
