"""Shared test fixtures: the demo data is loaded once per session into the test database."""

import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from projects.devdata.demo import demo_load
from projects.models import Region
from tests.snapshot import DatabaseSnapshot, deleting_flush

# Cheap hashing for every password the tests create, the demo accounts included; set before
# anything is hashed, so no hash is ever upgraded mid-test (which would end the session).
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The tests read the real today (projects.clock) unless one pins its own: a KP_TODAY exported for
# the demo does not move them.
settings.KP_TODAY = None
# Photos the tests store (the demo's included) go to a folder of the session's own.
settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="kptracker-test-media-")


def commits(item):
    """Whether a test commits real transactions (transactional and browser tests)."""
    marker = item.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or "transactional_db" in item.fixturenames))


@pytest.fixture(autouse=True)
def figures_cache(request, settings):
    """The figures cache (projects.freshness) is renewed by commits. A test inside one rolled-back
    transaction never commits, so for it the cache is off; a test that commits runs with the
    cache on, as in production, starting empty."""
    from django.core.cache import caches

    if commits(request.node):
        caches["figures"].clear()
    else:
        settings.CACHES = {**settings.CACHES, "figures": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from django.db.backends.postgresql.operations import DatabaseOperations

    DatabaseOperations.sql_flush = deleting_flush(DatabaseOperations.sql_flush)
    with django_db_blocker.unblock():
        demo_load()
        DEMO_SNAPSHOT.take()


@pytest.fixture
def demo(db):
    """The 2015 卫东区 demo data; put back if a transactional test flushed it."""
    if not Region.objects.exists():
        DEMO_SNAPSHOT.restore()


DEMO_SNAPSHOT = DatabaseSnapshot()


@pytest.fixture
def admin_user(demo, django_user_model):
    return django_user_model.objects.get(username="admin")


@pytest.fixture
def users(demo, django_user_model):
    """The six kinds of visitor of the access rules, on the demo data.

    staff_a is the demo staff user (北环路街道); staff_b serves 东安路街道; leader is the demo
    leader (王某); other_leader is 赵某, who follows other projects.
    """
    from accounts.models import Role
    from projects.models import Leader, Street

    staff_b = django_user_model.objects.create_user("staff_b", password="kp-test-Pass-2015", role=Role.STAFF)
    staff_b.streets.set([Street.objects.get(name="东安路街道")])
    other_leader = django_user_model.objects.create_user("leader_b", password="kp-test-Pass-2015", role=Role.LEADER)
    Leader.objects.filter(name="赵某").update(user=other_leader)
    return {
        "admin": django_user_model.objects.get(username="admin"),
        "staff_a": django_user_model.objects.get(username="staff"),
        "staff_b": staff_b,
        "leader": django_user_model.objects.get(username="leader"),
        "other_leader": other_leader,
    }


@pytest.fixture
def client_for(client, users):
    """A test client signed in as the named visitor; "anonymous" stays signed out."""
    from django.test import Client

    def make(role):
        if role == "anonymous":
            return Client()
        signed_in = Client()
        signed_in.force_login(users[role])
        return signed_in

    return make


def pytest_collection_modifyitems(items):
    """Run tests that commit real transactions last, as Django's own runner does: they end by
    emptying the database, and the session's demo data should serve every other test first."""

    items.sort(key=commits)


@pytest.fixture
def listing_of(demo):
    """The 2015 listing of a demo project, by project name."""
    from projects.models import Listing

    def get(name):
        return Listing.objects.select_related("project").get(project__name=name, year=2015)

    return get


SAMPLE_LIST = Path(__file__).parent / "data" / "municipal-list-2016.xlsx"


@pytest.fixture
def sample_import(demo):
    """The city's 2016 sample list for 卫东区, uploaded by the command for 卫东区's office and
    previewed (not applied)."""
    from django.core.files import File

    from projects.services.imports import import_upload

    with SAMPLE_LIST.open("rb") as handle:
        record, _ = import_upload(
            user=None,
            upload=File(handle, name=SAMPLE_LIST.name),
            year=2016,
            level="city",
            region=Region.objects.get(code="410403"),  # 卫东区's list, as its office would import it
        )
    return record


@pytest.fixture
def without_demo_approvals(demo):
    """The demo without its approvals part (items, templates, land, funding, 入统), for the tests
    that build their own scenario on the demo's projects; rolled back with the test."""
    from approvals.models import (
        ApprovalItem,
        ApprovalTemplate,
        Funding,
        LandSupply,
        StatisticsFigure,
        StatisticsRegistration,
    )

    for model in (ApprovalItem, ApprovalTemplate, Funding, LandSupply, StatisticsFigure, StatisticsRegistration):
        model.objects.all().delete()
