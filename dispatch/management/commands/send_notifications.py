"""Deliver the outbox: every minute, from a systemd timer or cron (README, deploy/)."""

import json

from django.core.management.base import BaseCommand, CommandError

from dispatch.services.delivery import deliver_due


class Command(BaseCommand):
    help = "发送到期的消息（邮件、钉钉群机器人、企业微信群机器人），失败的按退避时间重试。建议每分钟运行一次。"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help='只输出 {"sent": n, "failed": n, "retrying": n}。')
        parser.add_argument("--limit", type=int, default=None, help="本次最多发送的消息条数（默认：全部到期消息）。")

    def handle(self, *args, **options):
        limit = options["limit"]
        if limit is not None and limit < 1:
            raise CommandError("--limit 应为正整数。")
        counts = deliver_due(limit=limit)
        if options["json"]:
            self.stdout.write(json.dumps(counts.as_dict()))
        else:
            self.stdout.write(
                f"已发送 {counts.sent} 条消息；{counts.retrying} 条发送失败，稍后重试；"
                f"{counts.failed} 条多次失败，已放弃。"
            )
