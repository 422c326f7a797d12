"""The national investment project code (项目代码, 全国投资项目在线审批监管平台): 24 characters,
``YYYY-AAAAAA-II-TT-NNNNNN`` — the year, the 6-digit administrative division, the 2-digit
industry, the 2-digit project type and a 6-digit serial. One function checks it for every form,
import and command."""

import re

from django.core.exceptions import ValidationError

from projects.models.organisation import Division, Region

CODE_SHAPE = re.compile(r"^(\d{4})-(\d{6})-(\d{2})-(\d{2})-(\d{6})$")
CODE_LENGTH = 24
EXAMPLE = "2015-410403-47-01-012345"
FIRST_CODE_YEAR, LAST_CODE_YEAR = 2000, 2100


def known_divisions():
    """The division codes a project code may name: the table of known ones (projects.Division) and
    the nodes of the installation's own tree (projects.Region)."""
    return {*Division.objects.values_list("code", flat=True), *Region.objects.values_list("code", flat=True)}


def project_code_problem(code, *, divisions=None):
    """What is wrong with a project code, in Chinese, or None when it is a valid one. ``divisions``:
    the known division codes when the caller checks many codes (an import), read once."""
    if len(code) != CODE_LENGTH:
        return f"项目代码「{code}」应为 {CODE_LENGTH} 位（如 {EXAMPLE}），现为 {len(code)} 位。"
    match = CODE_SHAPE.match(code)
    if not match or not code.isascii():
        return f"项目代码「{code}」格式不对，应为“年份-行政区划-行业-类型-序号”，如 {EXAMPLE}。"
    year, division = int(match.group(1)), match.group(2)
    if not FIRST_CODE_YEAR <= year <= LAST_CODE_YEAR:
        return f"项目代码「{code}」的年份 {year} 不对。"
    if division not in (known_divisions() if divisions is None else divisions):
        return (
            f"项目代码「{code}」中的行政区划 {division} 不在已知区划表中；"
            "如确为本省区划，请管理员在“项目代码行政区划”中添加。"
        )
    return None


def validate_project_code(code):
    """Raise ValidationError (Chinese) unless ``code`` is a valid national project code."""
    problem = project_code_problem(code)
    if problem:
        raise ValidationError(problem, code="project_code")
