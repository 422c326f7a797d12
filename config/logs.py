"""Logging in production: one line per event on stderr, which systemd's journal collects, each
with the id nginx gave the request (X-Request-ID), so a 500 can be found from either log."""

import contextvars
import logging
import re

NO_REQUEST_ID = "-"
# nginx's $request_id is 32 hex digits; anything else a client sends is not written to the log.
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

current_request_id = contextvars.ContextVar("current_request_id", default=NO_REQUEST_ID)


def request_id_of(request):
    value = request.headers.get("X-Request-ID", "") if hasattr(request, "headers") else ""
    return value if REQUEST_ID.fullmatch(value) else NO_REQUEST_ID


class RequestIdMiddleware:
    """Makes the request's id known to every log line written while the request is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request_id.set(request_id_of(request))
        try:
            return self.get_response(request)
        finally:
            current_request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Sets ``record.request_id``: from the request Django attaches to its own records (a 4xx is
    logged after the middleware has returned), else from the request being answered, else "-"."""

    def filter(self, record):
        request = getattr(record, "request", None)
        record.request_id = request_id_of(request) if request is not None else current_request_id.get()
        return True


class OneLineFormatter(logging.Formatter):
    """Each event on one line: a traceback's line breaks are written as \\n, so the journal keeps
    an exception as one entry and grep finds the request id and the failing frame together."""

    def format(self, record):
        return super().format(record).replace("\r", "\\r").replace("\n", "\\n")


class ClientErrorFilter(logging.Filter):
    """A 4xx is the client's mistake (a page not found, a page refused): one line saying so, without
    the traceback of the Http404 or PermissionDenied that produced it. 5xx keep theirs."""

    def filter(self, record):
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = record.exc_text = None
        return True
