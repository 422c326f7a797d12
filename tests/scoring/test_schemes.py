"""The scheme's services: creating a district's scheme for a year (copying the year before), and
changing it with its criteria — each refusal says why in Chinese and writes nothing, and every
change is recorded with the person who made it."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from projects.models import Region
from scoring.models import Criterion, Scheme
from scoring.periods import ScorePeriod
from scoring.selectors.schemes import rule_text, rulebook, scheme_changes
from scoring.selectors.scores import ranking
from scoring.services.freeze import sheet_freeze
from scoring.services.schemes import (
    STALE_SCHEME,
    CriteriaInvalid,
    CriterionInput,
    SchemeConflict,
    scheme_create,
    scheme_update,
)
from tests.scoring.conftest import TODAY, build_scheme, clear_schemes

AUGUST = ScorePeriod("month", 2015, 8)
SEPTEMBER = ScorePeriod("month", 2015, 9)


def inputs(scheme, changes=None, *, drop=(), add=()):
    """The scheme's stored criteria as the form would give them back, with ``changes`` by name
    ({"投资完成": {"weight": Decimal("35")}}), without the names in ``drop``, plus ``add``."""
    changes = changes or {}
    rows = []
    for c in scheme.criteria.order_by("sort_order", "id"):
        if c.name in drop:
            continue
        row = CriterionInput(
            id=c.pk,
            name=c.name,
            measure=c.measure,
            applies_to=c.applies_to,
            weight=c.weight,
            formula=c.formula,
            lower=c.lower,
            upper=c.upper,
            target=c.target,
            per_item=c.per_item,
            sort_order=c.sort_order,
        )
        rows.append(replace(row, **changes.get(c.name, {})))
    return rows + list(add)


def state(scheme):
    """Everything a refused update must leave as it was."""
    scheme = Scheme.objects.get(pk=scheme.pk)
    criteria = list(Criterion.objects.filter(scheme=scheme).order_by("pk").values_list("pk", *CRITERION_FIELDS))
    return (scheme.name, scheme.level, scheme.notes, scheme.updated_at, criteria, Criterion.history.count())


def update(user, scheme, criteria, **fields):
    scheme = Scheme.objects.get(pk=scheme.pk)
    return scheme_update(
        user=user,
        scheme=scheme,
        fields={"name": scheme.name, "level": scheme.level, "notes": scheme.notes, **fields},
        criteria=criteria,
        expected_updated_at=scheme.updated_at,
    )


def create(user, district, year, *, name="考核", level="", notes="", copy_previous=False):
    return scheme_create(
        user=user, district=district, year=year, name=name, level=level, notes=notes, copy_previous=copy_previous
    )


# 前期手续 weighing more than 投资完成 (the base still 100); and a change that keeps the sum.
APPROVALS_FIRST = {"投资完成": {"weight": Decimal("10")}, "前期手续": {"weight": Decimal("45")}}
MOVED_FIVE = {"投资完成": {"weight": Decimal("35")}, "新开工": {"weight": Decimal("20")}}
CRITERION_FIELDS = ("name", "measure", "applies_to", "weight", "formula", "lower", "upper", "target", "per_item")


def weights(scheme):
    return dict(Criterion.objects.filter(scheme=scheme).values_list("name", "weight"))


@pytest.fixture
def other_admin(demo, django_user_model):
    """The admin of another district's office (新华区)."""
    return django_user_model.objects.create_user(
        "xinhua_admin", password="kp-test-Pass-2015", role=Role.ADMIN, region=Region.objects.get(code="410402")
    )


# --- creating --------------------------------------------------------------------------------------


def test_an_admin_creates_a_scheme_recorded_with_their_name(users, weidong):
    clear_schemes(weidong, 2016)
    scheme = create(users["admin"], weidong, 2016, name=" 重点项目考核办法 ", level="city")
    assert (scheme.district, scheme.year, scheme.name, scheme.level) == (weidong, 2016, "重点项目考核办法", "city")
    assert not scheme.criteria.exists()
    assert scheme.history.get().history_user == users["admin"]


