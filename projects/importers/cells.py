"""Reading one cell of a list as the city writes it: text normalised, what a header names (column,
unit, year), amounts in 万元 or 亿元, construction years, and the category, batch and level words."""

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, DecimalException
from functools import lru_cache

from projects.amounts import AmountTextError, parse_amount_text
from projects.choices import Batch, Category, Level

HUNDREDTH = Decimal("0.01")
WAN_PER_YI = Decimal(10000)


# Canonical column → header names seen in real lists (compared after normalize_header).
ALIASES = {
    "seq": ["序号"],
    "name": ["项目名称"],
    "code": ["项目代码", "全国投资项目代码"],
    # A list's own numbering, or sometimes the national code under another name (municipal.py).
    "number": ["项目编号"],
    "owner": ["建设单位", "项目单位", "业主单位"],
    "content": ["建设内容及规模", "建设规模及内容", "主要建设内容", "建设内容"],
    "district": ["所在县区", "所在区县", "所属县区", "所属区县", "县区", "区县", "所在县", "县"],
    "location": ["建设地点", "所在街道", "街道"],
    "years": ["建设年限", "建设起止年限"],
    "total": ["总投资", "项目总投资", "计划总投资"],
    "plan": ["年度计划投资", "年度投资目标", "年计划投资", "计划投资"],
    "category": ["类别", "项目类别"],
    "level": ["级别"],
    "batch": ["批次"],
    "unit": ["责任单位"],
    "leader": ["联系领导"],
    "remark": ["备注"],
}


COLUMN_LABELS = {
    "seq": "序号",
    "name": "项目名称",
    "code": "项目代码",
    "number": "项目编号",
    "owner": "建设单位",
    "content": "建设内容及规模",
    "district": "所在县区",
    "location": "建设地点",
    "years": "建设年限",
    "total": "总投资",
    "plan": "年度计划投资",
    "category": "类别",
    "level": "级别",
    "batch": "批次",
    "unit": "责任单位",
    "leader": "联系领导",
    "remark": "备注",
}
_ALIAS_TO_COLUMN = {alias: column for column, aliases in ALIASES.items() for alias in aliases}
AMOUNT_COLUMNS = ("total", "plan")
CATEGORY_WORDS = [  # checked in order: "计划建成" before the shorter "建成"
    ("新开工", Category.NEW_START),
    ("续建", Category.CONTINUING),
    ("计划建成", Category.COMPLETION),
    ("建成", Category.COMPLETION),
    ("竣工", Category.COMPLETION),
]
LEVEL_WORDS = [("省", Level.PROVINCE), ("市", Level.CITY), ("区", Level.DISTRICT), ("县", Level.DISTRICT)]
BATCH_WORDS = [
    ("第一批", Batch.FIRST),
    ("第二批", Batch.SECOND),
    ("第1批", Batch.FIRST),
    ("第2批", Batch.SECOND),
    ("一批", Batch.FIRST),
    ("二批", Batch.SECOND),
    ("1批", Batch.FIRST),
    ("2批", Batch.SECOND),
    ("一", Batch.FIRST),
    ("二", Batch.SECOND),
]
MAX_AMOUNT = Decimal("999999999999.99")  # what the database column holds (14 digits, 2 decimals)
UNIT_RE = re.compile(r"[(（]?(万元|亿元)[)）]?")
YEAR_PREFIX_RE = re.compile(r"^(\d{4})年(?=度?计划|度?投资)")
YEARS_RE = re.compile(r"(?<!\d)(\d{4})(?!\d)")
SPACES_RE = re.compile(r"\s+")
FOLDED_RE = re.compile(r"[\s\u3000]+")


