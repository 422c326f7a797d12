"""Writes on supervision visits (督察): record a visit, turn its findings into problems."""

from django.db import transaction

from accounts.scoping import is_office_admin
from projects.choices import ProblemKind
from projects.models import Project, SupervisionVisit
from projects.services.audit import audited_save
from projects.services.errors import PermissionDenied, ValidationError
from projects.services.problems import problem_create


def _finding_lines(findings):
    return [line.strip(" \t-•、;；") for line in findings.splitlines() if line.strip(" \t-•、;；")]


def visit_record(*, user, project, date, leaders, findings, rectification_deadline=None, make_problems=False):
    """Record a visit to ``project``; with ``make_problems`` each line of findings becomes a problem."""
    if not is_office_admin(user) or not Project.objects.visible_to(user).filter(pk=project.pk).exists():
        raise PermissionDenied("只有项目办管理员可以登记督察记录。")
    findings = (findings or "").strip()
    if not findings:
        raise ValidationError({"findings": "请填写督察发现。"})
    if not leaders:
        raise ValidationError({"leaders": "请选择带队领导。"})
    if rectification_deadline is not None and rectification_deadline < date:
        raise ValidationError({"rectification_deadline": "限期整改日期不能早于督察日期。"})
    with transaction.atomic():
        visit = audited_save(
            SupervisionVisit(
                project=project, date=date, findings=findings, rectification_deadline=rectification_deadline
            ),
            user=user,
        )
        visit.leaders.set(leaders)
        if make_problems:
            visit_findings_to_problems(user=user, visit=visit)
    return visit


def visit_findings_to_problems(*, user, visit):
    """Each line of the visit's findings not yet logged from this visit becomes an open problem."""
    if not is_office_admin(user):
        raise PermissionDenied("只有项目办管理员可以把督察发现转为问题。")
    already = set(visit.problems.values_list("description", flat=True))
    created = []
    with transaction.atomic():
        for line in _finding_lines(visit.findings):
            if line in already:
                continue
            created.append(
                problem_create(
                    user=user,
                    project=visit.project,
                    description=line,
                    kind=ProblemKind.OTHER,
                    deadline=visit.rectification_deadline,
                    source_visit=visit,
                    allow_past_deadline=True,
                )
            )
            already.add(line)
    return created
