"""Opening a stored document for a download view."""

from django.http import Http404


def open_stored(field_file, missing):
    """``field_file`` opened for reading; Http404 with ``missing`` (Chinese) when the storage no
    longer holds it (removed by hand, a restore without the media folder), not a server error."""
    try:
        return field_file.open("rb")
    except FileNotFoundError:
        raise Http404(missing) from None
