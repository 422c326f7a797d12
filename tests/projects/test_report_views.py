"""The reporting pages as a person uses them: the sheet, the form, bad inputs, conflicts, photos,
returning, closing, the unreported list and the problem ledger."""

import io
import os
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from projects import clock
from projects.models import ClosedMonth, MonthlyReport, Problem, ReportPhoto

OPEN_LISTING = "北环路机械配件厂技改（示例）"


def image_file(name="site.jpg", image_format="JPEG", size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (90, 140, 200)).save(buffer, image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def big_png():
    side = 2000  # random pixels do not compress: about 11.4 MB
    buffer = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(side * side * 3)).save(buffer, "PNG", compress_level=0)
    assert buffer.tell() > 11 * 1024 * 1024 - 1
    return SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")


def form_data(version=0, action="submit", investment="350", progress="厂房主体完工，设备进场", **extra):
    data = {
        "version": version,
        "action": action,
        "investment": investment,
        "progress": progress,
        "problems-TOTAL_FORMS": "2",
        "problems-INITIAL_FORMS": "0",
        "problems-MIN_NUM_FORMS": "0",
        "problems-MAX_NUM_FORMS": "10",
        "problems-0-kind": "other",
        "problems-1-kind": "other",
    }
    data.update(extra)
    return data


@pytest.fixture
def listing(listing_of):
    return listing_of(OPEN_LISTING)


def edit_url(listing, month=9):
    return reverse("projects:report_edit", args=[listing.pk, month])


def state():
    return (
        list(MonthlyReport.objects.order_by("pk").values_list("pk", "investment", "status", "version")),
        ReportPhoto.objects.count(),
        Problem.objects.count(),
    )


def test_staff_home_is_the_month_sheet(client_for):
    client = client_for("staff_a")
    response = client.get("/", follow=True)
    page = response.content.decode()
    assert "2015年9月填报" in page
    assert OPEN_LISTING in page and "未填报" in page and "已退回" in page and "草稿" in page


def test_a_person_fills_and_submits_with_a_photo_and_a_problem(client_for, listing):
    admin = client_for("admin")
    missing_before = admin.get(reverse("projects:report_missing")).context["missing"].count()
    client = client_for("staff_a")
    page = client.get(edit_url(listing)).content.decode()
    assert "本月完成投资" in page and "时序进度" in page and "75.00%" in page
    response = client.post(
        edit_url(listing),
        form_data(
            **{"problems-0-description": "施工用电增容未批复", "problems-0-kind": "utilities", "photos": image_file()}
        ),
    )
    assert response.status_code == 302
    report = MonthlyReport.objects.get(listing=listing, month=9)
    assert (report.status, report.investment) == ("submitted", Decimal("350"))
    photo = report.photos.get()
    assert photo.extension == "jpg" and photo.image.name.startswith("photos/") and "site" not in photo.image.name
    problem = Problem.objects.get(description="施工用电增容未批复")
    assert problem.source_report == report
    ledger = client.get(reverse("projects:problem_list")).content.decode()
    assert "施工用电增容未批复" in ledger
    assert admin.get(reverse("projects:report_missing")).context["missing"].count() == missing_before - 1
    image = client.get(reverse("projects:photo", args=[photo.pk]))
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert client.get(reverse("projects:photo_thumbnail", args=[photo.pk])).status_code == 200
    assert client_for("staff_b").get(reverse("projects:photo", args=[photo.pk])).status_code == 404
    assert client_for("leader").get(reverse("projects:photo", args=[photo.pk])).status_code == 404


@pytest.mark.parametrize("typed", ["1,250.50", "１２５０.５", " 1250.5 ", "1，250.50"])
def test_amounts_typed_with_separators_or_full_width_digits_are_read(client_for, listing, typed):
    assert client_for("staff_a").post(edit_url(listing), form_data(investment=typed)).status_code == 302
    assert MonthlyReport.objects.get(listing=listing, month=9).investment == Decimal("1250.50")


