"""The monthly progress table (项目进展表) the city expects: title, unit row, grouped rows with
section, subtotal and total rows, number formats, A3 landscape, headers on every page."""

from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from projects.choices import Category, Level
from projects.exporters.xlsx import BORDER, HEADER_ALIGNMENT, HEADER_FONT, cell, text_cell
from projects.models import District
from projects.selectors.figures import percent_of

AMOUNT_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"
WRAP = Alignment(vertical="top", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
TOTAL_FONT = Font(bold=True)
SECTION_NUMBERS = "一二三四五六七八九十"
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
    district = District.objects.order_by("code").values_list("name", flat=True).first() or ""
    return f"{district}{table.year}年{Level(table.level).label}项目建设进展情况表（1-{table.month}月）"


def _fraction(percent):
    """93.58 → 0.9358: the number behind a cell formatted as a percentage."""
    return None if percent is None else percent / Decimal(100)


def write_progress_table(output, table):
    """Write ``table`` to ``output`` (a path or a binary file) with openpyxl in write-only mode."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("项目进展表")
    width = len(COLUMNS)
    last = get_column_letter(width)
    for index, (_, column_width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column_width
    sheet.merged_cells.add(f"A1:{last}1")
    sheet.freeze_panes = "C4"
    sheet.print_title_rows = "1:3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A3
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0

    sheet.append([text_cell(sheet, title_for(table), font=Font(bold=True, size=16), alignment=CENTER)])
    sheet.append(
        [text_cell(sheet, "单位：万元")]
        + [None] * (width - 2)
        + [text_cell(sheet, f"制表日期：{timezone.localdate():%Y-%m-%d}")]
    )
    month_range = f"1-{table.month}月"
    sheet.append(
        [
            text_cell(
                sheet, header.format(range=month_range), font=HEADER_FONT, alignment=HEADER_ALIGNMENT, border=BORDER
            )
            for header, _ in COLUMNS
        ]
    )

    subtotals = {row.key: row for row in table.by_category}
    number = 0
    current = None

    def total_row(label, plan, done, percent, total_investment):
        style = {"font": TOTAL_FONT, "border": BORDER}
        return [
            text_cell(sheet, "", **style),
            text_cell(sheet, label, alignment=CENTER, **style),
            text_cell(sheet, "", **style),
            text_cell(sheet, "", **style),
            cell(sheet, total_investment, number_format=AMOUNT_FORMAT, **style),
            cell(sheet, plan, number_format=AMOUNT_FORMAT, **style),
            cell(sheet, done, number_format=AMOUNT_FORMAT, **style),
            cell(sheet, _fraction(percent), number_format=PERCENT_FORMAT, **style),
        ] + [text_cell(sheet, "", **style) for _ in range(width - 8)]

    totals_investment = {}
    grand_investment = Decimal(0)

    def close_section(category):
        row = subtotals[category]
        sheet.append(total_row("小计", row.annual_plan, row.cumulative, row.percent, totals_investment[category]))

    sections = 0
    for listing in table.rows.iterator(chunk_size=2000):
        if listing.category != current:
            if current is not None:
                close_section(current)
            current = listing.category
            totals_investment[current] = Decimal(0)
            label = Category(current).label
            count = subtotals[current].listings
            sheet.append(
                [
                    text_cell(
                        sheet,
                        f"{SECTION_NUMBERS[sections]}、{label}项目（{count}个）",
                        font=TOTAL_FONT,
                        fill=SECTION_FILL,
                    )
                ]
                + [text_cell(sheet, "", fill=SECTION_FILL) for _ in range(width - 1)]
            )
            sections += 1
        number += 1
        project = listing.project
        totals_investment[current] += project.total_investment
        grand_investment += project.total_investment
        sheet.append(
            [
                cell(sheet, number, border=BORDER, alignment=CENTER),
                text_cell(sheet, project.name, border=BORDER, alignment=WRAP),
                text_cell(sheet, project.owner, border=BORDER, alignment=WRAP),
                text_cell(sheet, project.content, border=BORDER, alignment=WRAP),
                cell(sheet, project.total_investment, number_format=AMOUNT_FORMAT, border=BORDER),
                cell(sheet, listing.annual_plan, number_format=AMOUNT_FORMAT, border=BORDER),
                cell(sheet, listing.cumulative, number_format=AMOUNT_FORMAT, border=BORDER),
                cell(
                    sheet,
                    _fraction(percent_of(listing.cumulative, listing.annual_plan)),
                    number_format=PERCENT_FORMAT,
                    border=BORDER,
                ),
                text_cell(sheet, listing.progress_text or "", border=BORDER, alignment=WRAP),
                text_cell(
                    sheet, "；".join(p.description for p in project.unresolved_problems), border=BORDER, alignment=WRAP
                ),
                text_cell(
                    sheet, "、".join(a.leader.name for a in project.active_assignments), border=BORDER, alignment=WRAP
                ),
                text_cell(sheet, project.unit.name if project.unit else "", border=BORDER, alignment=WRAP),
            ]
        )
    if current is not None:
        close_section(current)
    summary = table.summary
    sheet.append(total_row("合计", summary.annual_plan, summary.cumulative, summary.percent, grand_investment))
    workbook.save(output)
