"""Sections that the apps above projects add to its pages — the project page, the overview — so
that projects shows them without importing those apps (docs/architecture.md: approvals adds 前期手续
and 要素保障). An app registers its functions in its AppConfig.ready(); each returns the section's
HTML for the request, or "" when it has nothing to show."""

_project_sections = []
_overview_panels = []


def project_section(func):
    """Register ``func(request, project) -> str`` as a section of the project page."""
    _project_sections.append(func)
    return func


def overview_panel(func):
    """Register ``func(request, year, month, level, region) -> str`` as a panel of the overview."""
    _overview_panels.append(func)
    return func


def project_sections(request, project):
    return [html for func in _project_sections if (html := func(request, project))]


def overview_panels(request, *, year, month, level, region):
    return [html for func in _overview_panels if (html := func(request, year, month, level, region))]
