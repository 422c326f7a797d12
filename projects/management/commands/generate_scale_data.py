"""Add synthetic listings at city or province scale, reproducible from a seed (for benchmarks)."""

from django.core.management.base import BaseCommand, CommandError

from projects.choices import Level
from projects.devdata.scale import scale_data_generate


class Command(BaseCommand):
    help = "生成合成数据：N 个清单项目（每个含12个月填报、节点、问题、联系领导），同一种子结果相同。"

    def add_arguments(self, parser):
        parser.add_argument("--listings", type=int, required=True, help="清单项目数，如 50000")
        parser.add_argument("--seed", type=int, default=2015)
        parser.add_argument("--years", default="2013,2014,2015", help="逗号分隔的年度，清单在其间均分")
        parser.add_argument("--level", default=Level.CITY, choices=Level.values)

    def handle(self, *args, listings, seed, years, level, **options):
        if listings <= 0:
            raise CommandError("--listings 必须是正整数。")
        try:
            year_list = tuple(int(year) for year in years.split(","))
        except ValueError:
            raise CommandError(f"--years 必须是逗号分隔的年度，收到：{years}") from None
        created = scale_data_generate(listings=listings, seed=seed, years=year_list, level=level)
        self.stdout.write(f"已生成 {created} 个清单项目（种子 {seed}，年度 {years}）。")
