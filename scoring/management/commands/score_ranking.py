"""Print a district's 考核 ranking of one period — its streets' and its units' — as the export and the
bulletin read it (scoring.selectors.scores.ranking); --json prints the figures the bulletin stores."""

import json
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from projects import clock
from projects.choices import RegionKind
from projects.management.commands.export_progress import acting_user, region_option
from scoring.choices import SubjectKind
from scoring.exporters import KIND_WORDS, NOTHING_TO_SCORE, basis_line, export_title
from scoring.forms import ScorePeriodForm
from scoring.selectors.access import visible_schemes
from scoring.selectors.scores import ranking, ranking_figures

PERIODS = "month-9（9月）、quarter-3（第三季度）、year-1（全年）"


def display_width(text):
    """Columns ``text`` takes in a terminal: two for a Chinese character, one for any other."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def padded(text, width):
    return text + " " * (width - display_width(text))


def ranking_table(ranking):
    """One kind's ranking as text lines: a heading, then 名次, 名称, 总分 per subject, the unranked
    last with NOTHING_TO_SCORE."""
    rows = [
        (str(row.rank) if row.ranked else "—", row.name, str(row.total) if row.ranked else NOTHING_TO_SCORE)
        for row in ranking.rows
    ]
    rank_width = max(display_width(text) for text in ["名次", *(rank for rank, _, _ in rows)]) + 2
    name_width = max(display_width(text) for text in ["名称", *(name for _, name, _ in rows)]) + 2
    lines = [KIND_WORDS[ranking.kind], padded("名次", rank_width) + padded("名称", name_width) + "总分"]
    lines += [padded(rank, rank_width) + padded(name, name_width) + total for rank, name, total in rows]
    return lines


def option_errors(form):
    """The form's errors in one line, each naming its option unless the message already does."""
    return "".join(
        message if message.startswith(form.fields[name].label) else f"{form.fields[name].label}：{message}"
        for name, errors in form.errors.items()
        for message in errors
    )


class Command(BaseCommand):
    help = "打印一个区县某一考核周期的街道、责任单位考核排名；--json 输出通报所存的排名数据。"

    def add_arguments(self, parser):
        parser.add_argument("--year", help="年度，如 2015")
        parser.add_argument("--period", help=f"考核周期：{PERIODS}")
        parser.add_argument("--region", help="区县的行政区划代码，如 410403（卫东区）；默认该账号的项目办")
        parser.add_argument("--json", dest="as_json", action="store_true", help="输出 JSON（通报所存的排名数据）")
        parser.add_argument("--as", dest="username", help="按该账号的查看范围，默认系统管理员")

    def handle(self, *args, year, period, region, as_json, username, **options):
        if not year:
            raise CommandError("请指定年度（--year），如 2015。")
        if not period:
            raise CommandError(f"请指定考核周期（--period），如 {PERIODS}。")
        form = ScorePeriodForm({"year": year, "period": period})
        if not form.is_valid():
            raise CommandError(option_errors(form))
        user = acting_user(username)
        node = region_option(region, user)
        if node is None or node.kind != RegionKind.DISTRICT:
            raise CommandError("考核按区县进行，请用 --region 指定一个区县的行政区划代码，如 410403（卫东区）。")
        scheme_period = form.score_period(None)
        scheme = visible_schemes(user).filter(district=node, year=scheme_period.year).select_related("district")
        scheme = scheme.first()
        if scheme is None:
            raise CommandError(f"{node.name}没有{scheme_period.year}年的考核方案，请先在“考核方案”中建立。")
        rankings = [ranking(scheme=scheme, period=scheme_period, kind=kind) for kind in SubjectKind.values]
        if as_json:
            self.stdout.write(json.dumps(ranking_figures(rankings), ensure_ascii=False, indent=2))
            return
        lines = [export_title(scheme, scheme_period), basis_line(rankings[0], as_of=f"{clock.today():%Y-%m-%d}")]
        for kind_ranking in rankings:
            lines += ["", *ranking_table(kind_ranking)]
        self.stdout.write("\n".join(lines))