def test_copying_the_previous_year_copies_its_criteria(users, scheme, weidong):
    clear_schemes(weidong, 2016)
    new = create(users["admin"], weidong, 2016, copy_previous=True)
    fields = (*CRITERION_FIELDS, "sort_order")
    assert list(new.criteria.values_list(*fields)) == list(scheme.criteria.values_list(*fields))
    assert new.criteria.count() == 7
    assert {record.history_user for record in Criterion.history.filter(scheme_id=new.pk)} == {users["admin"]}
    assert scheme.criteria.count() == 7  # the old year's untouched


def test_copying_without_a_previous_year_is_refused_and_nothing_is_created(users, weidong):
    clear_schemes(weidong, 2016), clear_schemes(weidong, 2017)
    before = Scheme.objects.count()
    with pytest.raises(ValidationError) as refused:
        create(users["admin"], weidong, 2017, copy_previous=True)
    assert refused.value.message_dict["copy_previous"] == [
        "卫东区没有2016年度的考核方案，无法复制指标。请取消勾选后新建，再逐项添加指标。"
    ]
    assert Scheme.objects.count() == before


def test_a_second_scheme_for_the_same_district_and_year_is_refused(users, scheme, weidong):
    before = Scheme.objects.count()
    with pytest.raises(ValidationError) as refused:
        create(users["admin"], weidong, 2015, name="另一个")
    assert refused.value.message_dict["year"] == ["卫东区2015年已有考核方案，不能重复新建；请打开该方案修改。"]
    assert Scheme.objects.count() == before
    assert Scheme.objects.get(district=weidong, year=2015).name == "重点项目考核办法"


def test_a_blank_name_is_refused(users, weidong):
    clear_schemes(weidong, 2016)
    with pytest.raises(ValidationError) as refused:
        create(users["admin"], weidong, 2016, name="  ")
    assert refused.value.message_dict["name"] == ["请填写方案名称。"]
    assert not Scheme.objects.filter(district=weidong, year=2016).exists()


@pytest.mark.parametrize("who", ["staff_a", "leader", "other_admin"])
def test_only_the_districts_office_creates_a_scheme(users, other_admin, weidong, who):
    clear_schemes(weidong, 2016)
    user = other_admin if who == "other_admin" else users[who]
    with pytest.raises(PermissionDenied):
        create(user, weidong, 2016)
    assert not Scheme.objects.filter(district=weidong, year=2016).exists()


def test_the_city_office_creates_a_scheme_for_its_district(weidong, django_user_model):
    clear_schemes(weidong, 2016)
    city = django_user_model.objects.get(username="city")
    scheme = create(city, weidong, 2016)
    assert scheme.district == weidong


# --- changing: what is saved -----------------------------------------------------------------------


def test_a_weight_change_is_saved_and_recorded_with_the_user(users, scheme):
    opened = scheme.updated_at
    update(
        users["admin"],
        scheme,
        inputs(scheme, MOVED_FIVE),
        notes="2015年修订",
        level="city",
    )
    scheme.refresh_from_db()
    assert weights(scheme)["投资完成"] == Decimal("35.00")
    assert weights(scheme)["新开工"] == Decimal("20.00")
    assert scheme.notes == "2015年修订"
    assert scheme.updated_at > opened
    change = Criterion.history.filter(name="投资完成", scheme_id=scheme.pk).latest("history_id")
    assert (change.history_user, change.weight, change.history_change_reason) == (
        users["admin"],
        Decimal("35.00"),
        "修改考核方案",
    )
    # Criteria left as they were get no history row.
    assert Criterion.history.filter(scheme_id=scheme.pk, name="前期手续").count() == 1
    lines = [c.text for c in scheme_changes(user=users["staff_a"], scheme=scheme)]
    assert "投资完成 分值 40.00 → 35.00" in lines
    assert "新开工 分值 15.00 → 20.00" in lines
    assert "方案 考核范围 全部清单 → 市重点；说明 （空） → 2015年修订" in lines
    named = {c.who for c in scheme_changes(user=users["staff_a"], scheme=scheme) if "→" in c.text}
    assert named == {"卫东区项目办管理员（示例）"}


