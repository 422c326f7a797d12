"""Who sees and changes what, read through the selectors directly on the demo data."""

from datetime import date

import pytest

from accounts.models import Role
from projects.models import (
    Assignment,
    Instruction,
    Listing,
    Milestone,
    MonthlyReport,
    Problem,
    Project,
    Street,
    SupervisionVisit,
)
from projects.services.assignments import assignments_end

MODELS = [Project, Listing, MonthlyReport, Problem, Milestone, Assignment, SupervisionVisit, Instruction]

# What each demo visitor sees: projects, listings, reports, problems, milestones, assignments, visits, instructions.
EXPECTED_VISIBLE = {
    "admin": [60, 60, 534, 50, 14, 60, 4, 2],
    "staff_a": [6, 6, 53, 5, 5, 6, 2, 0],
    "staff_b": [4, 4, 35, 3, 0, 4, 0, 1],
    "leader": [5, 5, 45, 5, 0, 5, 0, 2],
    "other_leader": [5, 5, 45, 5, 0, 5, 1, 0],
}


@pytest.mark.parametrize("role", EXPECTED_VISIBLE)
def test_visible_counts_per_role(users, role):
    counts = [model.objects.visible_to(users[role]).count() for model in MODELS]
    assert counts == EXPECTED_VISIBLE[role]


def test_staff_sees_exactly_the_projects_of_their_street_or_unit(users):
    staff = users["staff_a"]
    visible = set(Project.objects.visible_to(staff))
    expected = set(Project.objects.filter(street__name="北环路街道")) | set(
        Project.objects.filter(unit__name="北环路街道办事处")
    )
    assert visible == expected


def test_leader_sees_exactly_the_active_assignments(users):
    leader = users["leader"]
    expected = {a.project for a in Assignment.objects.filter(leader__user=leader, active=True)}
    assert set(Project.objects.visible_to(leader)) == expected
    assert len(expected) == 5


def test_who_may_change_what(users):
    assert Project.objects.editable_by(users["admin"]).count() == 60
    assert not Project.objects.editable_by(users["staff_a"]).exists()
    assert not Assignment.objects.editable_by(users["staff_a"]).exists()
    assert Problem.objects.editable_by(users["staff_a"]).count() == 5
    assert Milestone.objects.editable_by(users["staff_a"]).count() == 5
    assert MonthlyReport.objects.editable_by(users["staff_a"]).count() == 53
    assert not Project.objects.editable_by(users["leader"]).exists()
    assert not Problem.objects.editable_by(users["leader"]).exists()
    assert Problem.objects.instructable_by(users["leader"]).count() == 5
    assert not Problem.objects.instructable_by(users["staff_a"]).exists()


def test_user_without_role_scope_or_activity_sees_nothing(users, django_user_model):
    nobody = django_user_model.objects.create_user("nobody", role=Role.STAFF)
    assert not Project.objects.visible_to(nobody).exists()
    inactive = users["staff_a"]
    inactive.is_active = False
    inactive.save()
    assert not Project.objects.visible_to(inactive).exists()


def test_ending_an_assignment_hides_the_project_at_once(users):
    leader = users["leader"]
    project = Project.objects.get(name="恒宇·东城国际")
    assignments_end(
        user=users["admin"], assignments=Assignment.objects.filter(project=project), ended_on=date(2015, 11, 1)
    )
    assert project not in Project.objects.visible_to(leader)
    assert Project.objects.visible_to(leader).count() == 4


def test_moving_staff_to_another_street_moves_their_scope(users):
    staff = users["staff_a"]
    staff.streets.set([Street.objects.get(name="皇台街道")])
    staff.units.clear()
    assert set(Project.objects.visible_to(staff)) == set(Project.objects.filter(street__name="皇台街道"))
