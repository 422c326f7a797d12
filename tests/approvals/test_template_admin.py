"""The templates' admin screens: a template item's department must be of the template's district
(a city office sees every district's units), and the changelists read a fixed number of queries
whatever the number of rows."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.models import (
    ApprovalTemplate,
    Funding,
    LandSupply,
    StatisticsFigure,
    StatisticsRegistration,
    TemplateItem,
)
from projects.models import Project, Region, Unit

pytestmark = pytest.mark.usefixtures("without_demo_approvals")


def signed_in(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def template_data(district, name, *items):
    """The add form of a template with ``items``: (name, department) pairs in its inline."""
    data = {
        "district": district.pk,
        "name": name,
        "sector": "",
        "notes": "",
        "items-TOTAL_FORMS": len(items),
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }
    for index, (item_name, department) in enumerate(items):
        data.update(
            {
                f"items-{index}-sort_order": index,
                f"items-{index}-name": item_name,
                f"items-{index}-department": department.pk,
                f"items-{index}-time_limit_days": 5,
                f"items-{index}-blocks_start": "on",
            }
        )
    return data


def test_a_city_admin_cannot_give_a_districts_template_another_districts_unit(demo):
    weidong, xinhua = Region.objects.get(code="410403"), Region.objects.get(code="410402")
    xinhua_unit = Unit.objects.create(district=xinhua, name="新华区发改委")
    weidong_unit = Unit.objects.get(district=weidong, name="区发展和改革委员会")
    city = signed_in("city")
    url = reverse("admin:approvals_approvaltemplate_add")

    response = city.post(url, template_data(weidong, "工业项目", ("立项备案", xinhua_unit)))
    assert response.status_code == 200
    (formset,) = [inline.formset for inline in response.context["inline_admin_formsets"]]
    assert formset.errors[0]["department"] == ["办理部门须为模板所在区县（卫东区）的责任单位。"]
    assert not ApprovalTemplate.objects.filter(name="工业项目").exists()
    assert not TemplateItem.objects.filter(department=xinhua_unit).exists()

    response = city.post(url, template_data(weidong, "工业项目", ("立项备案", weidong_unit)))
    assert response.status_code == 302
    template = ApprovalTemplate.objects.get(name="工业项目")
    assert [(item.name, item.department) for item in template.items.all()] == [("立项备案", weidong_unit)]

    # Moving an existing item to the other district's unit on the change screen is refused too.
    item = template.items.get()
    data = template_data(weidong, "工业项目")
    data.update(
        {
            "items-TOTAL_FORMS": 1,
            "items-INITIAL_FORMS": 1,
            "items-0-id": item.pk,
            "items-0-template": template.pk,
            "items-0-sort_order": 0,
            "items-0-name": "立项备案",
            "items-0-department": xinhua_unit.pk,
            "items-0-time_limit_days": 5,
        }
    )
    response = city.post(reverse("admin:approvals_approvaltemplate_change", args=[template.pk]), data)
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.department == weidong_unit


def changelist_queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_templates(weidong, first, last):
    for number in range(first, last + 1):
        template = ApprovalTemplate.objects.create(district=weidong, name=f"模板{number}")
        for order in range(number):
            TemplateItem.objects.create(template=template, name=f"事项{order}", sort_order=order)


def test_the_template_list_counts_items_in_its_own_query(demo):
    weidong = Region.objects.get(code="410403")
    office = signed_in("admin")
    url = reverse("admin:approvals_approvaltemplate_changelist")
    add_templates(weidong, 1, 1)
    one = changelist_queries(office, url)
    add_templates(weidong, 2, 5)
    assert changelist_queries(office, url) == one
    page = office.get(url).content.decode()
    assert '<td class="field-item_count">5</td>' in page and '<td class="field-item_count">1</td>' in page
    # Sorted by the count, and a template still deletes from the list (the annotated queryset).
    assert office.get(url, {"o": "4"}).status_code == 200
    doomed = ApprovalTemplate.objects.get(name="模板5")
    response = office.post(url, {"action": "delete_selected", "_selected_action": [doomed.pk], "post": "yes"})
    assert response.status_code == 302
    assert not ApprovalTemplate.objects.filter(pk=doomed.pk).exists()


def add_resource_rows(projects):
    for project in projects:
        StatisticsRegistration.objects.create(project=project, registered=True, registered_on=date(2015, 3, 1))
        StatisticsFigure.objects.create(project=project, year=2015, month=6, cumulative=Decimal("100"))
        LandSupply.objects.create(project=project, year=2015, needed=Decimal("10"))
        Funding.objects.create(project=project, year=2015, source="self_raised", planned=Decimal("100"))


@pytest.mark.parametrize("model", [StatisticsRegistration, StatisticsFigure, LandSupply, Funding])
def test_the_read_only_lists_read_their_projects_in_the_same_query(demo, model):
    office = signed_in("admin")
    url = reverse(f"admin:approvals_{model._meta.model_name}_changelist")
    projects = list(Project.objects.filter(district__code="410403").order_by("pk")[:6])
    add_resource_rows(projects[:1])
    one = changelist_queries(office, url)
    add_resource_rows(projects[1:])
    assert model.objects.count() == 6
    assert changelist_queries(office, url) == one
