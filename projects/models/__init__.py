"""The domain of a district's key projects, one module per concern: places and people
(organisation), projects and their lists (projects), monthly reporting (reporting), the problem
ledger and follow-up (problems), list imports (imports). Every model is importable from here."""

from projects.models.base import FIRST_YEAR, LAST_YEAR, ScopedQuerySet, StaffKeptQuerySet, TimestampedModel
from projects.models.calendar import CalendarDay, DayKind
from projects.models.imports import ImportRecord, import_upload_to
from projects.models.organisation import Division, Leader, Region, Street, Unit
from projects.models.problems import (
    Instruction,
    Problem,
    ProblemStep,
    SupervisionVisit,
    overdue_condition,
    solved_on_time_condition,
)
from projects.models.projects import Assignment, Listing, Milestone, Project
from projects.models.reporting import (
    COUNTED_REPORT,
    ClosedMonth,
    DataVersion,
    ListingCumulative,
    MonthlyReport,
    ReportPhoto,
    photo_upload_to,
    thumbnail_upload_to,
)
from projects.models.rollovers import Rollover

__all__ = [
    "COUNTED_REPORT",
    "FIRST_YEAR",
    "LAST_YEAR",
    "Assignment",
    "CalendarDay",
    "ClosedMonth",
    "DayKind",
    "Division",
    "DataVersion",
    "ImportRecord",
    "Instruction",
    "Leader",
    "Listing",
    "ListingCumulative",
    "Milestone",
    "MonthlyReport",
    "Problem",
    "ProblemStep",
    "Region",
    "Project",
    "ReportPhoto",
    "Rollover",
    "ScopedQuerySet",
    "StaffKeptQuerySet",
    "Street",
    "SupervisionVisit",
    "TimestampedModel",
    "Unit",
    "import_upload_to",
    "overdue_condition",
    "solved_on_time_condition",
    "photo_upload_to",
    "thumbnail_upload_to",
]
