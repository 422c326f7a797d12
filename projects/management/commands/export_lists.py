"""Write the problem ledger or the 四个一 contact table to an .xlsx file."""

from pathlib import Path

from django.core.management.base import BaseCommand

from projects.exporters.lists import write_leader_table, write_problem_ledger
from projects.management.commands.export_progress import acting_user
from projects.selectors.problems import problem_list
from projects.selectors.projects import leader_assignments


class Command(BaseCommand):
    help = "导出问题台账（problems）或四个一联系表（leaders）（.xlsx）。"

    def add_arguments(self, parser):
        parser.add_argument("which", choices=["problems", "leaders"])
        parser.add_argument("--output", required=True)
        parser.add_argument("--as", dest="username", help="按该账号的查看范围导出，默认第一个超级管理员")

    def handle(self, *args, which, output, username, **options):
        user = acting_user(username)
        with Path(output).open("wb") as handle:
            if which == "problems":
                write_problem_ledger(handle, problem_list(user=user).order_by("project__name", "raised_on", "id"))
            else:
                write_leader_table(handle, leader_assignments(user=user))
        self.stdout.write(f"已导出 → {output}")
