"""Check that every uploaded file the database names is in the file storage."""

from django.core.management.base import BaseCommand, CommandError

from projects.selectors.media import media_check


class Command(BaseCommand):
    help = "核对数据库引用的上传文件（现场照片、导入的清单文件）是否都在文件存储中（恢复备份后执行）。"

    def handle(self, *args, **options):
        result = media_check()
        for label, pk, name in result.missing:
            self.stderr.write(f"缺少文件：{label} #{pk} {name}")
        if result.missing:
            raise CommandError(f"数据库引用的 {result.referenced} 个文件中有 {len(result.missing)} 个不在文件存储中。")
        self.stdout.write(f"文件齐全：数据库引用的 {result.referenced} 个文件都在文件存储中。")
