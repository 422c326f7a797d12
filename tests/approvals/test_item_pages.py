"""The item pages: who reaches which (404 outside scope, 403 for a read-only role), what each
form changes, the stale-edit refusal on the page, and the project page's 前期手续 card."""

from datetime import date

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.choices import ItemStatus
from approvals.models import ApprovalItem
from approvals.views.items import approvals_section
from tests.approvals.test_items import (  # noqa: F401 (fixtures)
    LAND,
    dept_user,
    make_item,
    pinned_today,
    project_a,
    project_b,
    project_l,
    template,
    update,
    weidong,
)

# Each test builds its own approvals on the demo's projects.
pytestmark = pytest.mark.usefixtures("without_demo_approvals")


@pytest.fixture
def item_a(project_a):  # noqa: F811
    return make_item(project_a, "立项备案", "区发展和改革委员会", time_limit_days=5)


@pytest.fixture
def item_l(project_l):  # noqa: F811
    return make_item(project_l, "立项备案", "区发展和改革委员会", time_limit_days=5)


def progress(item, **overrides):
    data = {
        "status": ItemStatus.IN_PROGRESS,
        "planned_date": "",
        "submitted_date": "2015-10-09",
        "approved_date": "",
        "document_number": "",
        "notes": "",
        "updated_at": item.updated_at.isoformat(),
    }
    return {**data, **overrides}


# --- reading -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "project", "status"),
    [
        ("admin", "a", 200),
        ("staff_a", "a", 200),
        ("staff_b", "a", 404),
        ("leader", "a", 404),
        ("leader", "l", 200),
        ("other_leader", "l", 404),
        ("anonymous", "a", 302),
    ],
)
def test_who_reads_a_projects_items(client_for, item_a, item_l, role, project, status):
    item = item_a if project == "a" else item_l
    for url in (
        reverse("approvals:project_items", args=[item.project_id]),
        reverse("approvals:item_edit", args=[item.pk]),
    ):
        response = client_for(role).get(url)
        assert response.status_code == status, url
        if status == 200:
            assert "立项备案" in response.content.decode()


def test_the_items_page_lists_the_items_in_order_with_their_figures(client_for, project_a):  # noqa: F811
    make_item(project_a, "施工许可", "区住房和城乡建设局", sort_order=30)
    make_item(
        project_a,
        "立项备案",
        "区发展和改革委员会",
        sort_order=10,
        time_limit_days=5,
        status=ItemStatus.IN_PROGRESS,
        submitted_date=date(2015, 10, 9),  # due 10-16, before today (10-20): red
    )
    make_item(
        project_a,
        "环评批复",
        sort_order=20,
        status=ItemStatus.DONE,
        submitted_date=date(2015, 9, 1),
        approved_date=date(2015, 9, 20),
        document_number="卫环审〔2015〕7号",
    )
    page = client_for("staff_a").get(reverse("approvals:project_items", args=[project_a.pk])).content.decode()
    assert page.index("立项备案") < page.index("环评批复") < page.index("施工许可")
    assert "light-red" in page and "已超期" in page
    assert "卫环审〔2015〕7号" in page and "区发展和改革委员会" in page
    assert "已办结 1 项 / 需办理 3 项" in page
    assert "应用模板" not in page and "删除该事项" not in page  # staff do not configure


