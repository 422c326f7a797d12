"""The 考核方案 pages: the list, creating a scheme, a scheme's rules and its form, and a period's
加分/减分 — for the office, a street's staff, a leader and another office's admin."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from projects.models import Region, Street
from scoring.models import Adjustment, Criterion, Scheme
from scoring.periods import ScorePeriod
from scoring.services.adjustments import adjustment_add, adjustment_withdraw
from scoring.services.freeze import sheet_freeze
from tests.scoring.conftest import TODAY, clear_schemes

WEIDONG = "410403"
SEPTEMBER = ScorePeriod("month", 2015, 9)
AUGUST = ScorePeriod("month", 2015, 8)


@pytest.fixture
def other_admin(demo, django_user_model):
    """The admin of another district's office (新华区)."""
    return django_user_model.objects.create_user(
        "xinhua_admin", password="kp-test-Pass-2015", role=Role.ADMIN, region=Region.objects.get(code="410402")
    )


@pytest.fixture
def as_user(client_for, other_admin):
    def make(role):
        if role == "other_admin":
            client = Client()
            client.force_login(other_admin)
            return client
        return client_for(role)

    return make


def edit_url(scheme):
    return reverse("scoring:scheme_edit", args=[scheme.pk])


def adjustments_url(scheme, period="month-9"):
    return reverse("scoring:adjustments", args=[scheme.pk]) + f"?period={period}"


def street(name="北环路街道"):
    return Street.objects.get(name=name, district__code=WEIDONG)


def scheme_post(scheme, changes=None, *, delete=(), new=None, **fields):
    """The scheme page's form as an admin would submit it: the stored criteria with ``changes`` by
    name, ``delete`` ticked on the named ones, ``new`` filled into the first blank row."""
    scheme = Scheme.objects.get(pk=scheme.pk)
    changes = changes or {}
    data = {
        "name": scheme.name,
        "level": scheme.level,
        "notes": scheme.notes,
        "updated_at": scheme.updated_at.isoformat(),
        **fields,
    }
    criteria = list(scheme.criteria.order_by("sort_order", "id"))
    rows = []
    for c in criteria:
        row = {"id": c.pk, "sort_order": c.sort_order, "name": c.name, "measure": c.measure}
        row |= {"applies_to": c.applies_to, "weight": c.weight, "formula": c.formula}
        parameters = {key: getattr(c, key) for key in ("lower", "upper", "target", "per_item")}
        row |= {key: "" if value is None else value for key, value in parameters.items()}
        row |= changes.get(c.name, {})
        if c.name in delete:
            row["DELETE"] = "on"
        rows.append(row)
    blank = {"applies_to": "both"}
    rows += [new or blank, blank, blank]
    data |= {"criteria-TOTAL_FORMS": len(rows), "criteria-INITIAL_FORMS": len(criteria)}
    data |= {"criteria-MIN_NUM_FORMS": 0, "criteria-MAX_NUM_FORMS": 30}
    for index, row in enumerate(rows):
        data |= {f"criteria-{index}-{key}": value for key, value in row.items()}
    return data


def weights(scheme):
    return dict(Criterion.objects.filter(scheme=scheme).values_list("name", "weight"))


def page(response):
    return response.content.decode()


# --- the list --------------------------------------------------------------------------------------


def test_the_list_shows_each_scheme_with_its_criteria_and_sums(as_user, scheme, weidong, django_assert_max_num_queries):
    from tests.scoring.conftest import build_scheme

    build_scheme(weidong, year=2014, name="2014年考核办法")
    client = as_user("admin")
    with django_assert_max_num_queries(8):  # whatever the number of schemes and criteria
        response = client.get(reverse("scoring:scheme_list"))
    assert response.status_code == 200
    rows = list(response.context["schemes"])
    mine = [row for row in rows if row.district_id == weidong.pk]
    assert [row.year for row in mine] == [2015, 2014]  # newest first
    assert (mine[0].criteria_count, mine[0].street_base, mine[0].unit_base) == (7, Decimal("100"), Decimal("100"))
    html = page(response)
    assert "新建考核方案" in html
    assert "2015年重点项目考核办法" in html


def test_staff_and_leaders_read_the_list_without_the_create_button(as_user, scheme):
    for role in ("staff_a", "leader"):
        response = as_user(role).get(reverse("scoring:scheme_list"))
        assert response.status_code == 200
        assert scheme in response.context["schemes"]
        assert "新建考核方案" not in page(response)
        assert "修改</a>" not in page(response)


