"""Reads for the office's user pages: the users an admin manages, and one user's change history."""

from dataclasses import dataclass

from django.db.models import Prefetch

from accounts.models import User
from accounts.security import locked_out, login_failures
from projects.models import Street, Unit
from projects.scoping import known_people, managed_rows

SYSTEM = "系统"
UNNAMED = "其他项目办"  # who changed it, when the viewer may not name them (scoping.known_people)
ACTIONS = {"+": "新建", "~": "修改", "-": "删除"}


def user_list(*, user):
    """The users ``user`` manages (scoping.managed_rows: everyone of the office's node and below;
    everyone for the operator), with their office, streets, units and linked leader, and whether
    django-axes holds their name locked now (``login_failures``, ``is_locked_out``)."""
    return (
        User.objects.filter(managed_rows(user, "region"))
        .select_related("region", "leader", "leader__region")
        .prefetch_related(
            Prefetch("streets", queryset=Street.objects.order_by("sort_order", "name")),
            Prefetch("units", queryset=Unit.objects.order_by("kind", "sort_order", "name")),
        )
        .annotate(login_failures=login_failures())
        .annotate(is_locked_out=locked_out())
        .order_by("region__code", "role", "username")
    )


def place_names(user):
    """A staff user's streets and units as the list shows them, from user_list's prefetched rows:
    a street office (街道办事处) is left out beside its own street, whose name says it already
    (as scoping.scope_description words it)."""
    streets = list(user.streets.all())
    street_ids = {street.pk for street in streets}
    units = [unit for unit in user.units.all() if unit.street_id not in street_ids]
    return [*(street.name for street in streets), *(unit.name for unit in units)]


@dataclass(frozen=True)
class UserChange:
    when: object
    who_name: str
    action: str
    reason: str
    fields: list  # the Chinese names of the fields changed (none for a creation or a note)


def user_history(*, viewer, user, limit=50):
    """``user``'s recorded changes, newest first: when, by whom (named only when ``viewer`` may
    name them, scoping.known_people), why, and which fields changed. Passwords are never in it
    (the history table leaves the hash out), nor the versions a sign-in leaves, which change no
    recorded field and give no reason. Read in three queries whatever the number of versions."""
    history = User.history.model
    tracked = [field for field in history.tracked_fields if field.name != "id"]
    versions = list(history.objects.filter(id=user.pk).order_by("history_date", "history_id"))
    links = {field.name: _version_links(history, field.name, versions) for field in history._history_m2m_fields}
    shown, previous = [], None
    for version in versions:
        fields = []
        if previous is not None and version.history_type == "~":
            fields = [
                str(field.verbose_name)
                for field in tracked
                if getattr(version, field.attname) != getattr(previous, field.attname)
            ]
            fields += [
                str(User._meta.get_field(name).verbose_name)
                for name, by_version in links.items()
                if by_version.get(version.history_id) != by_version.get(previous.history_id)
            ]
        previous = version
        if version.history_type == "~" and not fields and not version.history_change_reason:
            continue  # a sign-in: it saves last_login, which the history leaves out
        shown.append((version, fields))
    shown = shown[::-1][:limit]
    actors = {version.history_user_id for version, _ in shown if version.history_user_id}
    named = {
        person.pk: person.get_full_name() or person.username
        for person in User.objects.filter(known_people(viewer), pk__in=actors)
    }
    return [
        UserChange(
            when=version.history_date,
            who_name=SYSTEM if version.history_user_id is None else named.get(version.history_user_id, UNNAMED),
            action=ACTIONS.get(version.history_type, version.history_type),
            reason=version.history_change_reason or "",
            fields=fields,
        )
        for version, fields in shown
    ]


def _version_links(history, name, versions):
    """History id -> the frozenset of ids a many-to-many field (streets, units) held at that version."""
    # simple-history's table of the field's versions (HistoricalUser_streets)
    through = next(rel.related_model for rel in history._meta.related_objects if rel.name.endswith(f"_{name}"))
    related = User._meta.get_field(name).related_model
    target = next(field for field in through._meta.concrete_fields if field.related_model is related)
    held = {version.history_id: set() for version in versions}
    rows = through.objects.filter(history__in=list(held)).values_list("history_id", target.attname)
    for history_id, target_id in rows:
        held[history_id].add(target_id)
    return {history_id: frozenset(ids) for history_id, ids in held.items()}
