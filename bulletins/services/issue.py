"""Issuing a bulletin (签发): the draft of the moment frozen — its text, its figures and its .docx —
under the next number of the office's year (第N期). An issued bulletin never changes; correcting
one means issuing a new one that names it (``replaces``)."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bulletins.documents import render_office_docx
from bulletins.models import Bulletin
from bulletins.selectors.drafts import bulletin_draft
from projects import clock
from projects.choices import Level
from projects.models import FIRST_YEAR, LAST_YEAR, Street
from projects.scoping import regions_under
from projects.services.audit import audited_save
from projects.services.locks import lock_bulletin_number
from projects.services.offices import acting_office

DOING = "签发通报"


def bulletin_office(user, region=None):
    """The office whose bulletins ``user`` drafts and issues (services.offices.acting_office)."""
    return acting_office(user=user, region=region, doing=DOING)


def _street_check(office, street):
    """Refuse a street outside the office's node (a bulletin is the office's own)."""
    if street is not None and not Street.objects.filter(pk=street.pk, district__in=regions_under(office.pk)).exists():
        raise ValidationError({"street": f"“{street.name}”不在{office.name}内。"})


def _period_check(year, month, level):
    errors = {}
    if not FIRST_YEAR <= year <= LAST_YEAR:
        errors["year"] = f"年度应在{FIRST_YEAR}到{LAST_YEAR}之间。"
    if not 1 <= month <= 12:
        errors["month"] = "月份必须在1到12之间。"
    if level not in Level.values:
        errors["level"] = "级别只能是省重点、市重点或区重点。"
    if errors:
        raise ValidationError(errors)
    today = clock.today()
    if (year, month) > (today.year, today.month):
        raise ValidationError({"month": f"{year}年{month}月还没有到，不能签发该月的通报。"})


def _replaces_check(replaces, *, office, year, month, level, street):
    """The bulletin a correction replaces: one of the same office, period, level and street, not
    replaced already (read under the number's lock, so two corrections cannot both replace it)."""
    if replaces is None:
        return None
    current = Bulletin.objects.filter(pk=replaces.pk).first()
    same = current is not None and (current.region_id, current.year, current.month, current.level) == (
        office.pk,
        year,
        month,
        level,
    )
    if not same or current.street_id != (street.pk if street is not None else None):
        raise ValidationError({"replaces": "只能更正本项目办同一年月、同一级别和范围的通报。"})
    later = current.replaced_by.order_by("number").first()
    if later is not None:
        raise ValidationError(
            {"replaces": f"第{current.number}期已由第{later.number}期更正，如需再更正请选择第{later.number}期。"}
        )
    return current


def _frozen(draft, next_steps, notes, issued_on):
    return {**draft.as_dict(), "next_steps": next_steps, "notes": notes, "issued_on": issued_on.isoformat()}


def bulletin_issue(*, by, year, month, level, region=None, street=None, next_steps="", notes="", replaces=None):
    """Issue the bulletin of ``by``'s office (an admin's own node; the operator names ``region``)
    for ``year``, months 1..``month``, ``level``, optionally one ``street``; return it.

    Raises PermissionDenied (not an admin) or ValidationError (with the field named); on either nothing is
    written. The number is the office's year's highest plus one, taken under a lock."""
    office = bulletin_office(by, region)
    _period_check(year, month, level)
    _street_check(office, street)
    next_steps, notes = (next_steps or "").strip(), (notes or "").strip()
    draft = bulletin_draft(user=by, year=year, month=month, level=level, region=office, street=street)
    issued_on = clock.today()
    content = _frozen(draft, next_steps, notes, issued_on)
    stored = None
    try:
        with transaction.atomic():
            lock_bulletin_number(year, office=office.pk)
            replaced = _replaces_check(replaces, office=office, year=year, month=month, level=level, street=street)
            number = (Bulletin.objects.filter(region=office, year=year).aggregate(n=Max("number"))["n"] or 0) + 1
            document = render_office_docx(content, office=office, number=number, issued_on=issued_on)
            bulletin = Bulletin(
                region=office,
                street=street,
                year=year,
                month=month,
                level=level,
                number=number,
                title=draft.title,
                content=content,
                figures=draft.figures,
                next_steps=next_steps,
                notes=notes,
                replaces=replaced,
                issued_by=by,
                issued_at=timezone.now(),
            )
            bulletin.document.save(f"{office.code}-{year}-{number}.docx", ContentFile(document), save=False)
            stored = bulletin.document.name
            reason = f"签发第{number}期" + (f"，更正第{replaced.number}期" if replaced else "")
            audited_save(bulletin, user=by, reason=reason)
    except BaseException:
        if stored:
            bulletin.document.storage.delete(stored)
        raise
    return bulletin
