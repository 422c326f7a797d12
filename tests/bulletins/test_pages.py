"""The bulletin pages: the archive, the draft page (its text, its form, issuing from it), an issued
bulletin's page and the .docx downloads; bad parameters answer in Chinese, never with a 500."""

import io
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from docx import Document

from bulletins.models import Bulletin
from projects.models import Region, Street

DRAFT = reverse("bulletins:bulletin_draft")
SEPTEMBER = {"year": 2015, "month": 9, "level": "city"}
FIRST_PARAGRAPH = re.compile(
    r"1-9月，卫东区26个市重点项目.*累计完成投资41\.17亿元.*93\.58%，超过时间进度18\.58个百分点。"
)


def text_of(response):
    """The page's words without tags, so that a sentence reads as one string."""
    return re.sub(r"<[^>]+>", "", response.content.decode())


def filename(response):
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    return unquote(response["Content-Disposition"].split("''", 1)[1])


def issue_form(**extra):
    return {**SEPTEMBER, "street": "", "action": "issue", "confirmed": "on", **extra}


def test_the_draft_page_reads_the_seed_figures(client_for):
    response = client_for("admin").get(DRAFT, SEPTEMBER)
    assert response.status_code == 200
    page = text_of(response)
    assert FIRST_PARAGRAPH.search(page), page[:3000]
    assert "卫东区2015年1-9月市重点项目建设进展情况通报" in page
    for title in (
        "一、总体情况",
        "二、开工和竣工",
        "三、各街道、各责任单位",
        "四、滞后项目",
        "五、问题解决",
        "六、前期手续",
        "七、下步工作",
    ):
        assert title in page
    html = response.content.decode()
    assert 'name="next_steps"' in html and 'name="notes"' in html and 'name="confirmed"' in html
    assert "签发" in html and 'name="replaces"' not in html  # nothing issued yet to correct


def test_sections_without_data_say_so_in_a_sentence(client_for):
    response = client_for("admin").get(DRAFT, {"year": 2017, "month": 3, "level": "city"})
    assert response.status_code == 200
    page = text_of(response)
    assert "2017年没有卫东区市重点项目清单。" in page
    assert "bulletin-table" not in response.content.decode()  # no empty tables


def test_issuing_from_the_draft_page(client_for):
    client = client_for("admin")
    response = client.post(DRAFT, issue_form(next_steps="一是抓好滞后项目督办。", notes="报区委、区政府。"))
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("bulletins:bulletin_detail", args=[bulletin.pk])
    page = text_of(client.get(response["Location"]))
    assert "已签发2015年第1期通报。" in page
    assert "一是抓好滞后项目督办。" in page and "报区委、区政府。" in page
    assert FIRST_PARAGRAPH.search(page)
    archive = text_of(client.get(reverse("bulletins:bulletin_list")))
    assert "2015年第1期" in archive and bulletin.title in archive

    # The next draft of the same period offers to correct 第1期.
    draft = client.get(DRAFT, SEPTEMBER).content.decode()
    assert 'name="replaces"' in draft and "第1期" in draft
    client.post(DRAFT, issue_form(replaces=bulletin.pk))
    correction = Bulletin.objects.get(number=2)
    assert correction.replaces == bulletin
    assert "本期已由第2期更正" in text_of(client.get(reverse("bulletins:bulletin_detail", args=[bulletin.pk])))


def test_issuing_needs_the_confirmation(client_for):
    response = client_for("admin").post(DRAFT, issue_form(confirmed="", next_steps="写好的下步工作"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "请先勾选确认，再签发。" in page
    assert "写好的下步工作" in page  # what was typed stays
    assert not Bulletin.objects.exists()


def test_a_correction_of_another_period_is_refused_on_the_page(client_for, users):
    from bulletins.services.issue import bulletin_issue

    august = bulletin_issue(by=users["admin"], year=2015, month=8, level="city")
    response = client_for("admin").post(DRAFT, issue_form(replaces=august.pk))
    assert response.status_code == 200
    assert "只能更正本项目办同一年月、同一级别和范围的通报。" in response.content.decode()
    assert Bulletin.objects.count() == 1


def test_the_draft_downloads_are_rendered_and_not_stored(client_for):
    client = client_for("admin")
    response = client.get(reverse("bulletins:bulletin_draft_document"), SEPTEMBER)
    assert response.status_code == 200
    assert filename(response) == "卫东区2015年1-9月市重点项目建设进展情况通报（草稿）.docx"
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "41.17亿元" in text

    preview = client.post(DRAFT, issue_form(action="preview", confirmed="", next_steps="预览里的下步工作"))
    assert preview.status_code == 200
    assert "预览里的下步工作" in "\n".join(p.text for p in Document(io.BytesIO(preview.content)).paragraphs)
    assert not Bulletin.objects.exists()


def test_a_street_bulletin(client_for):
    street = Street.objects.get(name="北环路街道")
    response = client_for("admin").get(DRAFT, {**SEPTEMBER, "street": street.pk})
    assert response.status_code == 200
    assert "卫东区北环路街道2015年1-9月市重点项目建设进展情况通报" in text_of(response)
    assert "本期为单个街道的通报，不排名。" in text_of(response)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"year": "abc", "month": 9, "level": "city"}, "「年度」年度必须是数字。"),
        ({"year": 2015, "month": 13, "level": "city"}, "「月份」月份必须是1到12的数字。"),
        ({"year": 2015, "month": "", "level": "city"}, "「月份」请填写月份。"),
        ({"year": 2015, "month": 9, "level": "town"}, "「级别」级别只能是省重点、市重点或区重点。"),
        ({"year": 2015, "month": 9, "level": "city", "street": "99999999999999999999"}, "「街道」没有这个街道"),
        ({"year": 2015, "month": 9, "level": "city", "street": "x"}, "「街道」没有这个街道"),
    ],
)
def test_bad_parameters_answer_in_chinese(client_for, params, message):
    client = client_for("admin")
    for url in (DRAFT, reverse("bulletins:bulletin_draft_document")):
        response = client.get(url, params, follow=True)
        assert response.status_code == 200
        assert message in text_of(response), text_of(response)[:1500]
    response = client.post(DRAFT, {**issue_form(), **params}, follow=True)
    assert response.status_code == 200 and message in text_of(response)
    assert not Bulletin.objects.exists()


def test_a_street_of_another_office_is_refused(client_for):
    other = Street.objects.create(district=Region.objects.get(code="410402"), name="（测试）新华区街道")
    response = client_for("admin").get(DRAFT, {**SEPTEMBER, "street": other.pk}, follow=True)
    assert "没有这个街道，或不在本项目办的管理范围内。" in text_of(response)
    assert "（测试）新华区街道" not in response.content.decode()


@pytest.mark.parametrize("role", ["staff_a", "leader"])
def test_only_admins_draft(client_for, role):
    client = client_for(role)
    assert client.get(DRAFT, SEPTEMBER).status_code == 403
    assert client.post(DRAFT, issue_form()).status_code == 403
    assert client.get(reverse("bulletins:bulletin_draft_document"), SEPTEMBER).status_code == 403
    assert "起草通报" not in client.get(reverse("bulletins:bulletin_list")).content.decode()
    assert not Bulletin.objects.exists()


def test_the_archive_offers_the_admin_a_draft_and_says_when_it_is_empty(client_for):
    page = client_for("admin").get(reverse("bulletins:bulletin_list")).content.decode()
    assert "起草通报" in page and "还没有签发的通报。" in page
    assert 'href="/bulletins/"' in page  # the nav's 通报