@lru_cache(maxsize=8192, typed=True)  # streets, owners and units repeat row after row
def normalize_text(value):
    """Full-width to half-width, no spaces of any kind (also inside names), stripped."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value))
    return SPACES_RE.sub("", text)


def clean_text(value):
    """Text for storage, as written (full-width brackets stay), with full-width spaces and stray
    line breaks folded and the ends stripped."""
    if value is None:
        return ""
    return FOLDED_RE.sub(" ", str(value)).strip()


def normalize_header(value):
    """A header cell → (canonical column or None, unit "万元"/"亿元"/None, year or None)."""
    text = normalize_text(value)
    unit_match = UNIT_RE.search(text)
    unit = unit_match.group(1) if unit_match else None
    text = UNIT_RE.sub("", text)
    text = re.sub(r"[(（].*?[)）]", "", text)
    year_match = YEAR_PREFIX_RE.match(text)
    year = int(year_match.group(1)) if year_match else None
    text = YEAR_PREFIX_RE.sub("", text)
    if year and text.startswith("度"):
        text = "年" + text  # "2017年度计划投资" → "年度计划投资"
    return _ALIAS_TO_COLUMN.get(text), unit, year


def batch_from_text(text):
    text = normalize_text(text)
    for word, batch in BATCH_WORDS[:8]:
        if word in text:
            return batch
    return None


# An amount as lists write it in a cell (read after NFKC): "约" before it, a unit after it, and a
# note in brackets after that ("0.5亿元（其中中央预算内0.2亿）", "1.2亿元(含征地)"): the first amount
# with its unit is read. The report form stays strict (projects.amounts).
CELL_AMOUNT_RE = re.compile(r"^(?:约|大约)?\s*(?P<number>.*?)\s*(?P<unit>亿元|亿|万元|万)?\s*(?:\([^()]*\))?$")
CELL_UNITS = {"亿元": WAN_PER_YI, "亿": WAN_PER_YI, "万元": Decimal(1), "万": Decimal(1)}
NUMBER_TEXT = r"[0-9][0-9,]*(?:\.[0-9]+)?"
RANGE_RE = re.compile(rf"{NUMBER_TEXT}\s*(?:亿元|亿|万元|万)?\s*(?:-|~|至|到|—|–|―)\s*{NUMBER_TEXT}")
NUMBERS_RE = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
AMOUNT_EXAMPLE = "如 3500、3500万元 或 1.2亿元"
UNIT_NOTE_RE = re.compile(r"\((亿元|亿|万元|万)\)$")
COMPOUND_RE = re.compile(r"^(?:约|大约)?\s*([0-9]+)\s*亿\s*([0-9]+(?:\.[0-9]+)?)\s*万元?$")
FOREIGN_RE = re.compile(r"美元|欧元|港元|港币|日元|英镑|卢布")


def _cell_amount_text(value, factor):
    """(number, factor) of an amount typed in a cell; ValueError saying what was found otherwise."""
    text = unicodedata.normalize("NFKC", value).strip()
    if FOREIGN_RE.search(text):
        raise ValueError(f"「{clean_text(value)}」不是人民币金额，请折算为人民币万元后填写")
    if compound := COMPOUND_RE.match(text):  # 1亿2000万
        return Decimal(compound.group(1)) * WAN_PER_YI + Decimal(compound.group(2)), Decimal(1)
    match = CELL_AMOUNT_RE.match(text)
    number_text = match.group("number") if match else text
    if match and match.group("unit"):
        factor = CELL_UNITS[match.group("unit")]
    elif match and (bracketed := UNIT_NOTE_RE.search(text)):  # "3500（万元）": the bracket is the unit
        factor = CELL_UNITS[bracketed.group(1)]
    try:
        number = parse_amount_text(number_text)
    except AmountTextError as error:
        # Said plainly when the cell holds a range or two amounts: which one to take is the office's call.
        main = re.sub(r"\([^()]*\)$", "", text)
        if RANGE_RE.search(main):
            raise ValueError(f"「{clean_text(value)}」是一个范围，请只填一个金额（{AMOUNT_EXAMPLE}）") from None
        if not error.reason and len(NUMBERS_RE.findall(main)) > 1:
            raise ValueError(
                f"「{clean_text(value)}」含有两个金额，请只填一个（{AMOUNT_EXAMPLE}；说明可写在其后的括号中）"
            ) from None
        raise ValueError(str(AmountTextError(clean_text(value), error.reason))) from None
    if number is None:
        raise ValueError(f"「{clean_text(value)}」不是数字")
    return number, factor


def parse_amount(value, factor):
    """A number as stored or typed ("36,830", " 1200 ", "１２００", "1.2亿元", "约 3500 万元",
    "0.5亿元（其中中央预算内0.2亿）") → 万元. A unit written in the cell wins over the column's; the
    number itself is read by the same rule as the report form."""
    if value is None or value == "":
        raise ValueError("不能为空")
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise ValueError(f"「{clean_text(value)}」不是数字")
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        number, factor = _cell_amount_text(value, factor)
    if not number.is_finite():
        raise ValueError(f"「{clean_text(value)}」不是数字")
    if number < 0:
        raise ValueError("不能为负数")
    try:
        result = (number * factor).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
    except DecimalException:  # InvalidOperation, and Overflow for an exponent past the context's
        result = None
    if result is None or result > MAX_AMOUNT:
        raise ValueError(f"「{clean_text(value)}」过大，请核对单位（万元或亿元）")
    return result


def parse_years(value):
    """建设年限 as written: "2015-2017", "2015—2017年", "2016-18", "2016.3-2017.12", a date or a year."""
    if hasattr(value, "year"):
        return value.year, value.year
    text = normalize_text(value)
    years = [int(y) for y in YEARS_RE.findall(text)]
    if not years:
        return None, None
    start = years[0]
    two_digit_end = re.search(r"\d{4}(?:\.\d{1,2})?[-—~至到](\d{2})(?!\d)", text)
    end = (start // 100 * 100 + int(two_digit_end.group(1))) if two_digit_end and len(years) == 1 else years[-1]
    if not (1990 <= start <= 2100 and start <= end <= 2100):
        raise ValueError(f"「{clean_text(value)}」不是有效的建设年限（如 2016-2018）")
    return start, end


def category_from_text(text):
    text = normalize_text(text)
    for word, category in CATEGORY_WORDS:
        if word in text:
            return category
    return None
