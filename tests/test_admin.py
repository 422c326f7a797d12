"""Every admin screen answers for the superuser: changelists, add pages and a change page each."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
# Third-party screens (django-axes' login attempts) are read-only lists; ours are full screens.
OURS = [model for model in REGISTERED if model._meta.app_label in {"projects", "accounts"}]


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def admin_client_demo(client, admin_user):
    client.force_login(admin_user)
    return client


def test_every_domain_model_is_registered():
    labels = {model._meta.label for model in REGISTERED}
    expected = {
        "accounts.User", "projects.District", "projects.Street", "projects.Unit", "projects.Leader",
        "projects.Project", "projects.Listing", "projects.MonthlyReport", "projects.Problem",
        "projects.Milestone", "projects.Assignment", "projects.SupervisionVisit", "projects.Instruction",
        "projects.ClosedMonth", "projects.ReportPhoto", "projects.ProblemStep", "projects.ImportRecord",
    }  # fmt: skip
    assert expected <= labels


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_changelist_answers(admin_client_demo, model):
    response = admin_client_demo.get(url(model, "changelist"))
    assert response.status_code == 200


# Rows created only on the application's own pages, where their rules apply.
NOT_ADDED_IN_ADMIN = {
    "projects.MonthlyReport",
    "projects.Problem",
    "projects.ClosedMonth",
    "projects.ReportPhoto",
    "projects.ProblemStep",
    "projects.ImportRecord",
}


@pytest.mark.parametrize("model", OURS, ids=lambda m: m._meta.label)
def test_add_page_answers(admin_client_demo, model):
    response = admin_client_demo.get(url(model, "add"))
    assert response.status_code == (403 if model._meta.label in NOT_ADDED_IN_ADMIN else 200)


@pytest.mark.parametrize("model", OURS, ids=lambda m: m._meta.label)
def test_change_page_answers(admin_client_demo, model, sample_import):
    obj = model._default_manager.order_by("pk").first()
    if obj is None:
        pytest.fail(f"the demo data has no {model._meta.label} to open")
    response = admin_client_demo.get(url(model, "change", obj.pk))
    assert response.status_code == 200


def test_project_page_shows_listings_reports_and_follow_up_inlines(admin_client_demo):
    from projects.models import Project

    project = Project.objects.get(name="市正顺化工公司技改10万吨/年洗油深加工")
    content = admin_client_demo.get(url(Project, "change", project.pk)).content.decode()
    for label in ("年度清单项目", "月度填报", "问题", "节点", "领导联系项目（四个一）", "督察记录"):
        assert label in content
    assert "两座高48米的蒸馏塔已建成" in content


def test_changelist_search_and_filter(admin_client_demo):
    from projects.models import Project

    response = admin_client_demo.get(url(Project, "changelist"), {"q": "正顺"})
    assert response.context["cl"].result_count == 1
    response = admin_client_demo.get(url(Project, "changelist"), {"listing": "2015-city"})
    assert response.context["cl"].result_count == 26
