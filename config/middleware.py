"""Middleware of the tracker's own: what every response to a signed-in user carries."""


class PrivatePagesMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in user (pages, exports,
    photos): the browser of a shared office PC must not keep a leader's pages once he has gone.
    Static files never get here: WhiteNoise answers them earlier in the chain."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response
