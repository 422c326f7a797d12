"""Load the administrative tree an installation serves (GB/T 2260 codes) from a JSON fixture."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from projects.services.regions import REGIONS_FIXTURE, regions_load


class Command(BaseCommand):
    help = "载入行政区划（省→市→区县，国家行政区划代码）；已有的不改动。默认载入河南省平顶山市及其10个县区。"

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default=str(REGIONS_FIXTURE), help="JSON 文件：[{code, name, kind, parent}, …]"
        )

    def handle(self, *args, path, **options):
        try:
            created = regions_load(path=path)
        except FileNotFoundError as error:
            raise CommandError(f"找不到文件：{path}") from error
        except (ValueError, KeyError) as error:  # json.JSONDecodeError is a ValueError
            raise CommandError(f"文件格式有误：{error}") from error
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        self.stdout.write(
            self.style.SUCCESS(f"已新建行政区划 {created} 个。") if created else "行政区划已存在，未做任何改动。"
        )
