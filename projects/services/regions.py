"""The administrative tree: loading the national division codes an installation serves."""

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from projects.models import Region

REGIONS_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "regions_410400.json"


def regions_load(*, path=REGIONS_FIXTURE):
    """Create the regions of a fixture (parents listed before their children) that do not exist
    yet, and hang an existing region without a parent under the one the fixture names. A region
    whose name, tier or parent differs from the fixture is left as it is. Returns how many were
    created."""
    with open(path, encoding="utf-8") as fixture:
        rows = json.load(fixture)
    created = 0
    with transaction.atomic():
        by_code = {}
        for row in rows:
            parent = by_code.get(row["parent"]) or (
                Region.objects.filter(code=row["parent"]).first() if row["parent"] else None
            )
            if row["parent"] and parent is None:
                raise ValidationError(f"行政区划 {row['code']} 的上级 {row['parent']} 不存在，请把上级写在它之前。")
            region = Region.objects.filter(code=row["code"]).first()
            if region is None:
                region = Region(code=row["code"], name=row["name"], kind=row["kind"], parent=parent)
                region.full_clean()
                region.save()
                created += 1
            elif region.parent_id is None and parent is not None and region.kind == row["kind"]:
                region.parent = parent
                region.full_clean()
                region.save(update_fields=["parent"])
            by_code[region.code] = region
    return created
