"""考核排名.xlsx in the office's table layout (the rules of projects.exporters.progress and
approvals.exporters: a title row, the basis and date row, a header repeated on every printed page,
frozen panes), one sheet per kind of subject (街道, 责任单位), A4 landscape; and the same rankings
as plain figures, which the bulletin stores and ``score_ranking --json`` prints.

Both read scoring.selectors.scores.ranking and nothing else, so the file, the bulletin and the
page agree to the cent."""

from django.utils import timezone

from projects import clock
from projects.exporters.xlsx import HEADER, THIN_BORDER, Sheet, new_workbook
from scoring.choices import SubjectKind

PAPER_A4 = 9  # XlsxWriter's paper index (projects.exporters.progress.PAPER_A3 is 8)
POINTS_FORMAT = "0.00"
NOTHING_TO_SCORE = "本期无考核内容"
KIND_WORDS = {SubjectKind.STREET: "街道", SubjectKind.UNIT: "责任单位"}
# (header, width) of the columns every reader gets; the criteria's columns go between 名称 and 基本分.
LEADING = [("名次", 6), ("名称", 24)]
TOTALS = [("基本分", 10), ("加分", 9), ("加减分", 9), ("总分", 10)]
CRITERION_WIDTH = 14


def export_title(scheme, period):
    """ "卫东区2015年9月重点项目考核排名": the workbook's title and the file's name."""
    return f"{scheme.district.name}{period.label}重点项目考核排名"


def frozen_on(ranking):
    """The day the period was frozen (定稿), or None for scores computed now."""
    return timezone.localtime(ranking.sheet.frozen_at).date() if ranking.frozen else None


def points_words(points):
    """Decimal("40.00") → "40", Decimal("2.50") → "2.5": a weight as a header states it."""
    text = f"{points:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def criterion_header(criterion):
    """ "投资完成（40分）"; a bonus criterion states its cap: "节点提前完成（加分，最高5分）"."""
    weight = points_words(criterion.weight)
    return f"{criterion.name}（加分，最高{weight}分）" if criterion.is_bonus else f"{criterion.name}（{weight}分）"


def basis_line(ranking, *, as_of="制表日期"):
    """The rules the scores used and whether they are frozen (the sheet's second row): "考核办法：
    《…》；已定稿（2015-09-28），得分不再随数据变化", or "…；未定稿，得分按``as_of``的数据计算"."""
    day = frozen_on(ranking)
    state = f"已定稿（{day:%Y-%m-%d}），得分不再随数据变化" if day else f"未定稿，得分按{as_of}的数据计算"
    return f"考核办法：《{ranking.scheme_name}》；{state}"


def _write_kind(workbook, ranking, *, title, breakdown):
    sheet = Sheet(workbook, KIND_WORDS[ranking.kind])
    # Per-criterion points and the parts of a total are a breakdown: a reader who may not see every
    # subject's gets rank, name and total (scoring.selectors.access, as on the ranking page).
    criteria = ranking.criteria if breakdown else ()
    totals = TOTALS if breakdown else TOTALS[-1:]
    columns = LEADING + [(criterion_header(c), CRITERION_WIDTH) for c in criteria] + totals
    width = len(columns)
    sheet.widths([column_width for _, column_width in columns])
    sheet.print_setup(header_rows=3, freeze=(3, 2), paper=PAPER_A4)
    style = sheet.style
    title_format = style(bold=True, size=16, align="center", valign="vcenter", text_wrap=True)
    rank = style(num_format="0", align="center", valign="vcenter", **THIN_BORDER)
    text = style(valign="top", text_wrap=True, **THIN_BORDER)
    points = style(num_format=POINTS_FORMAT, **THIN_BORDER)
    total = style(num_format=POINTS_FORMAT, bold=True, **THIN_BORDER)
    muted = style(align="center", valign="top", font_color="#666666", **THIN_BORDER)

    sheet.merged(f"{title}（{KIND_WORDS[ranking.kind]}）", title_format, width)
    sheet.append([basis_line(ranking)] + [None] * (width - 2) + [f"制表日期：{clock.today():%Y-%m-%d}"], [None] * width)
    sheet.append([header for header, _ in columns], [style(**HEADER)] * width)
    for row in ranking.rows:
        if not row.ranked:
            # Unranked, after the ranked: the reason across the points' columns.
            if width > 3:
                sheet.append(["—", row.name], [muted, text])
                sheet.worksheet.merge_range(sheet.row - 1, 2, sheet.row - 1, width - 1, NOTHING_TO_SCORE, muted)
            else:
                sheet.append(["—", row.name, NOTHING_TO_SCORE], [muted, text, muted])
            continue
        by_criterion = {score.criterion.id: score.points for score in row.criteria}
        parts = [row.base, row.bonus, row.adjustment] if breakdown else []
        sheet.append(
            [row.rank, row.name, *(by_criterion.get(c.id) for c in criteria), *parts, row.total],
            [rank, text] + [points] * (len(criteria) + len(parts)) + [total],
        )


def write_ranking(output, *, title, rankings, breakdown):
    """Write ``rankings`` (scoring.selectors.scores.Ranking, one per kind, streets first) to
    ``output`` (a path or a binary file), one sheet each. ``breakdown``: {kind: whether the reader
    may see every subject's points per criterion (scoring.selectors.access.breakdown_keys is
    EVERY)}; without it the sheet holds the totals only."""
    workbook = new_workbook(output)
    for ranking in rankings:
        _write_kind(workbook, ranking, title=title, breakdown=breakdown[ranking.kind])
    workbook.close()
