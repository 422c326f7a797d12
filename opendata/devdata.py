"""The open-data part of the 2015 卫东区 demo: the 15 projects the seed article names are marked
可公开 (the invented ones stay unpublished, as a real office would keep its own examples). Run at the
end of projects' demo load (projects.extensions.demo_loader); creates only what is missing."""

from collections import Counter

from django.contrib.auth import get_user_model

from opendata.models import Publication
from projects.models import Project, Region
from projects.services.audit import audited_save

DISTRICT = "410403"
REASON = "演示数据：原文点名的项目设为可公开"

# The projects the 2015 article names (DOMAIN.md), by category as it lists them.
NAMED_PROJECTS = [
    "平煤神马集团八矿二号井",
    "明珠世纪城二期",
    "市四十一中异地重建项目",
    "河南新吉祥电子科技产业园",
    "平顶山旭龙再生资源有限公司建筑垃圾再生利用建设项目",
    "碧水香墅(劳动路恒温库区域改造)",
    "鹰城商贸、商务中心",
    "恒宇·东城国际",
    "上徐机械加工工业园",
    "市正顺化工公司技改10万吨/年洗油深加工",
    "平东物流产业集聚区基础设施建设项目(开发一路北延工程)",
    "益宏·莱茵水岸(平煤神马机械制造公司棚户区改造)",
    "广厦黄金花园(城中村改造)",
    "天安名郡(卫东区陈家岗下午三组改造)",
    "市现代物流产业集聚区一期",
]


def load_opendata_demo():
    """Mark the named projects of 卫东区 可公开 where they have no publication row yet."""
    district = Region.objects.filter(code=DISTRICT).first()
    admin = get_user_model().objects.filter(username="admin", region=district).first()
    if district is None or admin is None:
        return Counter()
    created = Counter()
    projects = Project.objects.filter(district=district, name__in=NAMED_PROJECTS, publication__isnull=True)
    for project in projects.order_by("pk"):
        audited_save(Publication(project=project, public=True), user=admin, reason=REASON)
        created["可公开项目"] += 1
    return created
