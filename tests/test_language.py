"""Every message a user can see is Chinese: the pages each role reaches (the admin's screens
included), the password rules' messages and the admin's JavaScript catalogue. English is allowed
only for names of formats, keys and products, for code-like values and for the data itself."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import django
import pytest
from django.contrib import admin
from django.urls import reverse

from projects.devdata.demo import DEMO_PASSWORD

# Names that stay as they are in Chinese text: file formats, units, keys and products.
ALLOWED_WORDS = {"Excel", "JPEG", "JPG", "PNG", "MB", "KB", "xlsx", "Control", "Command", "Mac", "LDAP", "IP", "ID"}
ALLOWED_WORDS |= {"xls", "ods", "et", "WPS"}  # the other formats a list is imported from, and WPS 表格
WORD = re.compile(r"[A-Za-z]{2,}")
# A value rather than a message: digits or joining characters inside it (pbkdf2_sha256, 照片.jpg,
# /admin/, a@b.cn) or masked characters (the password hash summary).
CODE_LIKE = re.compile(r"\d|\w[_./@:=]\w|\.\w|\*")
# Django writes the Python value (True/False/None) as the alt text of its yes/no icons.
ADMIN_ICON = re.compile(r"/admin/img/icon-(yes|no|unknown)\.svg$")


class VisibleText(HTMLParser):
    """The text a person sees or hears: text outside scripts and styles, and the attributes shown."""

    SHOWN_ATTRIBUTES = ("title", "placeholder", "alt", "aria-label")

    def __init__(self):
        super().__init__()
        self.parts = []
        self.hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template"}:
            self.hidden_depth += 1
        attrs = dict(attrs)
        if tag == "img" and ADMIN_ICON.search(attrs.get("src") or ""):
            attrs.pop("alt", None)
        self.parts.extend(attrs[name] for name in self.SHOWN_ATTRIBUTES if attrs.get(name))
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"} and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template"}:
            self.hidden_depth = max(0, self.hidden_depth - 1)

    def handle_data(self, data):
        if not self.hidden_depth and data.strip():
            self.parts.append(data.strip())


def english_in(html, data_words=frozenset()):
    """The pieces of visible text of a page that hold English words."""
    parser = VisibleText()
    parser.feed(html)
    found = []
    for part in parser.parts:
        words = [
            word
            for chunk in part.split()
            if not CODE_LIKE.search(chunk)
            for word in WORD.findall(chunk)
            if word not in ALLOWED_WORDS and word not in data_words
        ]
        if words:
            found.append(part[:160])
    return found


def test_the_checker_finds_english_and_passes_chinese():
    assert english_in("<p>After you’ve created a user, you’ll be able to edit more.</p>")
    assert english_in('<img src="/static/admin/img/search.svg" alt="Search">')
    assert english_in("<td>None</td>")
    assert not english_in("<p>上传 JPEG 或 PNG 照片，每张不超过 10 MB。</p><script>var a = 'Choose all';</script>")
    assert not english_in("<p>算法: pbkdf2_sha256 盐: FN8mnu****</p><style>body { color: red }</style>")
    assert not english_in('<img src="/static/admin/img/icon-yes.svg" alt="True">')


def data_words():
    """Words that are data, not messages: user names and the browsers that tried to sign in."""
    from axes.models import AccessAttempt, AccessLog

    from accounts.models import User

    values = [*User.objects.values_list("username", "first_name", "last_name", "email")]
    values += AccessAttempt.objects.values_list("user_agent", "path_info")
    values += AccessLog.objects.values_list("user_agent", "path_info")
    return frozenset(word for row in values for value in row for word in WORD.findall(value or ""))


def admin_urls(model, obj):
    """The admin's list, add and change pages of a model, those the admin role may open."""
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = [reverse(f"{info}_changelist"), reverse(f"{info}_add")]
    if obj is not None:
        urls += [reverse(f"{info}_change", args=[obj.pk]), reverse(f"{info}_delete", args=[obj.pk])]
        if hasattr(model, "history"):
            urls.append(reverse(f"{info}_history", args=[obj.pk]))
    return urls


@pytest.fixture
def login_records(client, users):
    """A failed and a successful sign-in, so django-axes' screens have rows to show."""
    client.post(reverse("login"), {"username": "staff", "password": "wrong-password"})
    client.post(reverse("login"), {"username": "leader", "password": DEMO_PASSWORD})


WEAK_PASSWORDS = ["Ab1", "12345678", "90817263545", "staff1"]  # short, common, numeric, like the name


