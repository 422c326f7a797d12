"""export_oc4ids on the demo: the package validates against the official OC4IDS 0.9.5 schema offline
with 0 errors, every codelist value is in its codelist, amounts are exact in 元, only projects marked
可公开 are in it, and a year with nothing to publish is refused with a clear message.

The validator here is built from the schema files themselves (jsonschema, Draft 4, with the formats
checked), not taken from opendata.validation, so the app's own check is not trusted to judge itself."""

import csv
import hashlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from approvals.choices import ItemStatus
from approvals.models import ApprovalItem, Funding
from opendata.devdata import NAMED_PROJECTS
from opendata.models import Publication
from opendata.validation import package_errors
from projects.choices import Level, ReportStatus
from projects.models import (
    Instruction,
    Listing,
    Milestone,
    MonthlyReport,
    Problem,
    Project,
    Region,
    SupervisionVisit,
)

pytestmark = pytest.mark.usefixtures("demo")

SCHEMA_DIR = Path(settings.BASE_DIR) / "opendata" / "schema" / "0.9.5"
SHARED_DIR = Path(settings.BASE_DIR).parent / "shared" / "oc4ids"
# The official 0.9.5 files as published (the copies in ../shared/oc4ids/ of the workplace).
OFFICIAL_SHA256 = {
    "project-package-schema.json": "0592b7680818bd470e23e66dca725ef42221f947175a66b682aeaed58d9ddda5",
    "project-schema.json": "fa58e8b15fb4c591f8af0803f2326a0348c2637f5b708b41fac393497d6ca8c2",
}
PREFIX = "oc4ids-kp2015"  # oc4ids- and six characters, as registered prefixes are
TODAY = date(2015, 10, 20)
SHANGXU = "上徐机械加工工业园"
SCHOOL = "市四十一中异地重建项目"
LOGISTICS = "市现代物流产业集聚区一期"
INVENTED = "东环路智能装备制造基地（示例）"


@pytest.fixture(autouse=True)
def publisher(settings):
    settings.KP_OC4IDS_PREFIX = PREFIX
    settings.KP_TODAY = TODAY
    settings.KP_SITE_URL = ""


def export(tmp_path, *args):
    path = tmp_path / "package.json"
    call_command("export_oc4ids", "--output", str(path), *args)
    return path


def load(path):
    """The package with every number as a Decimal, so that no amount passes through a float."""
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal, parse_int=Decimal)


