"""Understanding a municipal key-project list as the city sends it: title and unit rows, one- or
two-row headers with varying names, section rows giving the category, subtotal and total rows,
sub-item rows under a project (importers.sub_items), a 注： paragraph ending the table, one sheet
per batch or one sheet, numbers stored as text. Single cells are read by importers.cells."""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from projects.choices import Batch
from projects.importers.cells import (
    AMOUNT_COLUMNS,
    BATCH_WORDS,
    COLUMN_LABELS,
    LEVEL_WORDS,
    WAN_PER_YI,
    batch_from_text,
    category_from_text,
    clean_text,
    normalize_header,
    normalize_text,
    parse_amount,
    parse_years,
)
from projects.importers.sub_items import REFUSED_PROJECT, finish_project, place_sub_item, sub_item_marker
from projects.project_codes import known_divisions, project_code_problem

TOTAL_WORDS = ("小计", "合计", "总计")
TOTAL_RE = re.compile(r"^(全区|全市|总)?(小计|合计|总计)(\(\d+个\))?[:：]?$")
SECTION_RE = re.compile(r"^(\(?[一二三四五六七八九十]+[、.．)]|[一二三四五六七八九十]+$)")
# A note under the table ("注：…", "说明：", "备注：", "注1："): the table ends there.
NOTE_RE = re.compile(r"^(注|说明|备注)\d*:")
SIGNATURE_WORDS = ("填表人", "填报人", "联系电话", "审核人", "制表人", "负责人:", "负责人：", "填报单位")


@dataclass
class RowIssue:
    sheet: str
    row: int
    column: str
    message: str

    def as_dict(self):
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}

    def __str__(self):
        where = f"「{self.sheet}」第{self.row}行" if self.row else f"「{self.sheet}」"
        return f"{where}{'「' + self.column + '」' if self.column else ''}：{self.message}"


@dataclass
class ParsedRow:
    sheet: str
    row: int
    values: dict = field(default_factory=dict)  # canonical column → parsed value
    # The parts the list breaks the project into (importers.sub_items): shown, never written.
    sub_items: list = field(default_factory=list)


@dataclass
class SubtotalCheck:
    sheet: str
    row: int
    label: str
    column: str
    stated: Decimal
    computed: Decimal

    @property
    def ok(self):
        return self.stated == self.computed


@dataclass
class ParsedList:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    subtotals: list = field(default_factory=list)


class _Sheet:
    """One sheet's layout: where the header is, what each column holds, the unit and the batch."""

    def __init__(self, sheet, result, year):
        self.year = year
        self.title = sheet.title
        self.rows = sheet.rows
        self.result = result
        self.columns = {}  # canonical column → index
        self.units = {}  # amount column → factor to 万元
        self.header_years = {}
        self.batch = batch_from_text(sheet.title)
        self.data_start = None

    numbering_warned = False  # whether the sheet's own numbering (项目编号) has been reported

    @cached_property
    def known_divisions(self):
        """The divisions a project code may name, read once per sheet."""
        return known_divisions()

    def error(self, row, column, message):
        self.result.errors.append(RowIssue(self.title, row, COLUMN_LABELS.get(column, column or ""), message))

    def warn(self, row, column, message):
        self.result.warnings.append(RowIssue(self.title, row, COLUMN_LABELS.get(column, column or ""), message))

    def find_header(self):
        default_unit = None
        for position, (_number, values) in enumerate(self.rows[:25]):
            texts = [normalize_text(value) for value in values]
            if "项目名称" in texts:
                self._read_header(position, default_unit)
                return True
            joined = "".join(texts)
            unit_match = re.search(r"单位[:：]?(万元|亿元)", joined)
            if unit_match:
                default_unit = unit_match.group(1)
            if self.batch is None:
                self.batch = batch_from_text(joined)
        return False

    def _read_header(self, position, default_unit):
        _, first = self.rows[position]
        headers = [normalize_header(value) for value in first]
        data_start = position + 1
        if position + 1 < len(self.rows):
            _, second = self.rows[position + 1]
            below = [normalize_header(value) for value in second]
            if any(column for column, _, _ in below) and not normalize_text(_cell(second, 0)).isdigit():
                # A two-row header: sub-columns under a merged group (which may carry the unit for
                # all of them, e.g. "投资情况（亿元）"); single columns merged down.
                merged, group_unit = [], None
                for above, below_cell in zip(headers, below, strict=False):
                    if above[0] is None and above[1]:
                        group_unit = above[1]
                    elif above[0] is not None:
                        group_unit = None
                    if below_cell[0]:
                        merged.append((below_cell[0], below_cell[1] or group_unit, below_cell[2]))
                    else:
                        merged.append(above)
                headers = merged
                data_start = position + 2
        for index, (column, unit, year) in enumerate(headers):
            if not column:
                continue
            taken = column in self.columns
            # Of several plan columns ("2016年计划投资", "2017年计划投资"), the import year's wins.
            better = column == "plan" and taken and year == self.year and self.header_years.get(column) != self.year
            if not taken or better:
                self.columns[column] = index
                if column in AMOUNT_COLUMNS:
                    self.units[column] = WAN_PER_YI if (unit or default_unit) == "亿元" else Decimal(1)
                if year:
                    self.header_years[column] = year
                else:
                    self.header_years.pop(column, None)
        self.data_start = data_start


