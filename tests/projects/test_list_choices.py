"""The list pages' choices (selectors.choices): read once per data version and user, renewed by
any write to the places and people they list, and never one user's for another."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from projects.models import Leader, Region, Street, Unit

pytestmark = pytest.mark.django_db(transaction=True)  # the figures cache is on: writes commit

WEIDONG, XINHUA = "410403", "410402"


def signed_in(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def project_list(client, **params):
    response = client.get(reverse("projects:project_list"), params)
    assert response.status_code == 200
    return response


def offered(response, field):
    """The labels a select of the filter (or of the 批量修改 bar, ``bulk_<name>``) offers."""
    if field.startswith("bulk_"):
        form, name = response.context["bulk_form"], field.removeprefix("bulk_")
    else:
        form, name = response.context["filter"].form, field
    return {str(label) for value, label in form.fields[name].widget.choices if value != ""}


def test_a_new_street_unit_or_leader_is_offered_on_the_next_page(demo):
    admin = signed_in("admin")
    before = project_list(admin)
    assert "新建路街道" not in offered(before, "street")
    weidong = Region.objects.get(code=WEIDONG)
    street = Street.objects.create(district=weidong, name="新建路街道")
    Unit.objects.create(district=weidong, name="新建单位")
    Leader.objects.create(region=weidong, name="钱某", title="副区长")
    after = project_list(admin)
    assert {"新建路街道"} <= offered(after, "street") and {"新建路街道"} <= offered(after, "bulk_street")
    assert "新建单位" in offered(after, "unit") and "新建单位" in offered(after, "bulk_unit")
    assert "钱某（副区长）" in offered(after, "leader") and "钱某（副区长）" in offered(after, "bulk_leader")
    # and what is offered is what the filter accepts
    narrowed = project_list(admin, street=street.pk)
    assert not narrowed.context["filter"].form.errors


def test_a_renamed_unit_is_offered_by_its_new_name(demo):
    admin = signed_in("admin")
    unit = Unit.objects.filter(district__code=WEIDONG).first()
    assert unit.name in offered(project_list(admin), "unit")
    unit.name = "改名后的单位"
    unit.save()
    assert "改名后的单位" in offered(project_list(admin), "unit")


def test_each_user_is_offered_their_own_nodes_whoever_came_first(demo):
    xinhua = Region.objects.get(code=XINHUA)
    Street.objects.create(district=xinhua, name="新华区的街道")
    city, admin, staff = signed_in("city"), signed_in("admin"), signed_in("staff")
    for first, second in ((city, admin), (admin, city)):  # both orders: a warm entry is never another's
        project_list(first), project_list(second)
    city_page, admin_page, staff_page = project_list(city), project_list(admin), project_list(staff)
    assert "新华区的街道" in offered(city_page, "street") and "新华区的街道" in offered(city_page, "bulk_street")
    assert city_page.context["filter"].several_districts
    for page in (admin_page, staff_page):
        assert "新华区的街道" not in offered(page, "street")
        assert not page.context["filter"].several_districts and "district" not in page.context["filter"].form.fields
    assert "新华区的街道" not in offered(admin_page, "bulk_street")
    assert staff_page.context["bulk_form"] is None
    # a street of another district is refused, not only hidden
    other = Street.objects.get(name="新华区的街道")
    assert project_list(admin, street=other.pk).context["filter"].form.errors


def test_a_user_moved_to_another_office_is_offered_its_nodes(demo):
    admin_user = get_user_model().objects.get(username="admin")
    client = signed_in("admin")
    Street.objects.create(district=Region.objects.get(code=XINHUA), name="新华区的街道")
    assert "新华区的街道" not in offered(project_list(client), "street")
    admin_user.region = Region.objects.get(code=XINHUA)
    admin_user.save()
    assert "新华区的街道" in offered(project_list(client), "street")
