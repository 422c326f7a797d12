"""The national project code (项目代码): its shape, the division it names (projects.Division, which an
admin extends), unique when present, checked in the admin's project form and in the import, which
matches a row to its project by code before name."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from projects.models import Division, Listing, Project, Region, Street
from projects.project_codes import project_code_problem, validate_project_code
from tests.projects.test_import import messages, read, xlsx

pytestmark = pytest.mark.usefixtures("demo")

GOOD = "2015-410403-47-01-012345"


def weidong():
    return Region.objects.get(code="410403")


# --- The code itself ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        GOOD,
        "2015-410400-48-01-000001",  # the city
        "2016-410000-47-02-999999",  # the province
        "2015-410402-48-01-000001",  # another district of the city
    ],
)
def test_good_codes(code):
    assert project_code_problem(code) is None
    validate_project_code(code)


@pytest.mark.parametrize(
    "code, words",
    [
        ("2015-410403-47-01-01234", "应为 24 位（如 2015-410403-47-01-012345），现为 23 位"),
        ("2015-410403-47-01-0123456", "现为 25 位"),
        ("2015-410403-01", "现为 14 位"),
        ("", "现为 0 位"),
    ],
)
def test_wrong_length(code, words):
    problem = project_code_problem(code)
    assert words in problem and f"项目代码「{code}」" in problem


@pytest.mark.parametrize(
    "code",
    [
        "2015-41O403-47-01-012345",  # a letter O for a zero
        "2015-410403-XH-01-012345",  # letters for the industry
        "2015 410403 47 01 012345",  # spaces for dashes
        "20154104034701012345----",  # dashes moved
        "2015-410403-47-01-０１２３４５"[:24],  # full-width digits
        "2015-410403-4-701-012345",  # a dash in the wrong place
    ],
)
def test_wrong_shape(code):
    assert len(code) == 24
    assert "格式不对，应为“年份-行政区划-行业-类型-序号”" in project_code_problem(code)


def test_a_year_out_of_range():
    assert "年份 1999 不对" in project_code_problem("1999-410403-47-01-012345")


def test_an_unknown_division_until_an_admin_adds_it():
    code = "2015-420102-47-01-000001"  # 武汉市江岸区: not in the seeded table
    problem = project_code_problem(code)
    assert problem == (
        "项目代码「2015-420102-47-01-000001」中的行政区划 420102 不在已知区划表中；"
        "如确为本省区划，请管理员在“项目代码行政区划”中添加。"
    )
    with pytest.raises(ValidationError) as refused:
        validate_project_code(code)
    assert refused.value.messages == [problem]
    Division.objects.create(code="420102", name="江岸区")
    assert project_code_problem(code) is None


def test_the_seeded_divisions_name_weidong_its_city_and_province():
    assert set(Division.objects.values_list("code", flat=True)) >= {"410403", "410400", "410000"}


# --- On the project --------------------------------------------------------------------------------


def test_project_clean_refuses_a_bad_code_with_the_chinese_message():
    project = Project(name="代码检查项目（示例）", district=weidong(), code="2015-410403-47-01-01234")
    with pytest.raises(ValidationError) as refused:
        project.full_clean()
    assert "项目代码「2015-410403-47-01-01234」应为 24 位" in refused.value.message_dict["code"][0]
    project.code = GOOD
    project.full_clean()


def test_a_duplicate_code_is_refused_by_the_database_and_by_the_form_check():
    Project.objects.create(name="有代码的项目（示例）", district=weidong(), code=GOOD)
    twin = Project(name="同代码的项目（示例）", district=weidong(), code=GOOD)
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert "code" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    assert Project.objects.filter(code=GOOD).count() == 1


# --- In the admin ----------------------------------------------------------------------------------


def add_form_data(client, **fields):
    """The admin's add-project form with ``fields``, and every inline empty (its management form)."""
    page = client.get(reverse("admin:projects_project_add"))
    assert page.status_code == 200
    data = {}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({management.add_prefix(name): value for name, value in management.initial.items()})
    html = page.content.decode()
    for prefix in re.findall(r'name="([^"]+)-TOTAL_FORMS"', html):  # nested inlines' management forms
        data.setdefault(f"{prefix}-TOTAL_FORMS", "0")
        data.setdefault(f"{prefix}-INITIAL_FORMS", "0")
    data.update(
        {
            "name": "后台新建项目（示例）",
            "district": weidong().pk,
            "street": Street.objects.get(name="北环路街道").pk,
            "total_investment": "1000",
            "start_year": "2015",
            "end_year": "2016",
            "sector": "industry",
            "stage": "starting",
            "status": "preparing",
            **fields,
        }
    )
    return data