def test_a_save_that_changes_only_criteria_moves_the_schemes_updated_at(users, scheme):
    opened = scheme.updated_at
    saved = update(users["admin"], scheme, inputs(scheme, {"报送及时": {"per_item": Decimal("2")}}))
    assert saved.updated_at > opened
    assert Scheme.objects.get(pk=scheme.pk).updated_at == saved.updated_at
    assert scheme.history.latest("history_id").history_user == users["admin"]


def test_criteria_are_deleted_added_and_reordered(users, scheme):
    new = CriterionInput(
        id=None, name="安全生产", measure="problem_closure", applies_to="both", weight=Decimal("10"),
        formula="per_late", per_item=Decimal("1"), sort_order=0,
    )  # fmt: skip
    update(
        users["admin"],
        scheme,
        inputs(scheme, {"投资完成": {"sort_order": 9}}, drop=["报送及时"], add=[new]),
    )
    names = list(scheme.criteria.order_by("sort_order", "id").values_list("name", flat=True))
    assert names == ["安全生产", "新开工", "前期手续", "问题办结", "交办事项", "节点提前", "投资完成"]
    deleted = Criterion.history.get(scheme_id=scheme.pk, name="报送及时", history_type="-")
    assert deleted.history_user == users["admin"]
    lines = [c.text for c in scheme_changes(user=users["admin"], scheme=scheme)]
    assert "删除指标「报送及时」" in lines
    assert "新增指标「安全生产」，分值 10.00" in lines
    assert "投资完成 排序 1 → 9" in lines


def test_two_criteria_may_swap_their_names(users, scheme):
    update(users["admin"], scheme, inputs(scheme, {"问题办结": {"name": "交办事项"}, "交办事项": {"name": "问题办结"}}))
    swapped = dict(scheme.criteria.values_list("name", "measure"))
    assert (swapped["交办事项"], swapped["问题办结"]) == ("problem_closure", "task_closure")
    lines = [c.text for c in scheme_changes(user=users["admin"], scheme=scheme)]
    assert "问题办结 指标名称 问题办结 → 交办事项" in lines


def test_parameters_a_formula_does_not_read_are_cleared(users, scheme):
    update(users["admin"], scheme, inputs(scheme, {"投资完成": {"per_item": Decimal("3"), "target": Decimal("90")}}))
    investment = scheme.criteria.get(name="投资完成")
    assert (investment.lower, investment.upper, investment.target, investment.per_item) == (
        Decimal("60.00"),
        Decimal("120.00"),
        None,
        None,
    )


def test_a_bonus_criterion_is_outside_the_100_points(users, scheme):
    update(users["admin"], scheme, inputs(scheme, {"节点提前": {"weight": Decimal("8")}}))
    assert weights(scheme)["节点提前"] == Decimal("8.00")


def test_a_criterion_of_streets_only_counts_for_streets(users, scheme):
    street_only = CriterionInput(
        id=None, name="街道专项", measure="task_closure", applies_to="street", weight=Decimal("10"),
        formula="per_late", per_item=Decimal("1"), sort_order=8,
    )  # fmt: skip
    unit_only = replace(street_only, name="部门专项", applies_to="unit")
    update(
        users["admin"],
        scheme,
        inputs(scheme, drop=["交办事项"]) + [street_only, unit_only],
    )
    assert set(weights(scheme)) >= {"街道专项", "部门专项"}
    assert "交办事项" not in weights(scheme)


# --- changing: what is refused ---------------------------------------------------------------------


def refused(user, scheme, criteria, **fields):
    before = state(scheme)
    with pytest.raises(ValidationError) as error:
        update(user, scheme, criteria, **fields)
    assert state(scheme) == before
    return error.value


def test_base_weights_off_100_are_refused_with_each_kinds_sum(users, scheme):
    error = refused(users["admin"], scheme, inputs(scheme, {"投资完成": {"weight": Decimal("35")}}))
    assert error.messages == [
        "街道的基本分指标合计应为100分，现为95.00分。",
        "责任单位的基本分指标合计应为100分，现为95.00分。",
    ]


