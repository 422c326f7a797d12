"""Approval items on the demo's projects, for the approvals tests."""

from approvals.choices import ItemStatus
from approvals.models import ApprovalItem
from projects.models import Project, Unit

DEVELOPMENT = "区发展和改革委员会"
LAND = "区国土资源局"
HOUSING = "区住房和城乡建设局"
SHANGXU = "上徐机械加工工业园"  # 东工人镇街道
ZHENGSHUN = "市正顺化工公司技改10万吨/年洗油深加工"  # 北环路街道
HENGYU = "恒宇·东城国际"  # 建设路街道, followed by the demo leader 王某
WEIDONG = "410403"


def department(name):
    return Unit.objects.get(name=name, kind="department", district__code=WEIDONG)


def item(project, name, *, dept=DEVELOPMENT, due=None, status=ItemStatus.IN_PROGRESS, **fields):
    """An item of the demo project named ``project``, due ``due`` (its planned date: not submitted)."""
    if status == ItemStatus.DONE:
        fields.setdefault("approved_date", due)
    return ApprovalItem.objects.create(
        project=Project.objects.get(name=project, district__code=WEIDONG),
        name=name,
        department=department(dept) if dept else None,
        planned_date=due,
        status=status,
        **fields,
    )
