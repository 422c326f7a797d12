"""Every change is recorded with who, when, and the values before and after."""

from datetime import date

import pytest
from django.urls import reverse

from projects.models import Assignment, Instruction, Problem, Project
from projects.selectors.history import project_history
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
    active = Assignment.objects.filter(active=True).count()
    assert (
        assignments_end(user=users["staff_b"], assignments=Assignment.objects.all(), ended_on=date(2015, 12, 31)) == 0
    )
    assert Assignment.objects.filter(active=True, project__district__code="410403").count() == 60
    assert Assignment.objects.filter(active=True).count() == active


def test_bulk_end_by_an_office_skips_the_assignments_of_other_offices(users):
    everything = Assignment.objects.all()
    others = list(everything.filter(active=True).exclude(project__district__code="410403").values_list("pk", flat=True))
    assert others  # 新华区's and 湛河区's demo projects have leaders too
    ended = assignments_end(user=users["admin"], assignments=everything, ended_on=date(2015, 12, 31))
    assert ended == 60
    assert set(Assignment.objects.filter(active=True).values_list("pk", flat=True)) == set(others)


def test_project_page_shows_the_change_history(client_for, users, problem):
    old_kind = problem.get_kind_display()
    admin_edit_problem(client_for("admin"), problem, kind="land", deadline="2015-12-20")
    entries = project_history(project=problem.project, user=users["admin"])
    newest = entries[0]
    assert (newest.action, newest.subject, newest.who.username) == ("修改", "问题", "admin")
    changed = {change.field: (change.old, change.new) for change in newest.changes}
    assert changed["问题类型"] == (old_kind, "用地")
    assert changed["办结期限"][1] == "2015-12-20"
    history_url = reverse("projects:project_history", args=[problem.project.pk])
    assert history_url in client_for("staff_a").get(problem.project.get_absolute_url()).content.decode()
    page = client_for("staff_a").get(history_url).content.decode()
    assert "变更记录" in page and f"{old_kind} → 用地" in page


def test_user_scope_changes_are_audited_without_the_password(users):
    staff = users["staff_a"]
    staff.last_name = "改名后的填报员"
    staff.save()
    record = staff.history.latest()
    assert record.last_name == "改名后的填报员"
    assert not hasattr(record, "password")


def test_history_of_a_moved_listing_does_not_leak_to_its_old_project(client_for, users):
    from decimal import Decimal

    from projects.models import Listing, MonthlyReport

    old_home = Project.objects.get(name="市正顺化工公司技改10万吨/年洗油深加工")  # staff_a's street
    new_home = Project.objects.get(name="恒宇·东城国际")  # outside it
    listing = Listing.objects.create(project=old_home, year=2016, level="district", category="continuing")
    listing.project = new_home
    listing.save()
    MonthlyReport.objects.create(listing=listing, month=1, investment=Decimal("5"), progress="机密形象进度XYZ")
    moved_problem = old_home.problems.first()
    moved_problem.project = new_home
    moved_problem.save()
    Instruction.objects.create(problem=moved_problem, author=users["leader"], text="领导机密批示ABC")

    for url in (old_home.get_absolute_url(), reverse("projects:project_history", args=[old_home.pk])):
        page = client_for("staff_a").get(url).content.decode()
        assert "机密形象进度XYZ" not in page and "领导机密批示ABC" not in page
        assert "恒宇·东城国际" not in page
    assert "机密形象进度XYZ" in client_for("leader").get(new_home.get_absolute_url()).content.decode()
    leader_history = client_for("leader").get(reverse("projects:project_history", args=[new_home.pk]))
    assert "领导机密批示ABC" in leader_history.content.decode()


def test_changes_of_a_visits_leaders_are_shown(users):
    from projects.models import Leader, SupervisionVisit

    visit = SupervisionVisit.objects.get(project__name="市正顺化工公司技改10万吨/年洗油深加工")
    visit._history_user = users["admin"]
    visit.leaders.set(Leader.objects.filter(name__in=["王某", "钱某"]))
    # .set() removes, then adds: two recorded changes, newest first.
    added, removed = project_history(project=visit.project, user=users["admin"])[:2]
    assert [(c.field, c.old, c.new) for c in removed.changes] == [
        ("带队领导", "王某（副区长）、赵某（区委书记）", "王某（副区长）")
    ]
    assert [(c.field, c.old, c.new) for c in added.changes] == [
        ("带队领导", "王某（副区长）", "王某（副区长）、钱某（区委副书记）")
    ]


def test_history_query_count_does_not_grow_with_rows(users, django_assert_max_num_queries):
    from decimal import Decimal

    from projects.models import Listing, MonthlyReport

    project = Project.objects.get(name="市正顺化工公司技改10万吨/年洗油深加工")
    bound = 30  # a fixed set of tables: the count depends on which kinds of rows changed, not how many
    with django_assert_max_num_queries(bound):
        project_history(project=project, user=users["staff_a"])
    for year in (2016, 2017, 2018):
        listing = Listing.objects.create(project=project, year=year, level="city", category="continuing")
        for month in range(1, 13):
            MonthlyReport.objects.create(listing=listing, month=month, investment=Decimal(month))
        problem = Problem.objects.create(project=project, description=f"问题{year}", raised_on=f"{year}-01-05")
        Instruction.objects.create(problem=problem, author=users["leader"], text=f"批示{year}")
    with django_assert_max_num_queries(bound):
        entries = project_history(project=project, user=users["staff_a"])
    assert len(entries) > 60  # the 36 new reports and more are in the history


def test_bulk_created_objects_get_the_same_history_rows_as_simple_history_writes(users):
    from decimal import Decimal

    from simple_history.utils import bulk_create_with_history

    from projects.models import Region, Street, Unit
    from projects.services.audit import bulk_create_audited

    weidong = Region.objects.get(code="410403")
    street, unit = Street.objects.filter(district=weidong).first(), Unit.objects.filter(district=weidong).first()

    def projects(prefix):
        return [
            Project(name=f"{prefix}项目{i}（示例）", owner="示例公司", content="厂房", district=weidong,
                    street=street if i % 2 else None, unit=unit, total_investment=Decimal("1234.56") + i,
                    start_year=2029, end_year=2031, code=None)
            for i in range(3)
        ]  # fmt: skip

    ours = bulk_create_audited(projects("甲"), Project, user=users["admin"], reason="导入清单：甲.xlsx")
    theirs = bulk_create_with_history(
        projects("乙"), Project, default_user=users["admin"], default_change_reason="导入清单：甲.xlsx"
    )
    skip = {"id", "name", "history_id", "history_date", "created_at", "updated_at"}

    def rows(objs):
        entries = [obj.history.get() for obj in objs]
        assert [entry.id for entry in entries] == [obj.pk for obj in objs]
        return [{k: v for k, v in vars(entry).items() if k not in skip and not k.startswith("_")} for entry in entries]

    assert rows(ours) == rows(theirs)
    entry = ours[1].history.get()
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == (
        "+",
        users["admin"],
        "导入清单：甲.xlsx",
    )
    assert (entry.name, entry.street_id, entry.total_investment) == ("甲项目1（示例）", street.pk, Decimal("1235.56"))
