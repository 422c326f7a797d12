"""User management (/accounts/users/) as the office admin uses it on a desktop and on a phone:
reading the demo accounts, creating a staff user, resetting a password; nothing scrolls sideways."""

import os
import re
from pathlib import Path

import pytest

from accounts.models import User
from tests.browser.conftest import DESKTOP, PHONE, assert_fits

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("KP_SCREENSHOTS")


def checked(page, name, viewport):
    """assert_fits, and with KP_SCREENSHOTS=<folder> a full-page screenshot for a person to look at."""
    assert_fits(page, name)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        suffix = "phone" if viewport is PHONE else "desktop"
        page.screenshot(path=str(Path(SHOTS) / f"users-{name.replace(' ', '-')}-{suffix}.png"), full_page=True)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_admin_reads_creates_and_resets_accounts(open_page, viewport):
    page = open_page("admin", viewport)
    page.goto(page.base + "/accounts/users/")
    assert page.locator("h1").inner_text().startswith("用户管理")
    rows = page.locator("tr.user-row")
    assert rows.count() == 3
    staff_row = rows.filter(has_text="北环路街道填报员（示例）")
    assert "北环路街道" in staff_row.inner_text() and "填报员" in staff_row.inner_text()
    leader_row = rows.filter(has_text="王某（副区长）")
    assert "领导" in leader_row.inner_text()
    assert "卫东区项目办" in rows.filter(has_text="卫东区项目办管理员（示例）").inner_text()
    assert "平顶山市" not in page.locator("table.user-table").inner_text()
    if viewport is PHONE:  # one card per user: the labels are read beside the values
        assert staff_row.locator("td[data-label=用户名]").bounding_box()["height"] < 60
        assert page.locator("table.user-table thead").is_hidden()
    checked(page, "user list", viewport)

    page.click("text=新建用户")
    page.fill("#id_username", "zhangsan")
    page.fill("#id_name", "张三")
    page.select_option("#id_role", "staff")
    page.get_by_label("东安路街道", exact=True).check()
    checked(page, "new user form", viewport)
    page.click("button:has-text('创建账号')")
    assert page.locator("h1").inner_text() == "账号已创建"
    password = page.locator("#issued-password").inner_text()
    assert re.fullmatch(r"[A-Za-z0-9]{12}", password)
    checked(page, "password page", viewport)
    assert list(User.objects.get(username="zhangsan").streets.values_list("name", flat=True)) == ["东安路街道"]

    page.click("text=返回用户列表")
    assert page.locator("tr.user-row").count() == 4
    assert password not in page.content()
    page.locator("tr.user-row", has_text="张三").locator("a").first.click()
    assert page.locator("h1").inner_text() == "张三"
    assert "新建账号" in page.locator(".user-history").inner_text()
    checked(page, "user page", viewport)
    page.click("button:has-text('重置密码')")
    assert page.locator("h1").inner_text() == "密码已重置"
    new_password = page.locator("#issued-password").inner_text()
    assert new_password != password
    user = User.objects.get(username="zhangsan")
    assert user.check_password(new_password) and not user.check_password(password)
    checked(page, "reset page", viewport)
