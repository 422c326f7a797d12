"""`manage.py check_media`: every uploaded file the database names must be in the file storage."""

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from projects.models import ReportPhoto


def test_all_files_present_after_the_demo(demo, capsys):
    photos = ReportPhoto.objects.count()
    assert photos
    call_command("check_media")
    assert f"数据库引用的 {photos * 2} 个文件都在文件存储中" in capsys.readouterr().out


def test_a_missing_photo_is_named_and_fails_the_command(demo, capsys):
    photo = ReportPhoto.objects.order_by("pk").first()
    storage, name = photo.image.storage, photo.image.name
    with storage.open(name, "rb") as handle:
        content = handle.read()
    storage.delete(name)
    try:
        with pytest.raises(CommandError, match="中有 1 个不在文件存储中"):
            call_command("check_media")
        assert f"缺少文件：现场照片 #{photo.pk} {name}" in capsys.readouterr().err
    finally:  # the demo's files serve the whole session
        storage.save(name, ContentFile(content))
    assert storage.exists(name)


def test_every_apps_files_are_checked_an_approvals_scan_among_them(demo, capsys):
    """The check finds every model's file fields, not a list of them: a scanned approval whose file
    is gone is named like a photo."""
    from approvals.models import ApprovalItem

    item = ApprovalItem.objects.order_by("pk").first()
    item.attachment_extension, item.attachment_name = "pdf", "批复.pdf"
    item.attachment.save("scan", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    name = item.attachment.name
    item.attachment.storage.delete(name)
    with pytest.raises(CommandError, match="中有 1 个不在文件存储中"):
        call_command("check_media")
    assert f"缺少文件：前期手续事项 #{item.pk} {name}" in capsys.readouterr().err
