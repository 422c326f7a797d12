"""The bulletin's draft (进展情况通报): its sections in generated Chinese prose, with tables where a
table reads better, built from the overview's own selector (projects.selectors.dashboard.overview),
so every figure in it is the overview's to the cent.

A district's bulletin with a scoring scheme for its year also ranks its streets and units by the
month's 考核 scores in section 三 (scoring.selectors.scores.ranking, figures["scoring"]).

The phrasing is the offices' own (DOMAIN.md, "How offices report these figures"): the percentage set
against the time schedule in points ("超过时间进度18.58个百分点"), the start rate against the projects
planned to start by the month, planned completions counted as completed and not completed on time,
streets and units ranked by completion rate.
"""

from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from approvals.selectors.figures import node_items, rate_by_department, rate_total
from bulletins.selectors.scoring import TOP, scoring_rankings, scoring_text
from projects import clock
from projects.choices import Category, Level, ProblemStatus, ProjectStatus
from projects.models import Listing, Problem, overdue_condition
from projects.scoping import node_projects
from projects.selectors.dashboard import overview
from projects.selectors.figures import investment_summary, with_figures
from projects.selectors.problems import problem_figures
from projects.selectors.timeliness import listing_timeliness
from scoring.selectors.scores import ranking_figures

PLACES, LAGGING = "三、各街道、各责任单位", "四、滞后项目"
APPROVALS, NEXT = "六、前期手续", "七、下步工作"  # 下步工作 is 六 when there is no 前期手续 section
NO_APPROVALS = "本期无前期手续事项。"
HUNDREDTH = Decimal("0.01")


def yi(amount):
    """万元 → 亿元 in the bulletin's text: 411700 → "41.17"."""
    return f"{(Decimal(amount) / 10000).quantize(HUNDREDTH, rounding=ROUND_HALF_UP):,.2f}"


def wan(amount):
    return f"{Decimal(amount):,.2f}"


def pct(value):
    return "—" if value is None else f"{Decimal(value):.2f}%"


def points_text(percent, schedule):
    """ "超过时间进度18.58个百分点", "落后时间进度3.10个百分点" or "与时间进度持平"."""
    if percent is None:
        return "尚无年度计划，不比较时间进度"
    points = (Decimal(percent) - Decimal(schedule)).quantize(HUNDREDTH)
    if points > 0:
        return f"超过时间进度{points}个百分点"
    if points < 0:
        return f"落后时间进度{-points}个百分点"
    return "与时间进度持平"


@dataclass
class Table:
    headers: list
    rows: list  # lists of text, one per header


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list = field(default_factory=list)
    tables: list = field(default_factory=list)  # Table, each after the paragraphs
    editable: bool = False  # 下步工作: the office writes it


@dataclass
class BulletinDraft:
    year: int
    month: int
    level: str
    level_label: str
    place: str  # "卫东区" or "卫东区北环路街道"
    title: str
    sections: list
    figures: dict  # what --json prints and an issued bulletin keeps

    def as_dict(self):
        return asdict(self)


def _names(listings):
    return "、".join(listing.project.name for listing in listings)


def _figure_row(label, row):
    return [str(label), str(row.listings), wan(row.annual_plan), wan(row.cumulative), pct(row.percent)]


