"""What a request gets when the database is unreachable: a short Chinese 503 page (or JSON for
the health check), never a traceback. Nothing is half-written: every write runs in a
transaction that the lost connection rolls back."""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.defaults import server_error

RETRY_AFTER_SECONDS = "30"


def database_unavailable(error):
    """The database could not be reached (as opposed to a query it refused)."""
    return isinstance(error, (OperationalError, InterfaceError))


def unavailable_response():
    # Rendered without a request: the context processors would touch the session, in the database.
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def handler500(request, template_name="500.html"):
    """Django's handler for an uncaught exception: a lost database gives the 503 page."""
    if database_unavailable(sys.exc_info()[1]):
        return unavailable_response()
    return server_error(request, template_name)


@never_cache
def healthz(request):
    """For a load balancer: 200 when this server can query the database, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
    return JsonResponse({"status": "ok", "database": "ok"})