def test_the_admins_project_form_shows_the_chinese_message_and_refuses_a_duplicate(users):
    client = Client()
    client.force_login(users["admin"])
    url = reverse("admin:projects_project_add")

    response = client.post(url, add_form_data(client, code="2015-410403-47-01-1"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["code"] == [
        "项目代码「2015-410403-47-01-1」应为 24 位（如 2015-410403-47-01-012345），现为 19 位。"
    ]
    response = client.post(url, add_form_data(client, code="2015-999999-47-01-000001"))
    assert "行政区划 999999 不在已知区划表中" in response.context["adminform"].form.errors["code"][0]
    assert not Project.objects.filter(name="后台新建项目（示例）").exists()

    response = client.post(url, add_form_data(client, code=GOOD))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Project.objects.get(name="后台新建项目（示例）").code == GOOD

    response = client.post(url, add_form_data(client, name="另一个后台项目（示例）", code=GOOD))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["code"] == ["具有 项目代码 的 重点项目 已存在。"]
    assert not Project.objects.filter(name="另一个后台项目（示例）").exists()


# --- In the import ---------------------------------------------------------------------------------

HEADER = ["序号", "项目代码", "项目名称", "建设地点", "总投资（万元）", "年度计划投资（万元）", "类别"]


def test_a_bad_code_in_the_import_is_a_row_error_naming_row_and_column():
    upload = xlsx(
        {
            "清单": [
                HEADER,
                [1, GOOD, "代码正确项目（示例）", "北环路街道", 100, 10, "新开工"],
                [2, "2015-410403-47-01", "代码过短项目（示例）", "北环路街道", 100, 10, "新开工"],
                [3, "2015-420102-47-01-000001", "外省代码项目（示例）", "北环路街道", 100, 10, "新开工"],
                [4, "2015/410403/47/01/000001", "代码格式项目（示例）", "北环路街道", 100, 10, "新开工"],
            ]
        }
    )
    plan = read(upload)
    assert messages(plan) == [
        "「清单」第3行「项目代码」：项目代码「2015-410403-47-01」应为 24 位"
        "（如 2015-410403-47-01-012345），现为 17 位。",
        "「清单」第4行「项目代码」：项目代码「2015-420102-47-01-000001」中的行政区划 420102 不在已知区划表中；"
        "如确为本省区划，请管理员在“项目代码行政区划”中添加。",
        "「清单」第5行「项目代码」：项目代码「2015/410403/47/01/000001」格式不对，"
        "应为“年份-行政区划-行业-类型-序号”，如 2015-410403-47-01-012345。",
    ]
    assert not plan.ok


def test_a_good_code_matches_the_existing_project_before_its_name(users):
    from projects.services.imports import import_confirm, import_upload

    project = Project.objects.get(name="恒宇·东城国际")
    Project.objects.filter(pk=project.pk).update(code=GOOD)
    projects_before = Project.objects.count()
    rows = [
        HEADER,
        # Renamed in the city's list, same code: the existing project, not a new one.
        [1, GOOD, "恒宇东城国际（更名）", "建设路街道", 85000, 20000, "续建"],
        # The name of another existing project under a code nobody has: matched by name.
        [2, "2015-410403-47-01-000777", "鹰城商贸、商务中心", "建设路街道", 60000, 9000, "续建"],
    ]
    plan = read(xlsx({"清单": rows}))
    assert plan.ok, messages(plan)
    assert plan.rows[0].project.pk == project.pk and plan.rows[0].status == "new"  # new: its 2017 listing
    assert plan.rows[1].project.name == "鹰城商贸、商务中心"
    assert ("code", "", "2015-410403-47-01-000777") in plan.rows[1].changes

    record, _ = import_upload(
        user=users["admin"], upload=xlsx({"清单": rows}), year=2017, level="city", region=weidong()
    )
    import_confirm(user=users["admin"], record=record)
    assert Project.objects.count() == projects_before
    project.refresh_from_db()
    # Renamed on the city's list: the project takes the new name and keeps the old one (#24).
    assert project.name == "恒宇东城国际（更名）" and project.code == GOOD
    assert project.former_name_list == ["恒宇·东城国际"]
    assert Listing.objects.get(project=project, year=2017).annual_plan == 20000
    assert Project.objects.get(name="鹰城商贸、商务中心").code == "2015-410403-47-01-000777"


def test_a_lists_own_numbering_under_xiangmu_bianhao_is_left_out_once_with_a_warning(demo):
    """项目编号 is often a list's own numbering: it never blocks the import; a national code there is read."""
    from tests.projects.test_import import read, xlsx

    header = ["项目编号", "项目名称", "建设地点", "总投资（万元）", "年度计划投资（万元）", "类别"]
    plan = read(
        xlsx(
            {
                "清单": [
                    header,
                    ["A-1", "编号项目一（示例）", "北环路街道", 10, 1, "续建"],
                    ["A-2", "编号项目二（示例）", "北环路街道", 10, 1, "续建"],
                    ["2015-410403-48-01-000777", "编号项目三（示例）", "北环路街道", 10, 1, "续建"],
                ]
            }
        )
    )
    assert not plan.errors
    assert [row.values["code"] for row in plan.rows] == [None, None, "2015-410403-48-01-000777"]
    warnings = [str(w) for w in plan.warnings if "项目编号" in str(w)]
    assert len(warnings) == 1 and "「A-1」" in warnings[0] and "不是全国投资项目代码" in warnings[0]
