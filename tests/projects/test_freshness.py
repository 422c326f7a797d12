"""Figures reused until the data changes (projects.freshness): every committed write to the
application's data renews the data version, whatever wrote it (a save, a delete, a link between
two rows, a bulk write, the admin, a command); nothing else does; a page never shows a figure older
than the data it was asked after."""

import io
import re
from datetime import date
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Role
from projects.choices import Category
from projects.devdata.scale import scale_data_generate
from projects.freshness import cached_figure, data_changed, data_version
from projects.models import (
    Assignment,
    DataVersion,
    Listing,
    ListingCumulative,
    MonthlyReport,
    Problem,
    Project,
    Street,
)
from projects.services.assignments import assignments_end
from projects.services.audit import bulk_create_audited
from projects.services.cumulatives import cumulatives_refresh
from projects.services.reports import ReportInput, report_save

OPEN_LISTING = "北环路机械配件厂技改（示例）"


def _listing():
    return Listing.objects.select_related("project").get(project__name=OPEN_LISTING)


def _save_report(users):
    report = MonthlyReport.objects.filter(listing=_listing()).first()
    report.progress = "主体完工"
    report.save()


def _save_cumulative(users):
    row = ListingCumulative.objects.get(listing=_listing())
    row.month_9 += 1
    row.save()


def _add_street(users):
    # On SQLite Django links the rows with INSERT OR IGNORE (a bulk_create with ignore_conflicts).
    users["staff_a"].streets.add(Street.objects.exclude(staff_users=users["staff_a"]).first())


def _change_role(users):
    users["staff_a"].role = Role.LEADER
    users["staff_a"].save()


def _stamp_login(users):
    users["staff_a"].last_login = timezone.now()
    users["staff_a"].save(update_fields=["last_login"])


def _save_history_row(users):
    record = Project.history.first()
    record.history_change_reason = "补记原因"
    record.save()


def _record_login_attempt(users):
    blank = dict.fromkeys(["user_agent", "http_accept", "get_data", "post_data"], "")
    AccessAttempt.objects.create(username="staff", path_info="/", failures_since_start=1, **blank)


WRITES = {
    "a report saved": (_save_report, True),
    "a cumulative row saved": (_save_cumulative, True),
    "a problem deleted": (lambda users: Problem.objects.first().delete(), True),
    "problems deleted by a queryset": (lambda users: Problem.objects.filter(project=_listing().project).delete(), True),
    "a street linked to a user": (_add_street, True),
    "a user's streets cleared": (lambda users: users["staff_a"].streets.clear(), True),
    "a role changed": (_change_role, True),
    "cumulatives rebuilt": (lambda users: cumulatives_refresh([_listing().pk]), True),
    "last_login stamped": (_stamp_login, False),  # signing in changes no figure
    "a history row saved": (_save_history_row, False),  # it comes with a write to its own table (that one counts)
    "a session saved": (lambda users: SessionStore().create(), False),
    "a login attempt recorded": (_record_login_attempt, False),
    "the version row saved": (lambda users: DataVersion.objects.get().save(), False),
    "a read": (lambda users: list(Listing.objects.all()), False),
}


pytestmark_commits = pytest.mark.django_db(transaction=True)


@pytestmark_commits
def test_which_writes_change_the_data(users):
    wrong = []
    for name, (write, counts) in WRITES.items():  # each commits at once (autocommit)
        token = data_version()
        write(users)
        if (data_version() != token) is not counts:
            wrong.append(name)
    assert wrong == []


@pytestmark_commits
def test_a_transaction_renews_the_version_once_however_many_writes(users, monkeypatch):
    from projects import freshness

    renewals, renew = [], freshness.new_token
    monkeypatch.setattr(freshness, "new_token", lambda *args: renewals.append(args) or renew(*args))
    with transaction.atomic():
        _save_report(users)
        _save_cumulative(users)
        _add_street(users)
        data_changed()
    assert len(renewals) == 1


