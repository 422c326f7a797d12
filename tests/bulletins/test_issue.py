"""Issuing bulletins (bulletins.services.issue) and who reads them (bulletins.selectors.archive):
numbers per office and year, frozen content, corrections, scope, bad input."""

import io
import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.urls import reverse
from docx import Document

from accounts.models import Role, User
from bulletins.models import Bulletin
from bulletins.selectors.archive import readable_bulletins
from bulletins.selectors.drafts import bulletin_draft
from bulletins.services import issue
from bulletins.services.issue import bulletin_issue
from projects.models import MonthlyReport, Region, Street
from projects.services.reports import ReportInput, report_save
from tests.projects.test_report_views import media_files

SEPTEMBER = {"year": 2015, "month": 9, "level": "city"}
CORRECTED = "市四十一中异地重建项目"  # a city-level project; September 2015 submitted in the demo


def document_text(bulletin):
    with bulletin.document.open("rb") as file:
        document = Document(io.BytesIO(file.read()))
    return "\n".join(p.text for p in document.paragraphs)


def admin_of(code, username):
    return User.objects.create_user(
        username, password="kp-test-Pass-2015", role=Role.ADMIN, region=Region.objects.get(code=code)
    )


def test_an_issued_bulletin_keeps_the_draft_and_what_the_office_wrote(users, settings):
    settings.KP_TODAY = date(2015, 10, 8)
    bulletin = bulletin_issue(by=users["admin"], next_steps="一是加快滞后项目。", notes="抄送各街道。", **SEPTEMBER)
    draft = bulletin_draft(user=users["admin"], **SEPTEMBER)
    assert (bulletin.number, bulletin.region.code, bulletin.title) == (1, "410403", draft.title)
    assert bulletin.figures == draft.figures
    assert bulletin.content["sections"] == draft.as_dict()["sections"]
    assert (bulletin.content["next_steps"], bulletin.content["notes"]) == ("一是加快滞后项目。", "抄送各街道。")
    assert bulletin.issued_on == date(2015, 10, 8)
    text = document_text(bulletin)
    assert "第1期" in text and "93.58%" in text and "一是加快滞后项目。" in text
    record = bulletin.history.get()
    assert (record.history_user, record.history_change_reason) == (users["admin"], "签发第1期")


def test_numbers_count_per_office_and_year(users):
    admin = users["admin"]
    assert bulletin_issue(by=admin, **SEPTEMBER).number == 1
    assert bulletin_issue(by=admin, year=2015, month=8, level="city").number == 2
    assert bulletin_issue(by=admin, year=2014, month=12, level="city").number == 1  # a new year starts at 1
    city = User.objects.get(username="city")
    assert bulletin_issue(by=city, **SEPTEMBER).number == 1  # the city's office counts its own
    assert bulletin_issue(by=admin, year=2015, month=9, level="district").number == 3
    assert sorted(Bulletin.objects.filter(region__code="410403", year=2015).values_list("number", flat=True)) == [
        1,
        2,
        3,
    ]


def correct_september(admin, listing_report, investment):
    return report_save(
        user=admin,
        listing=listing_report.listing,
        month=9,
        data=ReportInput(investment=investment, progress=listing_report.progress or "主体施工"),
        version=listing_report.version,
        submit=True,
        confirmed=True,
        correction_reason="统计局核定数",
    )


def test_an_issued_bulletin_does_not_change_when_a_report_is_corrected_but_a_new_draft_does(users):
    admin = users["admin"]
    bulletin = bulletin_issue(by=admin, **SEPTEMBER)
    with bulletin.document.open("rb") as file:
        document = file.read()
    content, figures = bulletin.content, bulletin.figures
    report = MonthlyReport.objects.select_related("listing").get(
        listing__project__name=CORRECTED, listing__year=2015, month=9
    )
    correct_september(admin, report, report.investment + Decimal("1000"))

    bulletin.refresh_from_db()
    assert (bulletin.content, bulletin.figures) == (content, figures)
    with bulletin.document.open("rb") as file:
        assert file.read() == document
    page = users_client(admin).get(reverse("bulletins:bulletin_detail", args=[bulletin.pk])).content.decode()
    assert "41.17亿元" in page

    draft = bulletin_draft(user=admin, **SEPTEMBER)
    assert Decimal(draft.figures["cumulative"]) == Decimal(figures["cumulative"]) + 1000
    assert "41.27亿元" in draft.sections[0].paragraphs[0]


def users_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_a_correction_names_a_bulletin_of_the_same_office_and_period(users):
    admin = users["admin"]
    first = bulletin_issue(by=admin, **SEPTEMBER)
    august = bulletin_issue(by=admin, year=2015, month=8, level="city")
    with pytest.raises(ValidationError) as refused:
        bulletin_issue(by=admin, replaces=august, **SEPTEMBER)
    assert "同一年月" in refused.value.message_dict["replaces"][0]
    with pytest.raises(ValidationError):
        bulletin_issue(by=admin, year=2015, month=9, level="district", replaces=first)
    with pytest.raises(ValidationError):
        bulletin_issue(by=User.objects.get(username="city"), replaces=first, **SEPTEMBER)

    second = bulletin_issue(by=admin, replaces=first, next_steps="更正后的下步工作", **SEPTEMBER)
    assert (second.number, second.replaces) == (3, first)
    assert second.history.get().history_change_reason == "签发第3期，更正第1期"
    with pytest.raises(ValidationError) as again:
        bulletin_issue(by=admin, replaces=first, **SEPTEMBER)
    assert again.value.message_dict["replaces"] == ["第1期已由第3期更正，如需再更正请选择第3期。"]
    assert Bulletin.objects.count() == 3


