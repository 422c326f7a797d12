"""The templates' admin screens: a template item's department must be of the template's district
(a city office sees every district's units), and the changelists read a fixed number of queries
whatever the number of rows."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from approvals.models import ApprovalTemplate, TemplateItem
from projects.models import Region, Unit

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
