"""Writes on leader assignments (四个一): ending them in bulk, with every change audited."""

from django.db import transaction
from simple_history.utils import bulk_update_with_history

from projects.freshness import data_changed
from projects.models import Assignment


def assignments_end(*, user, assignments, ended_on):
    """End the active ones among ``assignments`` on ``ended_on``; returns how many were ended.

    Scope is re-checked here: only assignments the user may change are touched.
    """
    with transaction.atomic():
        to_end = list(
            Assignment.objects.editable_by(user)
            .filter(pk__in=assignments.values("pk"), active=True)
            .select_for_update()
        )
        for assignment in to_end:
            assignment.active = False
            assignment.ended_on = max(ended_on, assignment.since)
        bulk_update_with_history(to_end, Assignment, ["active", "ended_on"], default_user=user)
        data_changed()  # bulk_update sends no model signal
    return len(to_end)
