"""Uploaded documents (a scanned approval, a meeting's minutes, a task's reply): a PDF, JPEG or PNG
checked by its content, never by the name it was sent with. Every app that accepts a document calls
document_check; the stored file's name ends in the kind found here."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from projects.services.photos import decoded_image

# Phones write JPEGs with extra embedded images, which Pillow calls MPO: they are JPEGs.
_IMAGE_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png"}
CONTENT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
DOWNLOAD_SUFFIXES = {"pdf": (".pdf",), "jpg": (".jpg", ".jpeg"), "png": (".png",)}
DOCUMENT_ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
_PDF_TAIL = 1024  # a PDF ends with %%EOF, possibly followed by a line end or a little padding


@dataclass(frozen=True)
class CheckedDocument:
    upload: object
    extension: str  # "pdf", "jpg" or "png": what the content is
    name: str  # the name it was sent with, for showing and for the download


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


def document_check(upload, *, label):
    """Return a CheckedDocument, or raise ValidationError with a Chinese message naming the file:
    a PDF (starts with %PDF-, ends with %%EOF), or a JPEG or PNG Pillow can decode, at most
    KP_ATTACHMENT_MAX_BYTES. ``label`` names the kind of document in the messages (批复文件, 会议纪要)
    and stands for the name of a file sent without one."""
    name = (upload.name or label)[:255]
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
            raise ValidationError(f"「{name}」不是有效的 PDF、JPEG 或 PNG 文件，{label}只能上传这三种格式。")
    upload.seek(0)
    return CheckedDocument(upload=upload, extension=extension, name=name)


def stored_extension(name):
    """The kind of a stored document from its stored name ("dispatch/…/ab12.pdf" → "pdf"), which
    ends in what document_check found; None for anything else."""
    extension = (name or "").rsplit(".", 1)[-1].lower()
    return extension if extension in CONTENT_TYPES else None


def download_name(name, extension, *, default):
    """The name the file was sent with, ending in its real kind (a JPEG sent as .pdf says .jpg)."""
    name = name or default
    suffixes = DOWNLOAD_SUFFIXES[extension]
    return name if name.lower().endswith(suffixes) else f"{name}{suffixes[0]}"


def document_store(field_file, checked):
    """Write ``checked`` to storage as ``field_file`` (a FileField's value; its row not saved) under
    the field's generated name ending in the checked kind; return the stored name. The caller saves
    the row in a transaction and, if that fails, calls documents_delete([name])."""
    field_file.save(f"document.{checked.extension}", checked.upload, save=False)
    return field_file.name


def document_remove_on_commit(field_file):
    """Remove ``field_file``'s stored file once the transaction that dropped or replaced it commits."""
    name, storage = field_file.name, field_file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def documents_delete(storage, names):
    """Remove files written for rows that were then rolled back (or never saved)."""
    for name in names:
        if name and storage.exists(name):
            storage.delete(name)
