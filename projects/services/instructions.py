"""Writes on leaders' instructions (督办意见) on problems."""

from django.db import transaction

from projects import events
from projects.models import Instruction, Problem
from projects.services.audit import audited_save
from projects.services.errors import PermissionDenied, ValidationError


def instruction_add(*, user, problem, text):
    """Record ``user``'s instruction on ``problem``; only leaders of the project (and admins) may.
    Sends projects.events.instruction_added in the same transaction (the staff are told)."""
    if not Problem.objects.instructable_by(user).filter(pk=problem.pk).exists():
        raise PermissionDenied("只有该项目的联系领导可以填写督办意见。")
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写督办意见。"})
    instruction = Instruction(problem=problem, author=user, text=text)
    instruction.full_clean()
    with transaction.atomic():
        audited_save(instruction, user=user)
        events.instruction_added.send(sender=Instruction, instruction=instruction)
    return instruction
