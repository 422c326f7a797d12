"""The inbox count in the top bar of every page."""

from django.utils.functional import SimpleLazyObject


def inbox(request):
    """``inbox_unread``: counted once per request, and only when a template shows it (the partials a
    page renders with the request — the overview's panels — run this again but never read it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if not hasattr(request, "_inbox_unread"):
        from dispatch.selectors.inbox import unread_count

        request._inbox_unread = SimpleLazyObject(lambda: unread_count(user))
    return {"inbox_unread": request._inbox_unread}
