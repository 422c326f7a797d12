"""Middleware of the tracker's own: what every response to a signed-in user carries."""

from django.conf import settings


class PrivatePagesMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in user (pages, exports,
    photos): the browser of a shared office PC must not keep a leader's pages once he has gone.

    Signed in is read from the session cookie, not from the database: the health check and the
    503 page must still answer while PostgreSQL is away. Static files never get here: WhiteNoise
    answers them earlier in the chain."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            response["Cache-Control"] = "private, no-store"
        return response
