"""Locks that make a check and the write it guards one step when two people (or two servers) act at
once: the reporting month being saved or closed, the year's list being imported, and so on.

On PostgreSQL each is an advisory lock held until the transaction ends. SQLite needs none: every
transaction there begins IMMEDIATE (config/settings.py), so writing transactions run one at a time.
"""

from django.db import connection

# One number per kind of lock, so that keys of different kinds never collide.
REPORTING_MONTH = 1
MONTH_CLOSING = 2
LIST_IMPORT = 3


def _hold(kind, key, *, shared):
    if not connection.in_atomic_block:
        raise RuntimeError("A lock is held until the transaction ends: take it inside transaction.atomic().")
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [kind, key])


def lock_reporting_month(year, month, *, shared):
    """Saves of a month's reports share this lock; closing or reopening the month takes it alone,
    so a month is never closed while a save into it is in flight, nor saved into once closed."""
    _hold(REPORTING_MONTH, year * 100 + month, shared=shared)


def lock_month_closing(year, month):
    """Closing or reopening ``month``: one at a time (the closed months are one unbroken run), and
    with the month to itself (no save into it in flight)."""
    _hold(MONTH_CLOSING, 0, shared=False)
    lock_reporting_month(year, month, shared=False)


def lock_list_import():
    """Confirming an import one at a time: a confirm plans against what earlier confirms wrote
    (projects are matched across years and levels, so the lock covers every list)."""
    _hold(LIST_IMPORT, 0, shared=False)
