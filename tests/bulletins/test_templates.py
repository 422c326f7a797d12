"""An office's own Word template: uploaded, checked by rendering a sample, refused with the place of
its error named (the active template kept), reset to the default, and used by render_docx."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from bulletins.documents import DEFAULT_TEMPLATE, render_docx
from bulletins.forms import BulletinTemplateForm
from bulletins.models import BulletinTemplate
from bulletins.selectors.drafts import bulletin_draft
from bulletins.selectors.templates import active_template
from bulletins.services import templates
from bulletins.services.templates import bulletin_template_reset, bulletin_template_upload
from projects.models import Region


@pytest.fixture
def weidong(users):
    return Region.objects.get(code="410403")


def docx_upload(paragraphs, name="模板.docx"):
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


GOOD = ["{{ office }}", "{{ title }}", "{%p for section in sections %}", "{{ section.title }}", "{%p endfor %}"]


def test_an_admin_uploads_a_template_and_bulletins_render_through_it(users, weidong):
    template = bulletin_template_upload(by=users["admin"], region=None, upload=docx_upload(["我办模板", *GOOD]))
    assert active_template(weidong) == template
    assert (template.region, template.original_name, template.uploaded_by) == (weidong, "模板.docx", users["admin"])
    assert template.history.first().history_user == users["admin"]
    draft = bulletin_draft(user=users["admin"], year=2015, month=9, level="city")
    data = render_docx({**draft.as_dict(), "next_steps": "", "notes": ""}, office=weidong, template=template)
    paragraphs = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert paragraphs[:3] == ["我办模板", "卫东区重点项目建设工作领导小组办公室", draft.title]
    assert "七、下步工作" in paragraphs


def test_a_new_upload_replaces_the_active_one_and_reset_returns_to_the_default(users, weidong):
    first = bulletin_template_upload(by=users["admin"], region=None, upload=docx_upload(["一", *GOOD]))
    second = bulletin_template_upload(by=users["admin"], region=weidong, upload=docx_upload(["二", *GOOD]))
    first.refresh_from_db()
    assert (first.active, second.active) == (False, True)
    assert first.history.first().history_change_reason == "换用新上传的通报模板"
    assert bulletin_template_reset(by=users["admin"], region=None) == second
    assert active_template(weidong) is None
    assert BulletinTemplate.objects.filter(region=weidong).count() == 2  # kept, inactive


@pytest.mark.parametrize(
    ("paragraph", "explained"),
    [
        ("{% endfo %}", "无法识别的标签「endfo」"),
        ("{{ titel }}", "没有名为「titel」的字段"),
        ("{{ office.__class__ }}", "不允许的写法"),
        ("{% for s in sections %}", "缺少对应的 {% endfor %}"),
    ],
)
def test_a_template_that_does_not_render_is_refused_naming_the_paragraph_and_the_old_stays(
    users, weidong, paragraph, explained
):
    old = bulletin_template_upload(by=users["admin"], region=None, upload=docx_upload(GOOD))
    broken = docx_upload(["{{ office }}", "第二段", f"第三段 {paragraph}", "第四段"])
    with pytest.raises(ValidationError) as refused:
        bulletin_template_upload(by=users["admin"], region=None, upload=broken)
    message = refused.value.messages[0]
    assert explained in message
    if "endfor" not in explained:  # an unclosed block is found at the end of the template
        assert message.startswith(f"模板第3段（“第三段 {paragraph}”）：")
    assert active_template(weidong) == old
    assert BulletinTemplate.objects.filter(region=weidong).count() == 1


def test_a_file_that_is_not_a_docx_is_refused(users, weidong):
    for upload in (
        SimpleUploadedFile("模板.docx", b"not a zip at all"),
        SimpleUploadedFile("模板.docx", _zip({"hello.txt": b"hi"})),
        SimpleUploadedFile("模板.docx", _zip({"word/document.xml": b"<!DOCTYPE x [<!ENTITY a 'b'>]><x>&a;</x>"})),
    ):
        with pytest.raises(ValidationError) as refused:
            bulletin_template_upload(by=users["admin"], region=None, upload=upload)
        assert "模板.docx" in refused.value.messages[0]
    assert not BulletinTemplate.objects.exists()


def test_a_template_over_the_size_limit_is_refused(users):
    upload = SimpleUploadedFile("大模板.docx", b"0" * (templates.MAX_BYTES + 1))
    with pytest.raises(ValidationError, match="「大模板.docx」超过 2 MB"):
        bulletin_template_upload(by=users["admin"], region=None, upload=upload)
    assert not BulletinTemplate.objects.exists()


def test_only_an_office_admin_uploads_and_only_for_their_own_office(users):
    with pytest.raises(PermissionDenied):
        bulletin_template_upload(by=users["leader"], region=None, upload=docx_upload(GOOD))
    with pytest.raises(PermissionDenied):
        bulletin_template_reset(by=users["staff_a"], region=None)
    city = Region.objects.get(code="410400")
    with pytest.raises(PermissionDenied, match="本项目办"):
        bulletin_template_upload(by=users["admin"], region=city, upload=docx_upload(GOOD))
    assert not BulletinTemplate.objects.exists()


def test_the_default_template_passes_its_own_upload_check(users, weidong):
    upload = SimpleUploadedFile("默认模板.docx", DEFAULT_TEMPLATE.read_bytes())
    assert bulletin_template_upload(by=users["admin"], region=None, upload=upload).active


def test_the_form_parses_a_file_and_says_when_there_is_none():
    form = BulletinTemplateForm(data={}, files={})
    assert not form.is_valid()
    assert form.errors["file"] == ["请选择要上传的 .docx 模板文件。"]
    form = BulletinTemplateForm(data={}, files={"file": docx_upload(GOOD)})
    assert form.is_valid()


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_the_template_page_uploads_refuses_in_words_and_resets(client_for, weidong, settings, tmp_path):
    from django.urls import reverse

    settings.MEDIA_ROOT = str(tmp_path)
    client, page = client_for("admin"), reverse("bulletins:bulletin_template")
    assert "默认模板（A4 纵向" in client.get(page).content.decode()
    response = client.post(page, {"file": docx_upload(["我办模板", *GOOD])})
    assert response.status_code == 302 and active_template(weidong).original_name == "模板.docx"
    kept = active_template(weidong)
    broken = docx_upload(["{%p for section in sections %}", "{{ section.title }}", "{%p endfo %}"], name="坏.docx")
    response = client.post(page, {"file": broken})
    assert response.status_code == 200
    assert "模板第" in response.content.decode() and active_template(weidong) == kept
    response = client.post(page, {"action": "reset"})
    assert response.status_code == 302 and active_template(weidong) is None
    default = client.get(reverse("bulletins:bulletin_default_template"))
    assert default.status_code == 200 and default.content == DEFAULT_TEMPLATE.read_bytes()
    assert client_for("staff_a").get(page).status_code == 403


def test_an_issued_bulletin_is_written_with_the_offices_own_template(users, weidong, settings, tmp_path):
    from bulletins.services.issue import bulletin_issue

    settings.MEDIA_ROOT = str(tmp_path)
    bulletin_template_upload(by=users["admin"], region=None, upload=docx_upload(["我办模板", *GOOD]))
    bulletin = bulletin_issue(by=users["admin"], year=2015, month=9, level="city")
    paragraphs = [p.text for p in Document(bulletin.document.open("rb")).paragraphs]
    assert paragraphs[0] == "我办模板"
