"""What stands behind each number of a street's or unit's breakdown (考核明细): the measured value
and the scoring rule in words, and links to the pages that list the projects or items a number
counts, built from those pages' own filters.

| measure | page | what its filters select |
|---|---|---|
| investment | project_list | the subject's listings of the scheme's year (and level), at the period's end |
| start / completion rate | project_list | the subject's new starts / planned completions |
| approval rate | approvals:board | the items of the subject's projects (or the department's); 合计 counts them |
| problem closure | problem_list | problems due in the period, of the listed projects; solved in time or not |
| task closure | task_board | tasks due in the period of the street office or the department; answered in time or not |
| report timeliness | report_sheet | the month's reports (of the street): the nearest page, more than those counted |
| early milestones | project_list | the subject's projects: the milestones are on each project's page |

A link marked not ``exact`` leads to the nearest page, which lists more than the number counts; its
``note`` says what. Every link shows today's data: for a frozen period it may differ from the
figures stored when it was frozen."""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from projects import clock
from scoring.choices import COUNTED_MEASURES, Measure, SubjectKind
from scoring.selectors.schemes import rule_text

# The words each measure's item counts go by on the breakdown: (应…, 按期…, 未按期…).
COUNT_WORDS = {
    Measure.START_RATE: ("应开工", "已开工", "未开工"),
    Measure.COMPLETION_RATE: ("应建成", "已建成", "未建成"),
    Measure.APPROVAL_RATE: ("应办结", "已办结", "未办结"),
    Measure.PROBLEM_CLOSURE: ("应办结", "按期办结", "逾期"),
    Measure.TASK_CLOSURE: ("应办结", "按期办结", "逾期"),
    Measure.REPORT_TIMELINESS: ("应报送", "按时报送", "迟报漏报"),
    Measure.EARLY_MILESTONES: ("提前完成", "提前完成", "—"),
}


@dataclass(frozen=True)
class Link:
    url: str
    exact: bool = True  # False: the nearest page, listing more than the number counts
    note: str = ""


@dataclass(frozen=True)
class BreakdownLine:
    """One criterion of a breakdown: its score, what was measured and how it was scored, in words,
    and the links behind its numbers ("value", "due", "done", "late")."""

    score: object  # scoring.selectors.scores.CriterionScore
    measure_label: str
    value_text: str
    rule_text: str
    counted: bool  # the measure counts items (due, on time, late)
    words: tuple  # COUNT_WORDS of the measure
    links: dict = field(default_factory=dict)

    @property
    def notes(self):
        """What the nearest pages linked to list beyond the numbers, once each."""
        return list(dict.fromkeys(link.note for link in self.links.values() if not link.exact and link.note))


def value_text(score):
    """What was measured, in words: a rate as "92.5%"; investment as "完成年度计划81.67%，时序进度
    75.00%，占时序进度108.89%"; early milestones as a count; "不涉及" when nothing was measured."""
    measure, value = score.criterion.measure, score.value
    if measure == Measure.EARLY_MILESTONES:
        return f"提前完成节点{value.done}个" if value.done else "无"
    if not value.measured:
        return "不涉及"
    if measure == Measure.INVESTMENT:
        if value.value is None:
            return "无年度计划投资（不涉及）"
        return f"完成年度计划{value.percent}%，时序进度{value.schedule}%，占时序进度{value.value}%"
    return "—" if value.value is None else f"{value.value}%"


def _url(name, params):
    return f"{reverse(name)}?{urlencode({k: v for k, v in params.items() if v not in (None, '')})}"


def measure_links(*, scheme, period, kind, key, measure, region_code, today=None):
    """{"value" | "due" | "done" | "late": Link} for ``measure`` of the street or unit ``key``."""
    due_until = _passed_until(period, today or clock.today()).isoformat()
    street = kind == SubjectKind.STREET
    subject = {"street": key} if street else {"unit": key}
    listings = {"year": scheme.year, "month": period.end_month, "level": scheme.level, **subject}
    if measure == Measure.INVESTMENT:
        return {"value": Link(_url("projects:project_list", listings))}
    if measure == Measure.START_RATE:
        url = _url("projects:project_list", {**listings, "category": "new_start"})
        note = "列出全部新开工项目：截至本期计划开工的为应开工，累计完成投资大于0的为已开工。"
        return {"due": Link(url, exact=False, note=note)}
    if measure == Measure.COMPLETION_RATE:
        url = _url("projects:project_list", {**listings, "category": "completion"})
        return {"due": Link(url), "done": Link(url, exact=False, note="建成（竣工、投产）的项目见项目状态。")}
    if measure == Measure.APPROVAL_RATE:
        params = {
            "year": scheme.year,
            "month": period.end_month,
            "region": region_code,
            "level": scheme.level,
            **({"street": key} if street else {"department": key}),
        }
        note = "列出这些项目的全部手续事项；页面合计行的“应办结”“已办结”即本项计数。"
        return {"due": Link(_url("approvals:board", params), exact=False, note=note)}
    if measure == Measure.PROBLEM_CLOSURE:
        params = {
            "listed_year": scheme.year,
            "listed_level": scheme.level,
            **subject,
            "due_after": period.first_day.isoformat(),
            "due_before": due_until,
        }
        return _counted_links("projects:problem_list", params)
    if measure == Measure.TASK_CLOSURE:
        params = {
            **({"street": key} if street else {"owner": key}),
            "due_after": period.first_day.isoformat(),
            "due_before": due_until,
        }
        return _counted_links("dispatch:task_board", params)
    if measure == Measure.REPORT_TIMELINESS:
        params = {"year": scheme.year, "month": period.end_month, **({"street": key} if street else {})}
        note = f"{period.end_month}月的填报情况（含不在考核范围内的清单）；各月报送及时率见未报送清单。"
        return {"due": Link(_url("projects:report_sheet", params), exact=False, note=note)}
    if measure == Measure.EARLY_MILESTONES:
        note = "列出该对象的全部项目，节点完成情况见各项目页面。"
        return {"value": Link(_url("projects:project_list", listings), exact=False, note=note)}
    return {}


def _passed_until(period, today):
    """The last deadline the period counts: its last day, yesterday at the latest
    (scoring.selectors.measures.Context.passed_until)."""
    return min(period.last_day, today - datetime.timedelta(days=1))


def _counted_links(name, params):
    return {
        "due": Link(_url(name, params)),
        "done": Link(_url(name, {**params, "on_time": "true"})),
        "late": Link(_url(name, {**params, "on_time": "false"})),
    }


def breakdown_lines(*, scheme, period, row, region_code, today=None):
    """The breakdown's lines of a SubjectScore ``row``: one per criterion, in the scheme's order.
    Links are given for the numbers above zero only."""
    lines = []
    for score in row.criteria:
        measure = score.criterion.measure
        links = measure_links(
            scheme=scheme,
            period=period,
            kind=row.kind,
            key=row.key,
            measure=measure,
            region_code=region_code,
            today=today,
        )
        value = score.value
        shown = {"value": value.measured, "due": value.due, "done": value.done, "late": value.late}
        lines.append(
            BreakdownLine(
                score=score,
                measure_label=Measure(measure).label,
                value_text=value_text(score),
                rule_text=rule_text(score.criterion),
                counted=measure in COUNTED_MEASURES,
                words=COUNT_WORDS.get(measure, ("", "", "")),
                links={name: link for name, link in links.items() if shown[name]},
            )
        )
    return lines
