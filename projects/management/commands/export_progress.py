"""Write the monthly progress table (项目进展表) to an .xlsx file, as the dashboard's download does."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from projects.choices import Level
from projects.exporters.progress import title_for, write_progress_table
from projects.selectors.progress import progress_table


def acting_user(username):
    """The account whose scope the export uses: --as, else the first active superuser."""
    users = get_user_model().objects.filter(is_active=True)
    user = (
        users.filter(username=username).first() if username else users.filter(is_superuser=True).order_by("pk").first()
    )
    if user is None:
        raise CommandError(f"找不到账号「{username}」。" if username else "没有可用的管理员账号，请用 --as 指定账号。")
    return user


class Command(BaseCommand):
    help = "导出项目进展表（.xlsx）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, required=True)
        parser.add_argument("--level", default=Level.CITY, choices=Level.values)
        parser.add_argument("--output", required=True, help="输出文件路径，如 进展表.xlsx")
        parser.add_argument("--as", dest="username", help="按该账号的查看范围导出，默认第一个超级管理员")

    def handle(self, *args, year, month, level, output, username, **options):
        if not 1 <= month <= 12:
            raise CommandError(f"月份必须在1到12之间，收到：{month}")
        table = progress_table(user=acting_user(username), year=year, month=month, level=level)
        path = Path(output)
        with path.open("wb") as handle:
            write_progress_table(handle, table)
        self.stdout.write(f"已导出：{title_for(table)} → {path}（{table.summary.listings} 个项目）")
