"""Shared test fixtures: the demo data is loaded once per session into the test database."""

import pytest

from projects.models import District
from projects.services.demo import demo_load


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        demo_load()


@pytest.fixture
def demo(db):
    """The 2015 卫东区 demo data; reloaded if a transactional test flushed it."""
    if not District.objects.exists():
        demo_load()


@pytest.fixture
def admin_user(demo, django_user_model):
    return django_user_model.objects.get(username="admin")
