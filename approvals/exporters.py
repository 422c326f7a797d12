"""前期手续推进表.xlsx: the board's items in the office's table layout (the progress table's rules,
projects.exporters.progress): a title row, the unit and date row, a header repeated on every printed
page, one row per item grouped under its project, and a totals line equal to the board's figures."""

from approvals.choices import ItemLight
from projects import clock
from projects.exporters.progress import PAPER_A3, section_number
from projects.exporters.xlsx import DATE_FORMAT, HEADER, THIN_BORDER, Sheet, fit_text, new_workbook

COLUMNS = [  # (header, width)
    ("序号", 6),
    ("事项名称", 24),
    ("办理部门", 18),
    ("法定时限（工作日）", 10),
    ("计划办结日期", 12),
    ("提交申报日期", 12),
    ("办理期限", 12),
    ("办结日期", 12),
    ("批复文号", 22),
    ("办理状态", 10),
    ("预警", 10),
    ("备注", 30),
]
RATE_FORMAT = "0.0%"
LIGHT_WORDS = {
    ItemLight.RED: "红灯（已超期）",
    ItemLight.YELLOW: "黄灯（临期）",
    ItemLight.GREEN: "绿灯",
    ItemLight.NONE: "—",
}


def export_title(*, place, year, month):
    """ "卫东区2015年前期手续推进表（截至9月）": the sheet's title and the file's name."""
    return f"{place}{year}年前期手续推进表（截至{month}月）"


def _warning_words(light):
    return {ItemLight.RED: "红灯", ItemLight.YELLOW: "黄灯", ItemLight.GREEN: "绿灯"}.get(light, "无预警")


def write_approval_table(output, *, title, items, warnings, total):
    """Write the table to ``output`` (a path or a binary file), streamed row by row.

    ``items``: the board's filtered items with ``light``, ordered by project (with project,
    department); ``warnings``: approvals.selectors.figures.project_warnings; ``total``: the board's
    RateRow, written as the totals line."""
    workbook = new_workbook(output)
    sheet = Sheet(workbook, "前期手续推进表")
    width = len(COLUMNS)
    sheet.widths([column_width for _, column_width in COLUMNS])
    sheet.print_setup(header_rows=3, freeze=(3, 2), paper=PAPER_A3)
    style = sheet.style
    title_format = style(bold=True, size=16, align="center", valign="vcenter", text_wrap=True)
    text = style(valign="top", text_wrap=True, **THIN_BORDER)
    number = style(align="center", valign="vcenter", text_wrap=True, **THIN_BORDER)
    day = style(num_format=DATE_FORMAT, valign="top", **THIN_BORDER)
    row_formats = [number, text, text, number, day, day, day, day, text, text, text, text]
    section = [style(bold=True, bg_color="#F2F2F2", pattern=1)] + [style(bg_color="#F2F2F2", pattern=1)] * (width - 1)
    bold = style(bold=True, **THIN_BORDER)
    bold_number = style(bold=True, align="center", **THIN_BORDER)
    rate = style(bold=True, num_format=RATE_FORMAT, **THIN_BORDER)

    sheet.merged(title, title_format, width)
    sheet.append(["事项单位：项"] + [None] * (width - 2) + [f"制表日期：{clock.today():%Y-%m-%d}"], [None] * width)
    sheet.append([header for header, _ in COLUMNS], [style(**HEADER)] * width)

    project, projects, number_in_table = None, 0, 0
    for item in items:
        if item.project_id != project:
            project = item.project_id
            projects += 1
            light, done, needed = warnings.get(project, (ItemLight.NONE, 0, 0))
            street = item.project.street.name if item.project.street_id else "未指定街道"
            label = (
                f"{section_number(projects)}、{item.project.name}（{street}；预警：{_warning_words(light)}；"
                f"已办结{done}/{needed}项）"
            )
            sheet.append([label] + [None] * (width - 1), section)
        number_in_table += 1
        sheet.append(
            [
                number_in_table,
                fit_text(item.name, COLUMNS[1][1]),
                item.department.name if item.department_id else "未指定",
                item.time_limit_days,
                item.planned_date,
                item.submitted_date,
                item.due_date,
                item.approved_date,
                fit_text(item.document_number, COLUMNS[8][1]) or None,
                item.get_status_display(),
                LIGHT_WORDS[ItemLight(item.light)],
                fit_text(item.notes, COLUMNS[11][1]) or None,
            ],
            row_formats,
        )
    fraction = None if total.percent is None else total.percent / 100
    sheet.append(
        [
            None,
            "合计",
            "应办结事项（项）",
            total.counted,
            "已办结（项）",
            total.done,
            "完成率",
            fraction if fraction is not None else "—",
            f"超期未办结{total.red}项，临期{total.yellow}项",
            None,
            None,
            None,
        ],
        [bold, bold, bold, bold_number, bold, bold_number, bold, rate, bold, bold, bold, bold],
    )
    workbook.close()
