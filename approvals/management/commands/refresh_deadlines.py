"""Recompute every approval item's due date from the working-day calendar as it now stands."""

from django.core.management.base import BaseCommand, CommandError

from approvals.services.deadlines import BATCH_SIZE, deadlines_refresh_all


class Command(BaseCommand):
    help = (
        "按当前工作日历重算全部前期手续事项的办理期限（升级 chinese-calendar 补上新一年的节假日安排后，"
        "或直接改库之后执行）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="每批读取的事项数（默认 500）。")

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("每批读取的事项数应为正整数。")
        read, changed = deadlines_refresh_all(batch_size=batch_size)
        self.stdout.write(f"已重算 {read} 个前期手续事项的办理期限，其中 {changed} 个有变化。")
