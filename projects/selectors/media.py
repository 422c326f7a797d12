"""The uploaded files the database refers to, checked against the file storage (after a restore,
or when app servers may not share one media folder)."""

from typing import NamedTuple

from projects.models import ImportRecord, ReportPhoto

FILE_FIELDS = ((ReportPhoto, ("image", "thumbnail")), (ImportRecord, ("file",)))


class MediaCheck(NamedTuple):
    referenced: int
    missing: list  # of (model label, primary key, file name)


def media_check():
    """How many stored files the rows name, and which of them the storage does not have."""
    referenced, missing = 0, []
    for model, fields in FILE_FIELDS:
        for row in model.objects.order_by("pk").values("pk", *fields).iterator():
            for name in fields:
                if not row[name]:
                    continue
                referenced += 1
                storage = model._meta.get_field(name).storage
                if not storage.exists(row[name]):
                    missing.append((model._meta.verbose_name, row["pk"], row[name]))
    return MediaCheck(referenced, missing)