def test_draft_then_submit(client_for, listing):
    client = client_for("staff_a")
    assert client.post(edit_url(listing), form_data(action="draft", progress="")).status_code == 302
    report = MonthlyReport.objects.get(listing=listing, month=9)
    assert (report.status, report.version) == ("draft", 1)
    assert client.post(edit_url(listing), form_data(version=1)).status_code == 302
    assert MonthlyReport.objects.get(pk=report.pk).status == "submitted"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"investment": "-5"}, "不能为负数"),
        ({"investment": "一百万"}, "必须是数字"),
        ({"investment": "12abc"}, "必须是数字"),
        ({"investment": "99999999"}, "不能超过"),
        ({"investment": "1e400"}, "「1e400」不是有效的金额：请写出完整的数字，不能用科学计数法"),
        ({"investment": "1" + "0" * 400}, "数字位数过多"),
        ({"investment": "NaN"}, "必须是数字"),
        ({"investment": ""}, "请填写本月完成投资"),
        ({"progress": "  "}, "报送前请填写形象进度"),
        (
            {"photos": SimpleUploadedFile("setup.jpg", b"MZ\x90\x00" + b"\x00" * 4096, "image/jpeg")},
            "不是有效的 JPEG 或 PNG 图片",
        ),
        ({"photos": SimpleUploadedFile("note.png", b"just some text", "image/png")}, "不是有效的 JPEG 或 PNG 图片"),
        ({"photos": image_file("anim.gif", "GIF")}, "不是 JPEG 或 PNG 图片"),
        ({"version": "x"}, "页面数据有误"),
    ],
)
def test_bad_inputs_get_a_chinese_message_and_change_nothing(client_for, listing, changes, message):
    before = state()
    response = client_for("staff_a").post(edit_url(listing), form_data(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert state() == before


def test_an_11_mb_image_is_refused(client_for, listing):
    before = state()
    response = client_for("staff_a").post(edit_url(listing), form_data(photos=big_png()))
    assert "超过 10 MB" in response.content.decode()
    assert state() == before


def test_suspicious_value_asks_for_confirmation_then_saves(client_for, listing):
    client = client_for("staff_a")
    before = state()
    response = client.post(edit_url(listing), form_data(investment="900000"))
    page = response.content.decode()
    assert "请核实以下数值" in page and "剩余总投资" in page and 'name="confirmed"' in page
    assert state() == before
    assert client.post(edit_url(listing), form_data(investment="900000", confirmed="on")).status_code == 302
    assert MonthlyReport.objects.get(listing=listing, month=9).investment == Decimal("900000")


def test_the_second_of_two_editors_gets_the_conflict_message(client_for, listing_of):
    draft_listing = listing_of("北环路街道便民服务中心（示例）")
    version = draft_listing.reports.get(month=9).version
    first, second = client_for("staff_a"), client_for("admin")
    assert (
        first.post(edit_url(draft_listing), form_data(version=version, action="draft", investment="111")).status_code
        == 302
    )
    response = second.post(edit_url(draft_listing), form_data(version=version, action="draft", investment="222"))
    assert response.status_code == 409
    page = response.content.decode()
    assert "修改并保存" in page and "对方已保存的内容" in page and "111.00" in page
    assert draft_listing.reports.get(month=9).investment == Decimal("111")
    # Having read theirs, saving again is deliberate and goes through.
    retry = response.context["form"]["version"].value()
    assert (
        second.post(edit_url(draft_listing), form_data(version=retry, action="draft", investment="222")).status_code
        == 302
    )
    assert draft_listing.reports.get(month=9).investment == Decimal("222")


def test_out_of_scope_report_pages_answer_404_and_change_nothing(client_for, listing):
    before = state()
    for role in ("staff_b", "leader", "other_leader"):
        client = client_for(role)
        assert client.get(edit_url(listing)).status_code == 404
        assert client.post(edit_url(listing), form_data()).status_code == 404
    assert state() == before


def test_month_outside_1_to_12_is_404(client_for, listing):
    assert client_for("staff_a").get(edit_url(listing, month=13)).status_code == 404


def test_submitted_report_is_read_only_for_staff(client_for, listing_of):
    listing = listing_of("市正顺化工公司技改10万吨/年洗油深加工")
    client = client_for("staff_a")
    page = client.get(edit_url(listing)).content.decode()
    assert "已报送，不能修改" in page and 'name="investment"' not in page
    before = state()
    client.post(edit_url(listing), form_data(version=1, investment="1"))
    assert state() == before


def test_admin_returns_and_staff_sees_the_reason(client_for, listing_of):
    listing = listing_of("市正顺化工公司技改10万吨/年洗油深加工")
    report = listing.reports.get(month=9)
    url = reverse("projects:report_return", args=[report.pk])
    assert client_for("staff_a").post(url, {"reason": "x", "version": report.version}).status_code == 403
    assert client_for("admin").post(url, {"reason": "请补充设备安装进度", "version": report.version}).status_code == 302
    page = client_for("staff_a").get(edit_url(listing)).content.decode()
    assert "已退回" in page and "请补充设备安装进度" in page and 'name="investment"' in page


def test_closing_a_month_locks_it_for_staff(client_for, listing):
    assert client_for("staff_a").post(reverse("projects:month_close"), {"year": 2015, "month": 9}).status_code == 403
    closing = {"year": 2015, "month": 9, "confirmed": "on"}
    assert client_for("admin").post(reverse("projects:month_close"), closing).status_code == 302
    assert ClosedMonth.objects.filter(district__code="410403", year=2015, month=9).exists()
    client = client_for("staff_a")
    page = client.get(edit_url(listing)).content.decode()
    assert "本月已锁定" in page and 'name="investment"' not in page
    before = state()
    client.post(edit_url(listing), form_data())
    assert state() == before


def test_admin_correction_of_a_closed_month_needs_a_reason(client_for, listing):
    august = listing.reports.get(month=8)
    client = client_for("admin")
    response = client.post(edit_url(listing, 8), form_data(version=august.version, investment="1"))
    assert "更正须填写更正原因" in response.content.decode()
    assert listing.reports.get(month=8).investment == august.investment
    ok = client.post(
        edit_url(listing, 8), form_data(version=august.version, investment="1", correction_reason="核定数")
    )
    assert ok.status_code == 302
    assert listing.reports.get(month=8).history.latest().history_change_reason == "已锁定月份更正：核定数"


def test_unreported_list_is_grouped_and_admin_only(client_for):
    page = client_for("admin").get(reverse("projects:report_missing"), {"year": 2015, "month": 9}).content.decode()
    assert "未报送清单" in page and "北环路街道" in page and "共 8 个" in page
    assert client_for("staff_a").get(reverse("projects:report_missing")).status_code == 403


def test_bad_period_parameters_fall_back_with_a_message(client_for):
    response = client_for("staff_a").get(reverse("projects:report_sheet"), {"year": "abc", "month": "13"})
    assert response.status_code == 200
    assert "年月参数有误" in response.content.decode()


class TestProblemLedger:
    url = "/problems/"

    def count(self, client, **params):
        return client.get(self.url, params).context["figures"]["found"]

    def test_figures_and_each_filter(self, client_for, users):
        from projects.models import Assignment, Leader, Street, Unit

        client = client_for("admin")
        page = client.get(self.url).content.decode()
        assert "发现问题" in page and ">50<" in page and ">38<" in page and ">12<" in page
        assert self.count(client, status="resolved") == 38
        assert self.count(client, status="coordinating") == 12
        street = Street.objects.get(name="北环路街道")
        assert self.count(client, street=street.pk) == Problem.objects.filter(project__street=street).count()
        unit = Unit.objects.get(name="区工业和信息化局", district__code="410403")
        assert self.count(client, unit=unit.pk) == Problem.objects.filter(unit=unit).count()
        leader = Leader.objects.get(name="王某")
        followed = Assignment.objects.filter(leader=leader, active=True).values("project")
        assert self.count(client, leader=leader.pk) == Problem.objects.filter(project__in=followed).count() == 5
        assert self.count(client, overdue="true") == 12
        assert self.count(client, overdue="false") == 38
        assert self.count(client, kind="land") == Problem.objects.filter(kind="land").count()
        assert self.count(client, q="拆迁") == Problem.objects.filter(description__contains="拆迁").count()
        assert self.count(client, status="coordinating", leader=leader.pk) == 4

    def test_search_matches_every_word_ignoring_separators(self, client_for):
        client = client_for("admin")
        hengyu = Problem.objects.filter(project__name="恒宇·东城国际")
        assert hengyu.exists()
        for q in ("恒宇东城", "恒宇 · 东城", "东城 恒宇"):
            assert self.count(client, q=q) == hengyu.count(), q
        words = Problem.objects.filter(description__contains="拆迁", project__name__contains="东安路")
        assert words.exists() and self.count(client, q="东安路 拆迁") == words.count()
        assert self.count(client, q="恒宇 不存在的词") == 0

    @pytest.mark.parametrize(
        "params", [{"status": "nonsense"}, {"street": "abc"}, {"leader": "999999"}, {"overdue": "maybe"}]
    )
    def test_bad_parameters_give_a_message_not_an_error(self, client_for, params):
        response = client_for("admin").get(self.url, params)
        assert response.status_code == 200
        assert "筛选条件有误" in response.content.decode()

    def test_leader_sees_only_the_problems_of_followed_projects(self, client_for):
        assert self.count(client_for("leader")) == 5
        assert self.count(client_for("staff_a")) == 5

    def test_overdue_shows_on_every_list(self, client_for):
        page = client_for("leader").get(self.url).content.decode()
        assert page.count("badge overdue") == 4

    def test_transition_and_instruction_pages(self, client_for, users):
        problem = Problem.objects.filter(project__name="恒宇·东城国际").get()
        url = reverse("projects:problem_transition", args=[problem.pk])
        assert client_for("leader").post(url, {"to_status": "resolved", "resolution": "x"}).status_code == 403
        assert client_for("staff_a").post(url, {"to_status": "resolved", "resolution": "x"}).status_code == 404
        response = client_for("admin").post(url, {"to_status": "resolved", "resolution": ""})
        assert "请填写解决情况" in response.content.decode()
        assert Problem.objects.get(pk=problem.pk).status == "coordinating"
        assert (
            client_for("admin").post(url, {"to_status": "resolved", "resolution": "用地指标已批复"}).status_code == 302
        )
        page = client_for("leader").get(problem.get_absolute_url()).content.decode()
        assert "用地指标已批复" in page and "协调解决中 → 已解决" in page


def test_photos_are_deleted_only_while_the_report_is_open(client_for, listing, django_capture_on_commit_callbacks):
    client = client_for("staff_a")
    client.post(edit_url(listing), form_data(action="draft", photos=image_file()))
    photo = ReportPhoto.objects.get(report__listing=listing, report__month=9)
    stored = photo.image.storage
    assert stored.exists(photo.image.name)
    delete = reverse("projects:photo_delete", args=[photo.pk])
    assert client_for("staff_b").post(delete).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(delete).status_code == 302
    assert not ReportPhoto.objects.filter(pk=photo.pk).exists()
    assert not stored.exists(photo.image.name) and not stored.exists(photo.thumbnail.name)


def test_photo_of_a_submitted_report_cannot_be_deleted_by_staff(client_for, listing_of):
    photo = ReportPhoto.objects.get(report__listing__project__name="市正顺化工公司技改10万吨/年洗油深加工")
    response = client_for("staff_a").post(reverse("projects:photo_delete", args=[photo.pk]), follow=True)
    assert "照片不能" in response.content.decode()
    assert ReportPhoto.objects.filter(pk=photo.pk).exists()


# --- Second review: photos, corrections, closing order, returned state, future months ----------


def media_files():
    from django.conf import settings

    root = settings.MEDIA_ROOT
    return sorted(str(path) for path in __import__("pathlib").Path(root).rglob("*") if path.is_file())


def test_a_cut_off_jpeg_is_refused_and_leaves_no_file(client_for, listing):
    whole = image_file("whole.jpg", size=(400, 300)).read()
    cut = SimpleUploadedFile("cut.jpg", whole[: len(whole) // 2], content_type="image/jpeg")
    before, files = state(), media_files()
    response = client_for("staff_a").post(edit_url(listing), form_data(photos=[image_file(), cut]))
    assert response.status_code == 200
    assert "不是有效的 JPEG 或 PNG 图片" in response.content.decode()
    assert "所选照片也未上传" in response.content.decode()
    assert state() == before and media_files() == files


def test_a_phone_jpeg_with_embedded_images_is_accepted(client_for, listing):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48)).save(buffer, "MPO", save_all=True, append_images=[Image.new("RGB", (64, 48))])
    upload = SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg")
    assert client_for("staff_a").post(edit_url(listing), form_data(photos=upload)).status_code == 302
    assert ReportPhoto.objects.get(report__listing=listing).extension == "jpg"


def test_a_huge_image_in_a_small_file_is_refused(client_for, listing):
    buffer = io.BytesIO()
    Image.new("L", (6000, 6000)).save(buffer, "PNG")
    assert buffer.tell() < 1024 * 1024
    upload = SimpleUploadedFile("flat.png", buffer.getvalue(), content_type="image/png")
    before = state()
    response = client_for("staff_a").post(edit_url(listing), form_data(photos=upload))
    assert "像素过多" in response.content.decode()
    assert state() == before


def test_at_most_ten_photos_per_report(client_for, listing):
    client = client_for("staff_a")
    assert (
        client.post(edit_url(listing), form_data(action="draft", photos=[image_file() for _ in range(8)])).status_code
        == 302
    )
    before = state()
    response = client.post(
        edit_url(listing), form_data(version=1, action="draft", photos=[image_file() for _ in range(3)])
    )
    assert "最多 10 张照片" in response.content.decode()
    assert state() == before


def test_admin_correction_of_a_submitted_report_keeps_it_submitted_and_needs_a_reason(client_for, users, listing_of):
    listing = listing_of("市正顺化工公司技改10万吨/年洗油深加工")
    report = listing.reports.get(month=9)
    reporter = report.reported_by
    client = client_for("admin")
    response = client.post(edit_url(listing), form_data(version=report.version, action="draft", investment="1"))
    assert "更正须填写更正原因" in response.content.decode()
    assert listing.reports.get(month=9).investment == report.investment
    ok = client.post(
        edit_url(listing),
        form_data(version=report.version, action="draft", investment="1", correction_reason="统计口径调整"),
    )
    assert ok.status_code == 302
    corrected = listing.reports.get(month=9)
    assert (corrected.status, corrected.reported_by, corrected.investment) == ("submitted", reporter, Decimal("1"))
    assert corrected.history.latest().history_change_reason == "已报送填报更正：统计口径调整"


def test_a_returned_report_stays_returned_until_resubmitted(client_for, listing_of):
    listing = listing_of("北环路新型墙材厂（示例）")  # returned in the demo data
    report = listing.reports.get(month=9)
    client = client_for("staff_a")
    assert client.post(edit_url(listing), form_data(version=report.version, action="draft")).status_code == 302
    kept = listing.reports.get(month=9)
    assert (kept.status, kept.returned_reason) == ("returned", report.returned_reason)
    page = client.get(edit_url(listing)).content.decode()
    assert report.returned_reason in page
    assert client.post(edit_url(listing), form_data(version=kept.version)).status_code == 302
    assert listing.reports.get(month=9).status == "submitted"


def test_months_not_yet_begun_cannot_be_reported(client_for, listing):
    from projects.models import Listing

    next_year = clock.today().year + 1
    future = Listing.objects.create(project=listing.project, year=next_year, level="district", category="continuing")
    response = client_for("staff_a").post(edit_url(future, 1), form_data())
    assert "还没有到" in response.content.decode()
    assert not future.reports.exists()


def test_months_close_in_order_and_only_once_ended(client_for):
    client = client_for("admin")
    closing = {"year": 2015, "month": 11, "confirmed": "on"}
    response = client.post(reverse("projects:month_close"), closing, follow=True)
    assert "须按顺序锁定" in response.content.decode()
    today = clock.today()
    closing = {"year": today.year, "month": today.month, "confirmed": "on"}
    response = client.post(reverse("projects:month_close"), closing, follow=True)
    assert "还没有结束" in response.content.decode()
    assert not ClosedMonth.objects.filter(year__gt=2015).exists()
    assert not ClosedMonth.objects.filter(year=2015, month__gt=8).exists()


def test_closed_month_photos_cannot_be_deleted_even_by_an_admin(client_for, listing_of):
    photo = ReportPhoto.objects.get(report__listing__project__name="市正顺化工公司技改10万吨/年洗油深加工")
    ClosedMonth.objects.create(district=photo.report.listing.project.district, year=2015, month=9)
    client_for("admin").post(reverse("projects:photo_delete", args=[photo.pk]))
    assert ReportPhoto.objects.filter(pk=photo.pk).exists()
    admin_delete = reverse("admin:projects_reportphoto_delete", args=[photo.pk])
    assert client_for("admin").post(admin_delete, {"post": "yes"}).status_code == 403
    assert ReportPhoto.objects.filter(pk=photo.pk).exists()


def test_a_problem_row_with_a_deadline_needs_a_description(client_for, listing):
    before = state()
    response = client_for("staff_a").post(edit_url(listing), form_data(**{"problems-0-deadline": "2030-01-01"}))
    assert "请同时填写问题描述" in response.content.decode()
    assert state() == before


def test_overdue_shows_on_the_project_report_and_visit_pages(client_for, users):
    from datetime import date

    from projects.services.visits import visit_record

    project = Problem.objects.filter(project__name="市正顺化工公司技改10万吨/年洗油深加工").first().project
    visit = visit_record(
        user=users["admin"],
        project=project,
        date=date(2015, 10, 20),
        leaders=list(project.assignments.values_list("leader", flat=True)),
        findings="消防通道被占用",
        rectification_deadline=date(2015, 11, 30),
        make_problems=True,
    )
    overdue = visit.problems.get()
    assert overdue.overdue
    client = client_for("staff_a")
    for url in (
        project.get_absolute_url(),
        reverse("projects:visit_list"),
        reverse("projects:problem_list"),
        overdue.get_absolute_url(),
    ):
        html = client.get(url).content.decode()
        assert "消防通道被占用" in html and "已逾期" in html, url


def sheet(client, year=2015, month=9):
    return client.get(reverse("projects:report_sheet"), {"year": year, "month": month}).content.decode()


def test_closing_asks_for_confirmation_and_shows_what_is_still_open(client_for):
    client = client_for("admin")
    page = sheet(client)
    assert "本月仍有：未填报 <strong>6</strong> 个、草稿 <strong>1</strong> 个、已退回 <strong>1</strong> 个" in page
    assert 'name="confirmed"' in page and "锁定 2015年9月" in page
    response = client.post(reverse("projects:month_close"), {"year": 2015, "month": 9}, follow=True)
    assert "请先勾选确认" in response.content.decode()
    assert not ClosedMonth.objects.filter(year=2015, month=9).exists()


@pytest.mark.parametrize("month, reason", [(10, "月份须按顺序锁定"), (8, None)])
def test_the_close_button_is_offered_only_for_a_month_that_can_be_closed(client_for, month, reason):
    page = sheet(client_for("admin"), month=month)
    assert f"锁定 2015年{month}月" not in page
    if reason:
        assert f"暂不能锁定：{reason}" in page


def test_the_latest_closed_month_is_reopened_on_the_sheet_with_a_reason(client_for, users):
    client = client_for("admin")
    assert "解锁 2015年7月" not in sheet(client, month=7)  # not the latest closed month
    page = sheet(client, month=8)
    assert "解锁 2015年8月" in page and 'name="reason"' in page
    refused = client.post(reverse("projects:month_reopen"), {"year": 2015, "month": 8, "reason": ""}, follow=True)
    assert "请填写解锁原因" in refused.content.decode()
    assert ClosedMonth.objects.filter(district__code="410403", year=2015, month=8).exists()
    assert (
        client_for("staff_a")
        .post(reverse("projects:month_reopen"), {"year": 2015, "month": 8, "reason": "x"})
        .status_code
        == 403
    )
    done = client.post(reverse("projects:month_reopen"), {"year": 2015, "month": 8, "reason": "补报"}, follow=True)
    assert "2015年8月已解锁" in done.content.decode()
    assert not ClosedMonth.objects.filter(district__code="410403", year=2015, month=8).exists()
    assert ClosedMonth.objects.filter(year=2015, month=8).count() == 2  # 新华区 and 湛河区 keep theirs


def test_an_admin_reviews_a_submitted_report_read_only_with_return_and_correct(client_for, users, listing_of):
    listing = listing_of("市正顺化工公司技改10万吨/年洗油深加工")
    report = listing.reports.get(month=9)
    client = client_for("admin")
    page = client.get(edit_url(listing)).content.decode()
    assert 'name="investment"' not in page and "保存草稿" not in page
    assert "退回修改" in page and "?correct=1" in page
    page = client.get(edit_url(listing), {"correct": "1"}).content.decode()
    assert 'name="investment"' in page and 'name="correction_reason"' in page
    assert 'value="correct"' in page and "保存更正" in page and "保存草稿" not in page
    response = client.post(
        edit_url(listing),
        form_data(version=report.version, action="correct", investment="2600", correction_reason="按台账核定"),
        follow=True,
    )
    html = response.content.decode()
    assert "已更正：市正顺化工公司技改10万吨/年洗油深加工 9月" in html and "已报送：" not in html
    corrected = listing.reports.get(month=9)
    assert (corrected.status, corrected.investment) == ("submitted", Decimal("2600"))
    assert "最后保存：卫东区项目办管理员（示例）" in html  # who made the last save, not who first reported


def test_an_admin_sees_a_closed_months_report_read_only_with_correct_only(client_for, listing):
    page = client_for("admin").get(edit_url(listing, 8)).content.decode()
    assert 'name="investment"' not in page and "?correct=1" in page and "退回修改" not in page


def test_the_report_form_dates_a_problem_in_the_reports_month(client_for, listing):
    client = client_for("staff_a")
    page = client.get(edit_url(listing)).content.decode()
    assert 'name="problems-0-raised_on" value="2015-09-30"' in page
    data = form_data(**{"problems-0-description": "设备到货延迟", "problems-0-raised_on": "2015-09-30",
                        "problems-0-deadline": "2015-10-15"})  # fmt: skip
    assert client.post(edit_url(listing), data).status_code == 302
    problem = Problem.objects.get(description="设备到货延迟")
    assert (str(problem.raised_on), str(problem.deadline)) == ("2015-09-30", "2015-10-15")


def test_the_problem_form_takes_a_past_discovery_date_and_deadline(client_for, listing):
    data = {"project": listing.project_id, "description": "围挡破损", "kind": "site",
            "raised_on": "2015-09-20", "deadline": "2015-10-10"}  # fmt: skip
    assert client_for("staff_a").post(reverse("projects:problem_create"), data).status_code == 302
    problem = Problem.objects.get(description="围挡破损")
    assert (str(problem.raised_on), str(problem.deadline)) == ("2015-09-20", "2015-10-10")


def test_a_visits_findings_become_problems_with_a_type_chosen_for_each(client_for, users, listing):
    from projects.models import Leader, SupervisionVisit

    client = client_for("admin")
    response = client.post(
        reverse("projects:visit_create"),
        {"project": listing.project_id, "date": "2015-10-08", "leaders": [Leader.objects.get(name="王某").pk],
         "findings": "用地手续未办结\n施工围挡破损", "rectification_deadline": "2015-10-31", "make_problems": "on"},
    )  # fmt: skip
    visit = SupervisionVisit.objects.get(findings__startswith="用地手续未办结")
    assert response.status_code == 302 and response["Location"] == reverse("projects:visit_problems", args=[visit.pk])
    assert not visit.problems.exists()  # the types are chosen first
    page = client.get(response["Location"])
    fields = {field.label: name for name, field in page.context["form"].fields.items()}
    assert set(fields) == {"用地手续未办结", "施工围挡破损"}
    client.post(response["Location"], {fields["用地手续未办结"]: "land", fields["施工围挡破损"]: "site"})
    made = {p.description: (p.kind, str(p.raised_on), str(p.deadline)) for p in visit.problems.all()}
    assert made == {
        "用地手续未办结": ("land", "2015-10-08", "2015-10-31"),
        "施工围挡破损": ("site", "2015-10-08", "2015-10-31"),
    }
    assert "均已登记为问题" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(("page", "shown"), [("999", 3), ("abc", 1), ("0", 1), ("2", 2)])
def test_the_visit_list_shows_the_last_or_first_page_for_a_page_out_of_range(client_for, users, page, shown):
    from datetime import date

    from projects.models import Project, SupervisionVisit

    project = Project.objects.get(name="恒宇·东城国际")
    existing = SupervisionVisit.objects.count()
    SupervisionVisit.objects.bulk_create(
        SupervisionVisit(project=project, date=date(2015, 11, 1), findings=f"第{n}次督察发现")
        for n in range(100 - existing + 1)
    )  # 101 visits: three pages of 50
    response = client_for("admin").get(reverse("projects:visit_list"), {"page": page})
    assert response.status_code == 200
    assert response.context["paginator"].num_pages == 3
    assert response.context["page_obj"].number == shown


def test_months_are_not_reopened_in_the_admin_without_a_reason(client_for):
    closed = ClosedMonth.objects.get(district__code="410403", year=2015, month=8)
    client = client_for("admin")
    response = client.post(reverse("admin:projects_closedmonth_delete", args=[closed.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert ClosedMonth.objects.filter(pk=closed.pk).exists()


def test_progress_longer_than_a_printed_cell_holds_is_refused(client_for, listing):
    before = state()
    response = client_for("staff_a").post(edit_url(listing), form_data(progress="进" * 401))
    assert "形象进度请写在 400 字以内" in response.content.decode()
    assert state() == before
    assert client_for("staff_a").post(edit_url(listing), form_data(progress="进" * 400)).status_code == 302


@pytest.mark.parametrize(
    "params, shown, warned",
    [
        ({"year": "abc", "month": "3"}, (2015, 9), True),  # any wrong half: the reporting month whole
        ({"year": "2014", "month": "13"}, (2015, 9), True),
        ({"year": "1900", "month": "3"}, (2015, 9), True),
        ({"year": "", "month": ""}, (2015, 9), True),
        ({"month": ""}, (2015, 9), True),
        ({"year": "2015", "month": "7"}, (2015, 7), False),
        ({"year": "2014"}, (2014, 9), False),  # a year alone: its reporting month
        ({}, (2015, 9), False),
    ],
)
def test_the_sheet_period_from_its_parameters(client_for, params, shown, warned):
    response = client_for("admin").get(reverse("projects:report_sheet"), params)
    assert (response.context["year"], response.context["month"]) == shown
    assert ("年月参数有误" in response.content.decode()) == warned


def signed_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_a_city_office_sees_which_districts_have_closed_the_month(client_for, users, django_user_model):
    from projects.services.reports import month_close

    month_close(user=users["admin"], year=2015, month=9)
    city = signed_in(django_user_model.objects.get(username="city"))
    page = sheet(city)
    assert "部分区县已锁定" in page
    assert "本月已锁定：卫东区；尚未锁定：新华区、石龙区、湛河区、宝丰县、叶县等 9 个区县。" in page
    assert "卫东区的2015年9月已锁定，是最近锁定的月份" in page and "解锁 2015年9月" in page
    assert "锁定后，新华区、石龙区、湛河区、宝丰县、叶县等 9 个区县2015年9月的填报不能再修改" in page
    assert "新华区 · 市重点" in page  # each row names its district
    # 卫东区's own sheet: the month is simply closed, nothing about other districts.
    own = sheet(client_for("admin"))
    assert "已锁定</span>" in own and "部分区县" not in own and "新华区" not in own
    assert "锁定 2015年9月" not in own.replace("解锁 2015年9月", "")

    done = city.post(reverse("projects:month_close"), {"year": 2015, "month": 9, "confirmed": "on"}, follow=True)
    assert "新华区、石龙区、湛河区、宝丰县、叶县等 9 个区县：2015年9月已锁定" in done.content.decode()
    assert ClosedMonth.objects.filter(year=2015, month=9).count() == 10
    assert "部分区县" not in sheet(city) and "已锁定</span>" in sheet(city)


def test_the_default_reporting_month_follows_the_users_own_district(client_for, users, django_user_model):
    from accounts.models import Role
    from projects.models import Listing, Region
    from projects.services.reports import ReportInput, month_close, report_save

    xinhua = django_user_model.objects.create_user("xinhua", role=Role.ADMIN, region=Region.objects.get(code="410402"))
    month_close(user=xinhua, year=2015, month=9)
    report_save(
        user=xinhua,
        listing=Listing.objects.get(project__name="新华区中兴路片区棚户区改造（示例）"),
        month=10,
        data=ReportInput(investment=Decimal("2700"), progress="十月进度"),
        version=0,
        submit=True,
        confirmed=True,
    )
    for role in ("admin", "staff_a"):
        page = client_for(role).get(reverse("projects:report_sheet")).content.decode()
        assert "<h1>2015年9月填报" in page, role
    assert "<h1>2015年10月填报" in signed_in(xinhua).get(reverse("projects:report_sheet")).content.decode()


def test_the_city_lists_the_unreported_by_district(client_for, django_user_model):
    from projects.models import MonthlyReport

    MonthlyReport.objects.filter(listing__project__name="新华区中兴路片区棚户区改造（示例）", month=9).update(
        status="draft"
    )
    city = signed_in(django_user_model.objects.get(username="city"))
    page = city.get(reverse("projects:report_missing"), {"year": 2015, "month": 9}).content.decode()
    assert "共 9 个" in page
    assert page.index(">新华区 <small") < page.index(">卫东区 <small")
    own = client_for("admin").get(reverse("projects:report_missing"), {"year": 2015, "month": 9}).content.decode()
    assert "共 8 个" in own and "district-head" not in own