def test_another_office_and_a_user_without_a_district_see_no_scheme_of_weidong(as_user, scheme):
    for role in ("other_admin", "staff_b"):
        response = as_user(role).get(reverse("scoring:scheme_list"))
        assert response.status_code == 200
        assert scheme not in response.context["schemes"]
    assert "新建考核方案" in page(as_user("other_admin").get(reverse("scoring:scheme_list")))  # for 新华区


# --- creating --------------------------------------------------------------------------------------


def test_the_create_form_preselects_the_only_district(as_user, weidong):
    response = as_user("admin").get(reverse("scoring:scheme_create"))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["district"].queryset) == [weidong]
    assert form.fields["district"].initial == weidong.pk


def test_the_city_office_chooses_among_its_districts(weidong, django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.get(username="city"))
    form = client.get(reverse("scoring:scheme_create")).context["form"]
    assert weidong in form.fields["district"].queryset
    assert form.fields["district"].queryset.count() > 1
    assert form.fields["district"].initial is None


@pytest.mark.parametrize("role", ["staff_a", "staff_b", "leader", "other_leader"])
def test_only_admins_open_the_create_form(as_user, role):
    assert as_user(role).get(reverse("scoring:scheme_create")).status_code == 403
    assert as_user(role).post(reverse("scoring:scheme_create"), {"year": 2016}).status_code == 403


def test_an_admin_creates_a_scheme_copying_last_year(as_user, scheme, weidong):
    clear_schemes(weidong, 2016)
    data = {"district": weidong.pk, "year": 2016, "name": "2016年考核办法", "level": "", "copy_previous": "on"}
    client = as_user("admin")
    response = client.post(reverse("scoring:scheme_create"), data)
    created = Scheme.objects.get(district=weidong, year=2016)
    assert response.status_code == 302
    assert response["Location"] == edit_url(created)
    assert created.criteria.count() == 7
    followed = client.get(response["Location"])
    assert "并复制了上一年度方案的7项指标" in page(followed)


def test_a_scheme_for_a_year_that_has_one_is_refused_on_the_form(as_user, scheme, weidong):
    data = {"district": weidong.pk, "year": 2015, "name": "另一个", "level": ""}
    response = as_user("admin").post(reverse("scoring:scheme_create"), data)
    assert response.status_code == 200
    assert "卫东区2015年已有考核方案，不能重复新建；请打开该方案修改。" in page(response)
    assert Scheme.objects.filter(district=weidong, year=2015).get().name == "重点项目考核办法"


def test_copying_a_year_that_has_no_scheme_says_so(as_user, weidong):
    clear_schemes(weidong, 2019), clear_schemes(weidong, 2020)
    data = {"district": weidong.pk, "year": 2020, "name": "考核", "copy_previous": "on"}
    response = as_user("admin").post(reverse("scoring:scheme_create"), data)
    assert response.status_code == 200
    assert "卫东区没有2019年度的考核方案，无法复制指标。" in page(response)
    assert not Scheme.objects.filter(district=weidong, year=2020).exists()


def test_another_offices_district_is_not_a_choice(as_user, other_admin, weidong):
    clear_schemes(weidong, 2016)
    data = {"district": weidong.pk, "year": 2016, "name": "考核"}
    response = as_user("other_admin").post(reverse("scoring:scheme_create"), data)
    assert response.status_code == 200
    assert "没有这个区县，或不在您的管理范围内。" in page(response)
    assert not Scheme.objects.filter(district=weidong, year=2016).exists()


# --- the scheme's page -----------------------------------------------------------------------------


def test_the_admin_sees_the_rules_the_form_and_the_frozen_note(as_user, scheme, users, django_assert_max_num_queries):
    sheet_freeze(user=users["admin"], scheme=scheme, period=AUGUST, today=TODAY)
    client = as_user("admin")
    with django_assert_max_num_queries(12):  # whatever the number of criteria and changes
        response = client.get(edit_url(scheme))
    html = page(response)
    assert response.status_code == 200
    assert "60%及以下得0分，120%及以上得满分40分，其间按比例计分" in html
    assert "投资完成率（占时序进度）" in html
    assert "已定稿的考核周期按定稿时的方案计分" in html and "2015年8月" in html
    assert response.context["form"] is not None
    assert len(response.context["formset"].forms) == 7 + 3
    assert 'name="criteria-0-weight"' in html


