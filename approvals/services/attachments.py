"""An approval item's attachment (批复文件): a PDF, JPEG or PNG checked by its content, stored under a
generated name (ApprovalItem.attachment), the old file removed only once its replacement is committed."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from approvals.models import ApprovalItem
from projects.services.photos import decoded_image

# Phones write JPEGs with extra embedded images, which Pillow calls MPO: they are JPEGs.
_IMAGE_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png"}
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
_PDF_TAIL = 1024  # a PDF ends with %%EOF, possibly followed by a line end or a little padding


@dataclass(frozen=True)
class CheckedAttachment:
    upload: object
    extension: str
    name: str


def _is_pdf(upload):
    upload.seek(0)
    head = upload.read(5)
    if head != b"%PDF-":
        return False
    upload.seek(max(upload.size - _PDF_TAIL, 0))
    return b"%%EOF" in upload.read(_PDF_TAIL)


def _image_extension(upload, name):
    decoded = decoded_image(upload, name)
    return _IMAGE_FORMATS.get(decoded[0]) if decoded else None


def attachment_check(upload):
    """Return a CheckedAttachment, or raise ValidationError with a Chinese message naming the file:
    a PDF (starts with %PDF-, ends with %%EOF), or a JPEG or PNG Pillow can decode, at most
    KP_ATTACHMENT_MAX_BYTES. The name the file was sent with is never trusted for its kind."""
    name = (upload.name or "批复文件")[:255]
    if upload.size > settings.KP_ATTACHMENT_MAX_BYTES:
        limit = settings.KP_ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"「{name}」超过 {limit} MB，请压缩后再上传。")
    if upload.size == 0:
        raise ValidationError(f"「{name}」是空文件。")
    if _is_pdf(upload):
        extension = "pdf"
    else:
        extension = _image_extension(upload, name)
        if extension is None:
            raise ValidationError(f"「{name}」不是有效的 PDF、JPEG 或 PNG 文件，批复文件只能上传这三种格式。")
    upload.seek(0)
    return CheckedAttachment(upload=upload, extension=extension, name=name)


def attachment_attach(item, checked):
    """Write ``checked`` to storage as ``item``'s attachment (not saving the row) and return the
    names of the new file and of the one it replaces ("" when none). The caller saves the row in a
    transaction and calls attachment_replaced() once it has; if that transaction fails, it calls
    delete_stored([new]) so that no file is left behind."""
    old = item.attachment.name or ""
    item.attachment_extension = checked.extension
    item.attachment_name = checked.name
    item.attachment.save("attachment", checked.upload, save=False)  # upload_to names it
    return item.attachment.name, old


def attachment_replaced(old):
    """Remove the replaced file once the transaction that replaced it has committed."""
    if old:
        storage = _storage()
        transaction.on_commit(lambda: storage.delete(old))


def delete_stored(names):
    """Remove files written for rows that were then rolled back (or never saved)."""
    storage = _storage()
    for name in names:
        if name and storage.exists(name):
            storage.delete(name)


def _storage():
    return ApprovalItem._meta.get_field("attachment").storage
