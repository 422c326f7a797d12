"""PostgreSQL going away under running app servers: the Chinese 503 page (never a traceback),
recovery without restarting anything, and an import cut off in the middle leaving every table
exactly as it was.

"Going away" is done to this proof's database only, so the other tests' databases on the same
PostgreSQL are untouched: every connection to it is terminated (pg_terminate_backend) and new
ones are refused (ALLOW_CONNECTIONS false) — what an app server sees of a stopped database."""

import threading
import time
from contextlib import contextmanager

import psycopg
import pytest

from tests.conftest import SAMPLE_LIST
from tests.deploy.servers import Visitor, sql

UNAVAILABLE = "系统暂时无法连接数据库"


@pytest.fixture(scope="module")
def site(make_site):
    return make_site()


@pytest.fixture(scope="module")
def servers(site, start_servers):
    # a: a new connection per request (CONN_MAX_AGE=0, the default); b: persistent connections,
    # which PostgreSQL may cut at any time and CONN_HEALTH_CHECKS must notice.
    return start_servers(site, {"CONN_MAX_AGE": "0"}, {"CONN_MAX_AGE": "600"})


def terminate_connections(site):
    return sql(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        (site.database,),
    )[0][0]


@contextmanager
def database_gone(site):
    sql(f'ALTER DATABASE "{site.database}" ALLOW_CONNECTIONS false')
    try:
        terminate_connections(site)
        yield
    finally:
        sql(f'ALTER DATABASE "{site.database}" ALLOW_CONNECTIONS true')


def test_database_gone_gives_the_503_page_then_recovers_without_a_restart(site, servers):
    admin = Visitor().login(servers[0], "admin")
    for server in servers:
        assert admin.get(server, "/overview/").status_code == 200

    with database_gone(site):
        for server in servers:
            for path in ("/overview/", "/projects/", "/reports/"):
                page = admin.get(server, path)
                assert page.status_code == 503, (server.url, path, page.status_code)
                assert UNAVAILABLE in page.text and "Traceback" not in page.text
                assert page.headers["Retry-After"] == "30"
            health = admin.get(server, "/healthz")
            assert health.status_code == 503 and health.json()["database"] == "unreachable"

    for server in servers:  # the same processes, not restarted
        assert server.running()
        assert admin.get(server, "/healthz").status_code == 200
        page = admin.get(server, "/overview/")
        assert page.status_code == 200 and "累计完成投资" in page.text  # and still signed in


def test_persistent_connections_cut_by_postgresql_are_replaced_unnoticed(site, servers):
    persistent = servers[1]
    admin = Visitor().login(persistent, "admin")
    for _ in range(4):  # both workers hold a connection
        assert admin.get(persistent, "/overview/").status_code == 200
    assert terminate_connections(site) >= 1
    for _ in range(4):
        assert admin.get(persistent, "/overview/").status_code == 200


def waiting_on_listings(site, timeout=30):
    """The backend that is blocked inserting listings (after it has written projects), or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = sql(
            "SELECT pid, backend_xid IS NOT NULL FROM pg_stat_activity WHERE datname = %s"
            " AND wait_event_type = 'Lock'"
            # the import writes its listings with one COPY (services.import_writes); others INSERT
            " AND (query LIKE 'COPY \"projects_listing\"%%' OR query LIKE 'INSERT INTO \"projects_listing\"%%')",
            (site.database,),
        )
        if rows:
            return rows[0]
        time.sleep(0.1)
    raise AssertionError("the import never reached the listings")


@pytest.fixture(scope="module")
def previewed_import(site, servers):
    """The city's 2016 list uploaded through server a: (admin, URL of the import record)."""
    admin = Visitor().login(servers[0], "admin")
    with SAMPLE_LIST.open("rb") as handle:
        uploaded = admin.post(servers[0], "/imports/", {"year": "2016", "level": "city"}, files={"file": handle})
    assert uploaded.status_code == 302
    return admin, uploaded.headers["Location"]  # /imports/<pk>/


def import_status(site, record):
    record_id = int(record.strip("/").rsplit("/", 1)[-1])
    return site.sql("SELECT status FROM projects_importrecord WHERE id = %s", (record_id,))[0][0]


def confirm_cut_off_midway(site, admin, server, record, database_stays):
    """Confirm the import through ``server``, stopped halfway (units, projects and their history
    written, listings not yet: writes to the listings table are held back by a lock) and its
    connection cut there. With ``database_stays`` False the database also refuses new connections
    until the response is back. Returns the response."""
    responses = []
    with psycopg.connect(site.url) as blocker:
        blocker.execute("LOCK TABLE projects_listing IN EXCLUSIVE MODE")
        confirm = threading.Thread(
            target=lambda: responses.append(admin.post(server, f"{record}confirm/", {}, form_page=record))
        )
        confirm.start()
        pid, has_written = waiting_on_listings(site)
        assert has_written  # the transaction had written rows when it was cut off
        if not database_stays:
            sql(f'ALTER DATABASE "{site.database}" ALLOW_CONNECTIONS false')
        sql("SELECT pg_terminate_backend(%s)", (pid,))
        blocker.rollback()
    confirm.join(timeout=60)
    sql(f'ALTER DATABASE "{site.database}" ALLOW_CONNECTIONS true')
    (response,) = responses
    return response


def test_an_import_cut_off_midway_changes_nothing_and_can_be_confirmed_again(site, servers, previewed_import):
    a, b = servers
    admin, record = previewed_import
    before = site.row_counts()

    response = confirm_cut_off_midway(site, admin, b, record, database_stays=True)
    assert response.status_code == 302
    assert "导入中途与数据库的连接中断，已全部撤销，未写入任何数据" in admin.get(b, record).text
    assert site.row_counts() == before and import_status(site, record) == "previewed"

    response = confirm_cut_off_midway(site, admin, a, record, database_stays=False)
    assert response.status_code == 503 and "您刚才的操作没有保存任何内容" in response.text
    assert site.row_counts() == before and import_status(site, record) == "previewed"

    # With the database back, the same import goes through whole.
    assert admin.post(a, f"{record}confirm/", {}, form_page=record).status_code == 302
    assert site.row_counts()["projects_listing"] == before["projects_listing"] + 20
    assert import_status(site, record) == "applied"
