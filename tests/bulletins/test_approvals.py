"""The bulletin's 前期手续 section: the 联审联批 figures of the node, in the offices' sentence, and
kept by an issued bulletin."""

from datetime import date

import pytest

from approvals.choices import ItemStatus
from approvals.models import ApprovalItem
from bulletins.selectors.drafts import bulletin_draft
from bulletins.services.issue import bulletin_issue
from tests.approvals.helpers import DEVELOPMENT, HOUSING, LAND, SHANGXU, ZHENGSHUN, item

# Each test builds its own approvals on the demo's projects.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("without_demo_approvals")]
SEPTEMBER = {"year": 2015, "month": 9, "level": "city"}


def section(d, key):
    return next((s for s in d.sections if s.key == key), None)


@pytest.fixture
def items(demo, settings):
    settings.KP_TODAY = date(2015, 10, 20)
    item(SHANGXU, "立项批复", due=date(2015, 9, 20), status=ItemStatus.DONE, approved_date=date(2015, 9, 10))
    item(SHANGXU, "用地预审", dept=LAND, due=date(2015, 9, 25))
    item(ZHENGSHUN, "环评批复", dept=LAND, due=date(2015, 9, 28))
    item(ZHENGSHUN, "规划许可", dept=HOUSING, due=date(2015, 9, 30))
    item(ZHENGSHUN, "林地审批", dept=HOUSING, due=date(2015, 9, 30), status=ItemStatus.NOT_NEEDED)


def test_no_section_without_approval_items(users):
    d = bulletin_draft(user=users["admin"], **SEPTEMBER)
    assert section(d, "approvals") is None and "approvals" not in d.figures
    assert d.sections[-1].title == "六、下步工作"


def test_the_section_states_the_rate_and_the_late_items_by_department(users, items):
    d = bulletin_draft(user=users["admin"], **SEPTEMBER)
    approvals = section(d, "approvals")
    assert [s.title for s in d.sections][-2:] == ["六、前期手续", "七、下步工作"]
    assert approvals.paragraphs == [
        f"联审联批事项4项，已办结1项，完成率25.0%；截至10月20日超期未办结3项（{LAND}2项、{HOUSING}1项）。"
    ]
    assert approvals.tables[0].rows == [
        [LAND, "2", "0", "0.0%", "2"],
        [HOUSING, "1", "0", "0.0%", "1"],
        [DEVELOPMENT, "1", "1", "100.0%", "0"],
    ]
    assert d.figures["approvals"]["counted"] == 4 and d.figures["approvals"]["percent"] == "25.0"


def test_a_period_before_anything_was_due_says_so(users, items):
    d = bulletin_draft(user=users["admin"], year=2015, month=8, level="city")
    # Nothing due by August 31; three items are late today (October 20), and the sentence says so.
    paragraph = section(d, "approvals").paragraphs[0]
    assert paragraph.startswith("联审联批事项0项，已办结0项，完成率—；截至10月20日超期未办结3项")
    ApprovalItem.objects.filter(status=ItemStatus.IN_PROGRESS).update(status=ItemStatus.NOT_NEEDED)
    d = bulletin_draft(user=users["admin"], year=2015, month=8, level="city")
    assert section(d, "approvals").paragraphs == ["本期无前期手续事项。"]


def test_a_streets_bulletin_counts_its_own_projects(users, items):
    from projects.models import Street

    street = Street.objects.get(name="北环路街道", district__code="410403")
    d = bulletin_draft(user=users["admin"], street=street, **SEPTEMBER)
    assert section(d, "approvals").paragraphs[0].startswith("联审联批事项2项，已办结0项，完成率0.0%")


def test_the_district_level_list_has_no_approvals_section(users, items):
    d = bulletin_draft(user=users["admin"], year=2015, month=9, level="district")
    assert section(d, "approvals") is None


def test_an_issued_bulletin_keeps_its_approval_figures(users, items):
    bulletin = bulletin_issue(by=users["admin"], **SEPTEMBER)
    frozen = bulletin.figures["approvals"]
    sentence = next(s for s in bulletin.content["sections"] if s["key"] == "approvals")["paragraphs"][0]
    # Everything is approved afterwards: the draft moves, the issued bulletin does not.
    for pending in ApprovalItem.objects.filter(status=ItemStatus.IN_PROGRESS):
        pending.status, pending.approved_date = ItemStatus.DONE, date(2015, 9, 30)
        pending.save()
    assert bulletin_draft(user=users["admin"], **SEPTEMBER).figures["approvals"]["done"] == 4
    bulletin.refresh_from_db()
    assert bulletin.figures["approvals"] == frozen and frozen["done"] == 1
    assert sentence in [p for s in bulletin.content["sections"] for p in s["paragraphs"]]
    from tests.bulletins.test_issue import document_text

    assert sentence in document_text(bulletin)
