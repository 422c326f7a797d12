"""What the application logs: one line per event on stderr, with the request id nginx sends, and a
request that fails leaves its traceback there (production had no LOGGING: a 500 left nothing)."""

import logging
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from config.logs import OneLineFormatter, RequestIdFilter, current_request_id

BASE_DIR = Path(__file__).resolve().parent.parent

# A real HTTP server in a process of its own, with the project's settings (DEBUG off), serving the
# project's URLs plus a view that fails and one that refuses. It answers three requests and exits.
SERVER = """
import django
django.setup()

from wsgiref.simple_server import WSGIRequestHandler, make_server

from django.core.wsgi import get_wsgi_application
from django.urls import path

from config import urls


def broken(request):
    raise ZeroDivisionError("the view of the logging proof")


def refused(request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied("只有项目办管理员可以使用此功能。")


class Handler(WSGIRequestHandler):
    def log_message(self, *args):
        pass  # the access log is gunicorn's (stdout); stderr holds the application's lines only


urls.urlpatterns += [path("broken/", broken), path("refused/", refused)]
server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=Handler)
print(server.server_port, flush=True)
for _ in range(3):
    server.handle_request()
"""


def get(url, request_id):
    request = urllib.request.Request(url, headers={"X-Request-ID": request_id})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_failing_request_leaves_one_line_with_its_traceback_and_request_id(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_ENV", "DEBUG", "SECRET_KEY"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONPATH=str(BASE_DIR),
        DEBUG="0",
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",  # these requests query nothing
    )
    script = tmp_path / "broken_server.py"  # a file, so that the traceback shows the failing line
    script.write_text(SERVER)
    server = subprocess.Popen(
        [sys.executable, str(script)], cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        port = int(server.stdout.readline())
        assert get(f"http://127.0.0.1:{port}/broken/", "4f2a9c0e7b1d4e8fa3c5d6e7f8091a2b") == 500
        assert get(f"http://127.0.0.1:{port}/no-such-page/", "0a1b2c3d4e5f60718293a4b5c6d7e8f9") == 404
        assert get(f"http://127.0.0.1:{port}/refused/", "11111111222222223333333344444444") == 403
        _, stderr = server.communicate(timeout=60)
    finally:
        server.kill()
    lines = stderr.splitlines()
    exception_lines = [line for line in lines if "ZeroDivisionError" in line]
    assert len(exception_lines) == 1, stderr
    line = exception_lines[0]
    assert " ERROR django.request [4f2a9c0e7b1d4e8fa3c5d6e7f8091a2b] Internal Server Error: /broken/" in line
    assert "Traceback (most recent call last):" in line
    assert 'in broken\\n    raise ZeroDivisionError("the view of the logging proof")' in line  # the last frame
    assert line.endswith("ZeroDivisionError: the view of the logging proof")
    not_found = [line for line in lines if "/no-such-page/" in line]
    assert len(not_found) == 1
    assert not_found[0].endswith(" WARNING django.request [0a1b2c3d4e5f60718293a4b5c6d7e8f9] Not Found: /no-such-page/")
    refused = [line for line in lines if "/refused/" in line]
    # A client's 4xx is one line saying so, without the traceback of the exception behind it.
    assert refused == [refused[0]] and refused[0].endswith(
        " WARNING django.request [11111111222222223333333344444444] Forbidden (Permission denied): /refused/"
    ), stderr
    assert len(lines) == 3, stderr  # nothing else, and nothing spread over several lines


def formatted(record):
    handler_filter, formatter = RequestIdFilter(), OneLineFormatter("%(levelname)s [%(request_id)s] %(message)s")
    handler_filter.filter(record)
    return formatter.format(record)


def test_a_line_outside_a_request_has_no_id_and_one_inside_has_the_requests():
    record = logging.LogRecord("projects", logging.INFO, __file__, 1, "figures renewed", None, None)
    assert formatted(record) == "INFO [-] figures renewed"
    token = current_request_id.set("abc123")
    try:
        assert formatted(record) == "INFO [abc123] figures renewed"
    finally:
        current_request_id.reset(token)


def test_a_request_id_that_is_not_an_id_is_not_written(rf):
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found", None, None)
    record.request = rf.get("/x/", HTTP_X_REQUEST_ID="evil\n2026-01-01 ERROR forged line")
    assert formatted(record) == "WARNING [-] Not Found"


def test_a_message_with_line_breaks_stays_on_one_line():
    record = logging.LogRecord("projects", logging.WARNING, __file__, 1, "first\nsecond\r\nthird", None, None)
    assert formatted(record) == "WARNING [-] first\\nsecond\\r\\nthird"


def test_the_production_settings_log_to_stderr_with_the_one_line_format(settings):
    handler = settings.LOGGING["handlers"]["stderr"]
    assert handler["class"] == "logging.StreamHandler" and "stream" not in handler  # sys.stderr
    assert settings.LOGGING["root"]["handlers"] == ["stderr"]
    assert settings.MIDDLEWARE[0] == "config.logs.RequestIdMiddleware"
