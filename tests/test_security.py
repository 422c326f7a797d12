"""Security baseline: production settings pass Django's deploy check, headers are set, and the
pages satisfy their own Content Security Policy (no inline script or style, nothing remote)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from projects.models import Project

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3Jx9-production-test-key-that-is-long-and-random-enough-0123456789abcdef",
    "ALLOWED_HOSTS": "xmb.example.gov.cn",
}


def manage(*args, env):
    full_env = {key: value for key, value in os.environ.items() if key not in {"DJANGO_ENV", "SECRET_KEY", "DEBUG"}}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=full_env, capture_output=True, text=True, timeout=120
    )


def test_deploy_check_is_clean_in_production_mode():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_asks_behind_a_proxy_for_the_proxys_address():
    """Else every sign-in counts as the proxy's, and the per-address login limit stops everyone."""
    behind_nginx = {**PRODUCTION_ENV, "BEHIND_TLS_PROXY": "1"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=behind_nginx)
    assert result.returncode != 0 and "accounts.W001" in result.stdout + result.stderr
    named = {**behind_nginx, "KP_TRUSTED_PROXIES": "10.0.0.10"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=named)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_required_settings(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_mode_turns_debug_off():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)", env=PRODUCTION_ENV)
    assert result.stdout.strip().splitlines()[-1] == "False"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+=", re.IGNORECASE)
REMOTE_ASSET = re.compile(r"""(src|href)=["']?(https?:)?//""", re.IGNORECASE)


def project_a_listing():
    from projects.models import Listing

    return Listing.objects.get(project__name="北环路街道便民服务中心（示例）")


def page_urls():
    project = Project.objects.get(name="恒宇·东城国际")
    return [
        ("leader", reverse("projects:project_list")),
        ("leader", project.get_absolute_url()),
        ("leader", reverse("password_change")),
        ("anonymous", reverse("login")),
        ("admin", reverse("admin:index")),
        ("admin", reverse("admin:projects_project_changelist")),
        ("admin", reverse("admin:projects_project_change", args=[project.pk])),
        ("admin", reverse("admin:projects_instruction_add")),
        ("admin", reverse("admin:projects_project_history", args=[project.pk])),
        (
            "admin",
            reverse("admin:projects_project_simple_history", args=[project.pk, project.history.earliest().history_id]),
        ),
        ("staff_a", reverse("projects:report_sheet")),
        ("staff_a", reverse("projects:report_edit", args=[project_a_listing().pk, 9])),
        ("admin", reverse("projects:report_missing")),
        ("admin", reverse("projects:problem_list")),
        ("leader", project.problems.first().get_absolute_url()),
        ("admin", reverse("projects:visit_list")),
        ("admin", reverse("projects:visit_create")),
        ("staff_a", reverse("projects:problem_create")),
        ("admin", "/"),
        ("admin", reverse("projects:import_list")),
        ("leader", reverse("projects:overview")),
        ("leader", reverse("projects:leader_home")),
        ("admin", reverse("projects:project_list") + "?warning=red&ordering=-percent"),
        ("admin", reverse("admin:accounts_user_changelist")),
    ]


def test_pages_satisfy_the_content_security_policy(client_for, sample_import):
    for role, url in [*page_urls(), ("admin", sample_import.get_absolute_url())]:
        response = client_for(role).get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        html = response.content.decode()
        assert not INLINE_SCRIPT.findall(html), f"inline <script> on {url}"
        assert not STYLE_ATTRIBUTE.findall(html), f"style attribute on {url}"
        assert not INLINE_HANDLER.findall(html), f"inline event handler on {url}"
        assert not REMOTE_ASSET.findall(html), f"remote asset on {url}"


def test_security_headers(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_password_validators_are_all_on(settings):
    names = {validator["NAME"].rsplit(".", 1)[1] for validator in settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }


def test_forms_refuse_posts_without_csrf_token(users):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["leader"])
    problem = Project.objects.get(name="恒宇·东城国际").problems.first()
    response = client.post(reverse("projects:instruction_create", args=[problem.pk]), {"text": "无令牌提交"})
    assert response.status_code == 403
    assert not problem.instructions.filter(text="无令牌提交").exists()


def test_every_response_to_a_signed_in_user_is_kept_out_of_caches(client_for, objects_for_caching):
    """A shared office PC's browser must not keep a leader's pages, exports or photos."""
    for role, url in objects_for_caching:
        response = client_for(role).get(url)
        assert response.status_code == (404 if url == "/no-such-page/" else 200), url
        assert response["Cache-Control"] == "private, no-store", url


@pytest.fixture
def objects_for_caching(users):
    from projects.models import ReportPhoto

    project = Project.objects.get(name="恒宇·东城国际")
    photo = ReportPhoto.objects.filter(report__listing__project__street__name="北环路街道").first()
    return [
        ("leader", reverse("projects:overview")),
        ("leader", reverse("projects:project_list")),
        ("leader", project.get_absolute_url()),
        ("leader", reverse("projects:problem_list")),
        ("leader", reverse("password_change")),
        ("leader", reverse("projects:export_progress")),
        ("leader", reverse("projects:export_problems")),
        ("leader", "/no-such-page/"),
        ("staff_a", reverse("projects:report_sheet")),
        ("staff_a", reverse("projects:photo", args=[photo.pk])),
        ("staff_a", reverse("projects:photo_thumbnail", args=[photo.pk])),
        ("admin", reverse("projects:import_template")),
        ("admin", reverse("admin:index")),
        ("admin", reverse("admin:accounts_user_changelist")),
        ("admin", "/healthz"),
    ]


def test_the_cache_rule_reads_nothing_from_the_database(client_for, monkeypatch):
    """While PostgreSQL is away the health check still answers, to a signed-in browser too."""
    from django.db import OperationalError

    class Unreachable:
        def cursor(self):
            raise OperationalError("could not connect to server: Connection refused")

    def session_unreachable(self):
        raise OperationalError("could not connect to server: Connection refused")

    client = client_for("admin")
    monkeypatch.setattr("config.errors.connection", Unreachable())
    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", session_unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["database"] == "unreachable"
    assert response["Cache-Control"] == "private, no-store"


def test_static_files_and_pages_for_visitors_keep_their_own_caching(client_for, users):
    signed_in = client_for("leader")
    static = signed_in.get("/static/css/app.css")
    assert static.status_code == 200 and "no-store" not in static.get("Cache-Control", "")
    login_page = client_for("anonymous").get(reverse("login"))
    assert "private, no-store" != login_page.get("Cache-Control")
