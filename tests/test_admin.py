"""Every admin screen answers for each kind of admin: a district's office (the demo's admin,
卫东区), the city's office and the operator (a superuser): changelists, add pages and a change page
each, of a row under the visitor's node."""

import pytest
from django.contrib import admin
from django.test import Client, RequestFactory
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_site import AuditedAdmin

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
# Third-party screens (django-axes' login attempts) are read-only lists; ours are full screens.
OURS = [model for model in REGISTERED if model._meta.app_label in {"projects", "accounts", "bulletins"}]


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


VISITORS = ["admin", "city", "operator"]


@pytest.fixture
def admin_client_demo(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def visitor(request, demo, django_user_model):
    """The admin named by the test's ``name`` parameter (see VISITORS)."""
    name = request.param
    if name == "operator":
        return django_user_model.objects.create_superuser("operator", password="kp-test-Pass-2015")
    return django_user_model.objects.get(username=name)


@pytest.fixture
def visitor_client(visitor):
    client = Client()
    client.force_login(visitor)
    return client


@pytest.fixture
def office_import(sample_import):
    """The sample import, made by 卫东区's office (one made by the operator is the operator's to read)."""
    from projects.models import Region

    sample_import.region = Region.objects.get(code="410403")
    sample_import.save(update_fields=["region"])
    return sample_import


@pytest.fixture
def office_bulletin(demo):
    """A bulletin issued by 卫东区's office (the demo has none: they are issued on the draft page)."""
    from accounts.models import User
    from bulletins.services.issue import bulletin_issue

    return bulletin_issue(by=User.objects.get(username="admin"), year=2015, month=9, level="city")


@pytest.fixture
def office_calendar_day(demo):
    """A holiday of a year the calendar package has no data for (the demo's 2015 needs none)."""
    from datetime import date

    from projects.models import CalendarDay, DayKind

    return CalendarDay.objects.get_or_create(day=date(2030, 1, 1), defaults={"kind": DayKind.HOLIDAY, "name": "元旦"})[
        0
    ]


def first_in_scope(model, user):
    """The first row of ``model`` the user's admin screen shows."""
    request = RequestFactory().get("/")
    request.user = user
    obj = admin.site._registry[model].get_queryset(request).order_by("pk").first()
    if obj is None:
        pytest.fail(f"the demo data has no {model._meta.label} under {user.username}'s node to open")
    return obj


def test_every_domain_model_is_registered():
    labels = {model._meta.label for model in REGISTERED}
    expected = {
        "accounts.User", "projects.Region", "projects.Street", "projects.Unit", "projects.Leader",
        "projects.Project", "projects.Listing", "projects.MonthlyReport", "projects.Problem",
        "projects.Milestone", "projects.Assignment", "projects.SupervisionVisit", "projects.Instruction",
        "projects.ClosedMonth", "projects.ReportPhoto", "projects.ProblemStep", "projects.ImportRecord",
    }  # fmt: skip
    assert expected <= labels


@pytest.mark.parametrize("visitor", VISITORS, indirect=True)
@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.label)
def test_changelist_answers(visitor_client, model):
    response = visitor_client.get(url(model, "changelist"))
    assert response.status_code == 200


# Rows created only on the application's own pages, where their rules apply.
NOT_ADDED_IN_ADMIN = {
    "projects.MonthlyReport",
    "projects.Problem",
    "projects.ClosedMonth",
    "projects.ReportPhoto",
    "projects.ProblemStep",
    "projects.ImportRecord",
    "bulletins.Bulletin",
    # approvals: kept on the application's pages (approvals.services), read here
    "approvals.ApprovalItem",
    "approvals.StatisticsRegistration",
    "approvals.StatisticsFigure",
    "approvals.LandSupply",
    "approvals.Funding",
}


@pytest.mark.parametrize("visitor", VISITORS, indirect=True)
@pytest.mark.parametrize("model", OURS, ids=lambda m: m._meta.label)
def test_add_page_answers(visitor_client, visitor, model):
    response = visitor_client.get(url(model, "add"))
    # A district's office has no tier below it: it adds streets, not regions.
    district_office_adds_region = model._meta.label == "projects.Region" and visitor.username == "admin"
    refused = model._meta.label in NOT_ADDED_IN_ADMIN or district_office_adds_region
    assert response.status_code == (403 if refused else 200)


@pytest.mark.parametrize("visitor", VISITORS, indirect=True)
@pytest.mark.parametrize("model", OURS, ids=lambda m: m._meta.label)
def test_change_page_answers(visitor_client, visitor, model, office_import, office_bulletin, office_calendar_day):
    obj = first_in_scope(model, visitor)
    response = visitor_client.get(url(model, "change", obj.pk))
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
def test_history_screens_answer_404_for_ids_that_name_nothing(
    admin_client_demo, admin_user, model, path, office_import, office_bulletin, office_calendar_day
):
    # A row that does not exist answers as one outside the office does: 404 (never the admin's
    # own redirect with a message, which would tell the two apart).
    obj = first_in_scope(model, admin_user)
    version = obj.history.earliest().history_id if hasattr(obj, "history") else 1
    response = admin_client_demo.get(url(model, "changelist") + path.format(pk=obj.pk, version=version))
    assert response.status_code == 404


@pytest.mark.parametrize("model", AUDITED, ids=lambda m: m._meta.label)
def test_history_screen_of_every_audited_model_answers(
    admin_client_demo, admin_user, model, office_import, office_bulletin, office_calendar_day
):
    """Models without a version history (problem steps, imports) show the admin's own change log."""
    obj = first_in_scope(model, admin_user)
    assert admin_client_demo.get(url(model, "history", obj.pk)).status_code == 200
    if hasattr(obj, "history"):
        version = obj.history.earliest().history_id
        assert admin_client_demo.get(url(model, "simple_history", obj.pk, version)).status_code == 200
