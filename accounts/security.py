"""Security hooks of the login throttle (django-axes): whose address an attempt comes from and
under which username it is counted."""

from axes.models import AccessAttempt


def client_ip(request):
    """The socket peer address only; X-Forwarded-For and friends are never trusted here."""
    return request.META.get("REMOTE_ADDR", "")


USERNAME_COLUMN = AccessAttempt._meta.get_field("username").max_length


def login_username(request, credentials=None):
    """The username an attempt is counted under, cut to django-axes' column: a longer name
    belongs to no account, and PostgreSQL refuses to store it (the login failed with a 500)."""
    if credentials:
        username = credentials.get("username")
    else:
        username = request.POST.get("username")
    return username[:USERNAME_COLUMN] if isinstance(username, str) else username
