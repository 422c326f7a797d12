"""Write the monthly progress table (项目进展表) to an .xlsx file, as the dashboard's download does."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from projects.choices import Level
from projects.exporters.progress import title_for, write_progress_table
from projects.models import Region
from projects.scoping import home_region, visible_regions
from projects.selectors.progress import progress_table


def acting_user(username):
    """The account whose scope the export uses: --as, else the system's operator — the first
    active superuser, or, in an installation whose accounts are all offices, the operator the
    command's caller is at the server's shell (a superuser held in memory, never saved)."""
    users = get_user_model().objects.filter(is_active=True)
    if not username:
        return users.filter(is_superuser=True).order_by("pk").first() or get_user_model()(
            username="（系统管理员）", is_superuser=True, is_active=True
        )
    user = users.filter(username=username).first()
    if user is None:
        raise CommandError(f"找不到账号「{username}」。")
    return user


def region_option(code, user):
    """The node ``--region`` names, among those ``user`` may read (scoping.visible_regions);
    without --region the user's own node (for the operator, the top of the tree, or everything
    when the installation has several tops)."""
    if not code:
        return home_region(user)
    region = Region.objects.filter(code=code.strip()).first()
    if region is None:
        raise CommandError(f"找不到行政区划代码「{code}」，请填写六位行政区划代码，如 410403。")
    if not visible_regions(user).filter(pk=region.pk).exists():
        raise CommandError(f"账号「{user.username}」无权查看{region.name}（{region.code}）的数据。")
    return region


class Command(BaseCommand):
    help = "导出项目进展表（.xlsx）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--month", type=int, required=True)
        parser.add_argument("--level", default=Level.CITY, choices=Level.values)
        parser.add_argument(
            "--output", help="输出文件路径；默认以表名命名，如 卫东区2015年市重点项目建设进展情况表（1-9月）.xlsx"
        )
        parser.add_argument("--as", dest="username", help="按该账号的查看范围导出，默认系统管理员（全部）")
        parser.add_argument(
            "--region", help="行政区划代码，如 410403（卫东区）、410400（平顶山市，按区县分组）；默认该账号的全部范围"
        )

    def handle(self, *args, year, month, level, output, username, region, **options):
        if not 1 <= month <= 12:
            raise CommandError(f"月份必须在1到12之间，收到：{month}")
        user = acting_user(username)
        node = region_option(region, user)
        table = progress_table(user=user, year=year, month=month, level=level, region=node)
        path = Path(output or f"{title_for(table)}.xlsx")
        with path.open("wb") as handle:
            write_progress_table(handle, table)
        self.stdout.write(f"已导出：{title_for(table)} → {path}（{table.summary.listings} 个项目）")
