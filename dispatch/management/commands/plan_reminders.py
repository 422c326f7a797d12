"""Write the day's deadline reminders: daily, from a systemd timer or cron (README, deploy/)."""

import json

from django.core.management.base import BaseCommand

from dispatch.choices import NotificationKind
from dispatch.services.reminders import plan_reminders


class Command(BaseCommand):
    help = (
        "生成今天的到期提醒（问题、交办事项、月度报送截止、前期手续超期），每人每个期限只提醒一次；"
        "重复运行不会重复提醒。建议每天早上运行一次。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="以 JSON 输出各类提醒的条数。")

    def handle(self, *args, **options):
        counts = plan_reminders()
        if options["json"]:
            self.stdout.write(json.dumps(counts))
            return
        parts = [f"{NotificationKind(kind).label} {count} 条" for kind, count in counts.items()]
        self.stdout.write(f"已生成提醒 {sum(counts.values())} 条：{'，'.join(parts)}。")
