"""Writes on supervision visits (督察): record a visit, turn its findings into problems."""

from django.db import transaction

from accounts.roles import is_office_admin
from projects import clock
from projects.choices import ProblemKind
from projects.models import Project, SupervisionVisit
from projects.services.audit import audited_save
from projects.services.errors import PermissionDenied, ValidationError
from projects.services.problems import problem_create


def _finding_lines(findings):
    return [line.strip(" \t-•、;；") for line in findings.splitlines() if line.strip(" \t-•、;；")]


def visit_record(
    *, user, project, date, leaders, findings, rectification_deadline=None, make_problems=False, kinds=None
):
    """Record a visit to ``project``; with ``make_problems`` each line of findings becomes a problem
    (of the type ``kinds`` gives for that line)."""
    if not is_office_admin(user) or not Project.objects.visible_to(user).filter(pk=project.pk).exists():
        raise PermissionDenied("只有项目办管理员可以登记督察记录。")
    findings = (findings or "").strip()
    if not findings:
        raise ValidationError({"findings": "请填写督察发现。"})
    if not leaders:
        raise ValidationError({"leaders": "请选择带队领导。"})
    if date > clock.today():
        raise ValidationError({"date": "督察日期不能晚于今天。"})
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
            visit_findings_to_problems(user=user, visit=visit, kinds=kinds)
    return visit


def visit_pending_findings(visit):
    """The lines of the visit's findings not yet logged as problems from it, in their order."""
    already = set(visit.problems.values_list("description", flat=True))
    return [line for line in dict.fromkeys(_finding_lines(visit.findings)) if line not in already]


def visit_findings_to_problems(*, user, visit, kinds=None):
    """Each line of the visit's findings not yet logged from this visit becomes an open problem,
    found on the visit's date, due by its rectification deadline, of the type ``kinds`` (line →
    kind) gives it (其他 otherwise).

    The visit is locked while its lines are compared with the problems already made from it, so
    clicking twice (or three admins at once) still makes one problem per line."""
    if not is_office_admin(user):
        raise PermissionDenied("只有项目办管理员可以把督察发现转为问题。")
    kinds = kinds or {}
    with transaction.atomic():
        locked = SupervisionVisit.objects.select_for_update().select_related("project").get(pk=visit.pk)
        return [
            problem_create(
                user=user,
                project=locked.project,
                description=line,
                kind=kinds.get(line, ProblemKind.OTHER),
                raised_on=locked.date,
                deadline=locked.rectification_deadline,
                source_visit=locked,
            )
            for line in visit_pending_findings(locked)
        ]
