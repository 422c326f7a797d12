"""The bulletin's 考核 part (section 三): the month's ranking of a district's streets and units by its
scheme (scoring.selectors.scores.ranking), in the offices' phrasing — the first and last three, ties
named together, those with nothing scored, whether the scores are final."""

from decimal import Decimal

from projects import clock
from projects.choices import RegionKind
from scoring.choices import PeriodKind, SubjectKind
from scoring.periods import ScorePeriod
from scoring.selectors.access import visible_schemes
from scoring.selectors.scores import ranking

TOP = 3  # how many the prose names at each end of a ranking (this one and the drafts' others)


def scoring_rankings(*, user, year, month, region, street):
    """The month's rankings (streets, then units) by the district's scheme of ``year``
    (scoring.selectors.scores.ranking: frozen when the month is, else computed now); None unless the
    bulletin is a whole district's and that district has a scheme the user may read."""
    if street is not None or region is None or region.kind != RegionKind.DISTRICT:
        return None
    scheme = visible_schemes(user).filter(district=region, year=year).select_related("district").first()
    if scheme is None:
        return None
    period = ScorePeriod(PeriodKind.MONTH, year, month)
    return [ranking(scheme=scheme, period=period, kind=kind) for kind in SubjectKind.values]


SCORED = {"streets": "街道", "units": "责任单位"}


def _scoring_ends(rows):
    """The ranked rows ([rank, name, total]) a sentence names: those placed first to TOP-th, and the
    last TOP (more when tied), never naming one twice."""
    top = [row for row in rows if row[0] <= TOP]
    if len(rows) <= TOP:
        return top, []
    cutoff = Decimal(rows[-TOP][2])
    return top, [row for row in rows if Decimal(row[2]) <= cutoff and row[0] > TOP]


def _scored_names(rows):
    """ "A（98.66分）、B、C（并列，100.00分）": each name with its score, those tied sharing one."""
    groups = []
    for rank, name, total in rows:
        if groups and groups[-1][0] == rank:
            groups[-1][1].append(name)
        else:
            groups.append((rank, [name], total))
    return "、".join(
        f"{'、'.join(names)}（并列，{total}分）" if len(names) > 1 else f"{names[0]}（{total}分）"
        for _, names, total in groups
    )


def scoring_text(figures, rankings):
    """三's 考核 paragraph and its tables: "按《…》，2015年9月各街道得分前三名为……，后三名为……；
    各责任单位……。", those with nothing scored, and whether the scores are final."""
    parts = []
    for key, noun in SCORED.items():
        top, bottom = _scoring_ends(figures[key])
        if not top:
            parts.append(f"各{noun}本期均无考核内容")
            continue
        text = f"各{noun}得分前三名为{_scored_names(top)}"
        # "后三名" only when three (or more, tied) are named; fewer left after the first three: "其后为".
        tail = "后三名为" if len(bottom) >= TOP else "其后为"
        parts.append(text + (f"，{tail}{_scored_names(bottom)}" if bottom else ""))
    text = f"按《{figures['scheme']}》，{figures['period']}" + "；".join(parts) + "。"
    unranked = [row.name for r in rankings for row in r.rows if not row.ranked]
    if unranked:
        text += f"{'、'.join(unranked)}本期无考核内容，不参加排名。"
    if figures["frozen"]:
        text += "以上得分已定稿。"
    else:
        today = clock.today()
        text += f"以上得分尚未定稿，按截至{today.month}月{today.day}日的数据计算。"
    tables = [
        (["名次", noun, "得分"], [[str(rank), name, total] for rank, name, total in figures[key]])
        for key, noun in SCORED.items()
        if figures[key]
    ]
    return text, tables
