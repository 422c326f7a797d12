"""When two names on two years' lists are one project: the name's key (normalised: full or half
width, spaces, middle dots, brackets and a trailing 项目/工程/建设项目 ignored), what tells one part of
a development from another (a phase, a number, a letter or a side: 一期/二期, 1号楼/2号楼, A区/B区,
东区/西区), and how alike two keys are (rapidfuzz)."""

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

# What does not change a name: spaces, middle dots and brackets ("恒宇·东城国际", "明珠世纪城（二期）").
# A point or a dash between two digits does (1.5万吨 is not 15万吨, 1-2号楼 not 12号楼): kept.
IGNORED = re.compile(r"[\s\u3000·•・‧･,，、:：;；/\\_()\[\]{}<>（）【】〔〕［］｛｝《》〈〉「」『』\"'“”‘’]+")
LOOSE_MARKS = re.compile(r"(?<![0-9])[.\-—–]|[.\-—–](?![0-9])")
# A name's last words that do not make it another project, longest first ("…二号井项目").
SUFFIXES = ("建设工程项目", "工程建设项目", "建设项目", "工程项目", "项目", "工程")
# What numbers or names one part of a development: a number in digits; a number in Chinese numerals
# after 第 or before a counting word (二期, 八矿, 四十一中, 三号井); a letter or Roman numeral (NFKC
# makes Ⅱ "ii") before one; a side (东区, 北地块).
COUNTED = r"(?:期|号|标|区|栋|幢|楼|座|批|段|组团|地块|街坊|井|矿|中|小|厂|车间|线|站|届|层|单元|片区|校区|苑|院|#)"
PART = re.compile(
    r"(?P<digits>[0-9]+(?:\.[0-9]+)?)"
    r"|第(?P<ordinal>[〇零一二两三四五六七八九十百千]+)"
    rf"|(?P<chinese>[〇零一二两三四五六七八九十百千]+)(?={COUNTED})"
    rf"|(?<![a-z])(?P<letters>[a-z]{{1,4}})(?={COUNTED})"
    r"|(?P<side>[东西南北])(?=区|片区|地块|组团|苑|院|楼|塔|厂区|校区)"
)
DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
# Below this likeness (0–100) two names are not proposed as one project.
PROPOSAL_SCORE = 75


@lru_cache(maxsize=16384)
def name_key(name):
    """The name as matching compares it: "平煤神马集团八矿二号井项目" → "平煤神马集团八矿二号井"."""
    text = IGNORED.sub("", unicodedata.normalize("NFKC", name or "")).lower()
    text = LOOSE_MARKS.sub("", text)
    for suffix in SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def chinese_number(text):
    """四十一 → 41, 二 → 2, 一二 → 12 (digit by digit when written so)."""
    if not any(char in UNITS for char in text):
        return int("".join(str(DIGITS[char]) for char in text))
    total, digit = 0, 0
    for char in text:
        if char in UNITS:
            total += (digit or 1) * UNITS[char]
            digit = 0
        else:
            digit = DIGITS[char]
    return total + digit


@lru_cache(maxsize=16384)
def numbers_in(key):
    """The parts a name's key names, in one form whatever the writing (二期 and 2期 are both "2"),
    sorted: two names naming different ones are different projects and are never proposed as one."""
    found = []
    for match in PART.finditer(key):
        kind = match.lastgroup
        value = match.group(kind)
        if kind in ("ordinal", "chinese"):
            value = str(chinese_number(value))
        elif kind == "digits":
            value = value.lstrip("0") or "0"
        found.append(value)
    return tuple(sorted(found))


def owner_key(owner):
    """An owner's name as proposals compare it (its company form ignored: 有限公司, 有限责任公司)."""
    key = name_key(owner)
    for suffix in ("有限责任公司", "股份有限公司", "有限公司", "公司"):
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


def likeness(key, other):
    """How alike two name keys are, 0–100: rapidfuzz's ratio, or 90 when one holds the other whole
    and is at least four characters (a name shortened or lengthened: "恒宇东城国际" in "恒宇东城国际花园");
    0 when they name different parts (numbers_in)."""
    if numbers_in(key) != numbers_in(other):
        return 0
    score = fuzz.ratio(key, other)
    shorter, longer = sorted((key, other), key=len)
    if len(shorter) >= 4 and shorter in longer:
        score = max(score, 90)
    return score
