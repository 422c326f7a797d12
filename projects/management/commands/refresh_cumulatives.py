"""Rebuild every listing's month-end cumulatives from the submitted reports."""

from django.core.management.base import BaseCommand
from django.db import transaction

from projects.models import ListingCumulative
from projects.services.cumulatives import cumulatives_refresh


class Command(BaseCommand):
    help = "按已报送的月度填报重算全部清单项目的累计完成投资（导入数据或直接改库之后执行）。"

    def handle(self, *args, **options):
        with transaction.atomic():
            cumulatives_refresh()
        self.stdout.write(f"已重算累计完成投资：{ListingCumulative.objects.count()} 个清单项目。")
