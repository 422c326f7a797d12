"""Approval items' attachments: checked by content, stored under generated names, replaced and
rolled back without leaving files, served only within scope with safe headers."""

import io
import os
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from approvals.choices import ItemStatus
from approvals.models import ApprovalItem
from approvals.services.attachments import attachment_check
from approvals.services.items import item_update
from tests.approvals.test_items import make_item, pinned_today, project_a  # noqa: F401 (fixtures)

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "JPEG")
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


def storage():
    return ApprovalItem._meta.get_field("attachment").storage


def stored_files():
    root = storage().path("approvals")
    return {os.path.join(folder, name) for folder, _, names in os.walk(root) for name in names}


# --- the check -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [("批复.pdf", PDF, "pdf"), ("扫描件.png", png_bytes(), "png"), ("photo.jpeg", jpeg_bytes(), "jpg")],
)
def test_pdf_png_and_jpeg_pass(name, content, extension):
    checked = attachment_check(upload(name, content))
    assert (checked.extension, checked.name) == (extension, name)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("批复.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200),  # a Windows program renamed .pdf
        ("批复.pdf", b"%PDF-1.4\n" + b"x" * 3000),  # no %%EOF in its last kilobyte: cut off
        ("批复.pdf", PDF + b" " * 2000),  # %%EOF too far from the end
        ("扫描件.png", png_bytes()[:60]),  # a cut-off image
        ("说明.txt", "批复文号：卫发改〔2015〕18号".encode()),
    ],
)
def test_anything_else_is_refused_by_its_content(name, content):
    with pytest.raises(ValidationError, match=f"「{name}」不是有效的 PDF、JPEG 或 PNG 文件"):
        attachment_check(upload(name, content))


def test_a_file_above_the_limit_is_refused(settings):
    settings.KP_ATTACHMENT_MAX_BYTES = 1024 * 1024
    big = PDF[:-6] + b"%" + b"0" * (1024 * 1024) + b"\n%%EOF\n"
    with pytest.raises(ValidationError, match="超过 1 MB"):
        attachment_check(upload("大文件.pdf", big))


# --- storing and replacing ----------------------------------------------------------------------------


def test_an_attachment_is_stored_under_a_generated_name(users, project_a, django_capture_on_commit_callbacks):  # noqa: F811
    item = make_item(project_a, "立项备案")
    saved = item_update(
        user=users["staff_a"],
        item=item,
        expected_updated_at=item.updated_at,
        attachment=attachment_check(upload("卫发改〔2015〕18号 批复.pdf", PDF)),
    )
    assert saved.attachment.name.startswith("approvals/") and saved.attachment.name.endswith(".pdf")
    assert "批复" not in saved.attachment.name
    assert (saved.attachment_extension, saved.attachment_name) == ("pdf", "卫发改〔2015〕18号 批复.pdf")
    assert storage().open(saved.attachment.name).read() == PDF
    first = saved.attachment.name
    with django_capture_on_commit_callbacks(execute=True):
        replaced = item_update(
            user=users["staff_a"],
            item=saved,
            expected_updated_at=saved.updated_at,
            attachment=attachment_check(upload("批复.png", png_bytes())),
        )
    assert replaced.attachment_extension == "png" and replaced.attachment.name != first
    assert storage().exists(replaced.attachment.name)
    assert not storage().exists(first)  # the replaced file goes once the replacement is committed


def test_a_refused_save_leaves_no_file_behind(users, project_a):  # noqa: F811
    item = make_item(project_a, "立项备案")
    before = stored_files()
    with pytest.raises(ValidationError):
        item_update(
            user=users["staff_a"],
            item=item,
            expected_updated_at=item.updated_at,
            status=ItemStatus.DONE,  # without its date and number
            attachment=attachment_check(upload("批复.pdf", PDF)),
        )
    assert stored_files() == before
    item.refresh_from_db()
    assert not item.attachment


# --- uploading and serving ------------------------------------------------------------------------------


