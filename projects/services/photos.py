"""Site photos: checked as real JPEG/PNG images by Pillow, stored under generated names, thumbnailed."""

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from projects.models import ReportPhoto
from projects.selectors.reporting import report_actions
from projects.services.audit import audited_save
from projects.services.locks import lock_reporting_month

# Phones write JPEGs with extra embedded images, which Pillow calls MPO: they are JPEGs.
_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png"}


@dataclass(frozen=True)
class CheckedPhoto:
    upload: object
    extension: str
    width: int
    height: int


def decoded_image(upload, name):
    """(format, width, height) of an image Pillow decodes whole, or None for anything else; a
    ValidationError naming the file when it has more pixels than KP_PHOTO_MAX_PIXELS. Site photos
    and every uploaded document (services.documents: approvals' scans, meetings' minutes, replies'
    attachments) are checked by it."""
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            if width * height > settings.KP_PHOTO_MAX_PIXELS:
                raise ValidationError(f"「{name}」像素过多（{width}×{height}），请缩小后再上传。")
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()  # verify() does not decode JPEG data: a cut-off file only fails here
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        upload.seek(0)
    return image_format, width, height


def photo_check(upload):
    """Return a CheckedPhoto, or raise ValidationError with a Chinese message naming the file."""
    name = upload.name or "照片"
    if upload.size > settings.KP_PHOTO_MAX_BYTES:
        limit = settings.KP_PHOTO_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"「{name}」超过 {limit} MB，请压缩后再上传。")
    decoded = decoded_image(upload, name)
    if decoded is None:
        raise ValidationError(f"「{name}」不是有效的 JPEG 或 PNG 图片。")
    image_format, width, height = decoded
    if image_format not in _FORMATS:
        raise ValidationError(f"「{name}」不是 JPEG 或 PNG 图片，只能上传这两种格式的照片。")
    upload.seek(0)
    return CheckedPhoto(upload=upload, extension=_FORMATS[image_format], width=width, height=height)


def _thumbnail(upload):
    upload.seek(0)
    with Image.open(upload) as image:
        image.draft("RGB", settings.KP_PHOTO_THUMBNAIL_SIZE)  # JPEG: decode at a reduced size, cheaply
        image = ImageOps.exif_transpose(image)
        image.thumbnail(settings.KP_PHOTO_THUMBNAIL_SIZE)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=80)
    upload.seek(0)
    return ContentFile(buffer.getvalue())


def photo_add(*, user, report, photo):
    """Store a checked photo on ``report`` with a thumbnail; the caller holds the transaction."""
    record = ReportPhoto(
        report=report,
        extension=photo.extension,
        original_name=(photo.upload.name or "")[:255],
        size=photo.upload.size,
        width=photo.width,
        height=photo.height,
        uploaded_by=user,
    )
    try:
        record.image.save("photo", photo.upload, save=False)
        record.thumbnail.save("thumb", _thumbnail(photo.upload), save=False)
        audited_save(record, user=user)
    except BaseException:
        delete_stored([record.image.name, record.thumbnail.name])
        raise
    return record


def photo_delete(*, user, photo):
    """Remove a photo from a report that is still open to the user; the files go once it is gone.

    Decided under the month's lock, like a save: a photo never leaves a month being closed."""
    if not ReportPhoto.objects.kept_by(user).filter(pk=photo.pk).exists():
        raise PermissionDenied("您不能删除该照片。")
    report = photo.report
    listing = report.listing
    files = [photo.image.name, photo.thumbnail.name]
    storage = photo.image.storage
    with transaction.atomic():
        lock_reporting_month(listing.year, report.month, district=listing.project.district_id, shared=True)
        report.refresh_from_db(fields=["status"])
        actions = report_actions(user=user, listing=listing, month=report.month, report=report)
        if actions.closed:
            raise ValidationError(f"{listing.year}年{report.month}月已锁定，照片不能再删除。")
        if not actions.photos_deletable:
            raise ValidationError("该月已报送，照片不能删除；如需更正，请项目办退回后再改。")
        photo._history_user = user
        photo.delete()
        transaction.on_commit(lambda: [storage.delete(name) for name in files if name])


def check_photo_count(report, adding):
    """At most KP_PHOTOS_PER_REPORT photos on one report (and so in one request)."""
    limit = settings.KP_PHOTOS_PER_REPORT
    if report.photos.count() + adding > limit:
        raise ValidationError({"photos": f"每月填报最多 {limit} 张照片，请删减后再上传。"})


def delete_stored(names):
    """Remove files written for rows that were then rolled back, so no file is left behind."""
    storage = ReportPhoto._meta.get_field("image").storage
    for name in names:
        if name and storage.exists(name):
            storage.delete(name)
