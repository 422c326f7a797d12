"""An approval item's attachment (批复文件): a PDF, JPEG or PNG checked by its content (the shared
projects.services.documents), stored under a generated name (ApprovalItem.attachment), the old file removed
only once its replacement is committed."""

from django.db import transaction

from approvals.models import ApprovalItem
from projects.services.documents import (
    CONTENT_TYPES,  # noqa: F401 (approvals' views read it here)
    CheckedDocument,
    document_check,
)

CheckedAttachment = CheckedDocument  # what attachment_check returns, under the name approvals' callers know


def attachment_check(upload):
    """The item's document checked by projects.services.documents.document_check: a CheckedAttachment,
    or a ValidationError in Chinese naming the file."""
    return document_check(upload, label="批复文件")


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
