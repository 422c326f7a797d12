"""Figures reused until the data changes (projects.freshness): every committed write to the
application's tables renews the data version, whatever wrote it; nothing else does; a page never
shows a figure older than the data it was asked after."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from projects.freshness import changes_data, data_version
from projects.models import DataVersion, Listing, MonthlyReport, Project
from projects.services.reports import ReportInput, report_save

OPEN_LISTING = "北环路机械配件厂技改（示例）"


@pytest.mark.parametrize(
    "sql, writes",
    [
        ('INSERT INTO "projects_monthlyreport" ("listing_id") VALUES (%s)', True),
        ('UPDATE "projects_listingcumulative" SET "month_9" = %s', True),
        ('DELETE FROM "projects_problem" WHERE "id" IN (%s)', True),
        ('INSERT INTO "accounts_user_streets" ("user_id", "street_id") VALUES (%s, %s)', True),
        ("  insert into projects_listing (id) select id from projects_listing", True),
        ('INSERT INTO "accounts_historicaluser" ("id", "last_login") VALUES (%s, %s)', False),
        ('UPDATE "accounts_user" SET "role" = %s WHERE "accounts_user"."id" = %s', True),
        ('UPDATE "accounts_user" SET "last_login" = %s WHERE "accounts_user"."id" = %s', False),
        ('UPDATE "django_session" SET "session_data" = %s', False),
        ('INSERT INTO "axes_accessattempt" ("username") VALUES (%s)', False),
        ('INSERT INTO "projects_dataversion" ("id", "token") VALUES (%s, %s)', False),
        ('SELECT "projects_listing"."id" FROM "projects_listing"', False),
    ],
)
def test_which_statements_change_the_data(sql, writes):
    assert changes_data(sql) is writes


pytestmark_commits = pytest.mark.django_db(transaction=True)


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
    """overview_page(level): (plan, done) as the admin's overview shows them for September 2015;
    overview_page.computed lists each time the page had to compute its figures."""
    from projects.views import dashboard

    computed, selector = [], dashboard.overview

    def counted(**kwargs):
        computed.append(kwargs)
        return selector(**kwargs)

    monkeypatch.setattr(dashboard, "overview", counted)
    client = client_for("admin")

    def show(level):
        page = client.get(f"/overview/?year=2015&month=9&level={level}").content.decode()
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
    Listing.objects.filter(pk=listing.pk).update(annual_plan=Decimal("12345"))  # autocommit
    assert data_version() != token

    assert overview_page(listing.level)[0] == before[0] - listing.annual_plan + Decimal("12345")
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
    with transaction.atomic():
        Project.objects.filter(name=OPEN_LISTING).update(owner="甲公司")
        Project.objects.filter(name=OPEN_LISTING).update(owner="乙公司")
        assert data_version() == token  # not before the commit: a reader would cache old data under it
    committed = data_version()
    assert committed != token

    with pytest.raises(RuntimeError), transaction.atomic():
        Project.objects.filter(name=OPEN_LISTING).update(owner="丙公司")
        raise RuntimeError("rolled back")
    assert data_version() == committed


@pytestmark_commits
def test_service_writes_raw_sql_and_scope_changes_all_renew(users):
    seen = {data_version()}

    def renewed():
        token = data_version()
        assert token not in seen
        seen.add(token)
        return True

    submit(users, "350")
    assert renewed()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE projects_listingcumulative SET month_9 = month_9 + 1")
    assert renewed()
    users["staff_a"].streets.clear()  # what a user may see is data too
    assert renewed()


@pytestmark_commits
def test_signing_in_changes_nothing(users, client):
    from projects.services.demo import DEMO_PASSWORD

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
