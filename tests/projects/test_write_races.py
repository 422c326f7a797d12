"""Races between writes that two people (or two servers) can start at the same moment: each check
and the write it guards are one step (PostgreSQL only, where transactions truly run side by side;
SQLite begins every transaction IMMEDIATE and so runs writers one at a time)."""

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.core.files import File
from django.db import connection, connections, transaction

from accounts.models import Role
from projects.models import ClosedMonth, Listing, MonthlyReport, Problem, Project, SupervisionVisit
from projects.services import imports, reports, visits
from projects.services.imports import import_confirm, import_upload
from projects.services.reports import ReportInput, month_close, report_save
from projects.services.visits import visit_findings_to_problems, visit_record
from tests.conftest import SAMPLE_LIST

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for truly concurrent transactions"),
]

UNREPORTED = "北环路机械配件厂技改（示例）"  # staff's street; September 2015 not reported; Jan–Aug closed


def run_in_thread(outcomes, name, work):
    """Run ``work`` on a connection of its own; record what it returned or raised."""

    def target():
        try:
            outcomes[name] = ("ok", work())
        except Exception as error:  # recorded, then asserted on by the test
            outcomes[name] = (type(error).__name__, error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    return thread


def slow_first_save(monkeypatch, services):
    """Make the first audited save of the ``services`` module hold its transaction a second after
    writing; return the event set once it has written."""
    inside, original, calls = threading.Event(), services.audited_save, []

    def slow(obj, **kwargs):
        saved = original(obj, **kwargs)
        calls.append(obj)
        if len(calls) == 1:
            inside.set()
            time.sleep(1)
        return saved

    monkeypatch.setattr(services, "audited_save", slow)
    return inside


def submit_september(user):
    listing = Listing.objects.get(project__name=UNREPORTED, year=2015)
    return report_save(
        user=user,
        listing=listing,
        month=9,
        data=ReportInput(investment=Decimal("100"), progress="设备安装"),
        version=0,
        submit=True,
    )


def close_september_slowly(admin, outcomes, monkeypatch):
    """Start closing September 2015 in a thread whose transaction stays open a second after the
    month's row is written; return once it is, with the thread."""
    inside, original = threading.Event(), reports.audited_save

    def slow_close(obj, **kwargs):
        saved = original(obj, **kwargs)
        if isinstance(obj, ClosedMonth):
            inside.set()
            time.sleep(1)
        return saved

    monkeypatch.setattr(reports, "audited_save", slow_close)
    closing = run_in_thread(outcomes, "close", lambda: month_close(user=admin, year=2015, month=9))
    assert inside.wait(10)
    return closing


def test_a_month_closed_while_a_save_is_in_flight_waits_for_the_save(users, monkeypatch):
    """The save began first (a submit with large photos holds its transaction): the close waits
    for it, so the report lands before the month is closed, never after."""
    inside, commits = threading.Event(), {}
    original_photos, original_save = reports.check_photo_count, reports.audited_save

    def on_commit_note(name):
        transaction.on_commit(lambda: commits.setdefault(name, time.monotonic()))

    def slow_photos(report, count):
        on_commit_note("save")
        inside.set()
        time.sleep(1)  # storing ten large photos
        return original_photos(report, count)

    def noted_close(obj, **kwargs):
        saved = original_save(obj, **kwargs)
        if isinstance(obj, ClosedMonth):
            on_commit_note("close")  # at once when not in a transaction, else when it commits
        return saved

    monkeypatch.setattr(reports, "check_photo_count", slow_photos)
    monkeypatch.setattr(reports, "audited_save", noted_close)
    outcomes = {}
    saving = run_in_thread(outcomes, "save", lambda: submit_september(users["staff_a"]))
    assert inside.wait(10)
    closing = run_in_thread(outcomes, "close", lambda: month_close(user=users["admin"], year=2015, month=9))
    saving.join(30)
    closing.join(30)

    assert outcomes["save"][0] == "ok" and outcomes["close"][0] == "ok", outcomes
    assert commits["save"] < commits["close"]  # the close committed after the save, not under it
    report = MonthlyReport.objects.get(listing__project__name=UNREPORTED, month=9)
    assert report.status == "submitted"
    assert ClosedMonth.objects.filter(year=2015, month=9).exists()


def test_a_save_started_while_the_month_is_being_closed_is_refused(users, monkeypatch):
    """The close began first: the save waits for it, then sees the month closed and is refused
    with the closed-month message; nothing lands in the closed month."""
    outcomes = {}
    closing = close_september_slowly(users["admin"], outcomes, monkeypatch)
    saving = run_in_thread(outcomes, "save", lambda: submit_september(users["staff_a"]))
    closing.join(30)
    saving.join(30)

    assert outcomes["close"][0] == "ok", outcomes
    assert outcomes["save"][0] == "ValidationError", outcomes
    assert "2015年9月已锁定" in str(outcomes["save"][1])
    assert not MonthlyReport.objects.filter(listing__project__name=UNREPORTED, month=9).exists()


def slow_closing_checks(monkeypatch):
    """Make each close's check of which districts have closed the month slow: two closes started
    together have both checked before either writes, unless they serialise. Returns the list the
    checks' findings (MonthClosing) are added to."""
    original, seen = reports.month_closing, []

    def slow_check(**kwargs):
        state = original(**kwargs)
        seen.append(state)
        time.sleep(0.5)
        return state

    monkeypatch.setattr(reports, "month_closing", slow_check)
    return seen


def close_september_at_once(**admins):
    """Each named admin closes September 2015 in a thread of their own, all starting together;
    the outcome of each by name."""
    barrier = threading.Barrier(len(admins))
    outcomes = {}

    def close(user):
        barrier.wait()
        return month_close(user=user, year=2015, month=9)

    threads = [run_in_thread(outcomes, name, lambda user=user: close(user)) for name, user in admins.items()]
    for thread in threads:
        thread.join(30)
    return outcomes


def test_two_admins_closing_the_same_month_at_once_one_is_told_it_is_closed(users, monkeypatch, django_user_model):
    second_admin = django_user_model.objects.create_user(
        "admin_b", password="kp-test-Pass-2015", role=Role.ADMIN, region=users["admin"].region
    )
    slow_closing_checks(monkeypatch)
    outcomes = close_september_at_once(first=users["admin"], second=second_admin)

    kinds = sorted(outcomes[name][0] for name in ("first", "second"))
    assert kinds == ["ValidationError", "ok"], outcomes
    refused = next(outcomes[name][1] for name in ("first", "second") if outcomes[name][0] != "ok")
    assert "2015年9月已经锁定" in str(refused)
    assert ClosedMonth.objects.filter(year=2015, month=9).count() == 1


def test_a_district_closing_its_month_never_holds_up_another_districts_saves(users, monkeypatch, django_user_model):
    """卫东区's office is closing September (its transaction open): a 新华区 correction of September
    lands and commits at once, not after the close; 卫东区's month closes, 新华区's stays open."""
    from projects.models import Region

    xinhua = django_user_model.objects.create_user(
        "xinhua", password="kp-test-Pass-2015", role=Role.ADMIN, region=Region.objects.get(code="410402")
    )
    listing = Listing.objects.select_related("project").get(project__name="新华区中兴路片区棚户区改造（示例）")
    september = listing.reports.get(month=9)
    commits, outcomes = {}, {}
    original = reports.audited_save

    def noted_close(obj, **kwargs):
        saved = original(obj, **kwargs)
        if isinstance(obj, ClosedMonth):
            transaction.on_commit(lambda: commits.setdefault("close", time.monotonic()))
        return saved

    monkeypatch.setattr(reports, "audited_save", noted_close)
    closing = close_september_slowly(users["admin"], outcomes, monkeypatch)

    def correct():
        report = report_save(
            user=xinhua,
            listing=listing,
            month=9,
            data=ReportInput(investment=september.investment + 1, progress="按台账核定"),
            version=september.version,
            submit=False,
            confirmed=True,
            correction_reason="按台账核定",
        )
        commits["save"] = time.monotonic()  # report_save's own transaction has committed
        return report

    saving = run_in_thread(outcomes, "save", correct)
    saving.join(30)
    closing.join(30)

    assert outcomes["save"][0] == "ok" and outcomes["close"][0] == "ok", outcomes
    assert commits["save"] < commits["close"]  # the save did not wait for 卫东区's close
    assert MonthlyReport.objects.get(pk=september.pk).investment == september.investment + 1
    assert list(ClosedMonth.objects.filter(year=2015, month=9).values_list("district__code", flat=True)) == ["410403"]


def test_the_city_and_a_district_closing_at_once_close_each_district_once(users, monkeypatch, django_user_model):
    """Both offices check which districts still have September open before either writes, unless
    they serialise: then both would write 卫东区's row and one would fail on the unique constraint.
    Serialised, the second closes what the first left open, or is told it is already closed."""
    city = django_user_model.objects.get(username="city")
    seen = slow_closing_checks(monkeypatch)
    outcomes = close_september_at_once(district=users["admin"], city=city)

    # The second check ran after the first close committed: only one of them found 卫东区 open.
    assert len(seen) == 2 and sum(any(d.code == "410403" for d in state.open) for state in seen) == 1, seen
    assert outcomes["city"][0] == "ok", outcomes
    if outcomes["district"][0] != "ok":  # the city came first and closed 卫东区 too
        assert outcomes["district"][0] == "ValidationError" and "2015年9月已经锁定" in str(outcomes["district"][1])
    rows = ClosedMonth.objects.filter(year=2015, month=9)
    districts = list(rows.values_list("district__code", flat=True))
    assert len(districts) == len(set(districts)) == rows.filter(district__parent__code="410400").count() == 10
    closed_by = {row.district.code: row.closed_by.username for row in rows.select_related("district", "closed_by")}
    assert closed_by["410403"] == ("admin" if outcomes["district"][0] == "ok" else "city")


def test_two_previews_of_one_list_confirmed_at_once_create_each_project_once(users, monkeypatch):
    def upload():
        with SAMPLE_LIST.open("rb") as handle:
            record, plan = import_upload(
                user=users["admin"], upload=File(handle, name=SAMPLE_LIST.name), year=2016, level="city"
            )
        assert plan.ok
        return record, plan

    (first, plan), (second, _) = upload(), upload()
    projects_before = Project.objects.count()
    barrier, original = threading.Barrier(2), imports._apply

    def slow_apply(plan, **kwargs):
        time.sleep(0.5)  # both confirms have planned before either commits, unless they serialise
        return original(plan, **kwargs)

    monkeypatch.setattr(imports, "_apply", slow_apply)
    outcomes = {}

    def confirm(record):
        barrier.wait()
        return import_confirm(user=users["admin"], record=record)

    threads = [
        run_in_thread(outcomes, "first", lambda: confirm(first)),
        run_in_thread(outcomes, "second", lambda: confirm(second)),
    ]
    for thread in threads:
        thread.join(60)

    assert sorted(outcomes[name][0] for name in ("first", "second")) == ["ValidationError", "ok"], outcomes
    assert Listing.objects.filter(year=2016, level="city").count() == len(plan.rows)
    assert Project.objects.count() == projects_before + plan.count("new")
    refused = next(outcomes[name][1] for name in ("first", "second") if outcomes[name][0] != "ok")
    assert "未写入任何数据" in str(refused)


def test_findings_converted_three_times_at_once_make_one_problem_each(users, monkeypatch):
    from projects.models import Leader

    project = Project.objects.get(name=UNREPORTED)
    visit = visit_record(
        user=users["admin"],
        project=project,
        date=date(2015, 10, 8),
        leaders=list(Leader.objects.filter(name="王某")),
        findings="围挡破损\n扬尘治理不到位",
    )
    barrier, original = threading.Barrier(3), visits.problem_create

    def slow_create(**kwargs):
        problem = original(**kwargs)
        time.sleep(0.3)  # every click reads the problems made so far before any commits, unless locked
        return problem

    monkeypatch.setattr(visits, "problem_create", slow_create)
    outcomes = {}

    def convert():
        barrier.wait()
        return len(visit_findings_to_problems(user=users["admin"], visit=SupervisionVisit.objects.get(pk=visit.pk)))

    threads = [run_in_thread(outcomes, f"click{n}", convert) for n in range(3)]
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes[f"click{n}"] for n in range(3)) == [("ok", 0), ("ok", 0), ("ok", 2)], outcomes
    assert sorted(Problem.objects.filter(source_visit=visit).values_list("description", flat=True)) == [
        "围挡破损",
        "扬尘治理不到位",
    ]


