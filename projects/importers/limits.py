"""What every reader of an uploaded list shares: the refusal it raises, the rows it returns and the
limits no file may pass, whatever its format (.xlsx, .xls, .ods)."""

from dataclasses import dataclass, field

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DATA_ROWS = 20_000
MAX_SHEETS = 20
MAX_ROW_NUMBER = 100_000  # openpyxl fills the gap up to a row's number with empty rows
MAX_COLUMNS = 60
# Parts loaded whole into memory must stay small; worksheets are streamed and bounded otherwise.
MAX_LOADED_PART_BYTES = 16 * 1024 * 1024
MAX_PART_BYTES = 60 * 1024 * 1024  # any one part, worksheets included, uncompressed
MAX_TOTAL_BYTES = 120 * 1024 * 1024  # all parts together, uncompressed
# python-calamine builds each sheet as one dense grid, from its first cell with anything in it to
# its last: what it may build for a sheet, in cells (as for an .xlsx it reads: 25,000 rows × 60).
MAX_GRID_CELLS = 25_000 * 60

ACCEPTED_FORMATS = ".xlsx、.xls、.ods"
UNSAFE_XML = "文件包含不安全的 XML 内容（如实体扩展），已拒绝读取。"
CORRUPT = "文件已损坏（不完整），无法读取。请重新导出后再试。"
BROKEN = "文件已损坏，无法读取。请重新导出后再试。"


class WorkbookRefused(Exception):
    """The file cannot be read as a key-project list; the message says why, in Chinese."""


@dataclass
class SheetRows:
    title: str
    rows: list  # (excel_row_number, tuple of cell values)
    hidden_rows: frozenset = field(default_factory=frozenset)  # row numbers hidden in the file (filters too)
    hidden_columns: frozenset = field(default_factory=frozenset)  # column numbers (1 = A) hidden in the file


def too_many_rows():
    return f"文件超过 {MAX_DATA_ROWS:,} 行数据，已停止读取。请确认是否为重点项目清单，或拆分后导入。"


def too_large_grid(title, rows, columns):
    return (
        f"工作表「{title}」的数据范围异常庞大（{rows:,} 行 × {columns:,} 列），已拒绝读取。请确认是否为重点项目清单。"
    )


def check_sheet_count(count):
    if count > MAX_SHEETS:
        raise WorkbookRefused(f"文件有 {count} 个工作表，超过 {MAX_SHEETS} 个，请确认是否为重点项目清单。")


def has_data(values):
    return any(value not in (None, "") and str(value).strip() for value in values)
