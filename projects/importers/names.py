"""When two names on two years' lists are one project: the name's key (normalised: full or half
width, spaces, middle dots, brackets and a trailing 项目/工程/建设项目 ignored), the numbers a name
holds (a phase or another number makes another project), and how alike two keys are (rapidfuzz)."""

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

# What does not change a name: spaces, middle dots and brackets ("恒宇·东城国际", "明珠世纪城（二期）").
IGNORED = re.compile(r"[\s\u3000·•・‧･.,，、:：;；/\\\-—_()\[\]{}<>（）【】〔〕［］｛｝《》〈〉「」『』\"'“”‘’]+")
# A name's last words that do not make it another project, longest first ("…二号井项目").
SUFFIXES = ("建设工程项目", "工程建设项目", "建设项目", "工程项目", "项目", "工程")
# A number written in digits or in Chinese numerals (一期, 二号井, 41中, 十万吨), and 甲乙丙丁 as used for phases.
NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?|[〇零一二两三四五六七八九十百千万]+|[甲乙丙丁]区")
# Below this likeness (0–100) two names are not proposed as one project.
PROPOSAL_SCORE = 75


@lru_cache(maxsize=16384)
def name_key(name):
    """The name as matching compares it: "平煤神马集团八矿二号井项目" → "平煤神马集团八矿二号井"."""
    text = IGNORED.sub("", unicodedata.normalize("NFKC", name or "")).lower()
    for suffix in SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


def numbers_in(key):
    """The numbers a name holds, in order: two names holding different ones (一期 and 二期, 一号 and
    二号) are different projects and are never proposed as one."""
    return NUMBER.findall(key)


def owner_key(owner):
    """An owner's name as proposals compare it (its company form ignored: 有限公司, 有限责任公司)."""
    key = name_key(owner)
    for suffix in ("有限责任公司", "股份有限公司", "有限公司", "公司"):
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


def likeness(key, other):
    """How alike two name keys are, 0–100: rapidfuzz's ratio, or 90 when one holds the other whole
    and is at least four characters (a name shortened or lengthened: "恒宇东城国际" in "恒宇东城国际花园")."""
    if numbers_in(key) != numbers_in(other):
        return 0
    score = fuzz.ratio(key, other)
    shorter, longer = sorted((key, other), key=len)
    if len(shorter) >= 4 and shorter in longer:
        score = max(score, 90)
    return score
