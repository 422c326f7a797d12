"""Amounts as people type them, read by one rule in the report form, the importer and the form's
live preview: a comma only as a thousands separator in groups of three, no exponents; anything
else is refused with a message that quotes what was typed."""

import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from projects.amounts import AmountTextError, parse_amount_text
from projects.importers.municipal import parse_amount
from projects.models import MonthlyReport
from tests.projects.test_import import messages, plain, project_row, read
from tests.projects.test_report_views import OPEN_LISTING, edit_url, form_data, state

MISREAD = ["1,2,3", "12,5", "0,5", "1e3"]  # once saved as 123, 125, 5 and 1000
READ = [
    ("36,830", Decimal("36830")),
    ("1,234.5", Decimal("1234.5")),
    ("１２，３４５", Decimal("12345")),
    ("  1200 ", Decimal("1200")),
    ("0.5", Decimal("0.5")),
    ("123,456.25", Decimal("123456.25")),
    ("-5", Decimal("-5")),  # read, so that the form can say "不能为负数"
]


@pytest.mark.parametrize("typed, expected", READ)
def test_amounts_in_digits_or_in_groups_of_three_are_read(typed, expected):
    assert parse_amount_text(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [*MISREAD, "1,23", "1234,567", ",123", "123,", "1,,234", "1 250", "1e-2", "1E3", "NaN", "Infinity", "0x10", "+5"],
)
def test_anything_else_is_refused_quoting_what_was_typed(typed):
    with pytest.raises(AmountTextError) as refused:
        parse_amount_text(typed)
    assert str(refused.value).startswith(f"「{typed}」")


def test_a_misplaced_comma_says_what_a_comma_is_for():
    with pytest.raises(AmountTextError) as refused:
        parse_amount_text("1,2,3")
    assert str(refused.value) == "「1,2,3」不是有效的金额：逗号只能用作千位分隔符（如 36,830），请核对"


def test_empty_text_is_no_amount():
    assert parse_amount_text("  ") is None


# --- The report form --------------------------------------------------------------------------------


@pytest.fixture
def listing(listing_of):
    return listing_of(OPEN_LISTING)


@pytest.mark.parametrize("typed", MISREAD)
def test_the_report_form_refuses_a_misread_amount_on_its_field(client_for, listing, typed):
    before = state()
    response = client_for("staff_a").post(edit_url(listing), form_data(investment=typed))
    assert response.status_code == 200
    errors = response.context["form"].errors["investment"]
    assert len(errors) == 1 and errors[0].startswith(f"「{typed}」不是有效的金额："), errors
    page = response.content.decode()
    field = re.search(r'<div class="field has-error">\s*<label for="id_investment">.*?</div>', page, re.S)
    assert field and f"「{typed}」不是有效的金额" in field.group(0)
    assert state() == before


@pytest.mark.parametrize("typed, expected", [(t, e) for t, e in READ if e >= 0])
def test_the_report_form_saves_an_amount_typed_in_groups_of_three(client_for, listing, typed, expected):
    response = client_for("staff_a").post(edit_url(listing), form_data(investment=typed, confirmed="on"))
    assert response.status_code == 302
    assert MonthlyReport.objects.get(listing=listing, month=9).investment == expected


def test_the_report_form_still_says_a_negative_amount_is_negative(client_for, listing):
    response = client_for("staff_a").post(edit_url(listing), form_data(investment="-1,234"))
    assert response.context["form"].errors["investment"] == ["本月完成投资不能为负数。"]


# --- The importer -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("typed", MISREAD)
def test_the_importer_refuses_a_misread_amount_as_a_row_error(typed):
    plan = read(plain(project_row(1, "逗号项目", total=typed)))
    assert not plan.ok and not plan.rows
    assert any(
        m.startswith(f"「2017年市重点项目」第5行「总投资」：「{typed}」不是有效的金额：") for m in messages(plan)
    ), messages(plan)


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("typed", ["36,830", "36,830万元", "３６，８３０", "3.683亿", " 3.683 亿元 "])
def test_the_importer_reads_groups_of_three_and_units(typed):
    plan = read(plain(project_row(1, "分组项目", total=typed)))
    assert messages(plan) == [] and plan.rows[0].values["total_investment"] == Decimal("36830")


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("typed", ["1e999999999", "1e999999亿", "1E999999999万元"])
def test_an_amount_with_a_vast_exponent_is_a_row_error_in_chinese(typed):
    plan = read(plain(project_row(1, "指数项目", total=typed, plan=typed)))
    assert not plan.ok
    assert any(f"第5行「总投资」：「{typed}」不是有效的金额" in m for m in messages(plan)), messages(plan)
    assert any(f"第5行「年度计划投资」：「{typed}」不是有效的金额" in m for m in messages(plan)), messages(plan)


@pytest.mark.parametrize("value", [Decimal("1e999999999"), Decimal("1e999999"), Decimal("-1e999999999")])
def test_a_number_that_overflows_is_refused_not_raised(value):
    for factor in (Decimal(1), Decimal(10000)):
        with pytest.raises(ValueError) as refused:
            parse_amount(value, factor)
        assert "过大" in str(refused.value) or "不能为负数" in str(refused.value)


# --- The live preview in the report form ------------------------------------------------------------


def _preview_pattern():
    """The regular expression report_form.js reads an amount with, as Python sees it."""
    script = (Path(settings.BASE_DIR) / "projects" / "static" / "js" / "report_form.js").read_text()
    found = re.search(r"var AMOUNT = /(.+?)/;", script)
    assert found, "report_form.js states its rule as `var AMOUNT = /…/;`"
    return re.compile(found.group(1))


@pytest.mark.parametrize(
    "typed",
    [t for t, _ in READ] + [*MISREAD, "1,23", "1234,567", "1 250", "1e-2", "NaN", "12.", ".5", "1,234."],
)
def test_the_preview_reads_amounts_by_the_same_rule(typed):
    text = unicodedata.normalize("NFKC", typed).strip()
    try:
        parse_amount_text(typed)
        accepted = True
    except AmountTextError:
        accepted = False
    assert bool(_preview_pattern().fullmatch(text)) == accepted, typed