def test_only_an_admin_issues_and_only_for_the_office(users):
    count = Bulletin.objects.count()
    for role in ("staff_a", "leader"):
        with pytest.raises(PermissionDenied):
            bulletin_issue(by=users[role], **SEPTEMBER)
    with pytest.raises(PermissionDenied, match="本项目办"):
        bulletin_issue(by=users["admin"], region=Region.objects.get(code="410402"), **SEPTEMBER)
    other_street = Street.objects.create(district=Region.objects.get(code="410402"), name="（测试）新华区街道")
    with pytest.raises(ValidationError, match="不在卫东区内"):
        bulletin_issue(by=users["admin"], street=other_street, **SEPTEMBER)
    assert Bulletin.objects.count() == count


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"year": 2015, "month": 13, "level": "city"}, "month", "月份必须在1到12之间。"),
        ({"year": 1990, "month": 9, "level": "city"}, "year", "年度应在"),
        ({"year": 2015, "month": 9, "level": "county"}, "level", "级别只能是"),
        ({"year": 2099, "month": 1, "level": "city"}, "month", "2099年1月还没有到"),
    ],
)
def test_bad_parameters_are_refused_in_chinese(users, params, field, message):
    with pytest.raises(ValidationError) as refused:
        bulletin_issue(by=users["admin"], **params)
    assert message in refused.value.message_dict[field][0]
    assert not Bulletin.objects.exists()


def test_who_reads_which_bulletins(users, client_for):
    admin, city = users["admin"], User.objects.get(username="city")
    district = bulletin_issue(by=admin, **SEPTEMBER)
    north = bulletin_issue(by=admin, street=Street.objects.get(name="北环路街道"), **SEPTEMBER)
    east = bulletin_issue(by=admin, street=Street.objects.get(name="东安路街道"), **SEPTEMBER)
    other = bulletin_issue(by=admin_of("410402", "xinhua"), **SEPTEMBER)
    city_wide = bulletin_issue(by=city, **SEPTEMBER)
    users["staff_b"].region = admin.region  # staff_b: 东安路街道 of 卫东区
    users["staff_b"].save()

    def readable(user):
        return set(readable_bulletins(user))

    assert readable(admin) == {district, north, east}
    assert readable(city) == {district, north, east, other, city_wide}  # the city's node and below
    assert readable(users["leader"]) == {district, north, east}  # issued for the leader's district
    assert readable(users["staff_a"]) == {district, north}  # district-wide and their street's
    assert readable(users["staff_b"]) == {district, east}
    assert readable(users["other_leader"]) == set()  # a leader without a district

    for role, readable_one, refused in (("leader", district, other), ("staff_a", north, east), ("admin", east, other)):
        client = client_for(role)
        assert client.get(reverse("bulletins:bulletin_detail", args=[readable_one.pk])).status_code == 200
        download = client.get(reverse("bulletins:bulletin_document", args=[readable_one.pk]))
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
        assert client.get(reverse("bulletins:bulletin_detail", args=[refused.pk])).status_code == 404
        assert client.get(reverse("bulletins:bulletin_document", args=[refused.pk])).status_code == 404
    archive = client_for("leader").get(reverse("bulletins:bulletin_list")).content.decode()
    assert "2015年第1期" in archive and "起草通报" not in archive


def test_the_download_is_named_for_filing(users, client_for):
    bulletin = bulletin_issue(by=users["admin"], **SEPTEMBER)
    response = client_for("admin").get(reverse("bulletins:bulletin_document", args=[bulletin.pk]))
    from urllib.parse import unquote

    name = unquote(response["Content-Disposition"].split("''", 1)[1])
    assert name == "卫东区2015年第1期1-9月市重点项目建设进展情况通报.docx"
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_a_failed_issue_leaves_no_row_and_no_file(users, monkeypatch):
    def broken_save(obj, **kwargs):
        raise RuntimeError("database gone")

    before = media_files()
    monkeypatch.setattr(issue, "audited_save", broken_save)
    with pytest.raises(RuntimeError):
        bulletin_issue(by=users["admin"], **SEPTEMBER)
    assert not Bulletin.objects.exists()
    assert media_files() == before


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL for truly concurrent transactions")
def test_two_admins_issuing_at_once_get_two_numbers(users, monkeypatch):
    """Each render waits inside the transaction, so without the lock both would read the same
    highest number; with it the second waits for the first and takes the next."""
    second_admin = admin_of("410403", "admin2")
    original, start = issue.render_office_docx, threading.Barrier(2)

    def slow_render(*args, **kwargs):
        time.sleep(0.5)
        return original(*args, **kwargs)

    monkeypatch.setattr(issue, "render_office_docx", slow_render)
    outcomes = {}

    def work(name, user):
        def target():
            try:
                start.wait(5)
                outcomes[name] = ("ok", bulletin_issue(by=user, **SEPTEMBER).number)
            except Exception as error:  # recorded, then asserted on
                outcomes[name] = (type(error).__name__, error)
            finally:
                connections.close_all()

        thread = threading.Thread(target=target)
        thread.start()
        return thread

    threads = [work("first", users["admin"]), work("second", second_admin)]
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes.values()) == [("ok", 1), ("ok", 2)]
    assert sorted(Bulletin.objects.values_list("number", flat=True)) == [1, 2]