def _general(o, place, level_label, earlier, last_year):
    s = o.summary
    categories = "、".join(f"{row.label}{row.listings}个" for row in o.by_category)
    batches = "、".join(f"{row.label}{row.listings}个" for row in o.by_batch)
    split = "；".join(part for part in (categories, batches) if part)
    text = (
        f"1-{o.month}月，{place}{s.listings}个{level_label}项目{f'（{split}）' if split else ''}"
        f"累计完成投资{yi(s.cumulative)}亿元，占年度投资计划{yi(s.annual_plan)}亿元的{pct(s.percent)}，"
        f"{points_text(s.percent, s.schedule)}。"
    )
    paragraphs = [text]
    compared = []
    if earlier is not None:
        change = s.cumulative - earlier.cumulative
        compared.append(f"比1-{o.month - 1}月增加{yi(change)}亿元（环比）")
    if last_year is not None and last_year.listings:
        ly = last_year
        compared.append(
            f"上年同期{ly.listings}个项目累计完成投资{yi(ly.cumulative)}亿元、占年度计划的{pct(ly.percent)}（同比）"
        )
    if compared:
        paragraphs.append("；".join(compared) + "。")
    rows = [
        [row.label, str(row.listings), wan(row.annual_plan), wan(row.cumulative), pct(row.percent)]
        for row in o.by_category
    ]
    rows.append(["合计", str(s.listings), wan(s.annual_plan), wan(s.cumulative), pct(s.percent)])
    table = Table(["类别", "项目数", "年度计划（万元）", "累计完成（万元）", "占年度计划"], rows)
    return Section("general", "一、总体情况", paragraphs, [table])


def _starts_and_completions(o, figured):
    paragraphs = []
    start, done = o.start_rate, o.completion_rate
    late_starts = list(
        figured.filter(category=Category.NEW_START, cumulative=0)
        .filter(Q(planned_start_month__isnull=True) | Q(planned_start_month__lte=o.month))
        .select_related("project")
        .order_by("project__name")
    )
    if start.planned:
        text = f"1-{o.month}月计划新开工项目{start.planned}个，已开工{start.done}个，开工率{pct(start.percent)}"
        text += f"；尚未开工的：{_names(late_starts)}。" if late_starts else "，均已开工。"
        paragraphs.append(text)
    else:
        paragraphs.append(f"1-{o.month}月没有计划新开工的项目。")
    not_finished = list(
        figured.filter(category=Category.COMPLETION)
        .exclude(project__status__in=[ProjectStatus.COMPLETED, ProjectStatus.COMMISSIONED])
        .select_related("project")
        .order_by("project__name")
    )
    if done.planned:
        text = f"计划建成项目{done.planned}个，已建成{done.done}个，竣工率{pct(done.percent)}"
        text += f"；尚未建成的：{_names(not_finished)}。" if not_finished else "，均已建成。"
        paragraphs.append(text)
    else:
        paragraphs.append("本年度没有计划建成的项目。")
    return Section("starts", "二、开工和竣工", paragraphs)


def _ranked_rows(rows):
    ranked = sorted(rows, key=lambda r: (r.percent is None, -(r.percent or 0), str(r.label)))
    return [r for r in ranked if r.annual_plan]


def _ranking(noun, rows):
    ranked = _ranked_rows(rows)
    if not ranked:
        return f"没有可排名的{noun}。", None
    top = "、".join(f"{r.label}（{pct(r.percent)}）" for r in ranked[:TOP])
    text = f"按投资完成率排名，前三位的{noun}是{top}"
    if len(ranked) > TOP:
        bottom = "、".join(f"{r.label}（{pct(r.percent)}）" for r in ranked[-TOP:])
        text += f"；后三位是{bottom}"
    lagging = sum(r.lagging for r in ranked)
    text += f"；共有滞后项目{lagging}个。" if lagging else "；没有滞后项目。"
    table = Table(
        ["名次", noun, "项目数", "年度计划（万元）", "累计完成（万元）", "占年度计划", "滞后项目"],
        [
            [
                str(i),
                str(r.label),
                str(r.listings),
                wan(r.annual_plan),
                wan(r.cumulative),
                pct(r.percent),
                str(r.lagging),
            ]
            for i, r in enumerate(ranked, start=1)
        ],
    )
    return text, table


def _places(o):
    section = Section("places", PLACES)
    if o.children is not None:
        text, table = _ranking(o.children_label, o.children)
        section.title = f"三、各{o.children_label}"
        section.paragraphs.append(text)
        section.tables = [table] if table else []
        return section
    for noun, rows in (("街道", o.by_street), ("责任单位", o.by_unit)):
        text, table = _ranking(noun, rows)
        section.paragraphs.append(f"{noun}：{text}")
        if table:
            section.tables.append(table)
    return section


