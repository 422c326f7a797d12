"""Security hooks of the login throttle (django-axes): whose address an attempt comes from, under
which username it is counted, and the second limit, per address, beside axes' per username."""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import BooleanField, Case, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone


def client_ip(request):
    """The socket peer address. Only when that peer is one of our own proxies (KP_TRUSTED_PROXIES)
    is it replaced by the address the proxy saw, which nginx sets in X-Real-IP; X-Forwarded-For,
    and X-Real-IP from anyone else, are never trusted (a client would pick its own address)."""
    peer = request.META.get("REMOTE_ADDR", "")
    if peer in settings.KP_TRUSTED_PROXIES:
        try:
            return str(ipaddress.ip_address(request.META.get("HTTP_X_REAL_IP", "").strip()))
        except ValueError:
            pass
    return peer


USERNAME_COLUMN = AccessAttempt._meta.get_field("username").max_length


def login_username(request, credentials=None):
    """The username an attempt is counted under, cut to django-axes' column: a longer name
    belongs to no account, and PostgreSQL refuses to store it (the login failed with a 500)."""
    if credentials:
        username = credentials.get("username")
    else:
        username = request.POST.get("username")
    return username[:USERNAME_COLUMN] if isinstance(username, str) else username


def login_failures(username_path="username"):
    """An expression for a queryset of users: the failed sign-ins counted against the account's
    name now, as axes counts them (AXES_LOCKOUT_PARAMETERS is the username alone; attempts older
    than AXES_COOLOFF_TIME no longer count)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = (
        AccessAttempt.objects.filter(username=OuterRef(username_path), attempt_time__gte=since)
        .order_by()
        .values("username")
        .annotate(total=Sum("failures_since_start"))
        .values("total")
    )
    return Coalesce(Subquery(attempts), Value(0))


def locked_out(failures_field="login_failures"):
    """An expression: whether the annotated failure count has reached axes' lock."""
    reached = When(**{f"{failures_field}__gte": settings.AXES_FAILURE_LIMIT}, then=Value(True))
    return Case(reached, default=Value(False), output_field=BooleanField())


def address_waits(ip_address):
    """Whether the address has failed KP_LOGIN_ADDRESS_FAILURE_LIMIT times within the window.

    Counted from axes' attempt records, in the database every app server shares: the failures of
    all usernames from the address. An account that then signs in has its failures cleared, so an
    office behind one address is not stopped by typos its people corrected."""
    if not ip_address:
        return False
    since = timezone.now() - settings.KP_LOGIN_ADDRESS_COOLOFF
    attempts = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since)
    failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
    return failures >= settings.KP_LOGIN_ADDRESS_FAILURE_LIMIT


class LoginThrottle(AxesDatabaseHandler):
    """django-axes' handler (five failures lock the username) plus a limit per address, far
    higher, against one address trying a password on many usernames (password spraying)."""

    def is_locked(self, request, credentials=None):
        if super().is_locked(request, credentials):
            return True
        request.login_address_waits = address_waits(request.axes_ip_address)
        return request.login_address_waits

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        if request is not None and getattr(request, "login_address_waits", False):
            # Refused before the password was looked at: no failure of the account's, so the
            # person whose office shares the address is not locked out as well.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            return
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not request.axes_locked_out and address_waits(request.axes_ip_address):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            request.login_address_waits = True


def lockout_response(request, original_response=None, credentials=None):
    """The Chinese page for a locked account or a waiting address (AXES_LOCKOUT_CALLABLE)."""
    address = getattr(request, "login_address_waits", False)
    wait = settings.KP_LOGIN_ADDRESS_COOLOFF if address else settings.AXES_COOLOFF_TIME
    context = {"address_waits": address, "minutes": int(wait.total_seconds() // 60)}
    return render(request, "registration/lockout.html", context, status=429)