def official_validator():
    package = json.loads((SCHEMA_DIR / "project-package-schema.json").read_text(encoding="utf-8"))
    project = json.loads((SCHEMA_DIR / "project-schema.json").read_text(encoding="utf-8"))
    registry = Registry().with_resource(project["id"], Resource(contents=project, specification=DRAFT4))
    return Draft4Validator(package, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def codes(name):
    with (SCHEMA_DIR / "codelists" / name).open(encoding="utf-8") as handle:
        return {row["Code"] for row in csv.DictReader(handle)}


def by_title(package):
    return {entry["title"]: entry for entry in package["projects"]}


@pytest.fixture
def package_2015(tmp_path):
    """卫东区's office's export of 2015 (the operator's would be published as the province's)."""
    return json.loads(export(tmp_path, "--year", "2015", "--region", "410403").read_text(encoding="utf-8"))


def test_the_bundled_schema_is_the_official_one():
    for name, digest in OFFICIAL_SHA256.items():
        assert hashlib.sha256((SCHEMA_DIR / name).read_bytes()).hexdigest() == digest
        if SHARED_DIR.is_dir():  # the workplace's copy, where the checkout sits beside it
            assert (SCHEMA_DIR / name).read_bytes() == (SHARED_DIR / name).read_bytes()
    if SHARED_DIR.is_dir():
        for shared in (SHARED_DIR / "codelists").glob("*.csv"):
            assert (SCHEMA_DIR / "codelists" / shared.name).read_bytes() == shared.read_bytes()


def test_the_demo_export_validates_against_the_official_schema_with_no_error(package_2015):
    errors = [
        f"{list(error.absolute_path)}: {error.message}" for error in official_validator().iter_errors(package_2015)
    ]
    assert errors == []
    assert package_2015["version"] == "0.9"
    assert package_2015["publisher"] == {"name": "河南省平顶山市卫东区项目办"}
    assert len(package_2015["projects"]) == 15


def test_the_validator_is_strict_enough_to_fail(package_2015):
    """The same check finds a broken package: a wrong status, a date that is not a date-time."""
    broken = json.loads(json.dumps(package_2015))
    broken["projects"][0]["status"] = "在建"
    broken["projects"][1]["period"] = {"startDate": "2015-01-01"}
    broken["publishedDate"] = "yesterday"
    messages = [error.message for error in official_validator().iter_errors(broken)]
    assert len(messages) == 3
    assert package_errors(broken)  # the app's own check refuses it too


def test_only_projects_marked_public_are_exported(package_2015):
    named = set(Project.objects.filter(name__in=NAMED_PROJECTS, district__code="410403").values_list("pk", flat=True))
    assert len(named) == 15
    assert {entry["id"] for entry in package_2015["projects"]} == {f"{PREFIX}-{pk}" for pk in named}
    assert INVENTED not in by_title(package_2015)


def test_marks_change_what_is_exported(tmp_path):
    Publication.objects.create(project=Project.objects.get(name=INVENTED), public=True)
    Publication.objects.filter(project__name=SHANGXU).update(public=False)
    titles = set(by_title(load(export(tmp_path, "--year", "2015"))))
    assert INVENTED in titles
    assert SHANGXU not in titles
    assert len(titles) == 15


def test_every_codelist_value_is_in_its_codelist(package_2015):
    used = []
    for entry in package_2015["projects"]:
        used.append(("projectStatus.csv", entry["status"]))
        used += [("projectSector.csv", sector) for sector in entry.get("sector", [])]
        used += [("projectType.csv", entry["type"])] if "type" in entry else []
        for party in entry.get("parties", []):
            used += [("partyRole.csv", role) for role in party["roles"]]
        for metric in entry.get("metrics", []):
            used.append(("metricID.csv", metric["id"]))
            for observation in metric["observations"]:
                if "value" in observation:
                    used.append(("currency.csv", observation["value"]["currency"]))
        for milestone in entry.get("milestones", []):
            used += [("milestoneType.csv", milestone["type"]), ("milestoneStatus.csv", milestone["status"])]
            used += [("milestoneCode.csv", milestone["code"])] if "code" in milestone else []
        for location in entry["locations"]:
            if "geometry" in location:
                used.append(("geometryType.csv", location["geometry"]["type"]))
        budget = entry.get("budget", {})
        if "amount" in budget:
            used.append(("currency.csv", budget["amount"]["currency"]))
        for finance in budget.get("finance", []):
            used += [("financingArrangementType.csv", finance["type"])] if "type" in finance else []
        for scheme in {c["scheme"] for c in entry["additionalClassifications"]}:
            # Our own categories travel under local schemes (an open codelist), all named kp-….
            assert scheme.startswith("kp-") or scheme in codes("classificationScheme.csv")
    strays = [(name, value) for name, value in used if value not in codes(name)]
    assert strays == []
    kinds = {name for name, _ in used}
    assert {"projectStatus.csv", "projectSector.csv", "partyRole.csv", "metricID.csv", "milestoneType.csv"} <= kinds
    assert {"milestoneStatus.csv", "currency.csv", "financingArrangementType.csv"} <= kinds


def test_amounts_are_exact_in_yuan(tmp_path, listing_of):
    project = Project.objects.get(name=SHANGXU)
    Project.objects.filter(pk=project.pk).update(total_investment=Decimal("12345.67"))
    Listing.objects.filter(project=project, year=2015).update(annual_plan=Decimal("9876.54"))
    path = export(tmp_path, "--year", "2015")
    assert '"amount": 123456700,' in path.read_text(encoding="utf-8")  # an integer, no float notation
    package = load(path)
    entries = by_title(package)
    for project in Project.objects.filter(publication__public=True):
        entry = entries[project.name]
        listing = project.listings.get(year=2015)
        if project.total_investment:
            assert entry["budget"]["amount"] == {"amount": project.total_investment * 10000, "currency": "CNY"}
        [plans] = entry["budget"]["budgetBreakdowns"]
        assert [(b["id"], b["amount"]["amount"]) for b in plans["budgetBreakdown"]] == [
            ("2015", listing.annual_plan * 10000)
        ]
        financial = {m["id"]: m for m in entry.get("metrics", [])}["financialProgress"]["observations"]
        actual = {o["id"]: o["value"]["amount"] for o in financial if o["dimensions"]["kind"] == "actual"}
        months = set(listing.reports.filter(status=ReportStatus.SUBMITTED).values_list("month", flat=True))
        for month in range(1, max(months, default=0) + 1):
            expected = sum(
                listing.reports.filter(status=ReportStatus.SUBMITTED, month__lte=month).values_list(
                    "investment", flat=True
                ),
                Decimal("0"),
            )
            assert actual[f"2015-{month:02d}"] == expected * 10000
    assert entries[SHANGXU]["budget"]["amount"]["amount"] == Decimal("123456700")
    assert entries[SHANGXU]["budget"]["budgetBreakdowns"][0]["budgetBreakdown"][0]["amount"]["amount"] == Decimal(
        "98765400"
    )


def test_funding_sources_are_finance_with_special_bonds_as_bonds(package_2015):
    published = {}
    for entry in package_2015["projects"]:
        for finance in entry.get("budget", {}).get("finance", []):
            published[(entry["title"], finance["id"])] = finance
    rows = Funding.objects.filter(project__publication__public=True).exclude(planned=0, secured=0)
    assert rows.exists()
    for row in rows:
        finance = published[(row.project.name, f"{row.year}-{row.source}")]
        assert Decimal(str(finance["value"]["amount"])) == row.planned * 10000
        assert finance.get("type") == {"special_bond": "bond", "bank_loan": "loan", "central_budget": "grant"}.get(
            row.source
        )
    assert any(finance.get("type") == "bond" for finance in published.values())


def test_a_year_with_no_public_project_is_refused_and_writes_nothing(tmp_path):
    path = tmp_path / "package.json"
    with pytest.raises(CommandError, match="2016年重点项目中没有标为「可公开」的项目"):
        call_command("export_oc4ids", "--year", "2016", "--output", str(path))
    Publication.objects.update(public=False)
    with pytest.raises(CommandError, match="没有标为「可公开」的项目，未导出任何数据"):
        call_command("export_oc4ids", "--year", "2015", "--output", str(path))
    with pytest.raises(CommandError, match="区重点项目中没有标为「可公开」的项目"):
        call_command("export_oc4ids", "--year", "2015", "--level", Level.DISTRICT, "--output", str(path))
    assert not path.exists()


def test_without_a_registered_prefix_the_export_refuses_and_says_how_to_get_one(tmp_path, settings):
    path = tmp_path / "package.json"
    settings.KP_OC4IDS_PREFIX = ""
    with pytest.raises(CommandError, match="data@open-contracting.org") as refused:
        call_command("export_oc4ids", "--year", "2015", "--output", str(path))
    assert "KP_OC4IDS_PREFIX" in str(refused.value)
    settings.KP_OC4IDS_PREFIX = "oc4ids-卫东"
    with pytest.raises(CommandError, match="不是 OC4IDS 前缀"):
        call_command("export_oc4ids", "--year", "2015", "--output", str(path))
    assert not path.exists()


def test_status_completion_and_classifications(package_2015):
    entries = by_title(package_2015)
    assert entries[SCHOOL]["status"] == "completion"
    assert entries[SCHOOL]["completion"]["endDate"].startswith("2015-")
    assert entries[LOGISTICS]["status"] == "identification"  # 积极谋划, still being prepared
    assert entries[SHANGXU]["status"] == "preparation"
    assert entries["平煤神马集团八矿二号井"]["status"] == "implementation"
    classes = {(c["scheme"], c["id"]) for c in entries[SHANGXU]["additionalClassifications"]}
    assert {("kp-level", "city"), ("kp-category", "new_start"), ("kp-sector", "industry")} <= classes
    assert entries["益宏·莱茵水岸(平煤神马机械制造公司棚户区改造)"]["sector"] == ["socialHousing"]
    assert "sector" not in entries["恒宇·东城国际"]  # commercial housing has no OC4IDS sector
    for entry in package_2015["projects"]:
        project = Project.objects.get(pk=int(entry["id"].rsplit("-", 1)[1]))
        if project.unit_id:
            assert entry["publicAuthority"] == {"id": f"unit-{project.unit_id}", "name": project.unit.name}
        assert entry.get("description") == (project.content or None)


def test_approval_items_and_milestones_are_milestones(package_2015):
    milestones = {m["id"]: m for m in by_title(package_2015)[SHANGXU]["milestones"]}
    items = ApprovalItem.objects.filter(project__name=SHANGXU)
    assert items.exists()
    for item in items:
        key = f"approval-{item.pk}"
        if item.status == ItemStatus.NOT_NEEDED:
            assert key not in milestones
            continue
        milestone = milestones[key]
        assert (milestone["type"], milestone["code"], milestone["title"]) == ("approval", "projectApproval", item.name)
        due = item.due_date or item.planned_date
        if item.status == ItemStatus.DONE:
            assert milestone["status"] == "met"
            if item.approved_date:
                assert milestone["dateMet"].startswith(item.approved_date.isoformat())
        elif due and due < TODAY:
            assert milestone["status"] == "notMet"
        else:
            assert milestone["status"] == "scheduled"
        if due:
            assert milestone["dueDate"].startswith(due.isoformat())
    statuses = {m["status"] for m in milestones.values()}
    assert "met" in statuses and statuses - {"met"}
    school = Project.objects.get(name=SCHOOL)
    delivery = [m for m in by_title(package_2015)[SCHOOL]["milestones"] if m["type"] == "delivery"]
    assert len(delivery) == Milestone.objects.filter(project=school).count() > 0


def test_physical_progress_is_the_submitted_reports_text_only(tmp_path, listing_of):
    listing = listing_of(SHANGXU)
    report = listing.reports.filter(status=ReportStatus.SUBMITTED).order_by("-month").first()
    draft_month = report.month + 1
    MonthlyReport.objects.create(listing=listing, month=draft_month, progress="草稿中的形象进度XYZ")
    entry = by_title(load(export(tmp_path, "--year", "2015")))[SHANGXU]
    metrics = {m["id"]: m for m in entry["metrics"]}
    notes = {o["id"]: o["notes"] for o in metrics["physicalProgress"]["observations"]}
    assert notes[f"2015-{report.month:02d}"] == report.progress.strip()
    assert f"2015-{draft_month:02d}" not in notes
    assert "草稿中的形象进度XYZ" not in json.dumps(entry, ensure_ascii=False, default=str)


def test_problems_visits_instructions_and_people_stay_out(tmp_path):
    text = export(tmp_path, "--year", "2015").read_text(encoding="utf-8")
    public = Project.objects.filter(publication__public=True)
    secrets = [
        *Problem.objects.filter(project__in=public).values_list("description", flat=True),
        *SupervisionVisit.objects.filter(project__in=public).values_list("findings", flat=True),
        *Instruction.objects.filter(problem__project__in=public).values_list("text", flat=True),
        *public.exclude(assignments__team="").values_list("assignments__team", flat=True),
        *public.filter(assignments__isnull=False).values_list("assignments__leader__name", flat=True),
    ]
    assert len(secrets) > 10
    assert [secret for secret in secrets if secret and secret in text] == []


def test_a_point_is_published_as_geojson_in_wgs84(tmp_path):
    project = Project.objects.get(name=SHANGXU)
    Publication.objects.filter(project=project).update(
        longitude=Decimal("113.3037274"),
        latitude=Decimal("33.7414469"),
        entered_system="gcj02",
        entered_longitude=Decimal("113.31"),
        entered_latitude=Decimal("33.74"),
    )
    package = load(export(tmp_path, "--year", "2015"))
    [location] = by_title(package)[SHANGXU]["locations"]
    assert location["geometry"] == {"type": "Point", "coordinates": [Decimal("113.3037274"), Decimal("33.7414469")]}
    street = Project.objects.get(name=SHANGXU).street.name
    assert location["address"] == {"countryName": "中国", "region": "河南省", "locality": f"平顶山市卫东区{street}"}
    assert [e.message for e in official_validator().iter_errors(json.loads(json.dumps(package, default=float)))] == []


def test_level_region_and_user_scope(tmp_path, users):
    # A public project of another district: in the operator's export, not in 卫东区's.
    other = Project.objects.exclude(district__code="410403").filter(listings__year=2015).first()
    assert other is not None
    Publication.objects.create(project=other, public=True)
    everything = by_title(load(export(tmp_path, "--year", "2015")))
    assert other.name in everything
    district = by_title(load(export(tmp_path, "--year", "2015", "--region", "410403")))
    assert other.name not in district and len(district) == 15
    staff = by_title(load(export(tmp_path, "--year", "2015", "--as", "staff")))
    kept = set(
        Project.objects.visible_to(users["staff_a"]).filter(publication__public=True).values_list("name", flat=True)
    )
    assert set(staff) == kept and 0 < len(kept) < 15
    city = by_title(load(export(tmp_path, "--year", "2015", "--level", Level.CITY)))
    assert all(Listing.objects.filter(project__name=name, year=2015, level=Level.CITY).exists() for name in city)
    assert Region.objects.get(code="410403").name == "卫东区"


def test_the_same_data_gives_the_same_projects(tmp_path):
    first = load(export(tmp_path, "--year", "2015"))
    second = load(export(tmp_path, "--year", "2015"))
    assert first["projects"] == second["projects"]
    assert first["publishedDate"] <= second["publishedDate"]


def test_the_operators_export_is_published_by_the_office_whose_projects_it_holds(tmp_path, settings):
    """Run without --region by the system's operator, the package is 卫东区's (all its public projects
    lie there), not the province's; --uri and KP_OC4IDS_LICENSE go into the package as given."""
    settings.KP_OC4IDS_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
    path = tmp_path / "package.json"
    call_command(
        "export_oc4ids", "--year", "2015", "--output", str(path), "--uri", "https://data.example.gov.cn/kp.json"
    )
    package = load(path)
    assert package["publisher"] == {"name": "河南省平顶山市卫东区项目办"}
    assert package["uri"] == "https://data.example.gov.cn/kp.json"
    assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"
    # A public project in another district of the city: the city's office publishes both.
    other = (
        Project.objects.filter(district__parent__code="410400", listings__year=2015)
        .exclude(district__code="410403")
        .first()
    )
    Publication.objects.create(project=other, public=True)
    call_command("export_oc4ids", "--year", "2015", "--output", str(path))
    package = load(path)
    assert package["publisher"] == {"name": "河南省平顶山市项目办"}
    assert package["uri"] == f"urn:{PREFIX}:package:oc4ids-2015-410400"
    assert "license" in package and len(package["projects"]) == 16


def test_typing_slips_in_years_and_dates_are_left_out_not_fatal(tmp_path):
    """An end year of 10000 or an approval dated 1015 (the admin and the item form take them) must not
    stop the office's publication: such a date is left out, the rest is published and valid."""
    project = Project.objects.get(name=SHANGXU)
    Project.objects.filter(pk=project.pk).update(start_year=1015, end_year=10000)
    item = ApprovalItem.objects.filter(project=project, status=ItemStatus.DONE).first()
    ApprovalItem.objects.filter(pk=item.pk).update(submitted_date=date(1015, 2, 1), approved_date=date(1015, 3, 1))
    package = json.loads(export(tmp_path, "--year", "2015").read_text(encoding="utf-8"))
    assert list(official_validator().iter_errors(package)) == []
    entry = by_title(package)[SHANGXU]
    assert "period" not in entry
    milestone = {m["id"]: m for m in entry["milestones"]}[f"approval-{item.pk}"]
    assert milestone["status"] == "met" and "dateMet" not in milestone
    assert all(m["dueDate"].endswith("+08:00") for m in entry["milestones"] if "dueDate" in m)


def test_a_year_reported_on_a_lower_list_is_read_from_it(tmp_path, listing_of):
    """On the city's list with nothing in it and on the district's with reports, the year's plan and
    progress come from the district's listing; months nobody reported are not published."""
    city = listing_of(SHANGXU)
    Listing.objects.filter(pk=city.pk).update(annual_plan=0)
    MonthlyReport.objects.filter(listing=city).delete()
    district = Listing.objects.create(
        project=city.project, year=2015, level=Level.DISTRICT, category=city.category, annual_plan=Decimal("100.01")
    )
    for month, amount in ((3, "10.00"), (7, "5.50")):
        MonthlyReport.objects.create(
            listing=district, month=month, investment=Decimal(amount), progress=f"{month}月进度",
            status=ReportStatus.SUBMITTED,
        )  # fmt: skip
    from projects.services.cumulatives import cumulatives_refresh

    cumulatives_refresh(listing_ids=[district.pk, city.pk])
    entry = by_title(load(export(tmp_path, "--year", "2015")))[SHANGXU]
    [plans] = entry["budget"]["budgetBreakdowns"]
    assert [b["amount"]["amount"] for b in plans["budgetBreakdown"]] == [Decimal("1000100")]
    financial = {m["id"]: m for m in entry["metrics"]}["financialProgress"]["observations"]
    actual = {o["id"]: o["value"]["amount"] for o in financial if o["dimensions"]["kind"] == "actual"}
    assert actual == {"2015-03": Decimal("100000"), "2015-07": Decimal("155000")}
    classes = [(c["scheme"], c["id"]) for c in entry["additionalClassifications"] if c["scheme"] == "kp-level"]
    assert classes == [("kp-level", "city"), ("kp-level", "district")]  # every list named, highest first


def test_an_office_publishes_under_its_own_name_whatever_node_it_asks_for(tmp_path):
    path = tmp_path / "package.json"
    call_command("export_oc4ids", "--year", "2015", "--as", "city", "--region", "410403", "--output", str(path))
    package = load(path)
    assert package["publisher"] == {"name": "河南省平顶山市项目办"}
    assert len(package["projects"]) == 15


def test_an_invalid_package_writes_nothing_and_keeps_the_earlier_file(tmp_path, monkeypatch):
    """Were a mapping ever to produce a value the schema refuses, the command says where and writes
    nothing: the earlier file stays as it was and no partial file is left beside it."""
    from opendata.selectors import entries

    path = export(tmp_path, "--year", "2015")
    earlier = path.read_bytes()
    monkeypatch.setattr(entries.mapping, "project_status", lambda project: "在建")
    with pytest.raises(CommandError, match=r"未通过 OC4IDS 校验（30 处），未写出文件") as refused:
        call_command("export_oc4ids", "--year", "2015", "--output", str(path))
    assert "projects/0/status: '在建' is not one of" in str(refused.value)  # 15 schema faults, 15 codelist
    assert path.read_bytes() == earlier
    assert sorted(p.name for p in tmp_path.iterdir()) == ["package.json"]


def test_a_large_package_is_written_a_chunk_at_a_time_with_the_same_result(tmp_path):
    """The package written 4 projects at a time is the one built whole."""
    from opendata.exporters import write_package
    from opendata.selectors.package import PackageRequest, oc4ids_package, package_parts

    admin = get_user_model().objects.get(username="admin")
    request = PackageRequest(year=2015, region=admin.region)
    whole = oc4ids_package(user=admin, request=request)
    frame, entries = package_parts(user=admin, request=request, chunk=4)
    path = tmp_path / "chunked.json"
    with path.open("wb") as handle:
        assert write_package(handle, frame=frame, entries=entries) == 15
    chunked = json.loads(path.read_text(encoding="utf-8"))
    assert chunked["projects"] == whole["projects"]
    assert list(official_validator().iter_errors(chunked)) == []


def test_the_project_code_is_published_as_an_identifier(tmp_path):
    """项目代码 (the national platform's code) goes into identifiers; a project without one has none
    (the demo invents no codes for the real projects it names)."""
    Project.objects.filter(name=SHANGXU).update(code="2015-410403-34-03-012345")
    package = load(export(tmp_path, "--year", "2015"))
    entries = by_title(package)
    assert entries[SHANGXU]["identifiers"] == [{"id": "2015-410403-34-03-012345", "scheme": "CN-TZXM"}]
    assert [title for title, entry in entries.items() if "identifiers" in entry] == [SHANGXU]
    assert list(official_validator().iter_errors(json.loads(json.dumps(package, default=float)))) == []
