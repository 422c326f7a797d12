"""The office's own Word template for its bulletins: uploaded by an office admin, checked as a real
.docx that renders a sample bulletin, then made the office's active template in place of the last
one; or reset, so the default template is used again.

A template that fails to render is refused with the paragraph and the tag named ("模板第3段
（“{% endfo %}”）：无法识别的标签「endfo」"), and the active template stays as it was.
"""

import io
import re
import uuid
import zipfile

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from docxtpl import DocxTemplate
from jinja2 import TemplateError, TemplateSyntaxError
from jinja2.exceptions import SecurityError

from bulletins.documents import render_template, sample_context
from bulletins.models import BulletinTemplate
from projects.models import Region
from projects.services.audit import audited_save
from projects.services.offices import acting_office

MAX_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 40 * 1024 * 1024  # a 2 MB .docx that unpacks to more is a zip bomb
DOCUMENT_PART = "word/document.xml"


def _read_upload(upload):
    name = upload.name or "模板"
    if upload.size > MAX_BYTES:
        raise ValidationError(
            f"「{name}」超过 {MAX_BYTES // (1024 * 1024)} MB，通报模板不应这么大，请去掉其中的图片后再上传。"
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return name, data


def _check_package(name, data):
    """A .docx is a zip holding word/document.xml; every XML part in it must parse without DTDs or
    entities (defusedxml), and the whole must not unpack to more than MAX_UNPACKED_BYTES."""
    not_docx = (
        f"「{name}」不是 Word 文档（.docx）。"
        "请在 Word 或 WPS 中“另存为” .docx 格式后再上传（.doc、.wps 不能用作模板）。"
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ValidationError(not_docx) from None
    with archive:
        entries = archive.infolist()
        if DOCUMENT_PART not in {entry.filename for entry in entries}:
            raise ValidationError(not_docx)
        if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
            raise ValidationError(f"「{name}」解压后过大，不能用作通报模板。")
        for entry in entries:
            if not entry.filename.endswith((".xml", ".rels")):
                continue
            try:
                fromstring(archive.read(entry))
            except (DefusedXmlException, SyntaxError, zipfile.BadZipFile, ValueError, EOFError):
                raise ValidationError(
                    f"「{name}」中的 {entry.filename} 已损坏或含有不允许的内容，不能用作通报模板。"
                ) from None


_EXPLAINED = (
    (r"Encountered unknown tag '([^']+)'", "无法识别的标签「{0}」"),
    (r"'([^']+)' is undefined", "没有名为「{0}」的字段"),
    (r"has no attribute '([^']+)'", "没有名为「{0}」的字段"),
    (r"^Unexpected end of template", "标签没有结束：缺少对应的 {{% endfor %}} 或 {{% endif %}}"),
    (r"^unexpected '([^']+)'", "多余的「{0}」"),
    (r"^expected token '([^']+)', got '([^']+)'", "此处应为「{0}」，却是「{1}」"),
)


def _explain(exc):
    message = str(getattr(exc, "message", None) or exc)
    if isinstance(exc, SecurityError):
        return "使用了不允许的写法（模板只能使用通报的字段）"
    for pattern, chinese in _EXPLAINED:
        match = re.search(pattern, message)
        if match:
            return chinese.format(*match.groups())
    return f"写法有误（{message}）"


def _error_lineno(exc):
    if isinstance(exc, TemplateSyntaxError) and exc.lineno:
        return exc.lineno
    lineno, tb = None, exc.__traceback__
    while tb is not None:  # a render-time error: the template's own frame holds the line
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


def _paragraph_text(template, lineno):
    """The text of the line ``lineno`` of the part docxtpl was rendering (a paragraph each: docxtpl
    puts every <w:p> on a line of its own), and whether that part is a header or footer."""
    part = getattr(template, "current_rendering_part", None)
    main = part is None or part is template.docx.part
    xml = template.get_xml() if main else template.get_part_xml(part)
    xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", template.patch_xml(xml))
    source = xml.splitlines()
    text = re.sub(r"<[^>]+>", "", source[lineno - 1]).strip() if 0 < lineno <= len(source) else ""
    return text, not main


def template_error(template, exc):
    """A Chinese message naming where a template failed and why: "模板第3段（“…”）：…"."""
    what = _explain(exc)
    lineno = _error_lineno(exc)
    if not lineno:
        return f"模板有误：{what}。请在 Word 中改正后重新上传。"
    text, in_margin = _paragraph_text(template, lineno)
    place = f"{'页眉或页脚' if in_margin else ''}第{max(lineno - 1, 1)}段"
    quoted = f"（“{text[:60]}”）" if text else ""
    return f"模板{place}{quoted}：{what}。请在 Word 中改正后重新上传。"


def template_check(upload):
    """The upload's bytes when it is a .docx that renders the sample bulletin; else ValidationError
    with a Chinese message naming the file, or the paragraph and the tag that failed."""
    name, data = _read_upload(upload)
    _check_package(name, data)
    template = DocxTemplate(io.BytesIO(data))
    try:
        render_template(template, sample_context())
    except (TemplateError, SecurityError) as exc:
        raise ValidationError(template_error(template, exc)) from None
    except Exception:  # noqa: BLE001 - any other failure of a foreign file is the file's
        raise ValidationError(f"「{name}」无法作为通报模板生成文档，请检查文件是否完好。") from None
    return data


def _office(*, by, region, doing):
    office = acting_office(user=by, region=region, doing=doing)
    # One change of an office's template at a time: the region's row is the lock.
    return Region.objects.select_for_update().get(pk=office.pk)


def bulletin_template_upload(*, by, region, upload):
    """Make ``upload`` the active bulletin template of ``by``'s office (``region``: the office,
    for the operator). Refused with a ValidationError (nothing changes) when it is too large, not a
    .docx, or does not render a sample bulletin; PermissionDenied for anyone but the office's admin."""
    data = template_check(upload)
    with transaction.atomic():
        office = _office(by=by, region=region, doing="上传通报模板")
        _deactivate(office, by=by, reason="换用新上传的通报模板")
        template = BulletinTemplate(
            region=office,
            original_name=(upload.name or "模板.docx")[:255],
            uploaded_by=by,
            uploaded_at=timezone.now(),
            active=True,
        )
        template.file.save(f"{office.code}-{uuid.uuid4().hex}.docx", ContentFile(data), save=False)
        audited_save(template, user=by, reason="上传通报模板")
    return template


def bulletin_template_reset(*, by, region):
    """Go back to the default template: the office's active template, if any, is deactivated."""
    with transaction.atomic():
        office = _office(by=by, region=region, doing="恢复默认通报模板")
        return _deactivate(office, by=by, reason="恢复默认通报模板")


def _deactivate(office, *, by, reason):
    current = BulletinTemplate.objects.filter(region=office, active=True).first()
    if current is not None:
        current.active = False
        audited_save(current, user=by, reason=reason)
    return current