def _lagging(o, figured):
    lagging = list(
        figured.filter(warning__in=["red", "yellow"])
        .select_related("project")
        .order_by("-warning_rank", "percent_sort", "project__name")
    )
    if not lagging:
        return Section("lagging", LAGGING, ["没有滞后项目（红灯、黄灯）。"])
    problems = {}
    for problem in (
        Problem.objects.filter(project_id__in=[listing.project_id for listing in lagging])
        .exclude(status=ProblemStatus.RESOLVED)
        .order_by("project_id", "-raised_on", "-id")
    ):
        problems.setdefault(problem.project_id, problem.description)
    rows = []
    for listing in lagging:
        percent = listing.cumulative * 100 / listing.annual_plan if listing.annual_plan else None
        behind = (Decimal(o.summary.schedule) - percent).quantize(HUNDREDTH) if percent is not None else None
        rows.append(
            [
                "红灯" if listing.warning == "red" else "黄灯",
                listing.project.name,
                pct(percent.quantize(HUNDREDTH) if percent is not None else None),
                f"{behind}" if behind is not None else "—",
                problems.get(listing.project_id, "—"),
            ]
        )
    red = sum(1 for listing in lagging if listing.warning == "red")
    text = f"红灯项目{red}个、黄灯项目{len(lagging) - red}个：{_names(lagging)}。"
    table = Table(["预警", "项目", "占年度计划", "落后时间进度（百分点）", "存在问题"], rows)
    return Section("lagging", LAGGING, [text], [table])


def _problems(o, problems, month):
    figures = o.problems
    if not figures["found"]:
        return Section("problems", "五、问题解决", ["本年度所列项目尚未登记问题。"])
    this_month = problem_figures(problems.filter(raised_on__month=month, raised_on__year=o.year))
    # Resolved is what the office has confirmed (销号); a street's "已解决" is 待销号 until then.
    pending = f"待销号{figures['pending_close']}个，" if figures.get("pending_close") else ""
    text = (
        f"本年度所列项目累计发现问题{figures['found']}个，已解决{figures['resolved']}个，{pending}"
        f"协调解决中{figures['coordinating']}个，待处理{figures['open']}个，其中已逾期{figures['overdue']}个；"
        f"{month}月新发现{this_month['found']}个。"
    )
    by_street = (
        problems.order_by()
        .values("project__street__name")
        .annotate(
            found=Count("id"),
            resolved=Count("id", filter=Q(status=ProblemStatus.RESOLVED)),
            pending_close=Count("id", filter=Q(status=ProblemStatus.PENDING_CLOSE)),
            overdue=Count("id", filter=overdue_condition()),
        )
        .order_by("-found", "project__street__name")
    )
    rows = [
        [
            row["project__street__name"] or "未指定",
            str(row["found"]),
            str(row["resolved"]),
            str(row["pending_close"]),
            str(row["found"] - row["resolved"] - row["pending_close"]),
            str(row["overdue"]),
        ]
        for row in by_street
    ]
    table = Table(["街道", "发现", "已解决", "待销号", "未解决", "已逾期"], rows)
    return Section("problems", "五、问题解决", [text], [table])


def timeliness_figures(listings, *, year, month):
    """报送及时率 of ``month``'s reports over the bulletin's ``listings`` (projects.selectors.timeliness,
    the 未报送 page's rule), per street and unit, as the bulletin's stored figures keep them."""
    by_street = listing_timeliness(listings, year=year, month=month, by="street")
    by_unit = listing_timeliness(listings, year=year, month=month, by="unit")
    total, due = by_street.total, by_street.due
    return {
        "due_date": due.date.isoformat(),
        "due_nominal": due.nominal.isoformat(),  # the office's due day, before a move to a working day
        "due_passed": due.passed,
        "due": total.due,
        "on_time": total.on_time,
        "late": total.late,
        "missing": total.missing,
        "rate": None if total.rate is None else str(total.rate),
        "by_street": [
            [f"{row.district}{row.label}" if by_street.several_districts else row.label, *row.as_list()[1:]]
            for row in by_street.rows
        ],
        "by_unit": [row.as_list() for row in by_unit.rows],
    }


