"""加分/减分: added with a reason by the district's office, withdrawn with a reason and never deleted,
refused once the period is frozen; each refusal says why and writes nothing. And who sees which."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from projects.models import Region, Street, Unit
from scoring.models import Adjustment
from scoring.periods import ScorePeriod
from scoring.selectors.adjustments import period_adjustments
from scoring.selectors.scores import ranking
from scoring.services.adjustments import adjustment_add, adjustment_withdraw
from scoring.services.freeze import sheet_freeze
from tests.scoring.conftest import TODAY

AUGUST = ScorePeriod("month", 2015, 8)
SEPTEMBER = ScorePeriod("month", 2015, 9)
WEIDONG = "410403"


@pytest.fixture
def other_admin(demo, django_user_model):
    return django_user_model.objects.create_user(
        "xinhua_admin", password="kp-test-Pass-2015", role=Role.ADMIN, region=Region.objects.get(code="410402")
    )


def street(name="北环路街道"):
    return Street.objects.get(name=name, district__code=WEIDONG)


def department(name="区发展和改革委员会"):
    return Unit.objects.get(name=name, district__code=WEIDONG)


def add(user, scheme, *, period=SEPTEMBER, kind="street", subject=None, points="3", reason="牵头完成项目观摩"):
    subject = subject if subject is not None else (street() if kind == "street" else department())
    return adjustment_add(
        user=user,
        scheme=scheme,
        period=period,
        subject_kind=kind,
        subject=subject,
        points=Decimal(points),
        reason=reason,
    )


def adjustments_state():
    return list(Adjustment.objects.order_by("pk").values())


def refused_add(user, scheme, **kwargs):
    before = adjustments_state()
    with pytest.raises(ValidationError) as error:
        add(user, scheme, **kwargs)
    assert adjustments_state() == before
    return error.value


# --- adding ----------------------------------------------------------------------------------------


def test_an_adjustment_counts_in_the_live_ranking_and_is_recorded_with_its_author(users, scheme):
    before = ranking(scheme=scheme, period=SEPTEMBER, kind="street", today=TODAY).row(street().pk).total
    adjustment = add(users["admin"], scheme, points="-2.50", reason="  安全生产事故通报  ")
    assert (adjustment.points, adjustment.reason, adjustment.created_by) == (
        Decimal("-2.50"),
        "安全生产事故通报",
        users["admin"],
    )
    assert adjustment.history.get().history_user == users["admin"]
    row = ranking(scheme=scheme, period=SEPTEMBER, kind="street", today=TODAY).row(street().pk)
    assert row.total == before - Decimal("2.50")
    assert [line.reason for line in row.adjustments] == ["安全生产事故通报"]


def test_a_department_is_adjusted_as_a_unit(users, scheme):
    adjustment = add(users["admin"], scheme, kind="unit", points="1")
    assert (adjustment.subject_kind, adjustment.unit, adjustment.street) == ("unit", department(), None)
    row = ranking(scheme=scheme, period=SEPTEMBER, kind="unit", today=TODAY).row(department().pk)
    assert row.adjustment == Decimal("1.00")


@pytest.mark.parametrize(
    "points, message",
    [
        ("0", "加减分分值不能为0。"),
        ("100.01", "加减分分值应在-100分到100分之间。"),
        ("-101", "加减分分值应在-100分到100分之间。"),
        ("1.005", "加减分分值最多保留两位小数。"),
    ],
)
def test_points_out_of_bounds_are_refused(users, scheme, points, message):
    assert refused_add(users["admin"], scheme, points=points).message_dict["points"] == [message]


def test_a_blank_reason_is_refused(users, scheme):
    assert refused_add(users["admin"], scheme, reason=" \n ").message_dict["reason"] == ["请填写加减分理由。"]


def test_a_street_of_another_district_is_refused(users, scheme):
    elsewhere = Street.objects.create(district=Region.objects.get(code="410402"), name="新华区某街道")
    error = refused_add(users["admin"], scheme, subject=elsewhere)
    assert error.message_dict["subject"] == ["考核对象须为卫东区的街道或区直部门。"]


def test_a_street_office_is_not_adjusted_as_a_unit(users, scheme):
    error = refused_add(users["admin"], scheme, kind="unit", subject=department("北环路街道办事处"))
    assert error.message_dict["subject"] == ["「北环路街道办事处」不是区直部门：街道办事处按街道考核，请选择对应街道。"]


def test_a_subject_of_the_wrong_kind_is_refused(users, scheme):
    error = refused_add(users["admin"], scheme, kind="street", subject=department())
    assert error.message_dict["subject"] == ["考核对象须为卫东区的街道或区直部门。"]


def test_a_period_of_another_year_is_refused(users, scheme):
    error = refused_add(users["admin"], scheme, period=ScorePeriod("month", 2016, 1))
    assert error.message_dict["period"] == ["考核周期须在方案年度（2015年）内。"]


def test_a_frozen_period_takes_no_adjustment(users, scheme):
    sheet_freeze(user=users["admin"], scheme=scheme, period=AUGUST, today=TODAY)
    error = refused_add(users["admin"], scheme, period=AUGUST)
    assert error.messages == ["该周期的考核结果已定稿，不能再加减分。"]
    add(users["admin"], scheme, period=SEPTEMBER)  # an open period of the same scheme still does


@pytest.mark.parametrize("who", ["staff_a", "leader", "other_admin"])
def test_only_the_districts_office_adjusts(users, other_admin, scheme, who):
    user = other_admin if who == "other_admin" else users[who]
    before = adjustments_state()
    with pytest.raises(PermissionDenied):
        add(user, scheme)
    assert adjustments_state() == before


# --- withdrawing -----------------------------------------------------------------------------------


def test_a_withdrawn_adjustment_stays_with_its_reason_and_leaves_the_score(users, scheme):
    adjustment = add(users["admin"], scheme, points="5")
    with_it = ranking(scheme=scheme, period=SEPTEMBER, kind="street", today=TODAY).row(street().pk).total
    adjustment_withdraw(
        user=users["admin"], adjustment=adjustment, reason=" 重复录入 ", expected_updated_at=adjustment.updated_at
    )
    adjustment.refresh_from_db()
    assert (adjustment.withdrawn_by, adjustment.withdraw_reason) == (users["admin"], "重复录入")
    assert adjustment.withdrawn_at is not None
    assert adjustment.history.latest("history_id").history_user == users["admin"]
    without = ranking(scheme=scheme, period=SEPTEMBER, kind="street", today=TODAY).row(street().pk).total
    assert without == with_it - Decimal("5")


def test_withdrawing_twice_is_refused(users, scheme):
    adjustment = add(users["admin"], scheme)
    adjustment_withdraw(user=users["admin"], adjustment=adjustment, reason="重复录入")
    before = adjustments_state()
    with pytest.raises(ValidationError) as error:
        adjustment_withdraw(user=users["admin"], adjustment=adjustment, reason="再撤一次")
    when = timezone.localtime(Adjustment.objects.get(pk=adjustment.pk).withdrawn_at)
    assert error.value.messages == [f"该加减分已于 {when:%Y-%m-%d %H:%M} 撤销，不能重复撤销。"]
    assert adjustments_state() == before


def test_withdrawing_needs_a_reason(users, scheme):
    adjustment = add(users["admin"], scheme)
    with pytest.raises(ValidationError) as error:
        adjustment_withdraw(user=users["admin"], adjustment=adjustment, reason="  ")
    assert error.value.message_dict["reason"] == ["请填写撤销理由。"]
    assert Adjustment.objects.get(pk=adjustment.pk).withdrawn_at is None


def test_withdrawing_from_a_stale_page_is_refused(users, scheme):
    adjustment = add(users["admin"], scheme)
    opened = adjustment.updated_at
    Adjustment.objects.filter(pk=adjustment.pk).update(updated_at=opened + timedelta(seconds=1))
    with pytest.raises(ValidationError) as error:
        adjustment_withdraw(user=users["admin"], adjustment=adjustment, reason="重复录入", expected_updated_at=opened)
    assert error.value.messages == ["该加减分已被他人修改，请刷新页面后重新操作。"]
    assert Adjustment.objects.get(pk=adjustment.pk).withdrawn_at is None


def test_an_adjustment_of_a_frozen_period_is_not_withdrawn(users, scheme):
    adjustment = add(users["admin"], scheme, period=AUGUST)
    sheet_freeze(user=users["admin"], scheme=scheme, period=AUGUST, today=TODAY)
    with pytest.raises(ValidationError) as error:
        adjustment_withdraw(user=users["admin"], adjustment=adjustment, reason="重复录入")
    assert error.value.messages == ["该周期的考核结果已定稿，不能再加减分。"]
    assert Adjustment.objects.get(pk=adjustment.pk).withdrawn_at is None
    frozen = ranking(scheme=scheme, period=AUGUST, kind="street", today=TODAY).row(street().pk)
    assert [line.id for line in frozen.adjustments] == [adjustment.pk]


@pytest.mark.parametrize("who", ["staff_a", "leader", "other_admin"])
def test_only_the_districts_office_withdraws(users, other_admin, scheme, who):
    adjustment = add(users["admin"], scheme)
    user = other_admin if who == "other_admin" else users[who]
    with pytest.raises(PermissionDenied):
        adjustment_withdraw(user=user, adjustment=adjustment, reason="不同意")
    assert Adjustment.objects.get(pk=adjustment.pk).withdrawn_at is None


# --- who sees which --------------------------------------------------------------------------------


@pytest.fixture
def three(users, scheme):
    """North (staff_a's street), 东安路 (staff_b's) and a department, each adjusted in September; the
    department's withdrawn."""
    own = add(users["admin"], scheme, reason="北环路加分")
    other = add(users["admin"], scheme, subject=street("东安路街道"), points="-1", reason="东安路减分")
    unit = add(users["admin"], scheme, kind="unit", reason="发改委加分")
    adjustment_withdraw(user=users["admin"], adjustment=unit, reason="录错对象")
    return own, other, unit