def test_staff_upload_a_pdf_with_a_document_number_and_it_is_served_inline(client_for, project_a):  # noqa: F811
    item = make_item(project_a, "立项备案", time_limit_days=5)
    response = client_for("staff_a").post(
        reverse("approvals:item_edit", args=[item.pk]),
        {
            "status": ItemStatus.DONE,
            "submitted_date": "2015-09-01",
            "approved_date": "2015-09-10",
            "document_number": "卫发改〔2015〕18号",
            "notes": "",
            "updated_at": item.updated_at.isoformat(),
            "attachment": upload("立项批复.pdf", PDF),
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.document_number, item.attachment_extension) == (
        ItemStatus.DONE,
        "卫发改〔2015〕18号",
        "pdf",
    )
    assert item.approved_date == date(2015, 9, 10)
    served = client_for("staff_a").get(reverse("approvals:item_attachment", args=[item.pk]))
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"] == "inline; filename*=UTF-8''%E7%AB%8B%E9%A1%B9%E6%89%B9%E5%A4%8D.pdf"
    assert b"".join(served.streaming_content) == PDF


def test_an_exe_renamed_pdf_is_refused_on_the_page_and_nothing_changes(client_for, project_a):  # noqa: F811
    item = make_item(project_a, "立项备案")
    response = client_for("staff_a").post(
        reverse("approvals:item_edit", args=[item.pk]),
        {
            "status": ItemStatus.NOT_STARTED,
            "updated_at": item.updated_at.isoformat(),
            "attachment": upload("批复.pdf", b"MZ\x90\x00" + b"\x00" * 500),
        },
    )
    assert response.status_code == 200
    assert "不是有效的 PDF、JPEG 或 PNG 文件" in response.content.decode()
    item.refresh_from_db()
    assert not item.attachment and item.history.count() == 1


def test_an_image_is_served_as_an_image_named_for_its_real_kind(users, client_for, project_a):  # noqa: F811
    item = make_item(project_a, "立项备案")
    item_update(
        user=users["admin"],
        item=item,
        expected_updated_at=item.updated_at,
        attachment=attachment_check(upload("scan.pdf", jpeg_bytes())),  # a JPEG sent with a .pdf name
    )
    served = client_for("admin").get(reverse("approvals:item_attachment", args=[item.pk]))
    assert served["Content-Type"] == "image/jpeg"
    assert served["Content-Disposition"] == "inline; filename*=UTF-8''scan.pdf.jpg"


@pytest.mark.parametrize(("role", "status"), [("staff_b", 404), ("leader", 404), ("anonymous", 302), ("admin", 200)])
def test_an_attachment_out_of_scope_answers_404(users, client_for, project_a, role, status):  # noqa: F811
    item = make_item(project_a, "立项备案")
    item_update(
        user=users["admin"],
        item=item,
        expected_updated_at=item.updated_at,
        attachment=attachment_check(upload("批复.pdf", PDF)),
    )
    assert client_for(role).get(reverse("approvals:item_attachment", args=[item.pk])).status_code == status


def test_an_item_without_attachment_answers_404(client_for, project_a):  # noqa: F811
    item = make_item(project_a, "立项备案")
    assert client_for("admin").get(reverse("approvals:item_attachment", args=[item.pk])).status_code == 404


def test_an_attachment_is_removed_on_the_page_and_its_file_goes_after_commit(
    users,
    client_for,
    project_a,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    item = make_item(project_a, "立项备案")
    saved = item_update(
        user=users["staff_a"],
        item=item,
        expected_updated_at=item.updated_at,
        attachment=attachment_check(upload("错传的文件.pdf", PDF)),
    )
    name = saved.attachment.name
    client = client_for("staff_a")
    page = client.get(saved.get_absolute_url()).content.decode()
    assert "删除已上传的「错传的文件.pdf」" in page
    form = {
        "status": saved.status, "planned_date": "", "submitted_date": "", "approved_date": "",
        "document_number": "", "notes": "", "updated_at": saved.updated_at.isoformat(), "remove_attachment": "on",
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(saved.get_absolute_url(), form).status_code == 302
    saved.refresh_from_db()
    assert (saved.attachment.name, saved.attachment_extension, saved.attachment_name) == ("", "", "")
    assert not storage().exists(name)
    assert saved.history.first().attachment_name == ""  # audited like every change


def test_an_attachment_whose_file_is_gone_from_storage_answers_404(users, client_for, project_a):  # noqa: F811
    item = make_item(project_a, "立项备案")
    item_update(
        user=users["admin"],
        item=item,
        expected_updated_at=item.updated_at,
        attachment=attachment_check(upload("批复.pdf", PDF)),
    )
    item.refresh_from_db()
    storage().delete(item.attachment.name)  # removed by hand, or a restore without the media folder
    assert client_for("admin").get(reverse("approvals:item_attachment", args=[item.pk])).status_code == 404