def _timeliness_text(figures, month, *, name_streets):
    """One sentence on the month's reporting: "9月项目进展报送截止10月26日（25日为休息日，顺延），应报送
    26个，按时报送24个、逾期报送1个、未报送1个，报送及时率92.3%；逾期或未报送的街道：…。" """
    if not figures["due"]:
        return None
    due = date.fromisoformat(figures["due_date"])
    nominal = date.fromisoformat(figures["due_nominal"])
    moved = f"（{nominal.day}日为休息日，顺延）" if nominal != due else ""
    text = f"{month}月项目进展报送截止{due.month}月{due.day}日{moved}，应报送{figures['due']}个，"
    if not figures["due_passed"]:
        return text + f"尚未到截止日，已报送{figures['on_time'] + figures['late']}个、未报送{figures['missing']}个。"
    rate = "—" if figures["rate"] is None else f"{figures['rate']}%"
    text += (
        f"按时报送{figures['on_time']}个、逾期报送{figures['late']}个、未报送{figures['missing']}个，报送及时率{rate}"
    )
    behind = [row for row in figures["by_street"] if row[3] or row[4]]  # label, due, on time, late, missing
    if not name_streets or not behind:
        return text + "。"

    def counts(late, missing):
        parts = (f"逾期{late}个" if late else "", f"未报送{missing}个" if missing else "")
        return "、".join(part for part in parts if part)

    named = "、".join(f"{label}（{counts(late, missing)}）" for label, _, _, late, missing, _ in behind)
    return text + f"；逾期或未报送的街道：{named}。"


def approval_figures(*, user, year, month, level, region, street):
    """The 联审联批 figures of the bulletin's node, level and street (approvals.selectors.figures,
    the board's and the overview panel's rule): None when its projects have no approval items."""
    items = node_items(user, year=year, region=region, level=level, street=street)
    if not items.exists():
        return None
    # Overdue is as of the day the bulletin is drafted (the text says which day): what the office
    # chases now, not what was overdue at the period's end and has been done since.
    today = clock.today()
    total = rate_total(items, year=year, month=month, today=today)
    departments = rate_by_department(items, year=year, month=month, today=today)
    return {
        "as_of": today.isoformat(),
        "counted": total.counted,
        "done": total.done,
        "percent": None if total.percent is None else str(total.percent),
        "red": total.red,
        "yellow": total.yellow,
        "red_by_department": [[row.label, row.red] for row in departments if row.red],
        "by_department": [
            [row.label, row.counted, row.done, None if row.percent is None else str(row.percent), row.red]
            for row in departments
        ],
    }


def _approvals(figures):
    """六、前期手续: "联审联批事项N项，已办结M项，完成率X%；超期未办结K项（部门A k1项、…）。" """
    if not figures["counted"] and not figures["red"]:
        return Section("approvals", APPROVALS, [NO_APPROVALS])
    rate = "—" if figures["percent"] is None else f"{figures['percent']}%"
    text = f"联审联批事项{figures['counted']}项，已办结{figures['done']}项，完成率{rate}"
    as_of = date.fromisoformat(figures["as_of"]) if figures.get("as_of") else None
    when = f"截至{as_of.month}月{as_of.day}日" if as_of else ""
    if figures["red"]:
        named = "、".join(f"{name}{count}项" for name, count in figures["red_by_department"])
        text += f"；{when}超期未办结{figures['red']}项（{named}）。"
    else:
        text += f"；{when}无超期未办结事项。"
    table = Table(
        ["办理部门", "应办结", "已办结", "完成率", "超期未办结"],
        [
            [name, str(counted), str(done), "—" if percent is None else f"{percent}%", str(red)]
            for name, counted, done, percent, red in figures["by_department"]
        ],
    )
    return Section("approvals", APPROVALS, [text], [table])


