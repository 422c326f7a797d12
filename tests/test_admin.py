"""Every admin screen answers for the superuser: changelists, add pages and a change page each."""

import pytest
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_site import AuditedAdmin

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
        "accounts.User", "projects.Region", "projects.Street", "projects.Unit", "projects.Leader",
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


AUDITED = [model for model in REGISTERED if isinstance(admin.site._registry[model], SimpleHistoryAdmin)]


def test_every_history_screen_is_the_audited_one():
    assert {model._meta.label for model in AUDITED} >= {"accounts.User", "projects.Project", "projects.Problem"}
    assert all(isinstance(admin.site._registry[model], AuditedAdmin) for model in AUDITED)


@pytest.mark.parametrize("path", ["{pk}/history/abc/", "abc/history/", "abc/history/{version}/", "{pk}/history/1.5/",
                                  "{pk}/history/99999999999999999999/", "99999999999999999999/history/"])  # fmt: skip
@pytest.mark.parametrize("model", AUDITED, ids=lambda m: m._meta.label)
def test_history_screens_answer_404_for_ids_that_name_nothing(admin_client_demo, model, path, sample_import):
    obj = model._default_manager.order_by("pk").first()
    version = obj.history.earliest().history_id if hasattr(obj, "history") else 1
    response = admin_client_demo.get(url(model, "changelist") + path.format(pk=obj.pk, version=version))
    if not hasattr(obj, "history") and path.startswith("9999"):
        assert response.status_code == 302  # the admin's own "no such object" redirect, as on its change page
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("model", AUDITED, ids=lambda m: m._meta.label)
def test_history_screen_of_every_audited_model_answers(admin_client_demo, model, sample_import):
    """Models without a version history (problem steps, imports) show the admin's own change log."""
    obj = model._default_manager.order_by("pk").first()
    assert admin_client_demo.get(url(model, "history", obj.pk)).status_code == 200
    if hasattr(obj, "history"):
        version = obj.history.earliest().history_id
        assert admin_client_demo.get(url(model, "simple_history", obj.pk, version)).status_code == 200
