"""Add synthetic listings at city or province scale, reproducible from a seed (for benchmarks)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from projects.choices import Level
from projects.devdata.scale import DISTRICTS_PER_CITY, MAX_REGIONS, scale_data_generate, scale_regions


class Command(BaseCommand):
    help = (
        "生成合成数据：N 个清单项目（每个含 --months 个月的已报送填报、节点、问题、联系领导），同一种子结果相同。"
        "不指定 --regions 时全部落在已有项目最多的区县（演示数据中为卫东区；库中没有项目时为示例省的第一个区县）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--listings", type=int, required=True, help="清单项目数，如 50000")
        parser.add_argument("--seed", type=int, default=2015)
        parser.add_argument("--years", default="2013,2014,2015", help="逗号分隔的年度，清单在其间均分")
        parser.add_argument("--level", default=Level.CITY, choices=Level.values)
        parser.add_argument(
            "--months",
            type=int,
            default=12,
            help="每个清单已报送的月数（0–12，默认12）：其后各月留待填报，如负载测试的填报日",
        )
        parser.add_argument(
            "--regions",
            type=int,
            metavar="N",
            help=(
                f"把清单均分到虚构的示例省（代码 990000，GB/T 2260 中没有以 99 开头的省，不会与真实区划冲突）"
                f"的前 N 个区县（1–{MAX_REGIONS}）：每市 {DISTRICTS_PER_CITY} 个区县，"
                f"如示例一市 990100 下为 990101–990110；缺少的省、市、区县及各区县的街道、责任单位、联系领导一并创建"
            ),
        )

    def handle(self, *args, listings, seed, years, level, regions, months, **options):
        if listings <= 0:
            raise CommandError("--listings 必须是正整数。")
        if not 0 <= months <= 12:
            raise CommandError(f"--months 应在 0 到 12 之间，收到：{months}。")
        try:
            year_list = tuple(int(year) for year in years.split(","))
        except ValueError:
            raise CommandError(f"--years 必须是逗号分隔的年度，收到：{years}") from None
        try:
            districts = scale_regions(regions) if regions is not None else None
        except ValidationError as error:
            raise CommandError(f"--regions：{' '.join(error.messages)}") from None
        created = scale_data_generate(
            listings=listings, seed=seed, years=year_list, level=level, months=months, districts=districts
        )
        spread = f"，分布在示例省的 {len(districts)} 个区县" if districts else ""
        self.stdout.write(f"已生成 {created} 个清单项目（种子 {seed}，年度 {years}{spread}）。")