def seen(user, scheme):
    in_force, withdrawn = period_adjustments(user=user, scheme=scheme, period=SEPTEMBER)
    return [row.adjustment.reason for row in in_force], [row.adjustment.reason for row in withdrawn]


def test_the_office_and_the_leaders_see_every_adjustment(users, scheme, three):
    everything = (["北环路加分", "东安路减分"], ["发改委加分"])
    assert seen(users["admin"], scheme) == everything
    assert seen(users["leader"], scheme) == everything


def test_a_staff_user_sees_the_adjustments_of_their_own_street_only(users, scheme, three):
    assert seen(users["staff_a"], scheme) == (["北环路加分"], [])
    in_force, _ = period_adjustments(user=users["staff_a"], scheme=scheme, period=SEPTEMBER)
    assert (in_force[0].subject, in_force[0].created_by, in_force[0].points_text) == (
        "北环路街道",
        "卫东区项目办管理员（示例）",
        "+3.00",
    )


def test_nobody_outside_the_district_sees_any(users, other_admin, scheme, three):
    assert seen(users["staff_b"], scheme) == ([], [])  # no district of their own
    assert seen(other_admin, scheme) == ([], [])


def test_another_periods_adjustments_are_not_listed(users, scheme, three):
    in_force, withdrawn = period_adjustments(user=users["admin"], scheme=scheme, period=AUGUST)
    assert (in_force, withdrawn) == ([], [])
