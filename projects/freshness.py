"""Figures reused until the data changes.

After a transaction that changed the application's data commits, the one DataVersion row gets a
new random token. A figure computed from the data is kept in the "figures" cache under the token
that was current when its computation began, so a reader can only ever find a figure computed from
data at least as new as what the token stands for. Nothing here is shared state: the token lives
in the database, which every app server reads (one indexed row per request), and the cache of each
process only holds values it can recompute, under keys no other data state can have.

What changes the data: a save or delete of a model of the projects and accounts apps and a change
of their many-to-many links, which the ORM reports by signal (services, the admin, the demo
loader, loaddata), and every write that sends no signal (bulk_create, bulk_update, QuerySet.update,
raw SQL), whose writer calls ``data_changed`` itself: bulk_create_audited, the cumulative rebuild,
the scale generator, the import, assignments_end. History rows come with a write to their own
model (that one counts); the version row itself and signing in (last_login) change no figure.
Writes from outside the application (psql, a restore, a bare QuerySet.update in a shell) are seen
on the next write from inside, or when an entry expires (CACHES["figures"]).
"""

import functools
import uuid

from django.apps import apps
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.utils import timezone
from simple_history.models import HistoricalChanges

from projects.models import DataVersion, ListingCumulative

VERSION_TABLE = DataVersion._meta.db_table
WATCHED_APPS = ["projects", "accounts"]  # and the apps above projects that call watch_models(label)
UNWATCHED_MODELS = set()  # "app_label.Model" of watched apps whose rows no figure reads (an inbox, an outbox)
LINKS_CHANGED = ("post_add", "post_remove", "post_clear")


def data_changed(using=DEFAULT_DB_ALIAS):
    """A new token once the current transaction commits (at once outside one), once per transaction.

    Call it after a write that sends no model signal: a token renewed before an autocommit write
    lands would let a reader cache the old data under the new token."""
    renew = _new_token_for(using)
    connection = connections[using]
    if connection.in_atomic_block and any(func is renew for _, func, _ in connection.run_on_commit):
        return
    # robust: the write has committed by the time this runs; a failed renewal is logged, and entries
    # expire (CACHES["figures"]).
    transaction.on_commit(renew, using=using, robust=True)


def _saved(sender, using, update_fields=None, **kwargs):
    if update_fields is not None and set(update_fields) == {"last_login"}:
        return  # signing in
    data_changed(using)


def _deleted(sender, using, **kwargs):
    data_changed(using)


def _linked(sender, action, using, **kwargs):
    if action in LINKS_CHANGED:
        data_changed(using)


def _migrated(sender, using, plan=None, **kwargs):
    if plan:  # data migrations write without signals (historical models)
        data_changed(using)


def watch_models(label=None, *, exclude=()):
    """Connect the receivers to the models of the projects and accounts apps, or of the app
    ``label`` above projects whose figures are cached too (its AppConfig.ready calls this), but for
    the models named in ``exclude``: rows no figure reads, written so often that renewing the data
    version on each would empty the cache (dispatch's inbox and outbox)."""
    if label is not None and label not in WATCHED_APPS:
        WATCHED_APPS.append(label)
    UNWATCHED_MODELS.update(f"{label}.{name}" for name in exclude)
    for model in watched_models(label):
        uid = f"projects.freshness:{model._meta.label}"
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        # Only the rebuild deletes cumulative rows (it calls data_changed), or the cascade from a
        # listing's own delete; a receiver here would make Django fetch every row it deletes.
        if model is not ListingCumulative:
            post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(_linked, sender=field.remote_field.through, dispatch_uid=f"{uid}.{field.name}")
    post_migrate.connect(_migrated, sender=apps.get_app_config("projects"), dispatch_uid="projects.freshness")


def watched_models(label=None):
    """The application's models whose writes change the data (of the app ``label``, or of every
    watched app): not history rows, not the version."""
    return [
        model
        for label in ([label] if label else WATCHED_APPS)
        for model in apps.get_app_config(label).get_models()
        if not issubclass(model, HistoricalChanges)
        and model is not DataVersion
        and model._meta.label not in UNWATCHED_MODELS
    ]


_ready = set()  # aliases whose database has the version table


@functools.cache
def _new_token_for(alias):
    """One callback per database, so a transaction can tell it is already registered."""
    return lambda: new_token(alias)


def new_token(alias=DEFAULT_DB_ALIAS):
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
