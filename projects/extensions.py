"""Sections that the apps above projects add to its pages — the project page, the problem page, the
overview — so that projects shows them without importing those apps (docs/architecture.md:
approvals adds 前期手续 and 要素保障, dispatch 交办事项). An app registers its functions in its
AppConfig.ready(); each returns the section's HTML for the request, or "" when it has nothing to
show. The demo's loaders are registered the same way: each app adds its part of the 2015 demo at
the end of projects' demo load."""

from collections import Counter

_project_sections = []
_problem_sections = []
_overview_panels = []
_demo_loaders = []


def project_section(func):
    """Register ``func(request, project) -> str`` as a section of the project page."""
    _project_sections.append(func)
    return func


def problem_section(func):
    """Register ``func(request, problem) -> str`` as a section of the problem page (dispatch: the
    tasks a problem was escalated into, and the link to escalate it)."""
    _problem_sections.append(func)
    return func


def overview_panel(func):
    """Register ``func(request, year, month, level, region) -> str`` as a panel of the overview."""
    _overview_panels.append(func)
    return func


def demo_loader(func):
    """Register ``func() -> {what: count created}`` to run at the end of the demo load, in its
    transaction; it creates only what is missing, like the load itself."""
    if func not in _demo_loaders:
        _demo_loaders.append(func)
    return func


def project_sections(request, project):
    return [html for func in _project_sections if (html := func(request, project))]


def problem_sections(request, problem):
    return [html for func in _problem_sections if (html := func(request, problem))]


def overview_panels(request, *, year, month, level, region):
    return [html for func in _overview_panels if (html := func(request, year, month, level, region))]


def run_demo_loaders():
    """Run the registered demo loaders in order; what they created, by kind of row."""
    created = Counter()
    for func in _demo_loaders:
        created.update(func() or {})
    return created
