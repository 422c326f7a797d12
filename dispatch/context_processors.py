"""The inbox count in the top bar of every page."""


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from dispatch.selectors.inbox import unread_count

    return {"inbox_unread": unread_count(user)}
