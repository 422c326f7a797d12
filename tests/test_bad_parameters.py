"""Request parameters that str.isdigit() takes for numbers and int() refuses ("²", "³", "①"): every
page answers them like any other bad value, never with a 500."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import Project

SUPERSCRIPT = "²"  # "²".isdigit() is True; int("²") raises ValueError


@pytest.mark.parametrize("value", [SUPERSCRIPT, "①", "1²"])
@pytest.mark.parametrize(
    "url, param",
    [
        ("projects:project_list", "month"),
        ("projects:export_projects", "month"),
    ],
)
def test_a_false_digit_month_is_ignored(client_for, url, param, value):
    response = client_for("admin").get(reverse(url), {param: value})
    assert response.status_code == 200
    if url == "projects:project_list":
        assert response.context["month"] == 9  # the default: the latest reported month
    else:
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        assert "1-9月完成投资" in [cell.value for cell in sheet[1]]


@pytest.mark.parametrize("param", ["street", "unit"])
def test_a_false_digit_street_or_unit_on_the_progress_export_is_refused_with_a_message(client_for, param):
    client = client_for("admin")
    response = client.get(reverse("projects:export_progress"), {param: SUPERSCRIPT})
    assert response.status_code == 302 and response["Location"] == reverse("projects:overview")
    page = client.get(response["Location"]).content.decode()
    assert "筛选条件有误" in page and ("「街道」" in page or "「责任单位」" in page)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("value", [SUPERSCRIPT, "abc", "-1", "99999999999999999999"])
def test_a_false_project_on_the_problem_form_is_not_found(client_for, method, value):
    data = {"project": value, "description": "测试", "kind": "other"}
    response = getattr(client_for("staff_a"), method)(reverse("projects:problem_create") + f"?project={value}", data)
    assert response.status_code == 404


def test_the_admin_listing_filter_with_a_false_digit_year_shows_nothing(client_for):
    response = client_for("admin").get(reverse("admin:projects_project_changelist"), {"listing": f"{SUPERSCRIPT}-city"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
    assert Project.objects.exists()
