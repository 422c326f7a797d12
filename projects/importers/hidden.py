"""Rows and columns hidden in an uploaded list (by hand or by a filter): an .xlsx's are read here
from its sheets' XML; each sheet's hidden rows with data, and hidden columns with data, become one
warning each — they are imported as usual, but the office should know they were out of sight."""

import posixpath
import re

from defusedxml import ElementTree
from openpyxl.utils import get_column_letter

from projects.importers.limits import MAX_COLUMNS
from projects.importers.municipal import RowIssue
from projects.importers.ods import xml_attributes

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PACKAGE_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_PREFIX = rb"(?:[^\s<>/=\"'!?:]+:)?"
ROW_OR_COLUMN = re.compile(rb"<" + _PREFIX + rb"(row|col)(?=[\s/>])([^<>]*)>")


def hidden_warnings(sheets):
    """One warning per sheet for its hidden rows that hold data, one for its hidden columns that do."""
    warnings = []
    for sheet in sheets:
        numbers = sorted(sheet.hidden_rows & {number for number, _ in sheet.rows})
        if numbers:
            message = f"第{_spans(numbers)}行在文件中被隐藏，已照常导入，请核对。"
            warnings.append(RowIssue(sheet.title, 0, "", message))
        used = {
            position
            for _, values in sheet.rows
            for position, value in enumerate(values, start=1)
            if value is not None and str(value).strip()
        }
        columns = sorted(sheet.hidden_columns & used)
        if columns:
            letters = "、".join(get_column_letter(column) for column in columns)
            message = f"第{letters}列在文件中被隐藏，其中的内容已照常导入，请核对。"
            warnings.append(RowIssue(sheet.title, 0, "", message))
    return warnings


def _spans(numbers):
    """7, 9, 10, 11, 12 → 7、9–12"""
    spans, start = [], numbers[0]
    for previous, number in zip(numbers, [*numbers[1:], None], strict=True):
        if number != previous + 1:
            spans.append(str(start) if start == previous else f"{start}–{previous}")
            start = number
    return "、".join(spans)


def xlsx_hidden(package, chunks_of):
    """{sheet title: (hidden row numbers, hidden column numbers)} of a checked .xlsx (a ZipFile);
    ``chunks_of(package, info)`` gives a part's bytes as UTF-8 (importers.workbook._utf8_chunks)."""
    try:
        workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # the cells were read; what is hidden is a courtesy, not worth a refusal
        return {}
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relations.iter(PACKAGE_RELATIONSHIP)}
    found = {}
    for sheet in workbook.iter(f"{MAIN}sheet"):
        target = targets.get(sheet.get(RELATIONSHIP), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        try:
            info = package.getinfo(part)
        except KeyError:
            continue
        found[sheet.get("name", "")] = _hidden_in_part(chunks_of(package, info)[1])
    return found


def _hidden_in_part(chunks):
    rows, columns, row_number, pending = set(), set(), 0, b""
    for chunk, last in chunks:
        data = pending + chunk
        cut = len(data) if last else data.rfind(b"<") if b"<" in data else len(data)
        for tag in ROW_OR_COLUMN.finditer(data, 0, cut):
            attributes = xml_attributes(tag.group(2))
            hidden = attributes.get("hidden", "").strip() in ("1", "true")
            if tag.group(1) == b"row":
                row_number = _number(attributes.get("r"), row_number + 1)
                if hidden:
                    rows.add(row_number)
            elif hidden:
                first = _number(attributes.get("min"), 1)
                last_column = min(_number(attributes.get("max"), first), MAX_COLUMNS)
                columns.update(range(first, last_column + 1))
        pending = data[cut:]
    return frozenset(rows), frozenset(columns)


def _number(text, default):
    try:
        return int(text)
    except (TypeError, ValueError):
        return default
