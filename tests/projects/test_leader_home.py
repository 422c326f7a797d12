"""The leader's home (我联系的项目) at a chosen period: the overview's picker, figures at that month."""

import pytest

from projects.models import Listing
from projects.selectors.figures import counted_reports, with_figures


def leader_page(client_for, **params):
    response = client_for("leader").get("/my-projects/", params)
    assert response.status_code == 200
    return response


def test_opens_at_the_month_figures_stand_at_with_the_period_picker(client_for):
    response = leader_page(client_for)
    html = response.content.decode()
    assert "2015年1-9月 · 最紧急的在前" in html
    assert '<input type="number" name="year" id="id_period_year" value="2015"' in html
    assert '<option value="9" selected>9月</option>' in html


def test_figures_follow_the_chosen_month(client_for):
    response = leader_page(client_for, year=2015, month=6)
    html = response.content.decode()
    assert "2015年1-6月" in html and '<option value="6" selected>6月</option>' in html
    rows = {row.pk: row for row in response.context["listings"]}
    assert rows
    at_june = {row.pk: row.cumulative for row in with_figures(Listing.objects.filter(pk__in=rows), month=6)}
    at_september = {row.pk: row.cumulative for row in leader_page(client_for, year=2015, month=9).context["listings"]}
    assert {pk: row.cumulative for pk, row in rows.items()} == at_june
    assert at_june != at_september  # the months between add investment: the page did move
    # Months not reported count up to the chosen month only.
    some = next(iter(rows.values()))
    reported_by_june = counted_reports().filter(listing_id=some.pk, month__lte=6).count()
    assert some.unreported_months == 6 - reported_by_june


@pytest.mark.parametrize("params", [{"month": "13"}, {"month": "x"}, {"year": "abc"}])
def test_a_bad_period_is_named_and_the_default_used(client_for, params):
    response = leader_page(client_for, **params)
    html = response.content.decode()
    assert "有误" in html and "已使用默认值" in html
    assert (response.context["year"], response.context["month"]) == (2015, 9)