def test_a_department_user_reads_and_updates_its_own_items_only(client_for, dept_user, project_a):  # noqa: F811
    own = make_item(project_a, "用地预审与选址意见", LAND)
    other = make_item(project_a, "立项备案", "区发展和改革委员会")
    client = client_for("anonymous")
    client.force_login(dept_user)
    page = client.get(reverse("approvals:project_items", args=[project_a.pk])).content.decode()
    assert "用地预审与选址意见" in page and "立项备案" not in page
    assert project_a.get_absolute_url() not in page  # the project's own page is not theirs to open
    assert client.get(reverse("approvals:item_edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("approvals:item_edit", args=[other.pk]), progress(other)).status_code == 404
    assert client.post(reverse("approvals:item_edit", args=[own.pk]), progress(own)).status_code == 302
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.status == ItemStatus.IN_PROGRESS and other.status == ItemStatus.NOT_STARTED


def test_a_project_without_items_of_theirs_is_404_for_a_department_user(client_for, dept_user, project_a):  # noqa: F811
    make_item(project_a, "立项备案", "区发展和改革委员会")
    client = client_for("anonymous")
    client.force_login(dept_user)
    assert client.get(reverse("approvals:project_items", args=[project_a.pk])).status_code == 404


# --- updating -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("staff_b", 404), ("leader", 404), ("anonymous", 302)])
def test_others_cannot_post_an_update(client_for, item_a, role, status):
    assert client_for(role).post(reverse("approvals:item_edit", args=[item_a.pk]), progress(item_a)).status_code == (
        status
    )
    item_a.refresh_from_db()
    assert item_a.status == ItemStatus.NOT_STARTED


def test_a_leader_reads_a_followed_projects_item_but_may_not_change_it(client_for, item_l):
    client = client_for("leader")
    page = client.get(reverse("approvals:item_edit", args=[item_l.pk]))
    assert page.status_code == 200 and '<form method="post" enctype' not in page.content.decode()
    assert client.post(reverse("approvals:item_edit", args=[item_l.pk]), progress(item_l)).status_code == 403
    item_l.refresh_from_db()
    assert item_l.status == ItemStatus.NOT_STARTED


def test_staff_see_the_progress_form_and_admins_the_whole_item(client_for, item_a):
    staff_page = client_for("staff_a").get(reverse("approvals:item_edit", args=[item_a.pk])).content.decode()
    admin_page = client_for("admin").get(reverse("approvals:item_edit", args=[item_a.pk])).content.decode()
    assert 'name="status"' in staff_page and 'name="name"' not in staff_page and 'name="department"' not in staff_page
    assert 'name="name"' in admin_page and 'name="time_limit_days"' in admin_page


def test_a_staff_post_cannot_rename_an_item(client_for, item_a):
    response = client_for("staff_a").post(
        reverse("approvals:item_edit", args=[item_a.pk]), progress(item_a, name="改名", time_limit_days="1")
    )
    assert response.status_code == 302  # the fields staff do not have are not read
    item_a.refresh_from_db()
    assert (item_a.name, item_a.time_limit_days, item_a.status) == ("立项备案", 5, ItemStatus.IN_PROGRESS)


def test_a_rule_broken_on_the_page_keeps_the_input_and_saves_nothing(client_for, item_a):
    response = client_for("staff_a").post(
        reverse("approvals:item_edit", args=[item_a.pk]),
        progress(item_a, status=ItemStatus.DONE, document_number="卫发改〔2015〕99号"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "已办结的事项请填写办结日期。" in page and "卫发改〔2015〕99号" in page
    item_a.refresh_from_db()
    assert item_a.status == ItemStatus.NOT_STARTED and item_a.history.count() == 1


def test_a_stale_form_is_refused_on_the_page_naming_who_saved_since(users, client_for, item_a):
    opened = progress(item_a, document_number="我填写的文号", status=ItemStatus.IN_PROGRESS)
    update(users["admin"], item_a, planned_date=date(2015, 12, 31))
    response = client_for("staff_a").post(reverse("approvals:item_edit", args=[item_a.pk]), opened)
    page = response.content.decode()
    assert response.status_code == 409
    assert "卫东区项目办管理员（示例）" in page and "您的修改未保存" in page
    assert "我填写的文号" in page  # the user's input stays on the form
    item_a.refresh_from_db()
    assert item_a.status == ItemStatus.NOT_STARTED and item_a.planned_date == date(2015, 12, 31)
    assert f'value="{item_a.updated_at.isoformat()}"' in page  # a second submit is a deliberate one
    again = client_for("staff_a").post(
        reverse("approvals:item_edit", args=[item_a.pk]), {**opened, "updated_at": item_a.updated_at.isoformat()}
    )
    assert again.status_code == 302


# --- configuring: template, add, drop ------------------------------------------------------------------


@pytest.mark.parametrize(("role", "status"), [("staff_a", 403), ("staff_b", 404), ("leader", 404)])
def test_only_admins_configure_items(client_for, template, project_a, item_a, role, status):  # noqa: F811
    client = client_for(role)
    posts = [
        (reverse("approvals:template_apply", args=[project_a.pk]), {"template": template.pk}),
        (reverse("approvals:item_add", args=[project_a.pk]), {"name": "环评批复", "blocks_start": "on"}),
        (reverse("approvals:item_delete", args=[item_a.pk]), {"reason": "不需要"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == status, url
    assert list(project_a.approval_items.values_list("name", flat=True)) == ["立项备案"]


def test_a_leader_is_refused_configuring_a_followed_project(client_for, template, project_l, item_l):  # noqa: F811
    client = client_for("leader")
    assert (
        client.post(reverse("approvals:template_apply", args=[project_l.pk]), {"template": template.pk}).status_code
        == 403
    )
    assert client.post(reverse("approvals:item_delete", args=[item_l.pk]), {"reason": "x"}).status_code == 403
    assert list(project_l.approval_items.values_list("name", flat=True)) == ["立项备案"]


def test_an_admin_applies_a_template_and_is_told_what_was_added_and_skipped(client_for, template, project_a):  # noqa: F811
    make_item(project_a, "施工许可")
    client = client_for("admin")
    page = client.get(reverse("approvals:project_items", args=[project_a.pk])).content.decode()
    assert "工业项目前期手续" in page
    response = client.post(
        reverse("approvals:template_apply", args=[project_a.pk]), {"template": template.pk}, follow=True
    )
    assert "已添加2项，跳过1项（已有）" in response.content.decode()
    assert project_a.approval_items.count() == 3


def test_an_admin_adds_and_drops_an_item_on_the_page(client_for, project_a):  # noqa: F811
    client = client_for("admin")
    refused = client.post(reverse("approvals:item_add", args=[project_a.pk]), {"name": "", "time_limit_days": "二十"})
    assert refused.status_code == 200 and not project_a.approval_items.exists()
    response = client.post(
        reverse("approvals:item_add", args=[project_a.pk]),
        {"name": "林地审批", "time_limit_days": "20", "blocks_start": "on", "planned_date": "2015-12-01"},
    )
    assert response.status_code == 302
    item = project_a.approval_items.get()
    assert (item.time_limit_days, item.due_date) == (20, date(2015, 12, 1))
    duplicate = client.post(reverse("approvals:item_add", args=[project_a.pk]), {"name": "林地审批"})
    assert "该项目已有名为「林地审批」的事项。" in duplicate.content.decode()
    no_reason = client.post(reverse("approvals:item_delete", args=[item.pk]), {"reason": ""}, follow=True)
    assert "请填写删除原因" in no_reason.content.decode() and ApprovalItem.objects.filter(pk=item.pk).exists()
    client.post(reverse("approvals:item_delete", args=[item.pk]), {"reason": "项目不涉及林地"})
    assert not ApprovalItem.objects.filter(pk=item.pk).exists()


def test_an_admin_may_not_apply_a_template_of_another_district(client_for, project_a):  # noqa: F811
    from approvals.models import ApprovalTemplate
    from projects.models import Region

    other = ApprovalTemplate.objects.create(district=Region.objects.get(code="410402"), name="新华区模板")
    response = client_for("admin").post(
        reverse("approvals:template_apply", args=[project_a.pk]), {"template": other.pk}
    )
    assert response.status_code == 200 and "没有这个模板" in response.content.decode()
    assert not project_a.approval_items.exists()


# --- the project page's card ------------------------------------------------------------------------------


def test_the_project_page_shows_the_approvals_card(client_for, project_a, project_l):  # noqa: F811
    make_item(project_l, "立项备案", status=ItemStatus.DONE, approved_date=date(2015, 9, 1), document_number="1号")
    make_item(project_l, "施工许可")
    page = client_for("leader").get(project_l.get_absolute_url()).content.decode()
    assert "前期手续" in page and "已办结 1/2 项" in page and "施工许可" in page
    assert reverse("approvals:project_items", args=[project_l.pk]) in page
    empty_for_staff = client_for("staff_a").get(project_a.get_absolute_url()).content.decode()
    assert "尚未配置前期手续事项。" in empty_for_staff and "应用模板或添加事项" not in empty_for_staff
    empty_for_admin = client_for("admin").get(project_a.get_absolute_url()).content.decode()
    assert "应用模板或添加事项" in empty_for_admin


def test_the_cards_queries_do_not_grow_with_its_items(users, project_a):  # noqa: F811
    def queries():
        request = RequestFactory().get("/")  # a new page each time: a request remembers its access answers
        request.user = users["admin"]
        with CaptureQueriesContext(connection) as captured:
            approvals_section(request, project_a)
        return len(captured)

    make_item(project_a, "立项备案", "区发展和改革委员会")
    few = queries()
    for number in range(8):
        make_item(project_a, f"事项{number}", "区住房和城乡建设局", planned_date=date(2015, 11, number + 1))
    assert queries() == few


@pytest.mark.parametrize("token", ["", "昨天", "2015-10-20T10:00:00"])  # missing, not a time, no time zone
def test_a_form_without_a_valid_state_token_is_refused_with_a_message(client_for, item_a, token):
    response = client_for("staff_a").post(
        reverse("approvals:item_edit", args=[item_a.pk]), progress(item_a, updated_at=token)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "表单已失效，请刷新页面后重新填写。" in page
    item_a.refresh_from_db()
    assert item_a.status == ItemStatus.NOT_STARTED
