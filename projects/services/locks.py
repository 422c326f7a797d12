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
BULLETIN_NUMBER = 4

# A district's lock packs kind, district and key into one 64-bit key: 7 bits of kind, 32 of the
# district's id, 24 of the key (a month, 2015 × 100 + 9, takes 20).
_DISTRICT_BITS, _KEY_BITS = 32, 24


def _hold(kind, key, *, shared, district=None):
    """Hold lock ``kind``/``key`` (of ``district``, an id, when given) until the transaction ends.

    Two-number keys (kind, key) and one-number district keys are apart: PostgreSQL keeps the two
    forms in separate key spaces, and the packed number is exact, so no two locks ever share a key."""
    if not connection.in_atomic_block:
        raise RuntimeError("A lock is held until the transaction ends: take it inside transaction.atomic().")
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        if district is None:
            cursor.execute(f"SELECT {function}(%s, %s)", [kind, key])
        else:
            if not (0 <= district < 1 << _DISTRICT_BITS and 0 <= key < 1 << _KEY_BITS):
                raise ValueError(f"A district's lock key out of range: district {district}, key {key}.")
            packed = (kind << (_DISTRICT_BITS + _KEY_BITS)) | (district << _KEY_BITS) | key
            cursor.execute(f"SELECT {function}(%s::bigint)", [packed])


def lock_reporting_month(year, month, *, district, shared):
    """Saves of a district's month share this lock; closing or reopening that district's month takes
    it alone, so a month is never closed while a save into it is in flight, nor saved into once
    closed. Another district's saves and closes never wait for it."""
    _hold(REPORTING_MONTH, year * 100 + month, shared=shared, district=district)


def lock_month_closing(year, month, *, districts):
    """Closing or reopening ``month`` in ``districts`` (ids): per district, one at a time (each
    district's closed months are one unbroken run), and with the month to itself (no save into it
    in flight). Taken district by district in one order, so two offices whose districts overlap
    (the city's and a district's) queue behind each other instead of deadlocking."""
    for district in sorted(set(districts)):
        _hold(MONTH_CLOSING, 0, shared=False, district=district)
        lock_reporting_month(year, month, district=district, shared=False)


def lock_list_import():
    """Confirming an import one at a time: a confirm plans against what earlier confirms wrote
    (projects are matched across years and levels, so the lock covers every list)."""
    _hold(LIST_IMPORT, 0, shared=False)


def lock_bulletin_number(year, *, office):
    """Issuing a bulletin of ``office`` (a region's id) in ``year`` one at a time: the next number
    (第N期) is read and taken in one step, so two admins issuing at once get N and N+1."""
    _hold(BULLETIN_NUMBER, year, shared=False, district=office)
