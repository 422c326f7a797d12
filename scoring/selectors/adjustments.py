"""The adjustments page's read: a period's 加分/减分 as the user may see them."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from projects.scoping import known_people
from scoring.choices import SubjectKind
from scoring.models import Adjustment
from scoring.selectors.access import EVERY, breakdown_keys
from scoring.selectors.schemes import person_name


@dataclass(frozen=True)
class AdjustmentRow:
    adjustment: Adjustment
    subject: str
    kind_label: str
    created_by: str
    withdrawn_by: str

    @property
    def withdrawn(self):
        return self.adjustment.withdrawn_at is not None

    @property
    def points_text(self):
        return f"{self.adjustment.points:+}"


def period_adjustments(*, user, scheme, period):
    """(in force, withdrawn): the period's adjustments the user may see, in the order they were
    made — all of them for the offices and the district's leaders, a staff user's only for the
    streets and units whose breakdown they may see (scoring.selectors.access). People are named
    where the user may read them (scoping.known_people). A constant number of queries."""
    keys = {kind: breakdown_keys(user, scheme, kind) for kind in SubjectKind.values}
    rows = list(
        Adjustment.objects.filter(scheme=scheme, period_kind=period.kind, number=period.number)
        .select_related("street", "unit")
        .order_by("created_at", "pk")
    )
    rows = [r for r in rows if keys[r.subject_kind] is EVERY or r.subject_id in keys[r.subject_kind]]
    ids = {r.created_by_id for r in rows} | {r.withdrawn_by_id for r in rows if r.withdrawn_by_id}
    people = get_user_model().objects.filter(known_people(user), pk__in=ids) if ids else []
    users = {person.pk: person for person in people}
    shown = [
        AdjustmentRow(
            adjustment=r,
            subject=str(r.subject),
            kind_label=SubjectKind(r.subject_kind).label,
            created_by=person_name(users, r.created_by_id),
            withdrawn_by=person_name(users, r.withdrawn_by_id),
        )
        for r in rows
    ]
    return [row for row in shown if not row.withdrawn], [row for row in shown if row.withdrawn]