def test_a_criterion_taken_off_the_units_leaves_their_sum_short(users, scheme):
    error = refused(users["admin"], scheme, inputs(scheme, {"报送及时": {"applies_to": "street"}}))
    assert error.messages == ["责任单位的基本分指标合计应为100分，现为90.00分。"]


def test_an_empty_list_of_criteria_is_refused(users, scheme):
    error = refused(users["admin"], scheme, [])
    assert "街道的基本分指标合计应为100分，现为0.00分。" in error.messages


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"lower": Decimal("120"), "upper": Decimal("60")}, "upper", "上限应大于下限。"),
        ({"upper": None}, "upper", "区间线性需要填写下限和上限。"),
        ({"formula": "per_late", "per_item": Decimal("1")}, "formula", "“投资完成率（占时序进度）”只能用以下计分方法"),
        ({"weight": Decimal("0")}, "weight", "分值应大于0分且不超过100分。"),
        ({"weight": Decimal("120")}, "weight", "分值应大于0分且不超过100分。"),
        ({"name": "  "}, "name", "请填写指标名称。"),
        ({"measure": "rainfall"}, "measure", "没有这个考核内容。"),
    ],
)
def test_a_criterion_breaking_a_rule_is_refused_with_its_row_named(users, scheme, change, field, message):
    error = refused(users["admin"], scheme, inputs(scheme, {"投资完成": change}))
    assert isinstance(error, CriteriaInvalid)
    assert list(error.rows) == [0]
    assert any(m.startswith(message) for m in error.rows[0][field])
    assert any(m.startswith("第1项指标") and message in m for m in error.messages)


def test_names_are_unique_in_the_scheme(users, scheme):
    error = refused(users["admin"], scheme, inputs(scheme, {"前期手续": {"name": " 新开工 "}}))
    assert error.rows == {2: {"name": ["指标名称「新开工」与第2项重复。"]}}
    assert error.messages == ["第3项指标「新开工」：指标名称「新开工」与第2项重复。"]


def test_a_target_criterion_needs_its_target(users, scheme):
    error = refused(users["admin"], scheme, inputs(scheme, {"新开工": {"target": None}}))
    assert error.rows == {1: {"target": ["达标满分需要填写目标值。"]}}
    assert error.messages == ["第2项指标「新开工」：达标满分需要填写目标值。"]


def test_a_stale_form_is_refused_and_nothing_is_written(users, scheme):
    opened = scheme.updated_at
    update(users["admin"], scheme, inputs(scheme, {"投资完成": {"sort_order": 1}}))  # someone saved meanwhile
    before = state(scheme)
    with pytest.raises(SchemeConflict) as conflict:
        scheme_update(
            user=users["admin"],
            scheme=scheme,
            fields={"name": "被覆盖的名称"},
            criteria=inputs(scheme, MOVED_FIVE),
            expected_updated_at=opened,
        )
    assert conflict.value.messages == [STALE_SCHEME] == ["该方案已被他人修改，请刷新页面后重新编辑。"]
    assert state(scheme) == before


def test_an_id_of_another_schemes_criterion_is_refused(users, scheme, weidong):
    other = build_scheme(weidong, year=2014)
    forged = inputs(scheme)
    forged[0] = replace(forged[0], id=other.criteria.get(name="投资完成").pk)
    error = refused(users["admin"], scheme, forged)
    assert error.rows[0]["name"] == ["该指标已不存在（可能已被他人删除），请刷新页面后重新编辑。"]
    assert other.criteria.get(name="投资完成").weight == Decimal("40.00")


@pytest.mark.parametrize("who", ["staff_a", "leader", "other_admin"])
def test_only_the_districts_office_changes_the_scheme(users, other_admin, scheme, who):
    user = other_admin if who == "other_admin" else users[who]
    before = state(scheme)
    with pytest.raises(PermissionDenied):
        update(user, scheme, inputs(scheme, MOVED_FIVE))
    assert state(scheme) == before


def test_the_district_and_year_are_not_changed_by_an_update(users, scheme):
    with pytest.raises(TypeError):
        update(users["admin"], scheme, inputs(scheme), year=2016)
    assert Scheme.objects.get(pk=scheme.pk).year == 2015


