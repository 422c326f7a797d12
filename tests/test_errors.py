"""A lost database gives a short Chinese 503 (and the health check says so), never a traceback;
the app servers serve their own static files."""

import pytest
from django.db import OperationalError


def test_health_check_is_ok_with_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_check_reports_an_unreachable_database(client, db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr("config.errors.connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert response["Retry-After"] == "30"


@pytest.fixture
def failing_overview(monkeypatch):
    def fail(error):
        def overview(**kwargs):
            raise error

        monkeypatch.setattr("projects.views.dashboard.overview", overview)

    return fail


def test_a_lost_connection_gives_the_chinese_503_page(client_for, failing_overview):
    failing_overview(OperationalError("server closed the connection unexpectedly"))
    client = client_for("admin")
    client.raise_request_exception = False
    response = client.get("/overview/")
    assert response.status_code == 503
    page = response.content.decode()
    assert "系统暂时无法连接数据库" in page and "没有保存任何内容" in page
    assert "Traceback" not in page and "server closed" not in page
    assert response["Retry-After"] == "30"


def test_other_errors_still_give_the_500_page(client_for, failing_overview):
    failing_overview(ValueError("a bug"))
    client = client_for("admin")
    client.raise_request_exception = False
    response = client.get("/overview/")
    assert response.status_code == 500
    assert "系统暂时出错" in response.content.decode() and "a bug" not in response.content.decode()


def test_static_files_are_served_by_the_application(client, db):
    """WhiteNoise serves them from any app server: no separate web server is needed."""
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert b"--brand" in b"".join(response.streaming_content)
