"""Every change is recorded with who, when, and the values before and after."""

from datetime import date

import pytest
from django.urls import reverse

from projects.models import Assignment, Instruction, Problem, Project
from projects.selectors import project_history
from projects.services.assignments import assignments_end


@pytest.fixture
def problem(demo):
    return Problem.objects.get(project__name="市正顺化工公司技改10万吨/年洗油深加工")


def admin_edit_problem(client, problem, **changes):
    data = {
        "project": problem.project_id,
        "description": problem.description,
        "kind": problem.kind,
        "raised_on": problem.raised_on.isoformat(),
        "unit": problem.unit_id or "",
        "deadline": problem.deadline.isoformat() if problem.deadline else "",
        "status": problem.status,
        "resolution": problem.resolution,
        "resolved_on": problem.resolved_on.isoformat() if problem.resolved_on else "",
    }
    data.update(changes)
    return client.post(reverse("admin:projects_problem_change", args=[problem.pk]), data)


def test_form_edit_is_recorded_with_user_and_before_after(client_for, users, problem):
    old_description = problem.description
    response = admin_edit_problem(client_for("admin"), problem, description="施工用电接入已协调，待供电公司验收")
    assert response.status_code == 302
    latest = problem.history.latest()
    assert latest.history_user == users["admin"]
    assert latest.history_type == "~"
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("description", old_description, "施工用电接入已协调，待供电公司验收")
    ]


def test_instruction_form_is_recorded_with_the_leader(client_for, users):
    problem = Problem.objects.filter(project__name="恒宇·东城国际").first()
    client_for("leader").post(reverse("projects:instruction_create", args=[problem.pk]), {"text": "请尽快落实。"})
    record = Instruction.history.latest()
    assert (record.history_user, record.history_type, record.text) == (users["leader"], "+", "请尽快落实。")


def test_bulk_end_of_assignments_is_recorded_per_row_with_user(users):
    leader_assignments = Assignment.objects.filter(leader__user=users["leader"], active=True)
    ids = list(leader_assignments.values_list("pk", flat=True))
    before = Assignment.history.count()
    ended = assignments_end(user=users["admin"], assignments=leader_assignments, ended_on=date(2015, 12, 31))
    assert ended == 5
    records = Assignment.history.filter(id__in=ids).order_by("-history_id")[:5]
    assert Assignment.history.count() == before + 5
    assert {(r.id, r.history_user_id, r.active, r.ended_on) for r in records} == {
        (pk, users["admin"].pk, False, date(2015, 12, 31)) for pk in ids
    }


def test_bulk_action_in_admin_is_recorded_with_the_acting_user(client_for, users):
    project = Project.objects.get(name="恒宇·东城国际")
    ids = list(project.assignments.values_list("pk", flat=True))
    client_for("admin").post(
        reverse("admin:projects_assignment_changelist"), {"action": "end_assignments", "_selected_action": ids}
    )
    record = Assignment.history.filter(id__in=ids).latest()
    assert (record.history_user, record.active) == (users["admin"], False)


def test_bulk_end_skips_what_the_user_may_not_change(users):
    assert (
        assignments_end(user=users["staff_b"], assignments=Assignment.objects.all(), ended_on=date(2015, 12, 31)) == 0
    )
    assert Assignment.objects.filter(active=True).count() == 60


def test_project_page_shows_the_change_history(client_for, problem):
    admin_edit_problem(client_for("admin"), problem, status="coordinating", deadline="2015-12-20")
    entries = project_history(project=problem.project)
    newest = entries[0]
    assert (newest.action, newest.subject, newest.who.username) == ("修改", "问题", "admin")
    changed = {change.field: (change.old, change.new) for change in newest.changes}
    assert changed["状态"] == ("已解决", "协调解决中")
    assert changed["办结期限"][1] == "2015-12-20"
    page = client_for("staff_a").get(problem.project.get_absolute_url()).content.decode()
    assert "变更记录" in page and "已解决 → 协调解决中" in page


def test_user_scope_changes_are_audited_without_the_password(users):
    staff = users["staff_a"]
    staff.last_name = "改名后的填报员"
    staff.save()
    record = staff.history.latest()
    assert record.last_name == "改名后的填报员"
    assert not hasattr(record, "password")
