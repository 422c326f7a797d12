"""Reading a workbook's cells with python-calamine (a Rust reader, about ten times faster than
openpyxl), as openpyxl in read-only mode gives them: whole numbers as int, other numbers as float
(amounts become Decimal through their repr, importers.cells.parse_amount), dates as datetime,
blanks as None; the same for .xlsx, .xls and .ods. Only ever called on a file importers.workbook
has checked on its bytes, and then in a child process of its own with a memory and a time limit
(sheets_in_child, importers.calamine_child): calamine is Rust, and a file the byte checks did not
foresee can make it allocate gigabytes or abort the process, which must cost the request, never
the server."""

import os
import pickle
import resource
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from projects.importers.limits import MAX_DATA_ROWS, SheetRows, WorkbookRefused, has_data, too_many_rows

EXACT_INTEGERS = 1e16  # from here on repr() writes an exponent, and openpyxl read such text as float
# What the child reading a file may use beyond what it starts with (the largest list the limits
# allow, 20,000 rows of 60 columns, needs a few hundred MB), and how long it may take.
CHILD_MEMORY_BYTES = 768 * 1024 * 1024
CHILD_SECONDS = 120
OUT_OF_BOUNDS = (
    "文件内容异常：读取时超出了内存或时间上限（可能含有极大的重复区域或超长文本），已拒绝读取。"
    "请在 Excel 中另存为 .xlsx 后再导入。"
)


class CalamineUnreadable(Exception):
    """calamine could not read the file; openpyxl decides what it is (and words the refusal)."""


def _panicked(error):
    """A panic in calamine's Rust reaches Python as pyo3's PanicException, a BaseException (not an
    Exception): a file calamine could not read, not a reason to stop the request."""
    return type(error).__name__ == "PanicException"


def _value(value):
    kind = type(value)
    if kind is float:
        return int(value) if value.is_integer() and -EXACT_INTEGERS < value < EXACT_INTEGERS else value
    if kind is date:
        return datetime(value.year, value.month, value.day)
    if kind is str:  # only "" comes here: the caller keeps other text as it is
        return None
    return value


def calamine_sheets(upload, *, max_columns):
    """The visible worksheets, one at a time, as (title, rows walked, [(row number, values), …] of
    the rows with anything in them)."""
    upload.seek(0)
    try:
        workbook = CalamineWorkbook.from_filelike(upload)
    except (CalamineError, ValueError, OSError) as error:
        raise CalamineUnreadable(str(error)) from None
    except BaseException as error:
        if not _panicked(error):
            raise
        raise CalamineUnreadable(str(error)) from None
    try:
        for meta in workbook.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet or meta.visible != SheetVisibleEnum.Visible:
                continue
            try:
                grid = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            except (CalamineError, ValueError, OSError) as error:
                raise CalamineUnreadable(str(error)) from None
            except BaseException as error:
                if not _panicked(error):
                    raise
                raise CalamineUnreadable(str(error)) from None
            rows = [
                (
                    number,
                    tuple(
                        [value if value.__class__ is str and value else _value(value) for value in cells[:max_columns]]
                    ),
                )
                for number, cells in enumerate(grid, start=1)
                if cells.count("") != len(cells)
            ]
            yield meta.name, len(grid), rows
            del grid
    finally:
        workbook.close()


def read_all(stream, max_columns, memory_bytes):
    """In the child: every visible sheet read, as ("ok", sheets), or ("unreadable", why). Past
    ``memory_bytes`` beyond what the child started with, calamine's allocation fails and the child
    dies: nothing is returned."""
    with open("/proc/self/statm") as statm:
        limit = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE") + memory_bytes
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)  # a lower limit set on the server stays
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        return "ok", list(calamine_sheets(stream, max_columns=max_columns))
    except CalamineUnreadable as error:
        return "unreadable", str(error)


def sheets_in_child(upload, *, max_columns):
    """calamine_sheets' sheets, read in a child process (python -m projects.importers.calamine_child:
    a new interpreter holding calamine and nothing else, no thread or connection of the server's)
    with CHILD_MEMORY_BYTES and CHILD_SECONDS: CalamineUnreadable when calamine cannot read the
    file, WorkbookRefused when the child goes past either limit or dies."""
    upload.seek(0)
    content = upload.read()
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-m", "projects.importers.calamine_child", str(max_columns), str(CHILD_MEMORY_BYTES)]
    paths = [str(root), os.environ.get("PYTHONPATH", "")]
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(path for path in paths if path)}
    try:
        child = subprocess.run(
            command, input=content, capture_output=True, timeout=CHILD_SECONDS, cwd=root, env=environment, check=False
        )
    except subprocess.TimeoutExpired:
        raise WorkbookRefused(OUT_OF_BOUNDS) from None
    if child.returncode != 0 or not child.stdout:
        raise WorkbookRefused(OUT_OF_BOUNDS)  # calamine aborted, or ran out of its memory
    kind, found = pickle.loads(child.stdout)  # written by our own child, never by the file
    if kind == "unreadable":
        raise CalamineUnreadable(found)
    return found


def calamine_rows(upload, *, max_columns, max_rows_walked):
    """SheetRows of the visible worksheets, the rows with anything in them; refused past the limits."""
    sheets, data_rows, walked = [], 0, 0
    try:
        for title, grid_rows, rows in sheets_in_child(upload, max_columns=max_columns):
            walked += grid_rows
            rows = [(number, values) for number, values in rows if has_data(values)]
            data_rows += len(rows)
            if walked > max_rows_walked or data_rows > MAX_DATA_ROWS:
                raise WorkbookRefused(too_many_rows())
            sheets.append(SheetRows(title=title, rows=rows))
    finally:
        upload.seek(0)
    if not sheets:
        raise WorkbookRefused("文件中没有可见的工作表。")
    return sheets
