"""The project picker: the JSON suggestions hold only projects in the user's scope, limited in
count; the problem and visit forms resolve typed text (one match taken, several named) and refuse a
project outside the user's office when posted."""

import pytest
from django.urls import reverse

from projects.models import Leader, Problem, Project, SupervisionVisit
from projects.selectors.picker import PICKER_LIMIT

pytestmark = pytest.mark.usefixtures("demo")

OTHER_DISTRICT = "410402"  # 新华区 of the demo's other districts


def suggest(client, **params):
    response = client.get(reverse("projects:project_search"), params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def elsewhere():
    """A project of 新华区, outside 卫东区's office, with a name 卫东区's projects share words with."""
    project = Project.objects.filter(district__code=OTHER_DISTRICT).first()
    project.name = "北环路机械配件厂技改（新华区示例）"
    project.save()
    return project


def test_suggestions_are_only_projects_the_user_may_see(client_for, elsewhere):
    found = suggest(client_for("admin"), q="机械配件")
    assert [row["name"] for row in found["results"]] == ["北环路机械配件厂技改（示例）"]
    assert found["results"][0]["label"] == "北环路机械配件厂技改（示例）（北环路街道）"
    assert suggest(client_for("admin"), q="新华区示例")["results"] == []
    staff = suggest(client_for("staff_b"), q="北环路", scope="kept")["results"]
    assert staff == []  # 东安路街道's reporter keeps none of 北环路街道's projects


def test_suggestions_search_street_and_code_and_are_limited(client_for):
    project = Project.objects.get(name="恒宇·东城国际")
    project.code = "2015-410403-70-01-000123"
    project.save()
    assert [row["id"] for row in suggest(client_for("admin"), q="000123")["results"]] == [project.pk]
    by_street = suggest(client_for("admin"), q="北环路街道")
    assert len(by_street["results"]) == 6 and not by_street["more"]
    many = suggest(client_for("admin"), q="（示例）")
    assert len(many["results"]) == PICKER_LIMIT and many["more"]


def test_bad_search_parameters_get_a_chinese_message(client_for):
    response = client_for("admin").get(reverse("projects:project_search"), {"q": "x", "scope": "all"})
    assert response.status_code == 400 and "查找范围有误" in response.json()["error"]
    response = client_for("admin").get(reverse("projects:project_search"), {"q": "北" * 101})
    assert response.status_code == 400 and "关键字最多 100 个字" in response.json()["error"]
    assert client_for("anonymous").get(reverse("projects:project_search"), {"q": "x"}).status_code == 403


def problem_data(**fields):
    return {"description": "围挡破损", "kind": "site", **fields}


def test_the_problem_form_takes_a_unique_match_of_the_typed_text(client_for):
    response = client_for("staff_a").post(reverse("projects:problem_create"), problem_data(project_search="墙材"))
    assert response.status_code == 302
    assert Problem.objects.get(description="围挡破损").project.name == "北环路新型墙材厂（示例）"


def test_several_matches_reshow_the_form_naming_them(client_for):
    before = Problem.objects.count()
    response = client_for("staff_a").post(reverse("projects:problem_create"), problem_data(project_search="北环路"))
    assert response.status_code == 200 and Problem.objects.count() == before
    [error] = response.context["form"].errors["project"]
    assert error.startswith("「北环路」对应 6 个项目：") and "北环路新型墙材厂（示例）（北环路街道）" in error
    none = client_for("staff_a").post(reverse("projects:problem_create"), problem_data(project_search="东安路"))
    assert "没有找到与「东安路」相符的项目" in none.content.decode()  # 东安路街道 is not staff_a's


def test_a_chosen_id_outside_the_scope_is_refused(client_for, elsewhere):
    before = Problem.objects.count()
    response = client_for("admin").post(
        reverse("projects:problem_create"), problem_data(project=elsewhere.pk, project_search=elsewhere.name)
    )
    assert response.status_code == 404 and Problem.objects.count() == before
    visit = client_for("admin").post(
        reverse("projects:visit_create"),
        {"project": elsewhere.pk, "project_search": elsewhere.name, "date": "2015-10-08",
         "leaders": [Leader.objects.get(name="王某").pk], "findings": "围挡破损"},
    )  # fmt: skip
    assert visit.status_code == 200 and not SupervisionVisit.objects.filter(project=elsewhere).exists()
    assert visit.context["form"].errors["project"] == ["项目不存在或不在您的范围内。"]


def test_the_visit_form_resolves_typed_text_and_a_chosen_id(client_for):
    client = client_for("admin")
    data = {"date": "2015-10-08", "leaders": [Leader.objects.get(name="王某").pk], "findings": "用地手续未办结"}
    assert client.post(reverse("projects:visit_create"), {**data, "project_search": "恒宇东城"}).status_code == 302
    assert SupervisionVisit.objects.get(findings="用地手续未办结").project.name == "恒宇·东城国际"
    chosen = Project.objects.get(name="明珠世纪城二期")
    data["findings"] = "施工围挡破损"
    response = client.post(
        reverse("projects:visit_create"), {**data, "project": chosen.pk, "project_search": "明珠世纪城二期"}
    )
    assert response.status_code == 302 and SupervisionVisit.objects.get(findings="施工围挡破损").project == chosen


def test_the_form_shows_a_search_box_not_a_select_of_every_project(client_for, listing_of):
    listing = listing_of("北环路机械配件厂技改（示例）")
    page = (
        client_for("staff_a").get(reverse("projects:problem_create"), {"project": listing.project_id}).content.decode()
    )
    assert '<label for="id_project">项目</label>' in page
    assert 'name="project_search" id="id_project" value="北环路机械配件厂技改（示例）"' in page
    assert f'name="project" id="id_project_id" value="{listing.project_id}"' in page
    assert '<select name="project"' not in page and "js/project_picker.js" in page


@pytest.mark.parametrize("value", ["abc", "1.5", "0x10", "-3", "99999999999999999999999"])
def test_a_link_naming_no_possible_project_opens_an_empty_visit_form(client_for, value):
    response = client_for("admin").get(reverse("projects:visit_create"), {"project": value})
    assert response.status_code == 200
    assert 'name="project" id="id_project_id" value=""' in response.content.decode()


def test_a_typed_search_longer_than_a_name_is_refused_in_words_and_logs_nothing(client_for):
    before = Problem.objects.count()
    response = client_for("staff_a").post(
        reverse("projects:problem_create"), problem_data(project_search=" ".join(["墙材"] * 3000))
    )
    assert response.status_code == 200
    assert "项目名称或关键字最多 100 个字" in response.content.decode()
    assert Problem.objects.count() == before


def test_a_search_is_built_from_its_first_ten_words():
    from projects.search import search_words

    assert search_words(" ".join(str(n) for n in range(30))) == [str(n) for n in range(10)]
