"""The project picker's reads: the projects matching what a person typed, among those offered."""

from projects.search import matching_every_word

PICKER_LIMIT = 20  # suggestions at most; typing more words narrows them
SEARCHED_FIELDS = ["name", "former_names", "code", "street__name"]


def project_matches(projects, text):
    """The projects of ``projects`` (a queryset already in the user's scope) whose name, project
    code or street holds every word of ``text``, by name."""
    return (
        matching_every_word(projects, text, SEARCHED_FIELDS).select_related("street", "district").order_by("name", "pk")
    )


def project_label(project):
    """How the picker names a project: its name, then its street and code to tell namesakes apart."""
    details = [part for part in (project.street.name if project.street_id else "", project.code or "") if part]
    return f"{project.name}（{' · '.join(details)}）" if details else project.name
