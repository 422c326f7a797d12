"""Write the problem ledger or the 四个一 contact table to an .xlsx file, titled and named for
filing as the downloads are (exporters.names)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects.exporters.lists import ledger_scope, write_leader_table, write_problem_ledger
from projects.exporters.names import default_period, filing_title
from projects.management.commands.export_progress import acting_user
from projects.periods import Period
from projects.scoping import home_region_id
from projects.selectors.problems import problem_ledger, problem_list
from projects.selectors.projects import leader_assignments
from projects.selectors.reporting import figures_period


class Command(BaseCommand):
    help = "导出问题台账（problems）或四个一联系表（leaders）（.xlsx）。"

    def add_arguments(self, parser):
        parser.add_argument("which", choices=["problems", "leaders"])
        parser.add_argument("--year", type=int, help="台账年度，默认最近已填报的年度")
        parser.add_argument("--month", type=int, help="截至月份（1-12），默认最近已填报的月份")
        parser.add_argument(
            "--output", help="输出文件路径；默认按项目办、年度和月份命名，如 卫东区2015年1-9月问题台账.xlsx"
        )
        parser.add_argument("--as", dest="username", help="按该账号的查看范围导出，默认第一个超级管理员")

    def handle(self, *args, which, year, month, output, username, **options):
        if month is not None and not 1 <= month <= 12:
            raise CommandError(f"月份必须在1到12之间，收到：{month}")
        user = acting_user(username)
        period = self.period(user, year, month)
        title = filing_title(user, period, "问题台账" if which == "problems" else "四个一联系表")
        path = Path(output or f"{title}.xlsx")
        with path.open("wb") as handle:
            if which == "problems":
                problems = problem_ledger(problem_list(user=user), period=period)
                write_problem_ledger(handle, problems, heading=title, note=ledger_scope(period))
            else:
                write_leader_table(handle, leader_assignments(user=user))
        self.stdout.write(f"已导出：{title} → {path}")

    def period(self, user, year, month):
        if year is None and month is None:
            return default_period(user)
        fallback = figures_period(year, region=home_region_id(user))
        return Period(year or fallback.year, month or fallback.month)
