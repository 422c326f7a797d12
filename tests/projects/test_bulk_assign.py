"""批量修改 on the project list: many listings' unit, contact leader, street or batch in one action,
previewed old → new, confirmed in one audited transaction, only within the admin's office."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import Role
from projects.models import Assignment, Leader, Listing, Project, Region, Street, Unit
from projects.services import bulk_assign as bulk_service
from projects.services.bulk_assign import BulkChanges, bulk_assign_confirm, bulk_assign_plan
from projects.services.errors import ValidationError
from tests.projects.test_write_races import run_in_thread

FIRST, SECOND = "河南新吉祥电子科技产业园", "鹰城商贸、商务中心"


def listings(*names):
    return list(Listing.objects.filter(year=2015, level="city", project__name__in=names).order_by("pk"))


def ids(rows):
    return [listing.pk for listing in rows]


def weidong_unit():
    return (
        Unit.objects.filter(district__code="410403")
        .exclude(name__in=Project.objects.filter(name__in=[FIRST, SECOND]).values("unit__name"))
        .order_by("name")
        .first()
    )


def weidong_street():
    return (
        Street.objects.filter(district__code="410403")
        .exclude(pk__in=Project.objects.filter(name__in=[FIRST, SECOND]).values("street"))
        .order_by("name")
        .first()
    )


def weidong_leader():
    return (
        Leader.objects.filter(region__code="410403", is_active=True)
        .exclude(assignments__project__name__in=[FIRST, SECOND], assignments__active=True)
        .order_by("name")
        .first()
    )


def confirm(user, rows, changes):
    plan = bulk_assign_plan(user=user, listing_ids=ids(rows), changes=changes)
    return bulk_assign_confirm(user=user, listing_ids=ids(rows), changes=changes, digest=plan.digest())


@pytest.fixture
def other_district_admin(demo, django_user_model):
    return django_user_model.objects.create_user(
        "xinhua", password="kp-test-Pass-2015", role=Role.ADMIN, region=Region.objects.get(code="410402")
    )


# --- services ---------------------------------------------------------------------------------


def test_the_preview_shows_old_and_new_per_listing_and_writes_nothing(admin_user):
    rows, unit = listings(FIRST, SECOND), weidong_unit()
    before = {p.pk: p.unit_id for p in Project.objects.filter(name__in=[FIRST, SECOND])}
    plan = bulk_assign_plan(user=admin_user, listing_ids=ids(rows), changes=BulkChanges(unit=unit, batch=2))
    shown = {row.listing.project.name: row.changes for row in plan.rows}
    for listing in rows:
        project = listing.project
        assert ["责任单位", str(project.unit or ""), unit.name] in shown[project.name]
        if listing.batch != 2:
            assert ["批次", listing.get_batch_display(), "第二批"] in shown[project.name]
    assert {p.pk: p.unit_id for p in Project.objects.filter(name__in=[FIRST, SECOND])} == before


def test_confirm_sets_unit_street_and_batch_and_audits_each(admin_user):
    rows, unit, street = listings(FIRST, SECOND), weidong_unit(), weidong_street()
    count = confirm(admin_user, rows, BulkChanges(unit=unit, street=street, batch=2))
    assert count == 2
    for project in Project.objects.filter(name__in=[FIRST, SECOND]):
        assert (project.unit, project.street) == (unit, street)
        record = project.history.latest()
        assert record.history_user == admin_user and record.history_change_reason.startswith("批量修改")
    assert set(Listing.objects.filter(pk__in=ids(rows)).values_list("batch", flat=True)) == {2}
    assert Listing.objects.get(pk=rows[0].pk).history.latest().history_user == admin_user


def test_setting_a_leader_ends_the_other_leaders_and_keeps_their_record(admin_user):
    rows, leader = listings(FIRST), weidong_leader()
    project = rows[0].project
    old = list(Assignment.objects.filter(project=project, active=True))
    assert old
    confirm(admin_user, rows, BulkChanges(leader=leader))
    active = Assignment.objects.filter(project=project, active=True)
    assert [a.leader for a in active] == [leader]
    assert active.get().history.get().history_user == admin_user
    for assignment in old:
        assignment.refresh_from_db()
        assert not assignment.active and assignment.ended_on is not None


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("nothing selected", "请先勾选要修改的项目"),
        ("nothing to set", "请至少选择一项要修改的内容"),
        ("same values", "已是这些设置"),
        ("other district's unit", "不属于项目所在的卫东区"),
        ("other district's street", "不在项目所在的卫东区"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_changes(admin_user, case, message):
    rows = listings(FIRST, SECOND)
    project = rows[0].project
    other_unit = Unit.objects.create(district=Region.objects.get(code="410402"), name="新华区某局")
    other_street = Street.objects.create(district=Region.objects.get(code="410402"), name="新华某街道")
    selected, changes = (
        ids(rows),
        {
            "nothing selected": BulkChanges(batch=2),
            "nothing to set": BulkChanges(),
            "same values": BulkChanges(unit=project.unit),
            "other district's unit": BulkChanges(unit=other_unit),
            "other district's street": BulkChanges(street=other_street),
        }[case],
    )
    if case == "nothing selected":
        selected = []
    if case == "same values":
        selected = ids(rows[:1])
    before = list(Project.objects.order_by("pk").values_list("unit", "street"))
    with pytest.raises(ValidationError, match=message):
        bulk_assign_plan(user=admin_user, listing_ids=selected, changes=changes)
    with pytest.raises(ValidationError, match=message):
        bulk_assign_confirm(user=admin_user, listing_ids=selected, changes=changes, digest="")
    assert list(Project.objects.order_by("pk").values_list("unit", "street")) == before


def test_listings_outside_the_office_are_refused_whole(admin_user, other_district_admin):
    rows = listings(FIRST, SECOND)
    unit = weidong_unit()
    with pytest.raises(ValidationError, match="有 2 个不在您的管理范围内"):
        bulk_assign_plan(user=other_district_admin, listing_ids=ids(rows), changes=BulkChanges(batch=2))
    theirs = Listing.objects.filter(project__district__code="410402").first()
    with pytest.raises(ValidationError, match="有 1 个不在您的管理范围内"):
        bulk_assign_plan(user=admin_user, listing_ids=[*ids(rows), theirs.pk], changes=BulkChanges(unit=unit))
    assert not Project.objects.filter(unit=unit, name__in=[FIRST, SECOND]).exists()


def test_a_change_since_the_preview_refuses_the_confirm(admin_user):
    rows, unit = listings(FIRST, SECOND), weidong_unit()
    changes = BulkChanges(unit=unit)
    plan = bulk_assign_plan(user=admin_user, listing_ids=ids(rows), changes=changes)
    project = Project.objects.get(name=SECOND)  # someone else changes its unit meanwhile
    project.unit = (
        Unit.objects.filter(district=project.district).exclude(pk=unit.pk).exclude(pk=project.unit_id).first()
    )
    project.save()
    with pytest.raises(ValidationError, match="预览之后所选项目已有变化"):
        bulk_assign_confirm(user=admin_user, listing_ids=ids(rows), changes=changes, digest=plan.digest())
    assert not Project.objects.filter(unit=unit, name__in=[FIRST, SECOND]).exists()


# --- pages ------------------------------------------------------------------------------------


def test_admins_see_checkboxes_and_others_do_not(client_for):
    page = client_for("admin").get(reverse("projects:project_list"), {"year": 2015}).content.decode()
    assert 'name="listing"' in page and "预览批量修改" in page and "data-select-all" in page
    for role in ("staff_a", "leader"):
        page = client_for(role).get(reverse("projects:project_list"), {"year": 2015}).content.decode()
        assert 'name="listing"' not in page and "预览批量修改" not in page


def test_non_admins_cannot_post_a_bulk_change(client_for):
    rows = listings(FIRST)
    for role in ("staff_a", "leader"):
        response = client_for(role).post(reverse("projects:listing_bulk_preview"), {"listing": ids(rows), "batch": 2})
        assert response.status_code == 403
        response = client_for(role).post(reverse("projects:listing_bulk_confirm"), {"listing": ids(rows), "batch": 2})
        assert response.status_code == 403
    assert Listing.objects.get(pk=rows[0].pk).batch == rows[0].batch


def test_an_admin_previews_and_confirms_on_the_pages(client_for):
    client, rows, unit = client_for("admin"), listings(FIRST, SECOND), weidong_unit()
    data = {"listing": ids(rows), "unit": unit.pk, "query": "year=2015&level=city"}
    preview = client.post(reverse("projects:listing_bulk_preview"), data)
    text = preview.content.decode()
    assert preview.status_code == 200 and "批量修改预览" in text
    assert f"→ <strong>{unit.name}</strong>" in text and FIRST in text and SECOND in text
    assert Project.objects.filter(unit=unit, name__in=[FIRST, SECOND]).count() == 0
    digest = preview.context["digest"]
    done = client.post(reverse("projects:listing_bulk_confirm"), {**data, "digest": digest}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("projects:project_list") + "?year=2015&level=city"
    assert "已批量修改 2 个项目。" in done.content.decode()
    assert Project.objects.filter(unit=unit, name__in=[FIRST, SECOND]).count() == 2
    again = client.post(reverse("projects:listing_bulk_confirm"), {**data, "digest": digest}, follow=True)
    assert "已是这些设置" in again.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"batch": "2"}, "请先勾选要修改的项目。"),
        ({"listing": ["abc"], "batch": "2"}, "所选项目的编号无效"),
        ({"listing": ["LISTING"], "batch": "3"}, "请从列表中选择批次。"),
        ({"listing": ["LISTING"], "unit": "999999"}, "没有这个责任单位"),
        ({"listing": ["LISTING"]}, "请至少选择一项要修改的内容"),
    ],
)
def test_bad_posts_come_back_to_the_list_with_a_chinese_message(client_for, data, message):
    listing = listings(FIRST)[0]
    data = {
        k: [str(listing.pk) if v == "LISTING" else v for v in value] if isinstance(value, list) else value
        for k, value in data.items()
    }
    response = client_for("admin").post(reverse("projects:listing_bulk_preview"), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("projects:project_list")
    assert message in response.content.decode()
    assert Listing.objects.get(pk=listing.pk).batch == listing.batch


# --- two confirms at once (PostgreSQL) --------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for truly concurrent transactions")
@pytest.mark.django_db(transaction=True)
def test_two_bulk_changes_confirmed_at_once_one_is_refused(users, monkeypatch):
    """Two admins preview different units for the same listings and confirm together: one is
    applied, the other waits for it, sees its preview is stale and changes nothing."""
    admin, rows = users["admin"], listings(FIRST, SECOND)
    first_unit = weidong_unit()
    second_unit = (
        Unit.objects.filter(district__code="410403")
        .exclude(pk=first_unit.pk)
        .exclude(pk__in=Project.objects.filter(name__in=[FIRST, SECOND]).values("unit"))
        .order_by("name")
        .last()
    )
    plans = {
        name: (changes, bulk_assign_plan(user=admin, listing_ids=ids(rows), changes=changes).digest())
        for name, changes in (("a", BulkChanges(unit=first_unit)), ("b", BulkChanges(unit=second_unit)))
    }
    barrier, original = threading.Barrier(2, timeout=10), bulk_service.lock_list_import

    def lock_together():
        barrier.wait()
        original()

    monkeypatch.setattr(bulk_service, "lock_list_import", lock_together)
    outcomes = {}
    threads = [
        run_in_thread(
            outcomes,
            name,
            lambda c=changes, d=digest: bulk_assign_confirm(user=admin, listing_ids=ids(rows), changes=c, digest=d),
        )
        for name, (changes, digest) in plans.items()
    ]
    for thread in threads:
        thread.join(30)
    assert sorted(kind for kind, _ in outcomes.values()) == ["ValidationError", "ok"], outcomes
    winner = first_unit if outcomes["a"][0] == "ok" else second_unit
    assert set(Project.objects.filter(name__in=[FIRST, SECOND]).values_list("unit", flat=True)) == {winner.pk}
    refused = next(error for kind, error in outcomes.values() if kind == "ValidationError")
    assert "预览之后所选项目已有变化" in str(refused)


# --- the import preview shows what each row sets, and what the file left empty -----------------


def test_the_import_preview_shows_each_rows_values(client_for):
    from tests.projects.test_import import plain, project_row

    upload = plain(project_row(1, "甲项目（示例）", total=1000, plan=300), title="2017年市重点项目（第二批）")
    response = client_for("admin").post(
        reverse("projects:import_list"), {"year": 2017, "level": "city", "file": upload}, follow=True
    )
    (row,) = response.context["rows"]
    assert (row["street"], row["category"], row["batch"]) == ("北环路街道", "续建", "第二批")
    assert (row["total_investment"], row["annual_plan"], row["unfilled"]) == ("1000", "300", [])
    text = response.content.decode()
    assert "<th>街道</th><th>类别</th><th>批次</th>" in text and "未填" not in text


def test_a_batch_the_file_does_not_state_is_marked(client_for):
    from tests.projects.test_import import plain, project_row

    upload = plain(project_row(1, "丙项目（示例）"))
    response = client_for("admin").post(
        reverse("projects:import_list"), {"year": 2017, "level": "city", "file": upload}, follow=True
    )
    (row,) = response.context["rows"]
    assert (row["batch"], row["unfilled"]) == ("第一批", ["batch"])
    assert 'title="文件未写批次，按第一批">未填</span>' in response.content.decode()


def test_an_id_no_listing_can_have_is_refused_in_words(client_for):
    for url in ("projects:listing_bulk_preview", "projects:listing_bulk_confirm"):
        response = client_for("admin").post(reverse(url), {"listing": ["99999999999999999999999"], "batch": "2"})
        assert response.status_code == 302, url  # back to the list with the message, nothing changed


def test_the_service_itself_refuses_a_leader_outside_the_office_or_no_longer_serving(users):
    listing = Listing.objects.filter(year=2015, project__district__code="410403").first()
    outside = Leader.objects.filter(region__code="410402").first()
    retired = Leader.objects.filter(region__code="410403").first()
    Leader.objects.filter(pk=retired.pk).update(is_active=False)
    retired.refresh_from_db()
    for leader, words in ((outside, "不在本项目办管理范围内"), (retired, "已不在任")):
        with pytest.raises(ValidationError, match=words):
            bulk_assign_plan(user=users["admin"], listing_ids=[listing.pk], changes=BulkChanges(leader=leader))