@pytest.mark.parametrize("role", ["staff_a", "leader"])
def test_staff_and_leaders_read_the_rules_without_a_form(as_user, scheme, role):
    response = as_user(role).get(edit_url(scheme))
    assert response.status_code == 200
    assert "达到90%得满分15分，每低1个百分点扣0.5分，扣完为止" in page(response)
    assert response.context["form"] is None
    assert 'name="criteria-0-weight"' not in page(response)


@pytest.mark.parametrize("role", ["other_admin", "staff_b", "other_leader"])
def test_the_scheme_of_a_district_out_of_reach_is_404(as_user, scheme, role):
    assert as_user(role).get(edit_url(scheme)).status_code == 404
    before = weights(scheme)
    response = as_user(role).post(edit_url(scheme), scheme_post(scheme, {"投资完成": {"weight": "35"}}))
    assert response.status_code == 404
    assert weights(scheme) == before


@pytest.mark.parametrize("role", ["staff_a", "leader"])
def test_readers_may_not_save_the_scheme(as_user, scheme, role):
    changes = {"投资完成": {"weight": "35"}, "新开工": {"weight": "20"}}
    assert as_user(role).post(edit_url(scheme), scheme_post(scheme, changes)).status_code == 403
    assert weights(scheme)["投资完成"] == Decimal("40.00")


def test_the_admin_changes_weights_and_sees_the_change_recorded(as_user, scheme):
    changes = {"投资完成": {"weight": "35"}, "新开工": {"weight": "20"}}
    response = as_user("admin").post(edit_url(scheme), scheme_post(scheme, changes, notes="修订"))
    assert response.status_code == 302
    assert weights(scheme)["投资完成"] == Decimal("35.00")
    html = page(as_user("staff_a").get(edit_url(scheme)))
    assert "投资完成 分值 40.00 → 35.00" in html
    assert "卫东区项目办管理员（示例）" in html


def test_the_admin_deletes_one_criterion_and_adds_another(as_user, scheme):
    new = {"name": "安全生产", "measure": "problem_closure", "applies_to": "both", "weight": "10"}
    new |= {"formula": "per_late", "per_item": "1"}
    response = as_user("admin").post(edit_url(scheme), scheme_post(scheme, delete=["报送及时"], new=new))
    assert response.status_code == 302
    names = list(scheme.criteria.order_by("sort_order", "id").values_list("name", flat=True))
    assert names[-1] == "安全生产" and "报送及时" not in names
    assert scheme.criteria.get(name="安全生产").sort_order == 8  # after the last (节点提前, 7)


def test_weights_off_100_are_refused_on_the_page(as_user, scheme):
    response = as_user("admin").post(edit_url(scheme), scheme_post(scheme, {"投资完成": {"weight": "35"}}))
    assert response.status_code == 200
    assert "街道的基本分指标合计应为100分，现为95.00分。" in page(response)
    assert weights(scheme)["投资完成"] == Decimal("40.00")


def test_a_rule_broken_by_one_row_is_shown_on_that_row(as_user, scheme):
    response = as_user("admin").post(edit_url(scheme), scheme_post(scheme, {"投资完成": {"lower": "130"}}))
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["upper"] == ["上限应大于下限。"]
    assert Criterion.objects.get(scheme=scheme, name="投资完成").lower == Decimal("60.00")


def test_a_form_opened_before_someone_elses_save_is_refused(as_user, scheme):
    stale = scheme_post(scheme, {"投资完成": {"weight": "35"}, "新开工": {"weight": "20"}})
    first = as_user("admin").post(edit_url(scheme), scheme_post(scheme, {"交办事项": {"per_item": "2"}}))
    assert first.status_code == 302
    response = as_user("admin").post(edit_url(scheme), stale)
    assert response.status_code == 409
    assert "该方案已被他人修改，请刷新页面后重新编辑。" in page(response)
    assert weights(scheme)["投资完成"] == Decimal("40.00")
    assert Criterion.objects.get(scheme=scheme, name="交办事项").per_item == Decimal("2.00")


def test_a_form_without_its_timestamp_is_refused(as_user, scheme):
    data = scheme_post(scheme, {"投资完成": {"weight": "35"}, "新开工": {"weight": "20"}})
    del data["updated_at"]
    response = as_user("admin").post(edit_url(scheme), data)
    assert response.status_code == 200
    assert "表单已失效，请刷新页面后重新填写。" in page(response)
    assert weights(scheme)["投资完成"] == Decimal("40.00")