def test_two_months_of_one_project_saved_at_once_keep_its_cumulatives_right(users, monkeypatch):
    """Staff submit September while an admin corrects August of the same project: both land, and
    the derived month-end cumulatives hold both (no duplicate key, no sum that misses one)."""
    from projects import signals
    from projects.models import ListingCumulative

    listing = Listing.objects.get(project__name=UNREPORTED, year=2015)
    august = listing.reports.get(month=8)
    rebuilt, original = threading.Event(), signals.cumulatives_refresh

    def slow_refresh(listing_ids):
        original(listing_ids)
        rebuilt.set()
        time.sleep(1)  # the rest of the save (photos) keeps the transaction open

    monkeypatch.setattr(signals, "cumulatives_refresh", slow_refresh)
    outcomes = {}
    september = run_in_thread(outcomes, "september", lambda: submit_september(users["staff_a"]))
    assert rebuilt.wait(10)
    correction = run_in_thread(
        outcomes,
        "august",
        lambda: report_save(
            user=users["admin"],
            listing=listing,
            month=8,
            data=ReportInput(investment=august.investment + 1, progress="核定"),
            version=august.version,
            submit=False,
            confirmed=True,
            correction_reason="按台账核定",
        ),
    )
    september.join(30)
    correction.join(30)

    assert outcomes["september"][0] == "ok" and outcomes["august"][0] == "ok", outcomes
    submitted = MonthlyReport.objects.filter(listing=listing, status="submitted")
    row = ListingCumulative.objects.get(listing=listing)
    assert row.month_8 == sum(r.investment for r in submitted if r.month <= 8)
    assert row.month_12 == sum(r.investment for r in submitted) == row.month_8 + Decimal("100")


def test_a_photo_deleted_while_the_month_is_being_closed_stays(users, monkeypatch):
    """Like a save, removing a photo waits for a close in flight and is then refused."""
    from projects.models import ReportPhoto
    from projects.services.photos import photo_delete

    photo = ReportPhoto.objects.get(report__listing__project__name="市正顺化工公司技改10万吨/年洗油深加工")
    outcomes = {}
    closing = close_september_slowly(users["admin"], outcomes, monkeypatch)
    deleting = run_in_thread(outcomes, "delete", lambda: photo_delete(user=users["admin"], photo=photo))
    closing.join(30)
    deleting.join(30)

    assert outcomes["close"][0] == "ok", outcomes
    assert outcomes["delete"][0] == "ValidationError" and "已锁定" in str(outcomes["delete"][1]), outcomes
    assert ReportPhoto.objects.filter(pk=photo.pk).exists()