def _cell(values, index):
    return values[index] if index is not None and index < len(values) else None


def parse_list(sheets, *, default_level, year):
    """Read the sheets of a list into project rows with errors, warnings and subtotal checks."""
    result = ParsedList()
    layouts = []
    for sheet in sheets:
        layout = _Sheet(sheet, result, year)
        if layout.find_header():
            layouts.append(layout)
        elif sheet.rows:
            # A title-only or summary sheet beside the lists: say so, read the others.
            layout.warn(0, "", "本表没有「项目名称」表头，未读取。")
    if not layouts and any(sheet.rows for sheet in sheets):
        result.errors.append(RowIssue(sheets[0].title, 0, "", "找不到表头（应有「项目名称」列），文件未导入。"))
    several = len(layouts) > 1
    for layout in layouts:
        missing = [column for column in ("total", "plan") if column not in layout.columns]
        for column in missing:
            example = "总投资（万元）" if column == "total" else f"{year}年计划投资（万元）"
            layout.error(0, column, f"缺少「{COLUMN_LABELS[column]}」列（如「{example}」）。")
        plan_year = layout.header_years.get("plan")
        if plan_year and plan_year != year:
            layout.error(0, "plan", f"计划投资列是{plan_year}年的，与导入年度{year}年不符。")
        if several and layout.batch is None and "batch" not in layout.columns:
            layout.error(0, "batch", "有多个工作表，但无法从表名或标题确定本表是第几批（如「第一批」「第2批」）。")
        if missing or (plan_year and plan_year != year):
            continue
        _parse_body(layout, result, default_level)
    return result


def _is_total(texts):
    return next((TOTAL_RE.match(text).group(2) for text in texts if text and TOTAL_RE.match(text)), None)