# --- 加分/减分 ---------------------------------------------------------------------------------------


@pytest.fixture
def adjusted(users, scheme):
    """September: +3 to 北环路街道 (staff_a's), −1 to 东安路街道."""
    common = {"user": users["admin"], "scheme": scheme, "period": SEPTEMBER, "subject_kind": "street"}
    own = adjustment_add(**common, subject=street(), points=Decimal("3"), reason="北环路观摩加分")
    other = adjustment_add(**common, subject=street("东安路街道"), points=Decimal("-1"), reason="东安路通报减分")
    return own, other


def test_the_admin_sees_every_adjustment_and_the_form(as_user, adjusted, scheme):
    response = as_user("admin").get(adjustments_url(scheme))
    html = page(response)
    assert response.status_code == 200
    assert "北环路观摩加分" in html and "东安路通报减分" in html
    assert "+3.00" in html and "-1.00" in html
    assert response.context["form"] is not None
    assert 'value="street-' in html and 'value="unit-' in html
    assert '<optgroup label="街道">' in html and '<optgroup label="责任单位">' in html


@pytest.mark.parametrize("role", ["admin", "staff_a", "leader"])
def test_the_adjustments_page_reads_the_same_queries_for_more_rows(as_user, adjusted, users, scheme, role):
    client = as_user(role)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(adjustments_url(scheme)).status_code == 200
        return len(captured)

    few = queries()
    for name in ("北环路街道", "东安路街道", "皇台街道"):
        more = adjustment_add(
            user=users["admin"], scheme=scheme, period=SEPTEMBER, subject_kind="street", subject=street(name),
            points=Decimal("1"), reason="再加一分",
        )  # fmt: skip
        adjustment_withdraw(user=users["admin"], adjustment=more, reason="撤销")
    assert queries() == few


def test_staff_see_their_own_streets_adjustments_only(as_user, adjusted, scheme):
    response = as_user("staff_a").get(adjustments_url(scheme))
    html = page(response)
    assert response.status_code == 200
    assert "北环路观摩加分" in html
    assert "东安路通报减分" not in html
    assert response.context["form"] is None


def test_the_leader_reads_every_adjustment_without_the_form(as_user, adjusted, scheme):
    response = as_user("leader").get(adjustments_url(scheme))
    assert "东安路通报减分" in page(response)
    assert response.context["form"] is None and response.context["withdraw_form"] is None


def test_the_admin_adds_an_adjustment(as_user, scheme):
    data = {"subject": f"street-{street().pk}", "points": "2.5", "reason": "重点项目观摩第一名"}
    response = as_user("admin").post(adjustments_url(scheme), data)
    assert response.status_code == 302
    assert response["Location"] == adjustments_url(scheme)
    adjustment = Adjustment.objects.get(scheme=scheme)
    assert (adjustment.street, adjustment.points, adjustment.period_kind, adjustment.number) == (
        street(),
        Decimal("2.50"),
        "month",
        9,
    )


@pytest.mark.parametrize(
    "data, message",
    [
        ({"points": "2", "reason": "  "}, "请填写加减分理由。"),
        ({"points": "0", "reason": "无"}, "加减分分值不能为0。"),
        ({"points": "abc", "reason": "无"}, "分值须为数字。"),
        ({"points": "120", "reason": "无"}, "加减分分值应在-100分到100分之间。"),
    ],
)
def test_bad_adjustments_are_refused_on_the_form(as_user, scheme, data, message):
    response = as_user("admin").post(adjustments_url(scheme), {"subject": f"street-{street().pk}", **data})
    assert response.status_code == 200
    assert message in page(response)
    assert not Adjustment.objects.filter(scheme=scheme).exists()


@pytest.mark.parametrize("query", ["", "?period=month-13", "?period=month-9&year=abc", "?period=week-1"])
def test_an_adjustment_posted_without_a_valid_period_is_refused(as_user, scheme, query):
    """A good adjustment posted to a missing or bad period is not written into the default month."""
    data = {"subject": f"street-{street().pk}", "points": "2", "reason": "协调有力"}
    response = as_user("admin").post(reverse("scoring:adjustments", args=[scheme.pk]) + query, data)
    assert response.status_code == 400
    assert "考核周期缺失或有误，未记加减分" in page(response)
    assert not Adjustment.objects.filter(scheme=scheme).exists()


