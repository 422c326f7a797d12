"""projects.clock.today(): KP_TODAY pins the date every rule reads; unset, it is the real today."""

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from config.env import env_date
from projects import clock
from projects.forms import ProblemForm
from projects.models import Problem, Project, Region
from projects.selectors.problems import problem_figures, problem_list
from projects.selectors.reporting import reporting_period
from projects.services.errors import ValidationError
from projects.services.visits import visit_record

ROOT = Path(django_settings.BASE_DIR)
DEMO_DAY = date(2015, 10, 20)  # the day `make run` pins


def test_unset_it_is_the_real_today(settings):
    settings.KP_TODAY = None
    assert clock.today() == timezone.localdate()


def test_the_overdue_rule_reads_the_pinned_day(settings, users):
    settings.KP_TODAY = DEMO_DAY
    figures = problem_figures(problem_list(user=users["admin"]))
    # The ledger of the article stays, and of the 12 being coordinated only the one due 2015-10-31
    # is not yet overdue on 20 October.
    assert (figures["found"], figures["resolved"], figures["coordinating"], figures["overdue"]) == (50, 38, 12, 11)
    due_later = Problem.objects.get(status="coordinating", deadline=date(2015, 10, 31))
    assert not due_later.overdue
    settings.KP_TODAY = date(2015, 11, 1)
    assert due_later.overdue and Problem.objects.overdue().count() == 12
    settings.KP_TODAY = date(2015, 9, 1)
    assert Problem.objects.overdue().count() == 6  # deadlines 06-21 … 08-20; 09-01 is due that day


def test_the_ledger_page_counts_overdue_on_the_pinned_day(settings, client_for):
    settings.KP_TODAY = DEMO_DAY
    page = client_for("admin").get(reverse("projects:problem_list")).content.decode()
    assert "<span>已逾期</span><strong>11</strong>" in page


def test_the_default_month_follows_the_pinned_day(settings, demo):
    weidong = Region.objects.get(code="410403")
    settings.KP_TODAY = DEMO_DAY
    assert reporting_period(region=weidong) == (2015, 9)  # after the September reports
    settings.KP_TODAY = date(2015, 9, 15)
    assert reporting_period(region=weidong) == (2015, 8)  # September is not over yet


def test_the_report_sheet_opens_on_the_pinned_month(settings, client_for):
    settings.KP_TODAY = date(2015, 9, 15)
    response = client_for("admin").get(reverse("projects:report_sheet"))
    assert (response.context["year"], response.context["month"]) == (2015, 8)


def test_a_form_default_is_the_pinned_day(settings, client_for, demo):
    settings.KP_TODAY = DEMO_DAY
    form = ProblemForm(projects=Project.objects.none())
    assert form["raised_on"].value() == DEMO_DAY
    page = client_for("admin").get(reverse("projects:problem_create")).content.decode()
    assert 'name="raised_on" value="2015-10-20"' in page


def test_a_visit_after_the_pinned_day_is_refused(settings, users):
    settings.KP_TODAY = DEMO_DAY
    project = Project.objects.get(name="市正顺化工公司技改10万吨/年洗油深加工")
    leader = project.assignments.first().leader
    with pytest.raises(ValidationError, match="督察日期不能晚于今天"):
        visit_record(
            user=users["admin"], project=project, date=date(2015, 10, 21), leaders=[leader], findings="现场查看"
        )


@pytest.mark.parametrize("value", ["2015/10/20", "2015-10-32", "tomorrow"])
def test_a_bad_value_is_refused_by_name(monkeypatch, value):
    monkeypatch.setenv("KP_TODAY", value)
    with pytest.raises(ImproperlyConfigured, match=r"KP_TODAY must be a date written YYYY-MM-DD .* not '"):
        env_date("KP_TODAY")


def _manage(*args, **env):
    environ = {k: v for k, v in os.environ.items() if k not in {"KP_TODAY", "DJANGO_ENV", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**environ, **env}, capture_output=True, text=True
    )


def test_the_application_does_not_start_with_a_bad_value():
    result = _manage("check", KP_TODAY="20.10.2015")
    assert result.returncode != 0
    assert "The environment variable KP_TODAY must be a date written YYYY-MM-DD" in result.stderr
    assert "'20.10.2015'" in result.stderr