def _parse_body(layout, result, default_level):
    category, section_rows, sheet_rows = None, [], []
    col = layout.columns
    first_data = True
    # The project that sub-item rows belong to: None before the first project and after a section
    # row; the total row above them after a 小计/合计 row ("合计 … 其中：省级项目 …").
    owner, under_total, note_row = None, None, None
    for number, values in layout.rows[layout.data_start :]:
        texts = [normalize_text(value) for value in values]
        first_text = next((text for text in texts if text), "")
        name_text = normalize_text(_cell(values, col["name"]))
        seq_text = normalize_text(_cell(values, col.get("seq")))
        if note_row is not None:
            if name_text and _has_amounts(values, col):  # a project left below the note: never dropped quietly
                layout.error(
                    number,
                    "name",
                    f"在第{note_row}行的说明之后，却有项目名称和金额：若是项目，请移到说明之前；"
                    "若是说明的一部分，请删去其中的金额。",
                )
            continue
        if NOTE_RE.match(first_text) and (sheet_rows or not first_data):
            note_row = number  # "注：…" below the table: nothing after it is a project ("1. 本表…")
            continue
        if first_text.startswith(("注", "说明", "备注:", "备注：")) and not name_text.startswith("注"):
            continue
        if any(text.startswith(SIGNATURE_WORDS) for text in texts if text):
            continue  # 填表人、联系电话 … under the table
        if first_data and all(text.isdigit() for text in texts if text) and sum(1 for text in texts if text) >= 3:
            first_data = False
            continue  # a row of column numbers (1, 2, 3, …) under the header
        first_data = False
        total_word = _is_total(texts)
        if total_word:
            covered = section_rows if total_word == "小计" else sheet_rows
            if covered:
                _check_totals(layout, result, number, values, total_word, covered)
            owner, under_total = finish_project(layout, owner), total_word
            continue
        seq_value, name_value = _cell(values, col.get("seq")), _cell(values, col["name"])
        marker = sub_item_marker(seq_value, name_value)
        if marker:
            amounts = {column: _cell(values, col.get(column)) for column in AMOUNT_COLUMNS if column in col}
            place_sub_item(
                layout, number, owner, under_total, marker=marker, seq=seq_value, name=name_value, amounts=amounts
            )
            continue
        section_text = name_text if SECTION_RE.match(seq_text) or not seq_text else ""
        looks_like_section = (
            SECTION_RE.match(first_text)
            or (SECTION_RE.match(seq_text) and category_from_text(name_text) and "项目" in name_text)
            or (
                not seq_text
                and category_from_text(section_text)
                and "项目" in section_text
                and not _has_amounts(values, col)
            )
            or (not name_text and category_from_text(first_text) and "项目" in first_text)
        )
        if looks_like_section:
            label = name_text if SECTION_RE.match(seq_text) and name_text else first_text
            category = category_from_text(label)
            if category is None:
                layout.warn(
                    number, "", f"分组行「{clean_text(label)}」不是计划建成、续建或新开工，其下项目须有类别列。"
                )
            section_rows = []
            owner, under_total = finish_project(layout, owner), None
            continue
        row = _parse_project(layout, number, values, category, default_level)
        finish_project(layout, owner)
        # A row refused for want of a name still owns the sub-items under it (they add no error).
        owner, under_total = (row if row is not None else REFUSED_PROJECT), None
        if row is not None:
            result.rows.append(row)
            section_rows.append(row)
            sheet_rows.append(row)
    finish_project(layout, owner)


def _has_amounts(values, col):
    return any(_cell(values, col.get(column)) not in (None, "") for column in AMOUNT_COLUMNS)


def _project_code(layout, number, values):
    """The national project code of a row: from 项目代码, where a wrong one is a row error; or from
    项目编号, which many lists use for their own numbering (1、A-1、2017-0001): a national code there is
    read, anything else is left out with a warning, so a list's numbering never blocks its import."""
    col = layout.columns
    code = clean_text(_cell(values, col.get("code")))
    if code:
        if problem := project_code_problem(code, divisions=layout.known_divisions):
            layout.error(number, "code", problem)
        return code
    numbering = clean_text(_cell(values, col.get("number")))
    if not numbering:
        return None
    if project_code_problem(numbering, divisions=layout.known_divisions):
        if not layout.numbering_warned:  # once per sheet: a list's own numbering is on every row
            layout.numbering_warned = True
            layout.warn(
                number, "number", f"「项目编号」列（如「{numbering}」）不是全国投资项目代码，未作为项目代码导入。"
            )
        return None
    return numbering


LENGTH_LIMITS = {"name": 200, "code": 50, "owner": 200, "unit": 100}


