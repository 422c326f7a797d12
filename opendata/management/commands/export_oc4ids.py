"""Write the year's public key projects as an OC4IDS project package (.json), checked against the
OC4IDS 0.9.5 schema and codelists offline before the file is written (docs/oc4ids.md)."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from opendata.exporters import InvalidPackage, write_package
from opendata.selectors.package import CannotPublish, PackageRequest, narrowest_node, package_parts
from projects.choices import Level
from projects.management.commands.export_progress import acting_user, region_option
from projects.models.base import FIRST_YEAR, LAST_YEAR


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


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
        request = PackageRequest(year=year, level=level, region=node)
        path = Path(output or request.file_name)
        try:
            frame, entries = package_parts(user=user, request=request, uri=uri)
            count = self.write(path, frame, entries)
        except CannotPublish as problem:
            raise CommandError(str(problem)) from None
        except InvalidPackage as invalid:
            listed = "\n".join(f"  {error}" for error in invalid.errors[:20])
            raise CommandError(
                f"公开数据未通过 OC4IDS 校验（{len(invalid.errors)} 处），未写出文件：\n{listed}"
            ) from None
        self.stdout.write(f"已导出：{request.title} → {path}（{count} 个项目，已通过 OC4IDS 0.9.5 schema 校验）")

    def write(self, path, frame, entries):
        """Write into a temporary file beside ``path`` and put it in place only when the package is
        valid: a refused or interrupted export never leaves a file, nor spoils an earlier one."""
        try:
            handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=".oc4ids-", suffix=".part", delete=False)
        except OSError as error:
            raise CommandError(f"不能写入 {path}：{error.strerror or error}") from None
        try:
            with handle:
                count = write_package(handle, frame=frame, entries=entries)
            os.chmod(handle.name, 0o666 & ~_umask())  # as a file opened for writing would be, not 0600
            os.replace(handle.name, path)
        except OSError as error:
            Path(handle.name).unlink(missing_ok=True)
            raise CommandError(f"不能写入 {path}：{error.strerror or error}") from None
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
        return count
