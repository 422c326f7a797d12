"""Load the 2015 demo data (卫东区, and two more districts of 平顶山市) and print the demo accounts."""

from django.core.management.base import BaseCommand

from projects.devdata.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "载入2015年演示数据（平顶山市：卫东区及新华区、湛河区）（可重复执行，已有数据不改动），并打印演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--url", help="演示站点的地址（make run 传入实际使用的端口），随账号一起打印。")

    def handle(self, *args, **options):
        result = demo_load()
        if result.total_created:
            summary = "，".join(f"{name} {count} 条" for name, count in result.created.items())
            self.stdout.write(self.style.SUCCESS(f"已新建：{summary}。"))
        else:
            self.stdout.write("演示数据已存在，未做任何改动。")
        self.stdout.write(f"演示账号（登录地址 {options['url']} ）：" if options["url"] else "演示账号：")
        for account in result.accounts:
            password = DEMO_PASSWORD if account.created else f"{DEMO_PASSWORD}（账号此前已存在，密码未改动）"
            self.stdout.write(f"  {account.username:<8} {account.role_label:<8} {account.office:<10} 密码：{password}")
