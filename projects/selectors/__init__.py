"""Reads: every page, export and command gets its rows and figures from here, in the user's scope."""

from projects.selectors.figures import (
    HUNDREDTH,
    ZERO,
    InvestmentSummary,
    counted_reports,
    investment_summary,
    listings_for,
    percent_of,
    schedule_percent,
)
from projects.selectors.history import (
    FieldChange,
    HistoryEntry,
    project_history,
)
from projects.selectors.problems import (
    problem_figures,
    problem_list,
)
from projects.selectors.projects import (
    ListingFigures,
    listing_rows,
    project_listing_figures,
    project_problems,
    project_reports,
)
from projects.selectors.reporting import (
    NOT_REPORTED,
    REPORT_STATE_LABELS,
    ReportFigures,
    missing_reports,
    report_figures,
    report_last_save,
    report_sheet,
    report_state_counts,
    reporting_period,
)

__all__ = [
    "FieldChange",
    "HUNDREDTH",
    "HistoryEntry",
    "InvestmentSummary",
    "NOT_REPORTED",
    "REPORT_STATE_LABELS",
    "ReportFigures",
    "ZERO",
    "counted_reports",
    "investment_summary",
    "listings_for",
    "missing_reports",
    "percent_of",
    "problem_figures",
    "problem_list",
    "project_history",
    "listing_rows",
    "ListingFigures",
    "project_listing_figures",
    "project_problems",
    "project_reports",
    "report_figures",
    "report_last_save",
    "report_sheet",
    "report_state_counts",
    "reporting_period",
    "schedule_percent",
]
