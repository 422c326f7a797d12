"""Django's migrate, one at a time per database.

Several app servers run `make serve`, which migrates, and they may start together (at boot, or
after an upgrade). Two migrate runs at once on one PostgreSQL database fail: both create the
same tables. Here each run first takes a PostgreSQL advisory lock, so the second waits for the
first and then finds nothing left to apply. SQLite takes one writer at a time anyway."""

from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections

MIGRATE_LOCK = 0x6B70_6D69  # "kpmi": any number the application uses for nothing else


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        connection = connections[options["database"]]
        if connection.vendor != "postgresql":
            return super().handle(*args, **options)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK])
        try:
            return super().handle(*args, **options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK])