def submit(users, investment, submit_it=False):
    listing = Listing.objects.get(project__name=OPEN_LISTING)
    report_save(
        user=users["staff_a"],
        listing=listing,
        month=9,
        data=ReportInput(investment=Decimal(investment), progress="主体完工"),
        version=MonthlyReport.objects.filter(listing=listing, month=9).values_list("version", flat=True).first() or 0,
        submit=submit_it,
    )


@pytest.fixture
def overview_page(client_for, monkeypatch):
    """overview_page(level, year=2015): (plan, done) as the admin's overview shows them for that
    year's September; overview_page.computed lists each time the page had to compute its figures."""
    from projects.views import dashboard

    computed, selector = [], dashboard.overview

    def counted(**kwargs):
        computed.append(kwargs)
        return selector(**kwargs)

    monkeypatch.setattr(dashboard, "overview", counted)
    client = client_for("admin")

    def show(level, year=2015):
        page = client.get(f"/overview/?year={year}&month=9&level={level}").content.decode()
        found = (re.search(rf'id="overview-{key}">([^<]*)<', page).group(1) for key in ("plan", "done"))
        return tuple(Decimal(value.replace(",", "")) for value in found)

    show.computed = computed
    return show


@pytestmark_commits
def test_a_write_outside_a_transaction_renews_the_figures(users, overview_page):
    listing = Listing.objects.get(project__name=OPEN_LISTING)
    before = overview_page(listing.level)
    assert overview_page(listing.level) == before
    assert len(overview_page.computed) == 1  # the second view reused the figures

    token = data_version()
    plan, listing.annual_plan = listing.annual_plan, Decimal("12345")
    listing.save()  # autocommit
    assert data_version() != token

    assert overview_page(listing.level)[0] == before[0] - plan + Decimal("12345")
    assert len(overview_page.computed) == 2


@pytestmark_commits
def test_a_saved_report_shows_in_the_next_overview(users, overview_page):
    level = Listing.objects.get(project__name=OPEN_LISTING).level
    _, done = overview_page(level)
    submit(users, "350", submit_it=True)
    assert overview_page(level)[1] == done + Decimal("350")


@pytestmark_commits
def test_inside_a_transaction_the_version_changes_on_commit_and_not_on_rollback(users):
    token = data_version()
    project = Project.objects.get(name=OPEN_LISTING)
    with transaction.atomic():
        project.owner = "甲公司"
        project.save()
        project.owner = "乙公司"
        project.save()
        assert data_version() == token  # not before the commit: a reader would cache old data under it
    committed = data_version()
    assert committed != token

    with pytest.raises(RuntimeError), transaction.atomic():
        project.owner = "丙公司"
        project.save()
        raise RuntimeError("rolled back")
    assert data_version() == committed


@pytestmark_commits
def test_a_report_saved_and_a_scope_changed_both_renew(users):
    seen = {data_version()}

    def renewed():
        token = data_version()
        assert token not in seen
        seen.add(token)
        return True

    submit(users, "350")
    assert renewed()
    users["staff_a"].streets.clear()  # what a user may see is data too
    assert renewed()


@pytestmark_commits
def test_signing_in_changes_nothing(users, client):
    from projects.devdata.demo import DEMO_PASSWORD

    token = data_version()
    assert client.post("/accounts/login/", {"username": "staff", "password": DEMO_PASSWORD}).status_code == 302
    assert get_user_model().objects.get(username="staff").last_login is not None
    assert data_version() == token


@pytestmark_commits
def test_without_the_version_row_figures_are_computed_and_the_next_write_brings_it_back(users, overview_page):
    DataVersion.objects.all().delete()
    assert data_version() is None
    first = overview_page("city")
    assert overview_page("city") == first
    assert len(overview_page.computed) == 2  # nothing reused without a version
    submit(users, "120")
    assert data_version() is not None


# --- Every write that sends no model signal renews the figures too --------------------------------


def new_project(name, listing):
    return Project(
        name=name,
        owner="示例建设有限公司",
        district=listing.project.district,
        street=listing.project.street,
        unit=listing.project.unit,
    )


