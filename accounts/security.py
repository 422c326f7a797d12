"""Security hooks: where the client address of a login attempt is read from."""


def client_ip(request):
    """The socket peer address only; X-Forwarded-For and friends are never trusted here."""
    return request.META.get("REMOTE_ADDR", "")
