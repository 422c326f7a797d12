"""Figures reused until the data changes.

Every database connection watches its own statements: after a transaction that wrote to the
application's tables commits, it gives the one DataVersion row a new random token. A figure
computed from the data is kept in the "figures" cache under the token that was current when its
computation began, so a reader can only ever find a figure computed from data at least as new as
what the token stands for. Nothing here is shared state: the token lives in the database, which
every app server reads (one indexed row per request), and the cache of each process only holds
values it can recompute, under keys no other data state can have.

The watch covers every write that goes through Django's connection (the ORM, bulk writes, raw SQL
in services, the admin, management commands). Writes from outside the application (psql, a
restore) are seen on the next write from inside, or when an entry expires (CACHES["figures"]).
"""

import functools
import logging
import re
import uuid

from django.core.cache import caches
from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from projects.models import DataVersion

logger = logging.getLogger(__name__)
VERSION_TABLE = DataVersion._meta.db_table
WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
WATCHED_PREFIXES = ("projects_", "accounts_")
# Signing in stamps last_login; that changes no figure.
LAST_LOGIN = re.compile(r'\s*UPDATE\s+"accounts_user"\s+SET\s+"last_login"\s*=\s*%s\s+WHERE', re.IGNORECASE)


def changes_data(sql):
    """Whether a statement writes to the application's tables (the version row itself aside)."""
    match = WRITE.match(sql)
    if not match:
        return False
    table = match.group(1).lower()
    # A change-history row always comes with the write to its own table (that one counts).
    watched = table.startswith(WATCHED_PREFIXES) and "_historical" not in table and table != VERSION_TABLE
    return watched and not LAST_LOGIN.match(sql)


def watch_writes(execute, sql, params, many, context):
    """A connection's execute wrapper: a new token after each committed transaction that wrote.

    Inside a transaction the token is renewed on commit. A write outside one (autocommit) has
    committed by the time it returns, but its cursor may still be open (SQLite's INSERT …
    RETURNING), so the token is renewed before this connection's next statement, or at the end
    of the request (request_finished), whichever comes first."""
    connection = context["connection"]
    if getattr(connection, "data_token_due", False) and not connection.in_atomic_block:
        connection.data_token_due = False
        new_token(connection.alias)
    result = execute(sql, params, many, context)
    if changes_data(sql):
        if connection.in_atomic_block:
            callback = _new_token_for(connection.alias)
            if not any(func is callback for _, func, _ in connection.run_on_commit):  # once per transaction
                transaction.on_commit(callback, using=connection.alias, robust=True)
        else:
            connection.data_token_due = True
    return result


def watch(sender, connection, **kwargs):
    """connection_created receiver: every new connection watches its writes."""
    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(watch_writes)


def renew_due_tokens(**kwargs):
    """request_finished receiver: the token of an autocommit write not yet followed by a statement."""
    for connection in connections.all(initialized_only=True):
        if getattr(connection, "data_token_due", False) and not connection.in_atomic_block:
            connection.data_token_due = False
            try:
                new_token(connection.alias)
            except DatabaseError:  # the response is already out; entries expire (CACHES["figures"])
                logger.exception("could not renew the data version after a write")


_ready = set()  # aliases whose database has the version table


@functools.cache
def _new_token_for(alias):
    """One callback per database, so a transaction can tell it is already registered."""
    return lambda: new_token(alias)


def new_token(alias="default"):
    if alias not in _ready:
        if VERSION_TABLE not in connections[alias].introspection.table_names():
            return  # migrations have not created it yet
        _ready.add(alias)
    # An upsert (the row may have been removed by a flush), as one statement and no transaction of
    # its own: it may run while another statement of this connection is still being read.
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {VERSION_TABLE} (id, token, changed) VALUES (1, %s, %s)"
            " ON CONFLICT (id) DO UPDATE SET token = excluded.token, changed = excluded.changed",
            [uuid.uuid4().hex, connection.ops.adapt_datetimefield_value(timezone.now())],
        )


def data_version():
    """The current token, or None when there is none (the row removed by a flush)."""
    return DataVersion.objects.filter(pk=1).values_list("token", flat=True).first()


def cached_figure(name, compute, *key):
    """``compute()``, reused from the figures cache while the data has not changed since."""
    version = data_version()
    if version is None:
        return compute()
    cache = caches["figures"]
    cache_key = ":".join(map(str, (name, version, *key)))
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value)
    return value
