"""Loading the 2015 卫东区 demo data from fixtures/demo_2015.json, creating only what is missing."""

import io
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image, ImageDraw

from accounts.models import Role
from projects.choices import ProblemStatus, ReportStatus
from projects.extensions import run_demo_loaders
from projects.models import (
    Assignment,
    ClosedMonth,
    Instruction,
    Leader,
    Listing,
    Milestone,
    MonthlyReport,
    Problem,
    ProblemStep,
    Project,
    Region,
    ReportPhoto,
    Street,
    SupervisionVisit,
    Unit,
)
from projects.periods import Period
from projects.services.cumulatives import cumulatives_deferred
from projects.services.photos import photo_add, photo_check
from projects.services.regions import regions_load

DEMO_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo_2015.json"
# Invented projects in two more districts of the city, so that the city's office has a ranking.
DEMO_DISTRICTS_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo_2015_districts.json"
DEMO_PASSWORD = "kp-demo-2015"
DEMO_YEAR = 2015


@dataclass
class DemoAccount:
    username: str
    role_label: str
    created: bool
    office: str = ""  # 卫东区项目办 for an office admin; the district for staff and leaders


@dataclass
class DemoLoadResult:
    created: Counter = field(default_factory=Counter)
    accounts: list[DemoAccount] = field(default_factory=list)

    @property
    def total_created(self):
        return sum(self.created.values())


