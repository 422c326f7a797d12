"""Reading a workbook's cells with python-calamine (a Rust reader, about ten times faster than
openpyxl), as openpyxl in read-only mode gives them: whole numbers as int, other numbers as float
(amounts become Decimal through their repr, importers.cells.parse_amount), dates as datetime,
blanks as None; the same for .xlsx, .xls and .ods. Only ever called on a file importers.workbook
has checked on its bytes."""

from datetime import date, datetime

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from projects.importers.limits import MAX_DATA_ROWS, SheetRows, WorkbookRefused, has_data, too_many_rows

EXACT_INTEGERS = 1e16  # from here on repr() writes an exponent, and openpyxl read such text as float


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


def calamine_rows(upload, *, max_columns, max_rows_walked):
    """SheetRows of the visible worksheets, the rows with anything in them; refused past the limits."""
    sheets, data_rows, walked = [], 0, 0
    try:
        for title, grid_rows, rows in calamine_sheets(upload, max_columns=max_columns):
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
