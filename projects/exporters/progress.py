"""The monthly progress table (项目进展表) the city expects: title, unit row, grouped rows with
section, subtotal and total rows, number formats, A3 landscape, headers on every page. Above a
district the rows are grouped by district first (一、新华区 …（一）续建项目 …), each closed by its
own subtotal."""

from decimal import Decimal

from projects import clock
from projects.choices import Category, Level
from projects.exporters.xlsx import AMOUNT_FORMAT, HEADER, PERCENT_FORMAT, THIN_BORDER, Sheet, fit_text, new_workbook
from projects.selectors.figures import percent_of

PAPER_A3 = 8
SECTION_NUMBERS = "一二三四五六七八九十"
# Where the rest of a text too long for one printed row can be read (xlsx.fit_text).
MORE_IN_SYSTEM = "…（全文见系统）"
MORE_IN_LEDGER = "…（其余见问题台账）"
COLUMNS = [  # (header, width)
    ("序号", 6),
    ("项目名称", 28),
    ("建设单位", 20),
    ("建设内容及规模", 32),
    ("总投资", 13),
    ("年度计划投资", 13),
    ("{range}完成投资", 13),
    ("占年度计划（%）", 10),
    ("形象进度", 36),
    ("存在问题", 28),
    ("联系领导", 10),
    ("责任单位", 16),
]


def title_for(table):
    """The table's title and file name: the node, then the part of it the table holds (a street's
    staff get "卫东区北环路街道…", never a title that names the whole district)."""
    node = table.region.name if table.region is not None else ""
    return f"{node}{table.coverage}{table.year}年{Level(table.level).label}项目建设进展情况表（1-{table.month}月）"


def section_number(number):
    """1 → 一, 10 → 十, 12 → 十二, 99 → 九十九: a section's number; larger ones in digits."""
    if not 1 <= number <= 99:
        return str(number)
    tens, ones = divmod(number, 10)
    head = "" if tens == 0 else "十" if tens == 1 else f"{SECTION_NUMBERS[tens - 1]}十"
    return head + (SECTION_NUMBERS[ones - 1] if ones else "")


def _fraction(percent):
    """93.58 → 0.9358: the number behind a cell formatted as a percentage."""
    return None if percent is None else percent / Decimal(100)


class _Formats:
    """The table's cell formats, one per kind of cell."""

    def __init__(self, sheet):
        style = sheet.style
        wrap = {"valign": "top", "text_wrap": True, **THIN_BORDER}
        self.title = style(bold=True, size=16, align="center", valign="vcenter", text_wrap=True)
        self.header = style(**HEADER)
        self.section = style(bold=True, bg_color="#F2F2F2", pattern=1)
        self.section_blank = style(bg_color="#F2F2F2", pattern=1)
        self.district = style(bold=True, size=12, bg_color="#D9D9D9", pattern=1)
        self.district_blank = style(bg_color="#D9D9D9", pattern=1)
        number = style(align="center", valign="vcenter", text_wrap=True, **THIN_BORDER)
        amount = style(num_format=AMOUNT_FORMAT, **THIN_BORDER)
        percent = style(num_format=PERCENT_FORMAT, **THIN_BORDER)
        text = style(**wrap)
        self.row = [number, text, text, text, amount, amount, amount, percent, text, text, text, text]
        bold = {"bold": True, **THIN_BORDER}
        total_text = style(**bold)
        total_amount = style(num_format=AMOUNT_FORMAT, **bold)
        self.total = [
            total_text,
            style(align="center", valign="vcenter", text_wrap=True, **bold),
            total_text,
            total_text,
            total_amount,
            total_amount,
            total_amount,
            style(num_format=PERCENT_FORMAT, **bold),
        ] + [total_text] * (len(COLUMNS) - 8)


def write_progress_table(output, table):
    """Write ``table`` to ``output`` (a path or a binary file), streamed row by row."""
    workbook = new_workbook(output)
    sheet = Sheet(workbook, "项目进展表")
    formats = _Formats(sheet)
    width = len(COLUMNS)
    sheet.widths([column_width for _, column_width in COLUMNS])
    sheet.print_setup(header_rows=3, freeze=(3, 2), paper=PAPER_A3)

    sheet.merged(title_for(table), formats.title, width)
    sheet.append(["单位：万元"] + [None] * (width - 2) + [f"制表日期：{clock.today():%Y-%m-%d}"], [None] * width)
    month_range = f"1-{table.month}月"
    sheet.append([header.format(range=month_range) for header, _ in COLUMNS], [formats.header] * width)

    blanks = [None] * (width - 8)

    def total_row(label, row, total_investment):
        values = [None, label, None, None, total_investment, row.annual_plan, row.cumulative, _fraction(row.percent)]
        sheet.append([*values, *blanks], formats.total)

    section_formats = [formats.section] + [formats.section_blank] * (width - 1)
    district_formats = [formats.district] + [formats.district_blank] * (width - 1)
    parts = {part.subtotal.key: part for part in table.by_district or ()}
    # Without districts the whole table is one part, its categories numbered 一、二、三 as always.
    subtotals = {row.key: row for row in table.by_category}
    investment = {"category": Decimal(0), "district": Decimal(0), "table": Decimal(0)}
    number, districts, sections = 0, 0, 0
    district, category = None, None

    def close_category():
        total_row("小计", subtotals[category], investment["category"])

    def close_district():
        part = parts[district]
        total_row(f"{part.subtotal.label}小计", part.subtotal, investment["district"])

    for line in table.rows():
        if parts and line.district != district:
            if category is not None:
                close_category()
                close_district()
            district, category, sections = line.district, None, 0
            part = parts[district]
            subtotals = {row.key: row for row in part.by_category}
            investment["district"] = Decimal(0)
            districts += 1
            label = f"{section_number(districts)}、{part.subtotal.label}（{part.subtotal.listings}个）"
            sheet.append([label] + [None] * (width - 1), district_formats)
        if line.category != category:
            if category is not None:
                close_category()
            category = line.category
            investment["category"] = Decimal(0)
            sections += 1
            name = f"{Category(category).label}项目（{subtotals[category].listings}个）"
            label = f"（{section_number(sections)}）{name}" if parts else f"{section_number(sections)}、{name}"
            sheet.append([label] + [None] * (width - 1), section_formats)
        number += 1
        for key in investment:
            investment[key] += line.total_investment
        sheet.append(
            [
                number,
                fit_text(line.name, COLUMNS[1][1]),
                fit_text(line.owner, COLUMNS[2][1]),
                fit_text(line.content, COLUMNS[3][1], MORE_IN_SYSTEM),
                line.total_investment,
                line.annual_plan,
                line.cumulative,
                _fraction(percent_of(line.cumulative, line.annual_plan)),
                fit_text(line.progress_text or "", COLUMNS[8][1], MORE_IN_SYSTEM),
                fit_text(line.problems, COLUMNS[9][1], MORE_IN_LEDGER),
                fit_text(line.leaders, COLUMNS[10][1]),
                fit_text(line.unit, COLUMNS[11][1]),
            ],
            formats.row,
        )
    if category is not None:
        close_category()
        if parts:
            close_district()
    total_row("合计", table.summary, investment["table"])
    workbook.close()
