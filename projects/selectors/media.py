"""The uploaded files the database refers to, checked against the file storage (after a restore,
or when app servers may not share one media folder)."""

from typing import NamedTuple

from django.apps import apps
from django.db import models
from simple_history.models import HistoricalChanges


def file_fields():
    """Every model's file fields, of every app (site photos, imported lists, bulletins, approvals'
    scanned documents …): ((model, (field names)), …), history rows left out."""
    found = []
    for model in apps.get_models():
        if issubclass(model, HistoricalChanges):
            continue
        names = tuple(field.name for field in model._meta.get_fields() if isinstance(field, models.FileField))
        if names:
            found.append((model, names))
    return tuple(found)


class MediaCheck(NamedTuple):
    referenced: int
    missing: list  # of (model label, primary key, file name)


def media_check():
    """How many stored files the rows name, and which of them the storage does not have."""
    referenced, missing = 0, []
    for model, fields in file_fields():
        for row in model.objects.order_by("pk").values("pk", *fields).iterator():
            for name in fields:
                if not row[name]:
                    continue
                referenced += 1
                storage = model._meta.get_field(name).storage
                if not storage.exists(row[name]):
                    missing.append((model._meta.verbose_name, row["pk"], row[name]))
    return MediaCheck(referenced, missing)