def _parse_project(layout, number, values, section_category, default_level):
    col = layout.columns
    errors_before = len(layout.result.errors)
    parsed = ParsedRow(sheet=layout.title, row=number)
    name = clean_text(_cell(values, col.get("name")))
    if not name:
        layout.error(number, "name", "缺少项目名称。")
    parsed.values["name"] = name
    parsed.values["code"] = _project_code(layout, number, values)
    for column in ("owner", "content", "remark", "unit", "leader"):
        parsed.values[column] = clean_text(_cell(values, col.get(column)))
    parsed.values["location"] = clean_text(_cell(values, col.get("location")))
    # The district the row names in a column of its own (所在县区); None when the file has none.
    parsed.values["district"] = clean_text(_cell(values, col["district"])) if "district" in col else None
    for column in AMOUNT_COLUMNS:
        if column not in col:
            parsed.values[column] = None
            continue
        try:
            parsed.values[column] = parse_amount(_cell(values, col[column]), layout.units[column])
        except ValueError as error:
            layout.error(number, column, str(error) + "。")
    try:
        parsed.values["start_year"], parsed.values["end_year"] = parse_years(_cell(values, col.get("years")))
    except ValueError as error:
        parsed.values["start_year"] = parsed.values["end_year"] = None
        layout.error(number, "years", str(error) + "。")
    for column, limit in LENGTH_LIMITS.items():
        if len(parsed.values.get(column) or "") > limit:
            layout.error(number, column, f"超过 {limit} 个字，请精简。")
    category_text = clean_text(_cell(values, col.get("category")))
    if category_text:
        parsed.values["category"] = category_from_text(category_text)
        if parsed.values["category"] is None:
            layout.error(number, "category", f"未知类别「{category_text}」（应为 计划建成、续建 或 新开工）。")
    elif section_category:
        parsed.values["category"] = section_category
    else:
        layout.error(number, "category", "无法确定类别：既无类别列，也不在“计划建成/续建/新开工”分组下。")
    level_text = normalize_text(_cell(values, col.get("level")))
    parsed.values["level"] = default_level
    if level_text:
        parsed.values["level"] = next((level for word, level in LEVEL_WORDS if word in level_text), None)
        if parsed.values["level"] is None:
            layout.error(number, "level", f"未知级别「{level_text}」（应为 省级、市级 或 区级）。")
    batch_text = normalize_text(_cell(values, col.get("batch")))
    parsed.values["batch"] = layout.batch or Batch.FIRST
    # Whether the file says the batch (a cell, the sheet's name or title): the preview marks a default.
    parsed.values["batch_stated"] = bool(batch_text) or layout.batch is not None
    if batch_text:
        parsed.values["batch"] = next(
            (batch for word, batch in BATCH_WORDS if word in batch_text),
            {"1": Batch.FIRST, "2": Batch.SECOND}.get(batch_text),
        )
        if parsed.values["batch"] is None:
            layout.error(number, "batch", f"未知批次「{batch_text}」（应为 第一批 或 第二批）。")
    if len(layout.result.errors) > errors_before and not name:
        return None
    return parsed


def _check_totals(layout, result, number, values, word, covered):
    for column in AMOUNT_COLUMNS:
        if column not in layout.columns:
            continue
        cell = _cell(values, layout.columns[column])
        if cell is None or cell == "":
            continue  # a total row may leave a column out
        try:
            stated = parse_amount(cell, layout.units[column])
        except ValueError as error:
            layout.warn(number, column, f"{word}行{error}，未核对。")
            continue
        computed = sum((row.values.get(column) or Decimal(0) for row in covered), Decimal(0))
        check = SubtotalCheck(layout.title, number, word, COLUMN_LABELS[column], stated, computed)
        result.subtotals.append(check)
        if not check.ok:
            layout.warn(
                number,
                column,
                f"{word}行为 {stated:,.2f} 万元，与所含各项目之和 {computed:,.2f} 万元不符"
                f"（相差 {stated - computed:,.2f}）。",
            )