def test_a_street_of_another_district_is_not_offered(as_user, scheme):
    elsewhere = Street.objects.create(district=Region.objects.get(code="410402"), name="新华区某街道")
    data = {"subject": f"street-{elsewhere.pk}", "points": "2", "reason": "无"}
    response = as_user("admin").post(adjustments_url(scheme), data)
    assert response.status_code == 200
    assert "没有这个考核对象。" in page(response)
    assert not Adjustment.objects.filter(scheme=scheme).exists()


def test_a_frozen_period_shows_no_form_and_refuses_a_post(as_user, users, scheme):
    sheet_freeze(user=users["admin"], scheme=scheme, period=AUGUST, today=TODAY)
    response = as_user("admin").get(adjustments_url(scheme, "month-8"))
    assert "2015年8月的考核结果已于" in page(response)
    assert response.context["form"] is None
    data = {"subject": f"street-{street().pk}", "points": "2", "reason": "补录"}
    response = as_user("admin").post(adjustments_url(scheme, "month-8"), data)
    assert response.status_code == 200
    assert "该周期的考核结果已定稿，不能再加减分。" in page(response)
    assert not Adjustment.objects.filter(scheme=scheme).exists()


@pytest.mark.parametrize("role, status", [("staff_a", 403), ("leader", 403), ("other_admin", 404), ("staff_b", 404)])
def test_only_the_office_adds_adjustments(as_user, scheme, role, status):
    data = {"subject": f"street-{street().pk}", "points": "2", "reason": "无"}
    assert as_user(role).post(adjustments_url(scheme), data).status_code == status
    assert not Adjustment.objects.filter(scheme=scheme).exists()


@pytest.mark.parametrize("role", ["other_admin", "staff_b", "other_leader"])
def test_the_adjustments_of_a_scheme_out_of_reach_are_404(as_user, scheme, role):
    assert as_user(role).get(adjustments_url(scheme)).status_code == 404


def test_a_bad_period_parameter_falls_back_with_a_message(as_user, scheme):
    response = as_user("admin").get(reverse("scoring:adjustments", args=[scheme.pk]) + "?period=month-13&year=x")
    assert response.status_code == 200
    assert response.context["period"].year == 2015
    assert "考核周期只能是某月、某季度或全年。" in page(response)


def withdraw_url(adjustment):
    return reverse("scoring:adjustment_withdraw", args=[adjustment.pk])


def test_the_admin_withdraws_an_adjustment_and_it_stays_struck(as_user, adjusted, scheme):
    own, _ = adjusted
    data = {"reason": "重复录入", "updated_at": own.updated_at.isoformat()}
    response = as_user("admin").post(withdraw_url(own), data)
    assert response.status_code == 302
    assert response["Location"] == adjustments_url(scheme)
    own.refresh_from_db()
    assert own.withdraw_reason == "重复录入"
    html = page(as_user("staff_a").get(adjustments_url(scheme)))
    assert "已撤销的加减分" in html and "<del>北环路街道</del>" in html and "重复录入" in html


def test_withdrawing_twice_says_so(as_user, adjusted):
    own, _ = adjusted
    data = {"reason": "重复录入", "updated_at": own.updated_at.isoformat()}
    as_user("admin").post(withdraw_url(own), data)
    response = as_user("admin").post(withdraw_url(own), data, follow=True)
    assert "不能重复撤销" in page(response)
    assert Adjustment.objects.get(pk=own.pk).withdraw_reason == "重复录入"


def test_withdrawing_without_a_reason_says_so(as_user, adjusted):
    own, _ = adjusted
    response = as_user("admin").post(withdraw_url(own), {"updated_at": own.updated_at.isoformat()}, follow=True)
    assert "未撤销北环路街道的+3.00分：请填写撤销理由。" in page(response)
    assert Adjustment.objects.get(pk=own.pk).withdrawn_at is None


@pytest.mark.parametrize("role, status", [("staff_a", 403), ("leader", 403), ("other_admin", 404), ("staff_b", 404)])
def test_only_the_office_withdraws(as_user, adjusted, role, status):
    own, _ = adjusted
    data = {"reason": "不同意", "updated_at": own.updated_at.isoformat()}
    assert as_user(role).post(withdraw_url(own), data).status_code == status
    assert Adjustment.objects.get(pk=own.pk).withdrawn_at is None


def test_withdrawing_by_get_is_not_allowed(as_user, adjusted):
    assert as_user("admin").get(withdraw_url(adjusted[0])).status_code == 405