def _report_time(month):
    """Reports for a month are taken as submitted on the 5th of the following month."""
    following = Period(DEMO_YEAR, month).next()
    return datetime.combine(date(*following, 5), time(9, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _demo_picture(towers):
    """A drawn stand-in for a site photo: sky, ground and ``towers`` distillation towers."""
    image = Image.new("RGB", (800, 600), (168, 200, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 430, 800, 600], fill=(150, 140, 120))
    for number in range(towers):
        left = 220 + number * 220
        draw.rectangle([left, 90, left + 70, 430], fill=(120, 125, 135))
        draw.rectangle([left - 10, 80, left + 80, 100], fill=(90, 95, 105))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _optional_date(value):
    return date.fromisoformat(value) if value else None


class _Loader:
    """Walks the fixture and creates each missing object; existing ones are left exactly as they are."""

    def __init__(self, data):
        self.data = data
        self.result = DemoLoadResult()
        self.office_user = None
        self.street_reporters = {}  # street name -> the staff user who reports for it
        self.users = {}

    def get_or_create(self, model, defaults=None, **lookup):
        return self.get_or_create_flagged(model, defaults, **lookup)[0]

    def get_or_create_flagged(self, model, defaults=None, **lookup):
        obj, created = model.objects.get_or_create(defaults=defaults or {}, **lookup)
        if created:
            self.result.created[model._meta.verbose_name] += 1
        return obj, created

    def load(self):
        district = self.get_or_create(
            Region, code=self.data["district"]["code"], defaults={"name": self.data["district"]["name"]}
        )
        self.district = district
        self.streets = {
            name: self.get_or_create(Street, district=district, name=name, defaults={"sort_order": order})
            for order, name in enumerate(self.data["streets"], start=1)
        }
        self.units = {
            row["name"]: self.get_or_create(
                Unit,
                district=district,
                name=row["name"],
                defaults={"kind": row["kind"], "street": self.streets.get(row["street"]), "sort_order": order},
            )
            for order, row in enumerate(self.data["units"], start=1)
        }
        self.leaders = {
            row["name"]: self.get_or_create(
                Leader,
                region=district,
                name=row["name"],
                title=row["title"],
                defaults={"body": row["body"], "sort_order": order},
            )
            for order, row in enumerate(self.data["leaders"], start=1)
        }
        self.load_accounts()
        with cumulatives_deferred():  # one rebuild of every listing's month-end totals, not one per report
            self.projects = {row["name"]: self.load_project(row) for row in self.data["projects"]}
        for row in self.data["problems"]:
            self.load_problem(row)
        for row in self.data["visits"]:
            self.load_visit(row)
        for row in self.data["instructions"]:
            self.load_instruction(row)
        for row in self.data["photos"]:
            self.load_photo(row)
        for year, month in self.data["closed_months"]:
            self.get_or_create(
                ClosedMonth,
                district=district,
                year=year,
                month=month,
                defaults={"closed_by": self.office_user, "closed_at": _report_time(month)},
            )
        return self.result

    def load_instruction(self, row):
        problem = Problem.objects.get(project=self.projects[row["project"]], description=row["description"])
        self.get_or_create(
            Instruction,
            problem=problem,
            author=self.users[row["author"]],
            text=row["text"],
            defaults={"created_at": datetime.fromisoformat(row["created_at"])},
        )

    def load_accounts(self):
        user_model = get_user_model()
        for row in self.data["accounts"]:
            user = user_model.objects.filter(username=row["username"]).first()
            created = user is None
            if created:
                user = user_model(
                    username=row["username"],
                    role=row["role"],
                    last_name=row["last_name"],
                    is_staff=row["superuser"],
                    is_superuser=row["superuser"],
                    region=Region.objects.get(code=row["region"]) if row.get("region") else None,
                )
                user.set_password(DEMO_PASSWORD)
                user.save()
                user.streets.set([self.streets[name] for name in row.get("streets", [])])
                user.units.set([self.units[name] for name in row.get("units", [])])
                self.result.created[user_model._meta.verbose_name] += 1
            if row.get("leader"):
                leader = self.leaders[row["leader"]]
                if leader.user_id is None and created:
                    leader.user = user
                    leader.save(update_fields=["user"])
            if row["role"] == Role.ADMIN and row.get("region") == self.district.code:
                self.office_user = user
            elif row["role"] == Role.STAFF:
                self.street_reporters.update({name: user for name in row.get("streets", [])})
            self.users[row["username"]] = user
            region = user.region
            office = "" if region is None else region.office_name if row["role"] == Role.ADMIN else region.name
            self.result.accounts.append(DemoAccount(row["username"], Role(row["role"]).label, created, office))

    def load_project(self, row):
        project = self.get_or_create(
            Project,
            district=self.district,
            name=row["name"],
            defaults={
                "owner": row["owner"],
                "content": row["content"],
                "street": self.streets[row["street"]],
                "unit": self.units[row["unit"]],
                "total_investment": Decimal(row["total_investment"]),
                "start_year": row["start_year"],
                "end_year": row["end_year"],
                "sector": row["sector"],
                "stage": row["stage"],
                "status": row["status"],
            },
        )
        spec = row["listing"]
        listing = self.get_or_create(
            Listing,
            project=project,
            year=spec["year"],
            level=spec["level"],
            defaults={
                "batch": spec["batch"],
                "category": spec["category"],
                "annual_plan": Decimal(spec["annual_plan"]),
                "planned_start_month": spec.get("planned_start_month"),
            },
        )
        reporter = self.street_reporters.get(row["street"], self.office_user)
        for month, (amount, progress) in enumerate(zip(row["reports"], row["progress"], strict=True), start=1):
            state = row.get("september", ReportStatus.SUBMITTED) if month == 9 else ReportStatus.SUBMITTED
            if state == "missing":
                continue
            defaults = {
                "investment": Decimal(amount),
                "progress": progress,
                "status": state,
                "reported_by": reporter,
                "reported_at": None if state == ReportStatus.DRAFT else _report_time(month),
            }
            if state == ReportStatus.RETURNED:
                defaults.update(
                    returned_reason=row["returned_reason"],
                    returned_by=self.office_user,
                    returned_at=_report_time(month) + timedelta(days=1),
                )
            self.get_or_create(MonthlyReport, listing=listing, month=month, defaults=defaults)
        for milestone in row["milestones"]:
            self.get_or_create(
                Milestone,
                project=project,
                name=milestone["name"],
                defaults={
                    "planned_date": date.fromisoformat(milestone["planned_date"]),
                    "actual_date": _optional_date(milestone["actual_date"]),
                },
            )
        assignment = row["assignment"]
        self.get_or_create(
            Assignment,
            project=project,
            leader=self.leaders[assignment["leader"]],
            active=True,
            defaults={
                "team": assignment["team"],
                "plan": assignment["plan"],
                "since": date.fromisoformat(assignment["since"]),
            },
        )
        return project

    def load_problem(self, row):
        problem, created = self.get_or_create_flagged(
            Problem,
            project=self.projects[row["project"]],
            description=row["description"],
            raised_on=date.fromisoformat(row["raised_on"]),
            defaults={
                "kind": row["kind"],
                "unit": self.units[row["unit"]],
                "deadline": _optional_date(row["deadline"]),
                "status": row["status"],
                "resolution": row["resolution"],
                "resolved_on": _optional_date(row["resolved_on"]),
                "raised_by": self.office_user,
                # The office itself resolved the demo's problems: confirmed (销号) on the day.
                **(
                    {"confirmed_on": _optional_date(row["resolved_on"]), "confirmed_by": self.office_user}
                    if row["status"] == ProblemStatus.RESOLVED
                    else {}
                ),
            },
        )
        if created:
            self.load_problem_steps(problem)

    def load_problem_steps(self, problem):
        """The steps the office took, at the problem's own dates."""

        def at(day):
            return datetime.combine(day, time(10, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))

        steps = [("", ProblemStatus.OPEN, problem.raised_on, "")]
        if problem.status in (ProblemStatus.COORDINATING, ProblemStatus.RESOLVED):
            steps.append(
                (
                    ProblemStatus.OPEN,
                    ProblemStatus.COORDINATING,
                    problem.raised_on + timedelta(days=2),
                    "已交责任单位协调",
                )
            )
        if problem.status == ProblemStatus.RESOLVED:
            steps.append((ProblemStatus.COORDINATING, ProblemStatus.RESOLVED, problem.resolved_on, ""))
        for from_status, to_status, day, note in steps:
            ProblemStep.objects.create(
                problem=problem,
                from_status=from_status,
                to_status=to_status,
                by=self.office_user,
                at=at(day),
                note=note,
            )
            self.result.created[ProblemStep._meta.verbose_name] += 1

    def load_photo(self, row):
        report = MonthlyReport.objects.get(listing__project=self.projects[row["project"]], month=row["month"])
        if report.photos.filter(original_name=row["name"]).exists():
            return
        upload = SimpleUploadedFile(row["name"], _demo_picture(row["towers"]), content_type="image/jpeg")
        photo_add(user=self.users[row["by"]], report=report, photo=photo_check(upload))
        self.result.created[ReportPhoto._meta.verbose_name] += 1

    def load_visit(self, row):
        project = self.projects[row["project"]]
        visit_date = date.fromisoformat(row["date"])
        if SupervisionVisit.objects.filter(project=project, date=visit_date).exists():
            return
        visit = SupervisionVisit.objects.create(
            project=project,
            date=visit_date,
            findings=row["findings"],
            rectification_deadline=_optional_date(row["rectification_deadline"]),
        )
        visit.leaders.set([self.leaders[name] for name in row["leaders"]])
        self.result.created[SupervisionVisit._meta.verbose_name] += 1


def demo_load(*, path=DEMO_FIXTURE, districts_path=DEMO_DISTRICTS_FIXTURE):
    """Create the demo's regions (河南省 → 平顶山市 → its districts and counties), 卫东区's lists,
    reports, problems and accounts, and the invented projects of two more districts, where they
    do not exist yet."""
    with open(path, encoding="utf-8") as fixture:
        data = json.load(fixture)
    with open(districts_path, encoding="utf-8") as fixture:
        more = json.load(fixture)["districts"]
    with transaction.atomic():
        created = regions_load()
        result = _Loader(data).load()
        result.created[Region._meta.verbose_name] += created
        for district in more:
            result.created.update(_Loader(district).load().created)
        # The other apps' parts of the demo (approvals' items, land and funding), registered in
        # their AppConfig.ready() through projects.extensions.
        result.created.update(run_demo_loaders())
        return result
