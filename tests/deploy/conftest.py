"""Proofs that the tracker serves for real: gunicorn processes started by `make serve` in production
mode, on a PostgreSQL database of their own (a copy of the demo) and a shared media folder,
reached over loopback the way nginx reaches them (X-Forwarded-Proto: https).

They need PostgreSQL: they run when DATABASE_URL names one (CI's PostgreSQL run) and are skipped
with one line on SQLite. Each proof works in a database created for it and dropped after."""

import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.deploy.servers import Server, Site, manage, sql

ON_POSTGRES = urlsplit(os.environ.get("DATABASE_URL", "")).scheme in {"postgres", "postgresql"}


def pytest_collection_modifyitems(items):
    skip = pytest.mark.skip(reason="needs PostgreSQL: DATABASE_URL=postgres://… (CI runs these)")
    for item in items:
        if not ON_POSTGRES and Path(str(item.path)).is_relative_to(Path(__file__).parent):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """The demo installation, made once (migrate + load_demo); proofs work on copies of it."""
    name = f"kp_proof_template_{uuid.uuid4().hex[:8]}"
    sql(f'CREATE DATABASE "{name}"')
    site = Site(name, tmp_path_factory.mktemp("template-media"))
    try:
        manage("migrate", "--noinput", "-v0", env=site.env())
        manage("load_demo", env=site.env())
        yield site
    finally:
        sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def make_site(demo_template, tmp_path_factory):
    """make_site(empty=False): a fresh copy of the demo installation (or an empty database)."""
    made = []

    def make(empty=False):
        name = f"kp_proof_{uuid.uuid4().hex[:8]}"
        media = tmp_path_factory.mktemp("site") / "media"
        if empty:
            sql(f'CREATE DATABASE "{name}"')
        else:
            sql(f'CREATE DATABASE "{name}" TEMPLATE "{demo_template.database}"')
            shutil.copytree(demo_template.media, media)
        made.append(name)
        return Site(name, media)

    yield make
    for name in made:
        sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def start_servers(tmp_path_factory):
    """start_servers(site, {env}, {env}, …): one running app server per env dict, all on ``site``."""
    servers = []
    folder = tmp_path_factory.mktemp("servers")

    def start(site, *envs):
        static_root = folder / "static"
        for env in envs:
            server = Server(site, static_root, folder / f"server-{len(servers)}.log", **env)
            servers.append(server)
            server.start()  # one after the other: both run collectstatic into the same folder
        return servers

    yield start
    for server in servers:
        server.stop()
