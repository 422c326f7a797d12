"""The divisions a project code may name from the first day: Henan province, its cities and the
districts and counties of 平顶山市 (GB/T 2260). Offices add others in the admin (项目代码行政区划)."""

from django.db import migrations
from django.utils import timezone

DIVISIONS = [
    ("410000", "河南省"),
    ("410100", "郑州市"),
    ("410200", "开封市"),
    ("410300", "洛阳市"),
    ("410400", "平顶山市"),
    ("410402", "新华区"),
    ("410403", "卫东区"),
    ("410404", "石龙区"),
    ("410411", "湛河区"),
    ("410421", "宝丰县"),
    ("410422", "叶县"),
    ("410423", "鲁山县"),
    ("410425", "郏县"),
    ("410471", "平顶山高新技术产业开发区"),
    ("410472", "平顶山市城乡一体化示范区"),
    ("410481", "舞钢市"),
    ("410482", "汝州市"),
    ("410500", "安阳市"),
    ("410600", "鹤壁市"),
    ("410700", "新乡市"),
    ("410800", "焦作市"),
    ("410900", "濮阳市"),
    ("411000", "许昌市"),
    ("411100", "漯河市"),
    ("411200", "三门峡市"),
    ("411300", "南阳市"),
    ("411400", "商丘市"),
    ("411500", "信阳市"),
    ("411600", "周口市"),
    ("411700", "驻马店市"),
    ("419001", "济源市"),
]


def seed(apps, schema_editor):
    Division = apps.get_model("projects", "Division")
    HistoricalDivision = apps.get_model("projects", "HistoricalDivision")
    now = timezone.now()
    for code, name in DIVISIONS:
        division, created = Division.objects.get_or_create(code=code, defaults={"name": name})
        if created:
            # The table's history starts with the seed, as every row added in the admin's does.
            HistoricalDivision.objects.create(
                id=division.pk,
                code=code,
                name=name,
                history_date=now,
                history_type="+",
                history_change_reason="初始区划表",
            )


def unseed(apps, schema_editor):
    codes = [code for code, _ in DIVISIONS]
    apps.get_model("projects", "Division").objects.filter(code__in=codes).delete()
    apps.get_model("projects", "HistoricalDivision").objects.filter(
        code__in=codes, history_change_reason="初始区划表"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0014_calendar_division")]

    operations = [migrations.RunPython(seed, unseed)]
