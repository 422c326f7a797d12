"""The access matrix across offices: 卫东区's office sees nothing of 新华区 (404 on every page,
download and write of its data, nothing in its lists and exports), the city's office sees all three
demo districts, and moving a user to another office takes effect on the next request.

新华区 and 湛河区 hold invented 2015 projects (fixtures/demo_2015_districts.json)."""

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from projects.choices import ImportStatus
from projects.devdata.demo import _demo_picture
from projects.models import ImportRecord, Listing, MonthlyReport, Problem, Project, Region, ReportPhoto
from projects.services.photos import photo_add, photo_check

XINHUA_PROJECT = "新华区中兴路片区棚户区改造（示例）"
WEIDONG_PROJECT = "市正顺化工公司技改10万吨/年洗油深加工"


@dataclass
class Xinhua:
    project: Project
    listing: Listing
    report: MonthlyReport
    problem: Problem
    photo: ReportPhoto
    import_record: ImportRecord


@pytest.fixture
def offices(demo, django_user_model):
    """Signed-in clients of the three offices: 卫东区 (the demo admin), 新华区 and 平顶山市 (the demo city)."""
    xinhua_admin = django_user_model.objects.create_user(
        "xinhua", password="kp-test-Pass-2015", role=Role.ADMIN, region=Region.objects.get(code="410402")
    )
    clients = {}
    for name, user in {
        "weidong": django_user_model.objects.get(username="admin"),
        "xinhua": xinhua_admin,
        "city": django_user_model.objects.get(username="city"),
    }.items():
        clients[name] = Client()
        clients[name].force_login(user)
    return clients


@pytest.fixture
def xinhua(demo, django_user_model):
    project = Project.objects.get(name=XINHUA_PROJECT)
    listing = project.listings.get(year=2015)
    report = listing.reports.get(month=9)
    city = django_user_model.objects.get(username="city")
    upload = SimpleUploadedFile("现场.jpg", _demo_picture(1), content_type="image/jpeg")
    return Xinhua(
        project=project,
        listing=listing,
        report=report,
        problem=Problem.objects.create(project=project, description="新华区的问题（测试）", raised_on="2015-10-01"),
        photo=photo_add(user=city, report=report, photo=photo_check(upload)),
        import_record=ImportRecord.objects.create(
            original_name="新华区2016年清单.xlsx",
            sha256="0" * 64,
            year=2016,
            level="district",
            status=ImportStatus.REFUSED,
            region=Region.objects.get(code="410402"),
        ),
    )


PAGES = {
    "project page": lambda x: x.project.get_absolute_url(),
    "project history": lambda x: reverse("projects:project_history", args=[x.project.pk]),
    "report form": lambda x: reverse("projects:report_edit", args=[x.listing.pk, 9]),
    "problem page": lambda x: x.problem.get_absolute_url(),
    "photo": lambda x: reverse("projects:photo", args=[x.photo.pk]),
    "photo thumbnail": lambda x: reverse("projects:photo_thumbnail", args=[x.photo.pk]),
    "import record": lambda x: reverse("projects:import_detail", args=[x.import_record.pk]),
    "overview of 新华区": lambda x: f"{reverse('projects:overview')}?region=410402",
    "overview of the city": lambda x: f"{reverse('projects:overview')}?region=410400",
    "progress table of 新华区": lambda x: f"{reverse('projects:export_progress')}?region=410402",
    "admin page of the project": lambda x: reverse("admin:projects_project_change", args=[x.project.pk]),
}


@pytest.mark.parametrize("page", PAGES)
def test_another_districts_pages_are_404_for_a_district_office(offices, xinhua, page):
    response = offices["weidong"].get(PAGES[page](xinhua))
    assert response.status_code == 404
    assert XINHUA_PROJECT not in response.content.decode(errors="replace")


@pytest.mark.parametrize("page", [page for page in PAGES if page != "overview of the city"])
def test_the_city_office_and_the_districts_own_office_open_them(offices, xinhua, page):
    assert offices["city"].get(PAGES[page](xinhua)).status_code == 200
    assert offices["xinhua"].get(PAGES[page](xinhua)).status_code == 200


