"""通报 in a real browser, on a desktop and on a phone: the admin drafts the September 2015 bulletin,
writes 下步工作, issues it as 第1期 and downloads its .docx; the archive lists it, and the leader
reads it there. Every page fits the screen."""

import pytest
from docx import Document

from bulletins.models import Bulletin
from tests.browser.conftest import DESKTOP, PHONE, assert_fits

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "卫东区2015年1-9月市重点项目建设进展情况通报"
NEXT_STEPS = "一是加快滞后项目建设，二是抓好问题协调。"


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def open_archive(page, viewport):
    if viewport == PHONE:  # the nav folds behind 菜单 on a phone
        page.get_by_text("菜单").click()
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="通报").click()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_admin_drafts_issues_and_downloads_the_september_bulletin(open_page, viewport):
    page = open_page("admin", viewport)
    body = page.locator("main")
    open_archive(page, viewport)
    expect(body).to_contain_text("还没有签发的通报。")
    page.fill("#id_year", "2015")
    page.fill("#id_month", "9")
    page.select_option("#id_level", label="市重点")
    assert_fits(page, "archive with the draft form")
    page.get_by_role("button", name="起草通报").click()

    expect(page.locator("h1")).to_have_text(TITLE)
    expect(body).to_contain_text("1-9月，卫东区26个市重点项目")
    expect(body).to_contain_text("累计完成投资41.17亿元")
    expect(body).to_contain_text("93.58%，超过时间进度18.58个百分点。")
    expect(page.locator("#section-lagging")).to_contain_text("红灯项目")
    assert_fits(page, "draft")

    page.fill("#id_next_steps", NEXT_STEPS)
    page.get_by_role("button", name="签发", exact=True).click()
    expect(body).to_contain_text("请先勾选确认，再签发。")
    expect(page.locator("#id_next_steps")).to_have_value(NEXT_STEPS)
    assert not Bulletin.objects.exists()

    page.locator("#id_confirmed").check()
    page.get_by_role("button", name="签发", exact=True).click()
    expect(body).to_contain_text("已签发2015年第1期通报。")
    expect(body).to_contain_text("卫东区项目办 · 2015年第1期")
    expect(page.locator("#section-next")).to_contain_text(NEXT_STEPS)
    assert_fits(page, "issued bulletin")

    with page.expect_download() as info:
        page.get_by_role("link", name="下载 Word 文件").click()
    download = info.value
    assert download.suggested_filename == "卫东区2015年第1期1-9月市重点项目建设进展情况通报.docx"
    text = "\n".join(paragraph.text for paragraph in Document(download.path()).paragraphs)
    assert "第1期" in text and "41.17亿元" in text and NEXT_STEPS in text

    open_archive(page, viewport)
    rows = page.locator("#archive tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("2015年第1期")
    expect(rows.first).to_contain_text(TITLE)
    assert_fits(page, "archive")

    leader = open_page("leader", viewport)
    open_archive(leader, viewport)
    expect(leader.locator("#archive tbody tr")).to_have_count(1)
    expect(leader.locator("#archive")).to_contain_text(TITLE)
    expect(leader.locator("main")).not_to_contain_text("起草通报")
    leader.get_by_role("link", name=TITLE).click()
    expect(leader.locator("#section-next")).to_contain_text(NEXT_STEPS)
    assert_fits(leader, "leader's bulletin")
