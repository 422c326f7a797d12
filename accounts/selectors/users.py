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
    """``user``'s recorded versions, newest first: when, by whom (named only when ``viewer`` may
    name them, scoping.known_people), why, and which fields changed. Passwords are never in it
    (the history table leaves the hash out), nor the versions a sign-in leaves, which change no
    recorded field and give no reason."""
    records = list(user.history.order_by("-history_date", "-history_id")[: limit + 1])
    actors = {record.history_user_id for record in records if record.history_user_id}
    named = {
        person.pk: person.get_full_name() or person.username
        for person in User.objects.filter(known_people(viewer), pk__in=actors)
    }
    entries = []
    for record, previous in zip(records[:limit], records[1:] + [None]):
        fields = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            fields = [str(User._meta.get_field(change.field).verbose_name) for change in delta.changes]
            if not fields and not record.history_change_reason:
                continue  # a sign-in: it saves last_login, which the history leaves out
        if record.history_user_id is None:
            who = SYSTEM
        else:
            who = named.get(record.history_user_id, UNNAMED)
        entries.append(
            UserChange(
                when=record.history_date,
                who_name=who,
                action=ACTIONS.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                fields=fields,
            )
        )
    return entries