def bulletin_draft(*, user, year, month, level=Level.CITY, region=None, street=None):
    """The bulletin of ``region`` (the user's own node by default; the caller has checked the user
    may read it) for ``year``, months 1..``month``, ``level``'s list, optionally one ``street``.

    Each section is prose plus tables; a section without data says so in a sentence. The figures
    are the overview's (projects.selectors.dashboard.overview), so they equal the page and the
    progress table's 合计 to the cent."""
    o = overview(user=user, year=year, month=month, level=level, region=region, street=street)
    region = o.region

    def node_listings(year, level=None):
        """The year's listings the bulletin is about: the node's (the overview's own filter), one street's."""
        listings = Listing.objects.filter(node_projects(user, region, "project__"), year=year)
        listings = listings.filter(level=level) if level is not None else listings
        return listings.filter(project__street=street) if street is not None else listings

    # 环比 and 同比 need the totals only: one aggregate each, not a whole overview.
    earlier = investment_summary(listings=node_listings(year, level), month=month - 1) if month > 1 else None
    last_year = investment_summary(listings=node_listings(year - 1, level), month=month)
    level_label = Level(level).label
    place = (region.name if region is not None else "") + (street.name if street is not None else "")
    figured = with_figures(node_listings(year, level), month=month, reported=o.reported)
    year_projects = node_listings(year)
    problems = Problem.objects.filter(project_id__in=year_projects.values("project_id"))
    timeliness = timeliness_figures(node_listings(year, level), year=year, month=month)
    # 考核: a district's bulletin carries the month's ranking by its scheme, when it has one.
    rankings = scoring_rankings(user=user, year=year, month=month, region=region, street=street)
    scoring = ranking_figures(rankings) if rankings is not None else None
    if not o.summary.listings:
        sections = [Section("general", "一、总体情况", [f"{year}年没有{place}{level_label}项目清单。"])]
    else:
        places = (
            _places(o)
            if street is None
            else Section("places", "三、各街道、各责任单位", ["本期为单个街道的通报，不排名。"])
        )
        if scoring is not None:
            text, tables = scoring_text(scoring, rankings)
            places.paragraphs.append(text)
            places.tables.extend(Table(headers, rows) for headers, rows in tables)
        reporting = _timeliness_text(timeliness, month, name_streets=street is None)
        if reporting:
            places.paragraphs.append(reporting)
        sections = [
            _general(o, place, level_label, earlier, last_year),
            _starts_and_completions(o, figured),
            places,
            _lagging(o, figured)
            if o.reported
            else Section("lagging", "四、滞后项目", [f"{year}年尚未填报，暂不判断预警。"]),
            _problems(o, problems, month),
        ]
    # 前期手续 only when the node's projects have approval items at all (an issued bulletin keeps it
    # in its content and figures, like every other figure).
    approvals = approval_figures(user=user, year=year, month=month, level=level, region=region, street=street)
    if approvals is not None:
        sections.append(_approvals(approvals))
    sections.append(Section("next", NEXT if approvals is not None else "六、下步工作", [], editable=True))
    s = o.summary
    points = (Decimal(s.percent) - Decimal(s.schedule)).quantize(HUNDREDTH) if s.percent is not None else None
    figures = {
        "year": year,
        "month": month,
        "level": level,
        "region": region.code if region is not None else None,
        "street": street.name if street is not None else None,
        "projects": s.listings,
        "annual_plan": str(s.annual_plan),
        "cumulative": str(s.cumulative),
        "percent": None if s.percent is None else str(s.percent),
        "schedule": str(s.schedule),
        "points": None if points is None else str(points),
        "start_rate": _rate(o.start_rate),
        "completion_rate": _rate(o.completion_rate),
        "problems": dict(o.problems),
        "timeliness": timeliness,
    }
    if approvals is not None:
        figures["approvals"] = approvals
    if scoring is not None:
        figures["scoring"] = scoring
    title = f"{place}{year}年1-{month}月{level_label}项目建设进展情况通报"
    return BulletinDraft(year, month, level, level_label, place, title, sections, figures)


def _rate(rate):
    return {"planned": rate.planned, "done": rate.done, "percent": None if rate.percent is None else str(rate.percent)}
