"""Two people saving one project's publication (or marking overlapping sets) at the same moment: the
version check and the write are one step under a lock on the project's row, so the later save is
refused instead of overwriting, a first row is never made twice, and overlapping bulk marks lock in
one order (PostgreSQL only, where transactions truly run side by side; SQLite runs writers one at a
time)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from opendata.models import Publication
from opendata.services import publications as publication_services
from opendata.services.publications import PointInput, publication_save, publications_mark
from projects.models import Project
from tests.projects.test_write_races import run_in_thread, slow_first_save

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for truly concurrent transactions"),
]

STAFF_OWN = "北环路冷链物流中心（示例）"  # 北环路街道 (the demo staff's street); no publication row
STAFF_OWN_PUBLIC = "市正顺化工公司技改10万吨/年洗油深加工"  # 北环路街道; marked 可公开 by the demo
UNPUBLISHED = [
    "东环路智能装备制造基地（示例）",
    "优越路商业步行街提升改造（示例）",
    "建设路保障性住房（示例）",
    "东安路片区旧城改造（示例）",
    "蒲城新型建材产业园（示例）",
]
ADMIN_POINT = PointInput(Decimal("113.3037271"), Decimal("33.7414475"))
STAFF_POINT = PointInput(Decimal("113.3100000"), Decimal("33.7500000"))


def project(name):
    return Project.objects.get(name=name)


def save(user, target, point, purpose, version, **kwargs):
    return lambda: publication_save(
        user=user, project=target, point=point, purpose=purpose, expected_version=version, **kwargs
    )


def test_two_saves_from_the_same_version_one_wins_the_other_is_refused(users, monkeypatch):
    target = project(STAFF_OWN_PUBLIC)
    opened_at = Publication.objects.get(project=target).version
    inside, outcomes = slow_first_save(monkeypatch, publication_services), {}
    first = run_in_thread(
        outcomes, "admin", save(users["admin"], target, ADMIN_POINT, "管理员", opened_at, public=False)
    )
    assert inside.wait(10)
    second = run_in_thread(outcomes, "staff", save(users["staff_a"], target, STAFF_POINT, "填报员", opened_at))
    first.join(15)
    second.join(15)
    assert outcomes["admin"][0] == "ok"
    assert outcomes["staff"][0] == "StalePublication"
    assert outcomes["staff"][1].publication.purpose == "管理员"  # the staff's page is shown the winner's row
    stored = Publication.objects.get(project=target)
    assert (stored.purpose, stored.public, stored.longitude, stored.version) == (
        "管理员",
        False,
        Decimal("113.3037271"),
        opened_at + 1,
    )
    assert stored.history.latest().history_user == users["admin"]


def test_two_saves_released_together_leave_exactly_the_winners_row(users):
    target = project(STAFF_OWN_PUBLIC)
    opened_at = Publication.objects.get(project=target).version
    start, outcomes = threading.Barrier(2), {}

    def released(work):
        def run():
            start.wait(10)
            return work()

        return run

    threads = [
        run_in_thread(outcomes, "admin", released(save(users["admin"], target, ADMIN_POINT, "管理员", opened_at))),
        run_in_thread(outcomes, "staff", released(save(users["staff_a"], target, STAFF_POINT, "填报员", opened_at))),
    ]
    for thread in threads:
        thread.join(15)
    kinds = sorted(outcome[0] for outcome in outcomes.values())
    assert kinds == ["StalePublication", "ok"]
    winner = next(name for name, outcome in outcomes.items() if outcome[0] == "ok")
    stored = Publication.objects.get(project=target)
    assert stored.version == opened_at + 1
    assert stored.purpose == {"admin": "管理员", "staff": "填报员"}[winner]
    assert stored.longitude == {"admin": ADMIN_POINT, "staff": STAFF_POINT}[winner].longitude
    assert stored.history.latest().history_user == users["admin" if winner == "admin" else "staff_a"]


def test_two_first_saves_at_once_make_one_row(users, monkeypatch):
    target = project(STAFF_OWN)
    inside, outcomes = slow_first_save(monkeypatch, publication_services), {}
    first = run_in_thread(outcomes, "admin", save(users["admin"], target, ADMIN_POINT, "管理员", 0, public=True))
    assert inside.wait(10)
    second = run_in_thread(outcomes, "staff", save(users["staff_a"], target, STAFF_POINT, "填报员", 0))
    first.join(15)
    second.join(15)
    assert outcomes["admin"][0] == "ok"
    assert outcomes["staff"][0] == "StalePublication"  # a clear refusal, not an IntegrityError
    stored = Publication.objects.get(project=target)  # exactly one row
    assert (stored.purpose, stored.public, stored.version) == ("管理员", True, 1)
    assert stored.history.count() == 1


def test_a_first_save_and_a_bulk_mark_at_once_make_one_row(users, monkeypatch):
    target = project(STAFF_OWN)
    inside, outcomes = slow_first_save(monkeypatch, publication_services), {}
    first = run_in_thread(outcomes, "staff", save(users["staff_a"], target, STAFF_POINT, "填报员", 0))
    assert inside.wait(10)
    second = run_in_thread(
        outcomes, "mark", lambda: publications_mark(user=users["admin"], projects=[target], public=True)
    )
    first.join(15)
    second.join(15)
    assert outcomes["staff"][0] == "ok"
    assert outcomes["mark"] == ("ok", 1)  # waited for the staff's row, then marked it
    stored = Publication.objects.get(project=target)
    assert (stored.purpose, stored.public, stored.longitude, stored.version) == (
        "填报员",
        True,
        STAFF_POINT.longitude,
        2,
    )


def test_a_bulk_mark_first_then_a_first_save_is_refused_not_doubled(users, monkeypatch):
    target = project(STAFF_OWN)
    inside, outcomes = slow_first_save(monkeypatch, publication_services), {}
    first = run_in_thread(
        outcomes, "mark", lambda: publications_mark(user=users["admin"], projects=[target], public=True)
    )
    assert inside.wait(10)
    second = run_in_thread(outcomes, "staff", save(users["staff_a"], target, STAFF_POINT, "填报员", 0))
    first.join(15)
    second.join(15)
    assert outcomes["mark"] == ("ok", 1)
    assert outcomes["staff"][0] == "StalePublication"
    stored = Publication.objects.get(project=target)
    assert (stored.public, stored.has_point, stored.version) == (True, False, 1)


def test_overlapping_bulk_marks_at_once_neither_deadlock_nor_double(users, monkeypatch, django_user_model):
    second_admin = django_user_model.objects.create_user(
        "admin2", password="kp-test-Pass-2015", role=users["admin"].role, region=users["admin"].region
    )
    projects = [project(name) for name in UNPUBLISHED]
    first_set, second_set = projects[:3], list(reversed(projects[1:]))  # overlap on two, named in the other order
    inside, outcomes = slow_first_save(monkeypatch, publication_services), {}
    first = run_in_thread(
        outcomes, "first", lambda: publications_mark(user=users["admin"], projects=first_set, public=True)
    )
    assert inside.wait(10)
    second = run_in_thread(
        outcomes, "second", lambda: publications_mark(user=second_admin, projects=second_set, public=True)
    )
    first.join(15)
    second.join(15)
    assert not first.is_alive() and not second.is_alive()
    assert outcomes["first"] == ("ok", 3)
    assert outcomes["second"] == ("ok", 2)  # the two it shares were public already when it saw them
    rows = Publication.objects.filter(project__in=projects)
    assert rows.count() == len(projects)
    assert all(row.public and row.version == 1 and row.history.count() == 1 for row in rows)


def test_opposite_bulk_marks_at_once_end_as_the_later_one_says(users, monkeypatch):
    projects = [project(name) for name in UNPUBLISHED[:3]] + [project(STAFF_OWN_PUBLIC)]
    inside, outcomes = slow_first_save(monkeypatch, publication_services), {}
    first = run_in_thread(
        outcomes, "mark", lambda: publications_mark(user=users["admin"], projects=projects, public=True)
    )
    assert inside.wait(10)
    second = run_in_thread(
        outcomes, "unmark", lambda: publications_mark(user=users["admin"], projects=projects[1:], public=False)
    )
    first.join(15)
    second.join(15)
    assert outcomes["mark"] == ("ok", 3)
    assert outcomes["unmark"] == ("ok", 3)  # waited for the mark, then unmarked what it had marked
    public = dict(Publication.objects.filter(project__in=projects).values_list("project__name", "public"))
    assert public == {
        UNPUBLISHED[0]: True,
        UNPUBLISHED[1]: False,
        UNPUBLISHED[2]: False,
        STAFF_OWN_PUBLIC: False,
    }


def test_many_bulk_marks_released_together_all_finish(users, django_user_model):
    """Four admins mark overlapping, differently ordered sets at the same instant: every call
    returns (no deadlock error), each project has one row, and the changes add up."""
    admins = [users["admin"]] + [
        django_user_model.objects.create_user(
            f"admin{n}", password="kp-test-Pass-2015", role=users["admin"].role, region=users["admin"].region
        )
        for n in range(2, 5)
    ]
    projects = [project(name) for name in UNPUBLISHED]
    sets = [projects[0:3], list(reversed(projects[1:4])), list(reversed(projects[2:5])), [projects[4], projects[0]]]
    start, outcomes = threading.Barrier(len(admins)), {}

    def marking(admin, chosen):
        def run():
            start.wait(10)
            return publications_mark(user=admin, projects=chosen, public=True)

        return run

    threads = [
        run_in_thread(outcomes, n, marking(admin, chosen))
        for n, (admin, chosen) in enumerate(zip(admins, sets, strict=True))
    ]
    for thread in threads:
        thread.join(20)
    assert all(outcome[0] == "ok" for outcome in outcomes.values()), outcomes
    assert sum(outcome[1] for outcome in outcomes.values()) == len(projects)
    rows = Publication.objects.filter(project__in=projects)
    assert rows.count() == len(projects)
    assert all(row.public and row.version == 1 for row in rows)
