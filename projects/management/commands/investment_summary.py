"""Print a year's plan and investment to date for one level, as JSON with decimal strings."""

import json

from django.core.management.base import BaseCommand, CommandError

from projects.choices import Level
from projects.management.commands.export_progress import acting_user, region_option
from projects.selectors.figures import investment_summary, listings_for


class Command(BaseCommand):
    help = "输出某年度某级别重点项目的年度计划投资、累计完成投资及占比（JSON，金额单位万元）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度，如 2015")
        parser.add_argument("--month", type=int, required=True, help="截至月份，1-12")
        parser.add_argument("--level", default=Level.CITY, help="级别：province / city / district，默认 city")
        parser.add_argument("--region", help="行政区划代码，如 410403（卫东区）、410400（平顶山市）；默认全部")

    def handle(self, *args, year, month, level, region, **options):
        if not 1 <= month <= 12:
            raise CommandError(f"月份必须在1到12之间，收到：{month}")
        if level not in Level.values:
            raise CommandError(f"级别必须是 {' / '.join(Level.values)} 之一，收到：{level}")
        node = region_option(region, acting_user(None))  # the operator's figures, of one node if asked
        summary = investment_summary(listings=listings_for(year=year, level=level, region=node), month=month)
        payload = {
            "year": year,
            "month": month,
            "level": level,
            "region": None if node is None else node.code,
            "listings": summary.listings,
            "annual_plan": str(summary.annual_plan),
            "cumulative": str(summary.cumulative),
            "percent": None if summary.percent is None else str(summary.percent),
            "schedule": str(summary.schedule),
        }
        self.stdout.write(json.dumps(payload, ensure_ascii=False))
