"""Signing in and out, changing the password, and throttling repeated failures (django-axes)."""

from datetime import timedelta

import pytest
from django.urls import reverse

from projects.devdata.demo import DEMO_PASSWORD

pytestmark = pytest.mark.usefixtures("demo")

LOGIN = "/accounts/login/"


def attempt(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_login_page_is_in_chinese(client):
    content = client.get(LOGIN).content.decode()
    assert "登录" in content and "用户名" in content and "密码" in content


def test_good_login_goes_home_and_logout_signs_out(client):
    response = attempt(client, "staff", DEMO_PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("projects:project_list")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("projects:project_list")).status_code == 302


def test_bad_password_gives_a_chinese_message(client):
    response = attempt(client, "staff", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_five_failures_lock_the_account(client):
    for _ in range(5):
        attempt(client, "staff", "wrong-password")
    response = attempt(client, "staff", DEMO_PASSWORD)
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert client.get(reverse("projects:project_list")).status_code == 302


def test_lockout_holds_across_addresses_and_forged_forwarded_for(client):
    for number in range(5):
        attempt(
            client, "staff", "wrong-password", REMOTE_ADDR=f"10.0.0.{number}", HTTP_X_FORWARDED_FOR=f"1.2.3.{number}"
        )
    response = attempt(client, "staff", DEMO_PASSWORD, REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="8.8.8.8")
    assert response.status_code == 429


def test_forged_forwarded_for_does_not_reset_the_counter(client):
    for number in range(4):
        attempt(client, "staff", "wrong-password", HTTP_X_FORWARDED_FOR=f"1.2.3.{number}")
    # A fifth failure with yet another forged address still counts, and locks.
    attempt(client, "staff", "wrong-password", HTTP_X_FORWARDED_FOR="9.9.9.9")
    assert attempt(client, "staff", DEMO_PASSWORD, HTTP_X_FORWARDED_FOR="7.7.7.7").status_code == 429


@pytest.mark.parametrize("junk_username", ["", "nobody", "admin123"])
def test_failures_with_empty_or_unknown_names_do_not_lock_out_real_users(client, junk_username):
    for _ in range(12):
        attempt(client, junk_username, "whatever")
    response = attempt(client, "staff", DEMO_PASSWORD)
    assert response.status_code == 302


def test_other_accounts_are_not_locked_by_one_locked_account(client):
    for _ in range(6):
        attempt(client, "staff", "wrong-password")
    assert attempt(client, "leader", DEMO_PASSWORD).status_code == 302


def test_success_before_the_limit_resets_the_count(client):
    for _ in range(4):
        attempt(client, "staff", "wrong-password")
    assert attempt(client, "staff", DEMO_PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        attempt(client, "staff", "wrong-password")
    assert attempt(client, "staff", DEMO_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "username", ["x" * 256, "长" * 300, "y" * 5000, "staff\x00"], ids=["256", "300-cjk", "5000", "nul"]
)
def test_a_username_no_column_can_hold_is_a_failed_login(client, username):
    """Longer than django-axes' username column (255; PostgreSQL refused the insert with a 500)."""
    from axes.models import AccessAttempt

    response = attempt(client, username, "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode() or "空字符" in response.content.decode()
    column = AccessAttempt._meta.get_field("username").max_length
    assert all(len(name) <= column for name in AccessAttempt.objects.values_list("username", flat=True))
    assert attempt(client, "staff", DEMO_PASSWORD).status_code == 302


def test_failures_with_an_overlong_username_are_counted(client):
    from axes.models import AccessAttempt

    for _ in range(3):
        attempt(client, "z" * 400, "wrong-password")
    assert AccessAttempt.objects.get(username="z" * 255).failures_since_start == 3


def test_admin_login_goes_through_the_throttled_page(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_password_change(client_for, django_user_model):
    client = client_for("staff_a")
    weak = client.post(
        reverse("password_change"),
        {"old_password": DEMO_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200
    assert "密码" in weak.content.decode() and "太常见" in weak.content.decode()
    strong = client.post(
        reverse("password_change"),
        {"old_password": DEMO_PASSWORD, "new_password1": "Wd-xmb-2015-qiu", "new_password2": "Wd-xmb-2015-qiu"},
    )
    assert strong.status_code == 302
    assert django_user_model.objects.get(username="staff").check_password("Wd-xmb-2015-qiu")


def test_there_is_no_self_registration(client):
    assert client.get("/accounts/register/").status_code == 404
    assert client.get("/accounts/signup/").status_code == 404


def test_an_office_admin_who_is_not_superuser_reads_login_records_and_unlocks(client, django_user_model):
    from axes.models import AccessAttempt

    from projects.models import Region

    # 卫东区's office: an admin manages the users (and their login records) under its office's node.
    django_user_model.objects.create_user(
        "xmb_admin", password="Wd-xmb-admin-2015", role="admin", region=Region.objects.get(code="410403")
    )
    for _ in range(5):
        attempt(client, "staff", "wrong-password")
    assert attempt(client, "staff", DEMO_PASSWORD).status_code == 429

    office = type(client)()
    assert attempt(office, "xmb_admin", "Wd-xmb-admin-2015").status_code == 302
    assert office.get(reverse("admin:index")).status_code == 200
    assert office.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
    assert office.get(reverse("admin:projects_project_changelist")).status_code == 200
    staff = django_user_model.objects.get(username="staff")
    response = office.post(
        reverse("admin:accounts_user_changelist"), {"action": "unlock_login", "_selected_action": [staff.pk]}
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="staff").exists()
    assert attempt(client, "staff", DEMO_PASSWORD).status_code == 302


SPRAYER = "203.0.113.9"


def spray(client, count, address=SPRAYER):
    """One address trying a common password on many usernames, each once (no account locks)."""
    return [attempt(client, f"user{number:03d}", "Spring2015!", REMOTE_ADDR=address) for number in range(count)]


def test_one_address_trying_many_usernames_waits_while_another_address_signs_in(client, settings):
    assert settings.KP_LOGIN_ADDRESS_FAILURE_LIMIT == 30
    responses = spray(client, 30)
    assert [response.status_code for response in responses[:29]] == [200] * 29
    assert responses[29].status_code == 429
    refused = attempt(client, "staff", DEMO_PASSWORD, REMOTE_ADDR=SPRAYER)
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "登录失败次数过多" in page and "15 分钟" in page and "网络地址" in page
    assert client.get(reverse("projects:project_list")).status_code == 302  # not signed in
    assert attempt(type(client)(), "staff", DEMO_PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302


def test_a_refused_attempt_during_the_wait_counts_against_no_account(client):
    from axes.models import AccessAttempt

    spray(client, 30)
    for _ in range(6):
        attempt(client, "staff", "wrong-password", REMOTE_ADDR=SPRAYER)
    assert not AccessAttempt.objects.filter(username="staff").exists()
    assert attempt(type(client)(), "staff", DEMO_PASSWORD, REMOTE_ADDR="198.51.100.20").status_code == 302


def test_the_address_waits_until_its_failures_are_older_than_the_window(client, settings):
    from axes.models import AccessAttempt
    from django.utils import timezone

    spray(client, 30)
    assert attempt(client, "staff", DEMO_PASSWORD, REMOTE_ADDR=SPRAYER).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.KP_LOGIN_ADDRESS_COOLOFF - timedelta(minutes=1))
    assert attempt(client, "staff", DEMO_PASSWORD, REMOTE_ADDR=SPRAYER).status_code == 302


def test_an_office_behind_one_address_is_not_stopped_by_typos_that_were_corrected(client):
    """Failures of an account that then signs in are cleared, so they do not add up for the address."""
    office = "198.51.100.77"
    for _ in range(10):
        for _ in range(4):
            attempt(client, "staff", "typo", REMOTE_ADDR=office)
        assert attempt(client, "staff", DEMO_PASSWORD, REMOTE_ADDR=office).status_code == 302
        client.post(reverse("logout"))
    assert attempt(client, "leader", DEMO_PASSWORD, REMOTE_ADDR=office).status_code == 302


def test_the_address_limit_is_a_setting(client, settings):
    settings.KP_LOGIN_ADDRESS_FAILURE_LIMIT = 3
    spray(client, 3)
    assert attempt(client, "staff", DEMO_PASSWORD, REMOTE_ADDR=SPRAYER).status_code == 429


def test_the_address_is_the_proxys_client_only_from_a_trusted_proxy(rf, settings):
    from accounts.security import client_ip

    settings.KP_TRUSTED_PROXIES = ["10.0.0.10"]
    through_nginx = rf.get("/", REMOTE_ADDR="10.0.0.10", HTTP_X_REAL_IP="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(through_nginx) == "203.0.113.5"
    direct = rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_REAL_IP="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(direct) == "198.51.100.7"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.10", HTTP_X_REAL_IP="not an address")) == "10.0.0.10"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.10")) == "10.0.0.10"
    settings.KP_TRUSTED_PROXIES = []
    assert client_ip(through_nginx) == "10.0.0.10"
