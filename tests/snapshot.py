"""The test database's rows, copied once and put back after a transactional test emptied it.

Loading the demo (projects.devdata.demo.demo_load) goes through every service and signal and takes
tens of seconds; every test that commits real transactions ends by emptying the database, and the
next one needs the demo again. Copying the tables' rows as they stood after the session's load and
writing them back byte for byte (PostgreSQL: COPY; SQLite: the raw rows) gives the same database in
a fraction of a second: the same ids, the same history rows, the same sequences afterwards.

Only rows: files under MEDIA_ROOT (the demo's photos) are not copied. A transactional test that
deletes or replaces a demo file leaves the restored row pointing at nothing; none does today."""

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


def _tables():
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


class DatabaseSnapshot:
    def __init__(self):
        self.rows = None

    def take(self):
        """Copy every table of the project's models as it stands now."""
        self.rows = {}
        with connection.cursor() as cursor:
            for table in _tables():
                quoted = connection.ops.quote_name(table)
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {quoted} TO STDOUT (FORMAT binary)") as copy:
                        self.rows[table] = b"".join(bytes(block) for block in copy)
                else:
                    cursor.execute(f"SELECT * FROM {quoted}")
                    self.rows[table] = cursor.fetchall()

    def restore(self):
        """Empty the tables and write the copied rows back, in one transaction; foreign keys are
        checked at its end (Django creates them deferrable), so the order of tables is free."""
        if self.rows is None:
            raise RuntimeError("No snapshot taken: call take() after loading the data.")
        tables = [table for table in _tables() if table in self.rows]
        with transaction.atomic(), connection.cursor() as cursor:
            for table in tables:  # mostly empty already (flushed): DELETE is instant where TRUNCATE is not
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
            for table in tables:
                quoted = connection.ops.quote_name(table)
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {quoted} FROM STDIN (FORMAT binary)") as copy:
                        copy.write(self.rows[table])
                elif self.rows[table]:
                    marks = ", ".join(["%s"] * len(self.rows[table][0]))
                    cursor.executemany(f"INSERT INTO {quoted} VALUES ({marks})", self.rows[table])
            models = apps.get_models(include_auto_created=True)
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


def deleting_flush(original):
    """PostgreSQL's flush for the tests: DELETE from every table instead of one TRUNCATE of all.

    Emptying the database after each transactional test is a TRUNCATE of about a hundred tables,
    which recreates each table's files (seconds); the tables hold a few thousand rows, which DELETE
    removes in milliseconds. The flush runs in one transaction and Django's foreign keys are
    deferrable, so the order of the tables does not matter. Sequences are reset as before when a
    test asks for it."""

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return original(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};" for table in tables]

    return sql_flush