@pytestmark_commits
def test_a_street_linked_to_a_user_shows_in_the_users_next_overview(users, client_for):
    """On SQLite Django links the rows with INSERT OR IGNORE (bulk_create with ignore_conflicts),
    which a watch over the SQL statements missed."""
    staff = client_for("staff_a")

    def own_scope():
        page = staff.get("/overview/?year=2015&month=9&level=district").content.decode()
        return re.search(r'id="own-summary">\s*<h2>([^<]*)<', page).group(1)

    street = Street.objects.exclude(staff_users=users["staff_a"]).order_by("name").first()
    assert street.name not in own_scope()
    users["staff_a"].streets.add(street)
    assert street.name in own_scope()


@pytestmark_commits
def test_bulk_created_audited_rows_show_in_the_next_overview(users, overview_page):
    listing = _listing()
    plan, done = overview_page(listing.level)
    (project,) = bulk_create_audited([new_project("批量新建项目（示例）", listing)], Project, user=None, reason="测试")
    added = Listing(project=project, year=2015, level=listing.level, category=Category.NEW_START)
    added.annual_plan = Decimal("777")
    bulk_create_audited([added], Listing, user=None, reason="测试")
    assert overview_page(listing.level) == (plan + Decimal("777"), done)


@pytestmark_commits
def test_a_confirmed_import_shows_in_the_next_overview(users, sample_import, overview_page, client_for):
    from projects.services.imports import import_confirm

    before = client_for("admin").get("/overview/?year=2016&month=9&level=city").content.decode()
    assert "2016年没有市重点项目清单" in before  # a year without a list says so instead of showing zeros
    import_confirm(user=users["admin"], record=sample_import)
    assert overview_page("city", year=2016)[0] > 0


@pytestmark_commits
def test_rebuilt_cumulatives_show_in_the_next_overview(users, overview_page):
    listing = _listing()
    plan, done = overview_page(listing.level)
    # A report changed behind the application's back (no signal, no rebuild): nothing shows yet.
    MonthlyReport.objects.filter(listing=listing, month=1).update(investment=F("investment") + 100)
    assert overview_page(listing.level) == (plan, done)

    call_command("refresh_cumulatives", stdout=io.StringIO())
    assert overview_page(listing.level) == (plan, done + Decimal("100"))


@pytestmark_commits
def test_generated_scale_data_shows_in_the_next_overview(users, overview_page):
    level = _listing().level
    plan, _ = overview_page(level)
    scale_data_generate(listings=3, seed=7, years=(2015,), level=level, months=0)
    assert overview_page(level)[0] == plan + sum(
        Listing.objects.filter(project__name__contains="（示例0").values_list("annual_plan", flat=True)
    )


@pytestmark_commits
def test_assignments_ended_in_bulk_renew_the_figures(users):
    """assignments_end updates its rows in bulk (bulk_update: no model signal)."""
    computed = []

    weidong = Assignment.objects.filter(project__district__code="410403")  # what the demo admin manages

    def figure():
        computed.append(1)
        return weidong.filter(active=True).count()

    active = cached_figure("active-assignments", figure)
    assert cached_figure("active-assignments", figure) == active and len(computed) == 1

    ended = assignments_end(user=users["admin"], assignments=Assignment.objects.all(), ended_on=date(2015, 10, 1))
    assert ended == active > 0
    assert cached_figure("active-assignments", figure) == 0 and len(computed) == 2


@pytestmark_commits
def test_a_listing_changed_in_the_admin_shows_in_the_next_overview(users, overview_page, client_for):
    listing = _listing()
    plan, done = overview_page(listing.level)
    admin, url = client_for("admin"), f"/admin/projects/listing/{listing.pk}/change/"
    page = admin.get(url)
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {
        form.add_prefix(name): form[name].value()
        for form in forms
        for name in form.fields
        if form[name].value() is not None
    }
    data["annual_plan"] = str(listing.annual_plan + 1000)
    assert admin.post(url, data).status_code == 302
    assert overview_page(listing.level) == (plan + Decimal("1000"), done)
