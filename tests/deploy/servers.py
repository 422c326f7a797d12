"""Real app servers for the deployment proofs and the load test: an installation (a PostgreSQL
database and a media folder), `make serve` on a loopback port, and a visitor talking to the
servers the way nginx passes requests on (X-Forwarded-Proto: https)."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import requests

from projects.devdata.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "proof-" + "k" * 60  # one key for every server: a session signed by one is valid on all


def database_url(name):
    """The database ``name`` on the PostgreSQL server DATABASE_URL names."""
    return urlsplit(os.environ.get("DATABASE_URL", ""))._replace(path=f"/{name}").geturl()


def sql(statement, params=(), *, database="postgres"):
    """Run one statement with autocommit (as the database administrator would) and return the rows."""
    with psycopg.connect(database_url(database), autocommit=True) as connection:
        cursor = connection.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def run(command, *, env, check=True):
    """Run a command in the project folder; a failure shows what it printed."""
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if check and done.returncode:
        raise AssertionError(f"{command} exited with {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


def manage(*args, env):
    return run([sys.executable, "manage.py", *args], env=env)


@dataclass
class Site:
    """One installation: its database and its media folder."""

    database: str
    media: Path

    @property
    def url(self):
        return database_url(self.database)

    def env(self, **extra):
        env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "MEDIA_ROOT": str(self.media),
            "DJANGO_ENV": "production",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "BEHIND_TLS_PROXY": "1",
            "KP_TRUSTED_PROXIES": "127.0.0.1",  # the visitor plays nginx (check --deploy asks for it)
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        env.update(extra)
        return env

    def sql(self, statement, params=()):
        return sql(statement, params, database=self.database)

    def row_counts(self):
        """Rows in every table of the application, exactly."""
        tables = [name for (name,) in self.sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {table: self.sql(f'SELECT count(*) FROM "{table}"')[0][0] for table in sorted(tables)}

    def listing_id(self, project_name, year=2015):
        rows = self.sql(
            "SELECT l.id FROM projects_listing l JOIN projects_project p ON p.id = l.project_id"
            " WHERE p.name = %s AND l.year = %s",
            (project_name, year),
        )
        return rows[0][0]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One app server: `make serve` (check --deploy, migrate, collectstatic, gunicorn) on a port."""

    def __init__(self, site, static_root, log_path, **env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.origin = f"https://127.0.0.1:{self.port}"  # as the browser sees it, through the TLS proxy
        self.log_path = log_path
        self.env = site.env(HOST="127.0.0.1", PORT=str(self.port), STATIC_ROOT=str(static_root), **env)
        self.process = None

    def start(self, timeout=90):
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                ["make", "--no-print-directory", "serve"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # make, gunicorn and its workers in one group, stopped together
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"make serve exited with {self.process.returncode}:\n{self.log()}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or its workers still starting on a busy machine
            time.sleep(0.3)
        raise AssertionError(f"the server on port {self.port} did not become healthy:\n{self.log()}")

    def running(self):
        return self.process is not None and self.process.poll() is None

    def stop(self):
        if not self.running():
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log(self):
        return Path(self.log_path).read_text(errors="replace")[-4000:]


CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Visitor:
    """One person's browser behind the load balancer: its cookies go to whichever server answers."""

    def __init__(self):
        self.cookies = {}

    def request(self, server, method, path, **kwargs):
        headers = {
            "X-Forwarded-Proto": "https",
            "Origin": server.origin,
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
        }
        response = requests.request(
            method, server.url + path, headers=headers, allow_redirects=False, timeout=60, **kwargs
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def get(self, server, path):
        return self.request(server, "GET", path)

    def post(self, server, path, data, files=None, form_page=None):
        """POST ``data`` with the CSRF token of ``form_page`` (default: ``path``) as served by ``server``."""
        page = self.get(server, form_page or path)
        assert page.status_code == 200, f"{form_page or path}: {page.status_code}"
        token = CSRF_TOKEN.search(page.text).group(1)
        return self.request(server, "POST", path, data={"csrfmiddlewaretoken": token, **data}, files=files)

    def login(self, server, username):
        response = self.post(server, "/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, f"{username} could not sign in on {server.url}"
        return self