def test_production_refuses_a_pinned_day():
    result = _manage(
        "check", KP_TODAY="2015-10-20", DJANGO_ENV="production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.org"
    )
    assert result.returncode != 0
    assert "KP_TODAY pins the date for the demo and must not be set in production" in result.stderr


def _make_dry_run(target, **env):
    environ = {k: v for k, v in os.environ.items() if k not in {"KP_TODAY", "PORT", "HOST"}}
    result = subprocess.run(
        ["make", "-n", target], cwd=ROOT, env={**environ, **env}, capture_output=True, text=True, check=True
    )
    return [line for line in result.stdout.splitlines() if "manage.py" in line]


def test_make_run_pins_the_demo_day_and_serves_on_the_port_asked_for():
    lines = _make_dry_run("run", PORT="8001")
    assert lines[-1].endswith("KP_TODAY=2015-10-20 .venv/bin/python manage.py runserver 127.0.0.1:8001")
    assert "KP_TODAY=2015-10-20 .venv/bin/python manage.py load_demo --url http://127.0.0.1:8001/" in lines
    assert "8001" in " ".join(_make_dry_run("run", PORT="8001", KP_TODAY="2015-11-05")) and (
        "KP_TODAY=2015-11-05" in _make_dry_run("run", KP_TODAY="2015-11-05")[-1]
    )


def test_make_demo_reset_pins_the_demo_day():
    assert _make_dry_run("demo-reset", PORT="8002") == [
        "KP_TODAY=2015-10-20 .venv/bin/python manage.py demo_reset --url http://127.0.0.1:8002/"
    ]


def test_load_demo_prints_the_url_it_is_given(demo, capsys):
    call_command("load_demo", url="http://127.0.0.1:8001/")
    assert "演示账号（登录地址 http://127.0.0.1:8001/ ）：" in capsys.readouterr().out


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")  # read by the command, never connected to
def test_demo_reset_refuses_a_database_the_environment_names(settings, tmp_path):
    # A database other than the embedded db.sqlite3 (named here, so the test reads the same alone or
    # after others): refused, nothing removed.
    settings.DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": tmp_path / "other.sqlite3"}}
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "kept.jpg").write_bytes(b"photo")
    with pytest.raises(CommandError, match="只重置内置的 SQLite 演示数据库.*DATABASE_URL 指向的是"):
        call_command("demo_reset")
    assert (tmp_path / "kept.jpg").exists()
    settings.DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ROOT / "db.sqlite3"}}
    with pytest.raises(CommandError, match="MEDIA_ROOT 或 MEDIA_S3_BUCKET 指向别处"):
        call_command("demo_reset")
    assert (tmp_path / "kept.jpg").exists()
    settings.PRODUCTION = True  # a production server on the embedded SQLite file is still never wiped
    with pytest.raises(CommandError, match="生产模式（DJANGO_ENV=production）下不删除任何数据"):
        call_command("demo_reset")


def test_demo_reset_starts_the_embedded_demo_afresh(tmp_path):
    # The command run for real on a copy of the embedded layout: its settings put BASE_DIR in tmp_path.
    (tmp_path / "fixtures").symlink_to(ROOT / "fixtures")  # the demo's data, read from BASE_DIR
    (tmp_path / "db.sqlite3").write_bytes(b"an old demo database")
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "old-upload.jpg").write_bytes(b"an old upload")
    result = _manage(
        "demo_reset",
        "--url",
        "http://127.0.0.1:8003/",
        DJANGO_SETTINGS_MODULE="tests.projects.demo_reset_settings",
        KP_DEMO_RESET_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "已删除演示数据库 db.sqlite3 和上传文件夹 media/。" in result.stdout
    assert "演示账号（登录地址 http://127.0.0.1:8003/ ）：" in result.stdout and "leader" in result.stdout
    assert not (tmp_path / "media" / "old-upload.jpg").exists()
    assert list((tmp_path / "media" / "photos").rglob("*.jpg"))  # the demo's site photos, anew
    with sqlite3.connect(tmp_path / "db.sqlite3") as database:
        usernames = {name for (name,) in database.execute("select username from accounts_user")}
    assert {"admin", "city", "staff", "leader"} <= usernames
