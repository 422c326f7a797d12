"""Write the year's public key projects as an OC4IDS project package (.json), checked against the
OC4IDS 0.9.5 schema and codelists offline before the file is written (docs/oc4ids.md)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opendata.selectors.package import CannotPublish, PackageRequest, narrowest_node, oc4ids_package
from opendata.validation import package_errors
from projects.choices import Level
from projects.management.commands.export_progress import acting_user, region_option
from projects.models.base import FIRST_YEAR, LAST_YEAR
from projects.scoping import home_region


class Command(BaseCommand):
    help = "按 OC4IDS 标准导出某年度标为「可公开」的重点项目（项目包 .json），写出前按官方 schema 离线校验。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="清单年度，如 2015")
        parser.add_argument("--level", choices=Level.values, help="只导出该级别的清单项目；默认全部级别")
        parser.add_argument("--output", help="输出文件路径；默认 oc4ids-<年度>[-级别][-区划代码].json")
        parser.add_argument("--as", dest="username", help="按该账号的查看范围导出，默认系统管理员（全部）")
        parser.add_argument(
            "--region",
            help="行政区划代码，如 410403（卫东区）；默认该账号的项目办（系统管理员：所导出项目共同所在的最小区划）",
        )
        parser.add_argument(
            "--uri", help="项目包的发布地址（如开放数据平台上该文件的网址）；默认 urn:<前缀>:package:<文件名>"
        )

    def handle(self, *args, year, level, output, username, region, uri, **options):
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise CommandError(f"年度须在 {FIRST_YEAR} 到 {LAST_YEAR} 之间，收到：{year}")
        user = acting_user(username)
        if region or not user.is_superuser:
            node = region_option(region, user)
        else:
            node = narrowest_node(user=user, year=year, level=level)
        # An office's account publishes under its office, whatever node it asks for.
        publisher = None if user.is_superuser else home_region(user)
        request = PackageRequest(year=year, level=level, region=node, publisher=publisher)
        try:
            package = oc4ids_package(user=user, request=request, uri=uri)
        except CannotPublish as problem:
            raise CommandError(str(problem)) from None
        if errors := package_errors(package):
            listed = "\n".join(f"  {error}" for error in errors[:20])
            raise CommandError(f"公开数据未通过 OC4IDS 校验（{len(errors)} 处），未写出文件：\n{listed}")
        path = Path(output or request.file_name)
        text = json.dumps(package, ensure_ascii=False) + "\n"
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"不能写入 {path}：{error.strerror or error}") from None
        self.stdout.write(
            f"已导出：{request.title} → {path}（{len(package['projects'])} 个项目，已通过 OC4IDS 0.9.5 schema 校验）"
        )