# --- what a change does to the scores --------------------------------------------------------------


def test_editing_weights_changes_the_live_ranking(users, scheme):
    """The issue's "an admin edits a weight and sees the ranking change", at the service level: with
    前期手续 weighing more than 投资完成, a street strong on approvals but behind on investment
    (东安路街道) overtakes one ahead on investment but without its new starts (东工人镇街道)."""

    def places():
        rows = ranking(scheme=scheme, period=SEPTEMBER, kind="street", today=TODAY).rows
        return {row.name: row.rank for row in rows}, [row.name for row in rows]

    before, order_before = places()
    assert before["东工人镇街道"] < before["东安路街道"]
    update(users["admin"], scheme, inputs(scheme, APPROVALS_FIRST))
    after, order_after = places()
    assert after["东安路街道"] < after["东工人镇街道"]
    assert order_after != order_before


def test_a_frozen_period_keeps_the_scheme_it_used(users, scheme):
    sheet_freeze(user=users["admin"], scheme=scheme, period=AUGUST, today=TODAY)
    frozen_before = ranking(scheme=scheme, period=AUGUST, kind="street", today=TODAY)
    update(
        users["admin"],
        scheme,
        inputs(scheme, APPROVALS_FIRST),
    )
    frozen_after = ranking(scheme=scheme, period=AUGUST, kind="street", today=TODAY)
    assert [(r.name, r.total) for r in frozen_after.rows] == [(r.name, r.total) for r in frozen_before.rows]
    assert {c.name: c.weight for c in frozen_after.criteria}["投资完成"] == Decimal("40.00")
    live = ranking(scheme=scheme, period=SEPTEMBER, kind="street", today=TODAY)
    assert {c.name: c.weight for c in live.criteria}["投资完成"] == Decimal("10.00")


def test_deleting_a_criterion_leaves_a_frozen_sheet_whole(users, scheme):
    sheet_freeze(user=users["admin"], scheme=scheme, period=AUGUST, today=TODAY)
    update(
        users["admin"],
        scheme,
        inputs(scheme, {"交办事项": {"weight": Decimal("20")}}, drop=["报送及时"]),
    )
    frozen = ranking(scheme=scheme, period=AUGUST, kind="street", today=TODAY)
    assert "报送及时" in [c.name for c in frozen.criteria]
    assert "报送及时" not in scheme.criteria.values_list("name", flat=True)


# --- the rules in words ----------------------------------------------------------------------------


def test_each_formula_is_explained_in_words(scheme):
    rules = {row.criterion.name: row for row in rulebook(scheme)[0]}
    assert rules["投资完成"].rule == "60%及以下得0分，120%及以上得满分40分，其间按比例计分"
    assert rules["投资完成"].measure == "投资完成率（占时序进度）"
    assert rules["新开工"].rule == "达到100%得满分15分，每低1个百分点扣0.2分，扣完为止"
    assert rules["问题办结"].rule == "满分10分，每个逾期（未完成）事项扣2分，扣完为止"
    assert rules["节点提前"].rule == "每项加1分，最多加5分"
    assert rules["节点提前"].applies_to == "街道和责任单位"
    _, totals, bonus = rulebook(scheme)
    assert totals == {"街道": Decimal("100"), "责任单位": Decimal("100")}
    assert bonus == Decimal("5")


def test_rule_text_reads_decimals_as_written(scheme):
    criterion = Criterion(formula="linear", weight=Decimal("12.50"), lower=Decimal("60.50"), upper=Decimal("100.00"))
    assert rule_text(criterion) == "60.5%及以下得0分，100%及以上得满分12.5分，其间按比例计分"


def test_names_in_the_change_record_stay_hidden_from_another_office(users, scheme, other_admin):
    update(users["admin"], scheme, inputs(scheme, {"报送及时": {"per_item": Decimal("2")}}))
    xinhua_view = scheme_changes(user=other_admin, scheme=scheme)
    assert {c.who for c in xinhua_view if "报送及时 每项" in c.text} == {"其他用户"}
