"""从上年续转: next year's list proposed from this year's, previewed, edited and confirmed once."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import Role
from projects.choices import Category, ProjectStatus, RolloverStatus
from projects.models import Assignment, Listing, Project, Region, Rollover
from projects.services import rollover as rollover_service
from projects.services.errors import PermissionDenied, ValidationError
from projects.services.rollover import RowChoice, rollover_confirm, rollover_preview, rollover_rows
from projects.services.rollover_plans import proposed_category, rollover_plan
from tests.projects.test_write_races import run_in_thread

CONTINUING = "河南新吉祥电子科技产业园"  # 续建 in 2015
DONE = "市四十一中异地重建项目"  # 计划建成 in 2015, built and in use: not carried over


def weidong():
    return Region.objects.get(code="410403")


def preview(admin, **kwargs):
    return rollover_preview(user=admin, from_year=2015, to_year=2016, **kwargs)


def row_of(rollover, name, level="city"):
    return next(row for row in rollover_rows(rollover) if row.name == name and row.level == level)


def keep(rollover, *names, plan="100"):
    return {row_of(rollover, name).listing: RowChoice(Category.CONTINUING, Decimal(plan)) for name in names}


@pytest.fixture
def other_district_admin(demo, django_user_model):
    return django_user_model.objects.create_user(
        "xinhua", password="kp-test-Pass-2015", role=Role.ADMIN, region=Region.objects.get(code="410402")
    )


# --- the plan ---------------------------------------------------------------------------------


def test_the_plan_carries_continuing_and_unfinished_listings_and_leaves_finished_ones(demo):
    plan = rollover_plan(region=weidong(), from_year=2015, to_year=2016)
    names = {row.name for row in plan.rows}
    finished = Listing.objects.filter(year=2015, project__status__in=["completed", "commissioned"]).exclude(
        category=Category.CONTINUING
    )
    assert finished.exists()
    assert not names & set(finished.values_list("project__name", flat=True))
    going_on = Listing.objects.filter(year=2015, project__district=weidong()).exclude(pk__in=finished.values("pk"))
    assert {row.listing for row in plan.rows} == set(going_on.values_list("pk", flat=True))
    assert DONE not in names and CONTINUING in names


def test_the_plan_carries_street_unit_leaders_level_and_batch(demo):
    row = next(r for r in rollover_plan(region=weidong(), from_year=2015, to_year=2016).rows if r.name == CONTINUING)
    listing = Listing.objects.get(pk=row.listing)
    project = listing.project
    assert (row.level, row.batch) == (listing.level, listing.batch)
    assert (row.street, row.unit) == (str(project.street or ""), str(project.unit or ""))
    leaders = Assignment.objects.filter(project=project, active=True).values_list("leader__name", flat=True)
    assert row.leaders == sorted(leaders)


@pytest.mark.parametrize(
    ("status", "end_year", "expected"),
    [
        (ProjectStatus.UNDER_CONSTRUCTION, 2016, Category.COMPLETION),
        (ProjectStatus.PREPARING, 2018, Category.NEW_START),
        (ProjectStatus.UNDER_CONSTRUCTION, 2018, Category.CONTINUING),
        (ProjectStatus.SUSPENDED, None, Category.CONTINUING),
    ],
)
def test_the_proposed_category_follows_the_projects_state(status, end_year, expected):
    assert proposed_category(Project(status=status, end_year=end_year), 2016) == expected


# --- preview and confirm ----------------------------------------------------------------------


def test_a_preview_writes_nothing_but_its_record(admin_user):
    listings = Listing.objects.count()
    rollover = preview(admin_user)
    assert Listing.objects.count() == listings
    assert rollover.status == RolloverStatus.PREVIEWED and rollover.region == weidong()
    assert len(rollover_rows(rollover)) == len(rollover_plan(region=weidong(), from_year=2015, to_year=2016).rows)


def test_confirm_lists_the_kept_rows_with_what_was_entered_and_audits_them(admin_user):
    rollover = preview(admin_user)
    source = Listing.objects.get(pk=row_of(rollover, CONTINUING).listing)
    chosen = keep(rollover, CONTINUING)
    chosen[source.pk] = RowChoice(Category.COMPLETION, Decimal("1234.5"))
    applied = rollover_confirm(user=admin_user, rollover=rollover, choices=chosen)

    assert applied.status == RolloverStatus.APPLIED and applied.created == 1 and applied.applied_by == admin_user
    new = Listing.objects.get(year=2016, project=source.project)
    assert (new.level, new.batch, new.category, new.annual_plan) == (
        source.level,
        source.batch,
        Category.COMPLETION,
        Decimal("1234.5"),
    )
    assert Listing.objects.filter(year=2016).count() == 1  # the dropped rows are not listed
    record = new.history.get()
    assert record.history_user == admin_user and record.history_type == "+"
    assert record.history_change_reason == f"从2015年续转（续转记录 #{rollover.pk}）"


def test_a_rollover_is_confirmed_once(admin_user):
    rollover = preview(admin_user)
    rollover_confirm(user=admin_user, rollover=rollover, choices=keep(rollover, CONTINUING))
    with pytest.raises(ValidationError, match="不能再确认"):
        rollover_confirm(
            user=admin_user, rollover=Rollover.objects.get(pk=rollover.pk), choices=keep(rollover, CONTINUING)
        )
    stale = rollover  # the object the first confirm was given still says "previewed"
    stale.status = RolloverStatus.PREVIEWED
    with pytest.raises(ValidationError, match="已被确认过"):
        rollover_confirm(user=admin_user, rollover=stale, choices=keep(rollover, CONTINUING))
    assert Listing.objects.filter(year=2016).count() == 1


def test_projects_already_on_the_new_list_are_shown_and_skipped(admin_user):
    source = Listing.objects.get(year=2015, project__name=CONTINUING, level="city")
    Listing.objects.create(project=source.project, year=2016, level="city", category="continuing", annual_plan=7)
    rollover = preview(admin_user)
    row = row_of(rollover, CONTINUING)
    assert row.skipped
    with pytest.raises(ValidationError, match="不在本次续转的预览中"):
        rollover_confirm(user=admin_user, rollover=rollover, choices={row.listing: RowChoice("continuing", Decimal(1))})
    assert Listing.objects.get(year=2016, project=source.project).annual_plan == 7  # never overwritten
    assert Listing.objects.filter(year=2016).count() == 1


def test_a_change_since_the_preview_refuses_the_confirm_and_writes_nothing(admin_user):
    rollover = preview(admin_user)
    other = Listing.objects.get(year=2015, project__name=CONTINUING, level="city")
    Listing.objects.create(project=other.project, year=2016, level="city", category="continuing", annual_plan=7)
    with pytest.raises(ValidationError, match="预览之后"):
        rollover_confirm(user=admin_user, rollover=rollover, choices=keep(rollover, "鹰城商贸、商务中心"))
    assert Listing.objects.filter(year=2016).count() == 1
    assert Rollover.objects.get(pk=rollover.pk).status == RolloverStatus.PREVIEWED


def test_a_street_changed_since_the_preview_refuses_the_confirm(admin_user):
    rollover = preview(admin_user)
    project = Project.objects.get(name=CONTINUING)
    project.street = project.district.streets.exclude(pk=project.street_id).first()
    project.save()
    with pytest.raises(ValidationError, match="预览之后"):
        rollover_confirm(user=admin_user, rollover=rollover, choices=keep(rollover, CONTINUING))
    assert not Listing.objects.filter(year=2016).exists()


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ({}, "请至少保留一个项目"),
        ({999999: RowChoice("continuing", Decimal(1))}, "不在本次续转的预览中"),
        ("bad-category", "类别无效"),
        ("negative", "不小于 0"),
    ],
)
def test_bad_choices_are_refused_in_chinese_and_nothing_is_written(admin_user, choices, message):
    rollover = preview(admin_user)
    pk = row_of(rollover, CONTINUING).listing
    if choices == "bad-category":
        choices = {pk: RowChoice("finished", Decimal(1))}
    elif choices == "negative":
        choices = {pk: RowChoice("continuing", Decimal(-1))}
    with pytest.raises(ValidationError, match=message):
        rollover_confirm(user=admin_user, rollover=rollover, choices=choices)
    assert not Listing.objects.filter(year=2016).exists()


def test_the_new_year_must_come_after_the_old(admin_user):
    with pytest.raises(ValidationError, match="新清单年度应晚于原清单年度"):
        rollover_preview(user=admin_user, from_year=2015, to_year=2015)
    assert not Rollover.objects.exists()


def test_only_admins_roll_over_and_only_their_offices_projects(users, other_district_admin):
    with pytest.raises(PermissionDenied):
        preview(users["staff_a"])
    rollover = preview(users["admin"])
    with pytest.raises(PermissionDenied, match="不在本项目办管理范围内"):
        rollover_confirm(user=other_district_admin, rollover=rollover, choices=keep(rollover, CONTINUING))
    own = rollover_rows(preview(other_district_admin))  # 新华区's own projects, none of 卫东区's
    assert own and {row.district for row in own} == {"新华区"}
    assert not Listing.objects.filter(year=2016).exists()


def test_the_city_office_carries_its_districts_projects(demo, django_user_model):
    city = django_user_model.objects.get(username="city")
    rollover = preview(city)
    assert rollover.region.code == "410400"
    districts = Listing.objects.filter(year=2015).values_list("project__district__name", flat=True)
    assert {row.district for row in rollover_rows(rollover)} == set(districts)


# --- pages ------------------------------------------------------------------------------------


def test_the_pages_are_for_admins(client_for):
    assert client_for("staff_a").get(reverse("projects:rollover_start")).status_code == 403
    assert (
        client_for("leader").post(reverse("projects:rollover_start"), {"from_year": 2015, "to_year": 2016}).status_code
        == 403
    )
    assert not Rollover.objects.exists()


def test_an_admin_previews_edits_and_confirms_on_the_pages(client_for):
    client = client_for("admin")
    page = client.get(reverse("projects:rollover_start"))
    assert page.status_code == 200 and page.context["form"].initial == {"from_year": 2015, "to_year": 2016}
    response = client.post(reverse("projects:rollover_start"), {"from_year": "2015", "to_year": "2016"})
    rollover = Rollover.objects.get()
    assert response.url == rollover.get_absolute_url()
    detail = client.get(response.url).content.decode()
    assert CONTINUING in detail and "确认续转" in detail and DONE not in detail

    row = row_of(rollover, CONTINUING)
    data = {f"category-{r.listing}": r.category for r in rollover_rows(rollover)}
    data.update(
        {f"keep-{row.listing}": "on", f"plan-{row.listing}": "３６,８３０", f"category-{row.listing}": "new_start"}
    )
    response = client.post(reverse("projects:rollover_confirm", args=[rollover.pk]), data, follow=True)
    assert "已续转：2016年清单新增 1 个项目。" in response.content.decode()
    new = Listing.objects.get(year=2016)
    assert (new.project.name, new.category, new.annual_plan) == (CONTINUING, "new_start", Decimal("36830"))


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ("", "请填写新年度的年度计划投资（万元）。"),
        ("1,2,3", "「1,2,3」不是有效的金额"),
        ("-5", "年度计划投资不能为负数。"),
        ("1e3", "不能用科学计数法"),
    ],
)
def test_bad_plans_are_named_by_project_in_chinese_and_nothing_is_written(client_for, admin_user, plan, message):
    rollover = preview(admin_user)
    row = row_of(rollover, CONTINUING)
    data = {f"category-{r.listing}": r.category for r in rollover_rows(rollover)}
    data.update({f"keep-{row.listing}": "on", f"plan-{row.listing}": plan})
    response = client_for("admin").post(reverse("projects:rollover_confirm", args=[rollover.pk]), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert f"「{CONTINUING}」年度计划投资（万元）：" in text and message in text
    assert "未确认，未写入任何数据" in text
    assert not Listing.objects.filter(year=2016).exists()
    assert Rollover.objects.get(pk=rollover.pk).status == RolloverStatus.PREVIEWED


def test_nothing_kept_is_refused_on_the_page(client_for, admin_user):
    rollover = preview(admin_user)
    data = {f"category-{r.listing}": r.category for r in rollover_rows(rollover)}
    response = client_for("admin").post(reverse("projects:rollover_confirm", args=[rollover.pk]), data)
    assert "请至少保留一个项目再确认续转。" in response.content.decode()
    assert not Listing.objects.filter(year=2016).exists()


def test_another_offices_rollover_answers_404(client, admin_user, other_district_admin):
    rollover = preview(admin_user)
    client.force_login(other_district_admin)
    assert client.get(rollover.get_absolute_url()).status_code == 404
    assert client.post(reverse("projects:rollover_confirm", args=[rollover.pk]), {}).status_code == 404


# --- two confirms at once (PostgreSQL) --------------------------------------------------------

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL for truly concurrent transactions"
)


@on_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_preview", [True, False])
def test_two_confirms_at_once_list_each_project_once(users, monkeypatch, same_preview):
    """Two admins confirm at the same moment (the same preview, or two previews of the same years):
    both have passed the checks made before the lock; one lists the projects, the other is refused."""
    admin = users["admin"]
    first = preview(admin)
    second = first if same_preview else preview(admin)
    barrier, original = threading.Barrier(2, timeout=10), rollover_service.lock_list_import

    def lock_together():
        barrier.wait()  # both are inside their transactions, past the status check, before the lock
        original()

    monkeypatch.setattr(rollover_service, "lock_list_import", lock_together)
    outcomes = {}
    threads = [
        run_in_thread(outcomes, name, lambda r=r: rollover_confirm(user=admin, rollover=r, choices=keep(r, CONTINUING)))
        for name, r in (("a", first), ("b", Rollover.objects.get(pk=second.pk)))
    ]
    for thread in threads:
        thread.join(30)
    kinds = sorted(kind for kind, _ in outcomes.values())
    assert kinds == ["ValidationError", "ok"], outcomes
    refused = next(error for kind, error in outcomes.values() if kind == "ValidationError")
    assert ("已被确认过" if same_preview else "预览之后") in str(refused)
    assert Listing.objects.filter(year=2016, project__name=CONTINUING).count() == 1