def test_another_districts_writes_are_404_and_change_nothing(offices, xinhua):
    client = offices["weidong"]
    before = (
        list(MonthlyReport.objects.order_by("pk").values_list("pk", "investment", "status", "version")),
        list(Problem.objects.order_by("pk").values_list("pk", "status")),
        ReportPhoto.objects.count(),
    )
    report_form = {"version": xinhua.report.version, "action": "submit", "investment": "1"}
    return_form = {"reason": "请补充", "version": xinhua.report.version}
    writes = [
        (reverse("projects:report_return", args=[xinhua.report.pk]), return_form),
        (reverse("projects:report_edit", args=[xinhua.listing.pk, 9]), report_form),
        (reverse("projects:problem_transition", args=[xinhua.problem.pk]), {"to_status": "coordinating"}),
        (reverse("projects:photo_delete", args=[xinhua.photo.pk]), {}),
        (reverse("projects:import_confirm", args=[xinhua.import_record.pk]), {}),
    ]  # fmt: skip
    for url, data in writes:
        assert client.post(url, data).status_code == 404, url
    after = (
        list(MonthlyReport.objects.order_by("pk").values_list("pk", "investment", "status", "version")),
        list(Problem.objects.order_by("pk").values_list("pk", "status")),
        ReportPhoto.objects.count(),
    )
    assert after == before


def test_lists_and_exports_of_a_district_office_hold_only_its_district(offices, xinhua):
    client = offices["weidong"]
    project_list = client.get(reverse("projects:project_list"))
    assert project_list.context["paginator"].count == Project.objects.filter(district__code="410403").count()
    for name in ("project_list", "problem_list", "import_list"):
        assert XINHUA_PROJECT not in client.get(reverse(f"projects:{name}")).content.decode(), name
    assert "新华区2016年清单" not in client.get(reverse("projects:import_list")).content.decode()
    for name in ("export_projects", "export_problems", "export_leaders", "export_progress"):
        response = client.get(reverse(f"projects:{name}"))
        assert response.status_code == 200
        assert XINHUA_PROJECT.encode() not in _xlsx_text(response), name


def test_the_city_office_sees_all_three_districts(offices, xinhua):
    client = offices["city"]
    districts = ("410402", "410403", "410411")
    expected = Project.objects.filter(district__code__in=districts).count()
    assert client.get(reverse("projects:project_list")).context["paginator"].count == expected
    for code in districts:
        assert client.get(f"{reverse('projects:overview')}?region={code}").status_code == 200
    assert XINHUA_PROJECT.encode() in _xlsx_text(client.get(reverse("projects:export_projects")))


def test_moving_an_admin_to_another_office_takes_effect_on_the_next_request(offices, xinhua, django_user_model):
    client = offices["weidong"]
    weidong_project = Project.objects.get(name=WEIDONG_PROJECT)
    assert client.get(weidong_project.get_absolute_url()).status_code == 200
    assert client.get(xinhua.project.get_absolute_url()).status_code == 404
    django_user_model.objects.filter(username="admin").update(region=Region.objects.get(code="410402"))
    assert client.get(weidong_project.get_absolute_url()).status_code == 404
    assert client.get(xinhua.project.get_absolute_url()).status_code == 200
    overview = client.get(reverse("projects:overview")).content.decode()
    assert XINHUA_PROJECT in overview or "新华区" in overview


def test_an_admin_without_an_office_sees_no_project(demo, django_user_model):
    lost = django_user_model.objects.create_user("lost", password="kp-test-Pass-2015", role=Role.ADMIN)
    client = Client()
    client.force_login(lost)
    assert client.get(reverse("projects:project_list")).context["paginator"].count == 0
    assert client.get(Project.objects.get(name=WEIDONG_PROJECT).get_absolute_url()).status_code == 404


def _xlsx_text(response):
    """Every cell's text of a downloaded workbook, as bytes (the shared strings are compressed)."""
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(b"".join(response) if response.streaming else response.content))
    return "\n".join(
        str(cell) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row if cell
    ).encode()


def test_a_city_office_filters_its_lists_by_district_and_reads_each_rows_district(offices, xinhua):
    client = offices["city"]
    xinhua_district = Region.objects.get(code="410402")
    listed = client.get(reverse("projects:project_list"), {"district": xinhua_district.pk})
    names = {listing.project.name for listing in listed.context["listings"]}
    assert names == set(Project.objects.filter(district=xinhua_district).values_list("name", flat=True))
    assert "<th>区县</th>" in listed.content.decode()
    problems = client.get(reverse("projects:problem_list"), {"district": xinhua_district.pk})
    assert {problem.project.district_id for problem in problems.context["problems"]} == {xinhua_district.pk}
    assert [choice for _, choice in listed.context["filter"].form.fields["district"].choices][1:] == [
        "新华区", "卫东区", "石龙区", "湛河区", "宝丰县", "叶县", "鲁山县", "郏县", "舞钢市", "汝州市",
    ]  # fmt: skip


def test_a_district_office_has_no_district_filter_and_a_foreign_district_is_ignored(offices, xinhua):
    client = offices["weidong"]
    listed = client.get(reverse("projects:project_list"), {"district": Region.objects.get(code="410402").pk})
    assert "district" not in listed.context["filter"].form.fields
    assert "<th>区县</th>" not in listed.content.decode()
    assert listed.context["paginator"].count == Listing.objects.filter(project__district__code="410403").count()
