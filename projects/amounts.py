"""Reading an amount as people type it, in the report form and in an imported list's cells: one rule
for both (and for the form's live preview, report_form.js), so that no typed figure is misread."""

import re
import unicodedata
from decimal import Decimal

# Digits with an optional decimal part, or digits grouped by commas in threes ("36,830",
# "1,234.5"); read after NFKC, so full-width digits and commas are the same. A leading minus is
# read so that the form can say the amount is negative. Kept in step with report_form.js.
AMOUNT_RE = re.compile(r"-?(?:(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]*)?|\.[0-9]+)")
EXPONENT_RE = re.compile(r"[-+]?[0-9.]*[0-9][eE][-+]?[0-9]+")
QUOTED_LENGTH = 40

COMMA = "逗号只能用作千位分隔符（如 36,830），请核对"
EXPONENT = "请写出完整的数字，不能用科学计数法（如 1e3）"
INNER_SPACE = "数字中间不能有空格"


class AmountTextError(ValueError):
    """``typed`` is not an amount; ``reason`` says why when there is more to say than that it is
    not a number (callers word that case themselves)."""

    def __init__(self, typed, reason=""):
        self.typed = typed if len(typed) <= QUOTED_LENGTH else typed[:QUOTED_LENGTH] + "…"
        self.reason = reason
        super().__init__(f"「{self.typed}」不是有效的金额：{reason}" if reason else f"「{self.typed}」不是数字")


def parse_amount_text(text):
    """The Decimal that ``text`` states, or None when it is empty; AmountTextError otherwise."""
    typed = text.strip()
    normalized = unicodedata.normalize("NFKC", typed).strip()
    if not normalized:
        return None
    if AMOUNT_RE.fullmatch(normalized):
        return Decimal(normalized.replace(",", ""))
    if "," in normalized:
        reason = COMMA
    elif EXPONENT_RE.fullmatch(normalized):
        reason = EXPONENT
    elif AMOUNT_RE.fullmatch(re.sub(r"\s+", "", normalized)):
        reason = INNER_SPACE
    else:
        reason = ""
    raise AmountTextError(typed, reason)
