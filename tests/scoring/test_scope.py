"""Who sees what of scoring's pages: everyone of the district reads the ranking's totals; the points
per criterion and the breakdowns are the offices' and the leaders', and a street's staff read only
their own street's; another district's office sees nothing of 卫东区's (404), a visitor signs in."""

import pytest
from django.urls import reverse

from accounts.models import Role
from projects.models import Region, Street, Unit
from scoring.selectors.scores import subjects
from tests.scoring.conftest import TODAY

pytestmark = pytest.mark.django_db

CRITERION_HEADER = "投资完成（40分）"


@pytest.fixture(autouse=True)
def pinned_today(settings):
    settings.KP_TODAY = TODAY


@pytest.fixture
def xinhua_admin(demo, django_user_model):
    """新华区's office admin (410402, a district beside 卫东区 in the demo)."""
    return django_user_model.objects.create_user(
        "xinhua_admin", password="kp-test-Pass-2015", role=Role.ADMIN, region=Region.objects.get(code="410402")
    )


@pytest.fixture
def of_weidong(users, weidong):
    """staff_b and other_leader as the district's own (the shared fixture gives them no district)."""
    for role in ("staff_b", "other_leader"):
        users[role].region = weidong
        users[role].save(update_fields=["region"])
    return users


def ranking_page(client):
    return client.get(reverse("scoring:ranking"), {"region": "410403", "year": 2015, "period": "month-9"})


def breakdown_url(scheme, kind, name):
    model = Street if kind == "street" else Unit
    subject = model.objects.get(district=scheme.district, name=name)
    return f"{reverse('scoring:subject_score', args=[scheme.pk, kind, subject.pk])}?period=month-9"


def linked_names(response, kind):
    """The names on a ranking table that link to their breakdown."""
    return {row.score.name for row in response.context["tables"][["street", "unit"].index(kind)].rows if row.url}


def test_a_streets_staff_read_every_total_and_only_their_own_breakdown(client_for, scheme):
    client = client_for("staff_a")  # serves 北环路街道
    response = ranking_page(client)
    assert response.status_code == 200
    html = response.content.decode()
    for kind in ("street", "unit"):
        for _, name in subjects(scheme.district_id, kind):
            assert name in html  # every street's and unit's place and total
    streets = response.context["tables"][0]
    assert all(row.score.total is not None for row in streets.rows)
    assert str(streets.ranking.row(Street.objects.get(name="东安路街道").pk).total) in html
    assert CRITERION_HEADER not in html  # nobody else's points per criterion
    assert ">加减分<" not in html and ">基本分<" not in html  # nor the parts of their totals (adjustments)
    assert not any(table.show_criteria for table in response.context["tables"])
    assert linked_names(response, "street") == {"北环路街道"}
    assert linked_names(response, "unit") == set()
    assert client.get(breakdown_url(scheme, "street", "北环路街道")).status_code == 200
    assert client.get(breakdown_url(scheme, "street", "东安路街道")).status_code == 404
    assert client.get(breakdown_url(scheme, "unit", "区国土资源局")).status_code == 404


def test_another_streets_staff_the_other_way_round(client_for, scheme, of_weidong):
    client = client_for("staff_b")  # serves 东安路街道
    assert linked_names(ranking_page(client), "street") == {"东安路街道"}
    assert client.get(breakdown_url(scheme, "street", "东安路街道")).status_code == 200
    assert client.get(breakdown_url(scheme, "street", "北环路街道")).status_code == 404


@pytest.mark.parametrize("role", ["admin", "leader", "other_leader"])
def test_the_office_and_the_leaders_read_everything(client_for, scheme, of_weidong, role):
    client = client_for(role)
    response = ranking_page(client)
    assert response.status_code == 200
    assert CRITERION_HEADER in response.content.decode()
    every_street = {name for _, name in subjects(scheme.district_id, "street")}
    assert linked_names(response, "street") == every_street
    assert linked_names(response, "unit") == {name for _, name in subjects(scheme.district_id, "unit")}
    for kind, name in (("street", "北环路街道"), ("street", "东安路街道"), ("unit", "区国土资源局")):
        assert client.get(breakdown_url(scheme, kind, name)).status_code == 200


def test_the_city_office_reads_its_districts(client, scheme, django_user_model):
    client.force_login(django_user_model.objects.get(username="city"))
    response = ranking_page(client)
    assert response.status_code == 200
    assert CRITERION_HEADER in response.content.decode()
    assert client.get(breakdown_url(scheme, "street", "东安路街道")).status_code == 200


def test_another_districts_office_sees_nothing_of_weidongs(client, scheme, xinhua_admin):
    client.force_login(xinhua_admin)
    assert ranking_page(client).status_code == 404
    assert client.get(breakdown_url(scheme, "street", "北环路街道")).status_code == 404
    assert client.get(breakdown_url(scheme, "unit", "区国土资源局")).status_code == 404
    freeze = client.post(reverse("scoring:sheet_freeze", args=[scheme.pk]), {"year": 2015, "period": "month-8"})
    assert freeze.status_code == 404
    assert not scheme.sheets.exists()
    # its own ranking: 新华区 has no scheme of 2015
    own = client.get(reverse("scoring:ranking"), {"year": 2015})
    assert own.status_code == 200 and "新华区2015年尚未制定考核方案" in own.content.decode()


def test_a_visitor_is_sent_to_sign_in(client, scheme):
    login = reverse("login")
    for response in (
        ranking_page(client),
        client.get(breakdown_url(scheme, "street", "北环路街道")),
        client.post(reverse("scoring:sheet_freeze", args=[scheme.pk]), {"year": 2015, "period": "month-8"}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(login)
    assert not scheme.sheets.exists()


def test_users_of_no_district_see_no_districts_ranking(client_for, scheme):
    """staff_b and other_leader as the shared fixture makes them: of no district, so nothing to read."""
    for role in ("staff_b", "other_leader"):
        client = client_for(role)
        assert ranking_page(client).status_code == 404
        assert client.get(breakdown_url(scheme, "street", "东安路街道")).status_code == 404
        own = client.get(reverse("scoring:ranking"))
        assert own.status_code == 200 and "尚未指定所属区县" in own.content.decode()


def test_staff_without_a_street_read_the_totals_and_no_breakdown(client, scheme, django_user_model):
    nobody = django_user_model.objects.create_user(
        "staff_none", password="kp-test-Pass-2015", role=Role.STAFF, region=scheme.district
    )
    client.force_login(nobody)
    response = ranking_page(client)
    assert response.status_code == 200
    assert linked_names(response, "street") == set() and linked_names(response, "unit") == set()
    assert client.get(breakdown_url(scheme, "street", "北环路街道")).status_code == 404
