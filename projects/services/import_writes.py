"""Writing an import's new rows in bulk: ids taken up front, the rows sent in one COPY on
PostgreSQL or one executemany on SQLite (no model instance per row), and their "created" history
rows copied inside the database (services.audit.copy_created_history), as bulk_create_audited does."""

from django.db import connection, models
from django.utils import timezone

from projects.services.audit import copy_created_history


def _take_ids(model, count):
    """``count`` new primary keys for ``model``, in ascending order.

    PostgreSQL hands them from the table's sequence (other sessions may take some in between). On
    SQLite the caller holds the write lock (every transaction there is IMMEDIATE), so the next ids
    after the highest ever used (AUTOINCREMENT keeps it in sqlite_sequence) are this import's."""
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
            )
            return sorted(pk for (pk,) in cursor.fetchall())
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"COALESCE((SELECT MAX({connection.ops.quote_name(column)}) FROM {connection.ops.quote_name(table)}), 0))",
            [table],
        )
        (highest,) = cursor.fetchone()
        return list(range(highest + 1, highest + 1 + count))


def _column_values(model, rows, pks, stamp):
    """Each row as the tuple of the table's columns (defaults filled in), ready for the driver."""
    fields = [field for field in model._meta.concrete_fields]
    ops = connection.ops
    stamp = ops.adapt_datetimefield_value(stamp)
    getters = []
    for field in fields:
        if field.primary_key:
            getters.append(None)
        elif isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
            getters.append(("stamp",))
        elif isinstance(field, models.DecimalField):
            getters.append(("decimal", field.attname, field.get_default(), field.max_digits, field.decimal_places))
        else:
            getters.append(("plain", field.attname, field.get_default()))
    result = []
    for row, pk in zip(rows, pks, strict=True):
        values = []
        for getter in getters:
            if getter is None:
                values.append(pk)
            elif getter[0] == "stamp":
                values.append(stamp)
            elif getter[0] == "decimal":
                value = row.get(getter[1], getter[2])
                values.append(None if value is None else ops.adapt_decimalfield_value(value, getter[3], getter[4]))
            else:
                values.append(row.get(getter[1], getter[2]))
        result.append(tuple(values))
    return [field.column for field in fields], result


def insert_created(model, rows, *, user, reason):
    """Insert ``rows`` (dicts of attname → value; the model's defaults fill the rest) with their
    created history rows naming ``user`` and ``reason``; the new primary keys, in ``rows``' order."""
    if not rows:
        return []
    pks = _take_ids(model, len(rows))
    columns, values = _column_values(model, rows, pks, timezone.now())
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # psycopg's own cursor, past Django's wrapper: its errors are translated here, so that a
            # connection cut off mid-COPY is Django's OperationalError, which the confirm view answers.
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})", values)
    copy_created_history(model, pks, user=user, reason=reason)
    return pks
