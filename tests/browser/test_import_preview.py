"""The import preview of a messy list in a real browser (issue #24): the proposed matches, answered
one by one before confirming is possible, on a desktop and on a phone."""

import pytest

from projects.models import Project
from tests.browser.conftest import PHONE, assert_fits
from tests.browser.test_journeys import expect, upload
from tests.projects.test_import_renames import renamed_list

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_admin_answers_each_proposed_match_then_confirms(open_page, tmp_path, viewport):
    path = tmp_path / "2016年市重点项目.xlsx"
    path.write_bytes(renamed_list(more=[["", "", "其中：标准化厂房", "", "", "", 800, 200]]).read())
    page = open_page("admin", **({"viewport": PHONE} if viewport == "phone" else {}))
    upload(page, path)
    matches = page.locator("#matches")
    expect(matches).to_contain_text("可能是同一项目")
    expect(matches).to_contain_text("新吉祥电子科技产业园")
    expect(matches).to_contain_text("河南新吉祥电子科技产业园")
    expect(page.locator("main")).to_contain_text("还有 2 条匹配建议未选择")
    sub_item = page.locator("#preview-rows tr.sub-item")
    expect(sub_item).to_have_count(1)
    expect(sub_item).to_contain_text("子项")
    expect(sub_item).to_contain_text("其中：标准化厂房")
    expect(sub_item).to_contain_text("不计入合计")
    confirm = page.get_by_role("button", name="确认导入")
    expect(confirm).to_be_disabled()
    if viewport == "phone":
        assert_fits(page, "import preview on a phone")

    rows = matches.locator("tbody tr")
    rows.nth(0).get_by_label("是同一项目").check()
    rows.nth(1).get_by_label("不是，新建项目").check()
    page.get_by_role("button", name="保存选择").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("已保存匹配选择")
    expect(page.locator("#matches tbody tr").nth(0).get_by_label("是同一项目")).to_be_checked()
    expect(confirm).to_be_enabled()

    before = Project.objects.count()
    confirm.click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("已导入")
    assert Project.objects.count() == before + 1  # the rejected proposal only
    renamed = Project.objects.get(name="新吉祥电子科技产业园")
    assert renamed.former_name_list == ["河南新吉祥电子科技产业园"]
    page.goto(page.base + renamed.get_absolute_url())
    expect(page.locator("main")).to_contain_text("曾用名")
