"""Start the demo afresh (`make demo-reset`): remove the embedded SQLite database and the uploads
beside it, migrate, load the demo. Only ever on the built-in defaults, never on a database or a
media store the environment names."""

import shutil
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from config.storage import FILE_SYSTEM


def demo_files():
    """The embedded demo's database file and media folder; CommandError if either is elsewhere."""
    if settings.PRODUCTION:
        raise CommandError(
            "demo-reset 只用于演示环境；生产模式（DJANGO_ENV=production）下不删除任何数据，未做任何改动。"
        )
    base = Path(settings.BASE_DIR)
    database = settings.DATABASES["default"]
    embedded = base / "db.sqlite3"
    if database["ENGINE"] != "django.db.backends.sqlite3" or Path(database["NAME"]) != embedded:
        where = f"{database['ENGINE'].rsplit('.', 1)[-1]} {database.get('HOST') or ''} {database['NAME']}"
        raise CommandError(
            f"demo-reset 只重置内置的 SQLite 演示数据库（{embedded}）；"
            f"DATABASE_URL 指向的是 {' '.join(where.split())}，未做任何改动。"
        )
    media = base / "media"
    if settings.STORAGES["default"] != FILE_SYSTEM or Path(settings.MEDIA_ROOT) != media:
        raise CommandError(
            f"demo-reset 只删除内置的演示上传文件夹（{media}）；MEDIA_ROOT 或 MEDIA_S3_BUCKET 指向别处，未做任何改动。"
        )
    return embedded, media


class Command(BaseCommand):
    help = "重新开始演示：删除内置的 SQLite 演示数据库及其上传文件，迁移并重新载入演示数据（数据库在别处时拒绝）。"

    def add_arguments(self, parser):
        parser.add_argument("--url", help="演示站点的地址，随账号一起打印。")

    def handle(self, *args, **options):
        database, media = demo_files()
        connections.close_all()
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        shutil.rmtree(media, ignore_errors=True)
        self.stdout.write(f"已删除演示数据库 {database.name} 和上传文件夹 {media.name}/。")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_demo", url=options["url"], stdout=self.stdout)