def pages(objects_of):
    """(role, method, url, data) for the pages each role reaches."""
    from projects.models import Listing, MonthlyReport, Project

    project = Project.objects.get(name="恒宇·东城国际")
    problem = project.problems.first()
    listing = Listing.objects.get(project__name="北环路街道便民服务中心（示例）")
    submitted = MonthlyReport.objects.filter(listing__year=2015, month=9, status="submitted").first()
    user_pages = [
        ("get", reverse("projects:overview"), None),
        ("get", reverse("projects:project_list"), None),
        ("get", reverse("projects:problem_list"), None),
        ("get", reverse("projects:visit_list"), None),
        ("get", reverse("projects:report_sheet"), None),
        ("get", reverse("password_change"), None),
        ("get", "/no-such-page/", None),
        *[
            ("post", reverse("password_change"), {"old_password": DEMO_PASSWORD, "new_password1": weak,
                                                  "new_password2": weak})
            for weak in WEAK_PASSWORDS
        ],
    ]  # fmt: skip
    found = [("leader", *page) for page in user_pages] + [("staff_a", *page) for page in user_pages]
    found += [
        ("leader", "get", reverse("projects:leader_home"), None),
        ("leader", "get", project.get_absolute_url(), None),
        ("leader", "get", reverse("projects:project_history", args=[project.pk]), None),
        ("leader", "get", problem.get_absolute_url(), None),
        ("staff_a", "get", reverse("projects:report_edit", args=[listing.pk, 9]), None),
        ("staff_a", "get", reverse("projects:problem_create"), None),
        ("staff_a", "get", reverse("admin:index"), None),  # refused: the 403 page
        ("admin", "get", "/", None),
        ("admin", "get", reverse("projects:report_missing"), None),
        ("admin", "get", reverse("projects:import_list"), None),
        ("admin", "get", objects_of["import"].get_absolute_url(), None),
        ("admin", "get", reverse("projects:visit_create"), None),
        ("admin", "get", reverse("projects:visit_problems", args=[objects_of["visit"].pk]), None),
        ("admin", "get", reverse("projects:report_edit", args=[submitted.listing_id, 9]), None),
        ("admin", "get", reverse("projects:report_edit", args=[submitted.listing_id, 9]) + "?correct=1", None),
        ("admin", "get", reverse("projects:report_sheet") + "?year=2015&month=8", None),  # reopen
        ("admin", "get", reverse("projects:report_sheet") + "?year=2015&month=9", None),  # close
        ("admin", "get", reverse("projects:report_sheet") + "?year=2015&month=11", None),  # cannot close
        ("admin", "get", reverse("projects:overview") + "?year=2030", None),  # a year not yet reported
        ("admin", "get", reverse("admin:index"), None),
        ("admin", "get", reverse("admin:password_change"), None),
        ("admin", "get", reverse("admin:projects_project_simple_history",
                                 args=[project.pk, project.history.earliest().history_id]), None),
        ("admin", "post", reverse("admin:accounts_user_add"),
         {"username": "new_staff", "password1": "Ab1", "password2": "Ab2", "usable_password": "true"}),
        ("admin", "get", reverse("admin:auth_user_password_change", args=[objects_of["user"].pk]), None),
        ("anonymous", "get", reverse("login"), None),
        ("anonymous", "post", reverse("login"), {"username": "staff", "password": "wrong-password"}),
        ("anonymous", "post", reverse("login"), {"username": "用" * 300, "password": "wrong-password"}),
    ]  # fmt: skip
    for model in sorted(admin.site._registry, key=lambda model: model._meta.label):
        obj = model._default_manager.order_by("pk").first()
        found += [("admin", "get", url, None) for url in admin_urls(model, obj)]
    return found


def test_every_page_a_user_sees_is_chinese(client_for, users, login_records, sample_import):
    from accounts.models import User
    from projects.models import SupervisionVisit

    objects_of = {
        "import": sample_import,
        "user": User.objects.get(username="staff"),
        "visit": SupervisionVisit.objects.order_by("pk").first(),  # its findings page
    }
    words = data_words()
    clients = {}
    english = []
    for role, method, url, data in pages(objects_of):
        client = clients.setdefault(role, client_for(role))
        response = getattr(client, method)(url, data or {})
        if response.status_code in {301, 302} or not response["Content-Type"].startswith("text/html"):
            continue
        english += [f"{found!r} ({role} {method} {url})" for found in english_in(response.content.decode(), words)]
    assert not english, "\n".join(english)


def test_the_lockout_pages_are_chinese(client, users):
    for _ in range(5):
        client.post(reverse("login"), {"username": "staff", "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": "staff", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert not english_in(response.content.decode())


ADMIN_JS_CATALOGUE = Path(django.__file__).parent / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po"
PLACEHOLDER = re.compile(r"%(\(\w+\))?[sd]")
PO_STRING = r'((?:"(?:[^"\\]|\\.)*"\s*)+)'
ENTRY = re.compile(rf"^(?:msgctxt {PO_STRING})?msgid {PO_STRING}", re.MULTILINE)


def po_text(quoted):
    return "".join(json.loads(piece) for piece in re.findall(r'"(?:[^"\\]|\\.)*"', quoted or ""))


def admin_script_messages():
    """Every message the admin's JavaScript may show, from Django's own English catalogue, as the
    catalogue's keys (a message with a context is keyed "context\x04message")."""
    messages = []
    for match in ENTRY.finditer(ADMIN_JS_CATALOGUE.read_text()):
        context, text = po_text(match.group(1)), po_text(match.group(2))
        if text:
            messages.append(f"{context}\x04{text}" if context else text)
    return messages


def test_the_admin_script_catalogue_translates_every_message(client_for):
    """The admin's JavaScript (the two-box selector's "Choose all", the calendar) reads its text
    from this catalogue; a message missing here is shown in English."""
    script = client_for("admin").get(reverse("admin:jsi18n")).content.decode()
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});", script, re.DOTALL).group(1))
    messages = admin_script_messages()
    assert "Choose all %s" in messages and len(messages) > 50
    untranslated = [message for message in messages if message not in catalogue]
    assert not untranslated
    for message in messages:
        for translation in [catalogue[message]] if isinstance(catalogue[message], str) else catalogue[message]:
            text = PLACEHOLDER.sub("", translation)
            assert not [word for word in WORD.findall(text) if word not in ALLOWED_WORDS], translation
