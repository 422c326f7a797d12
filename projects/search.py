"""Free-text search of names as the office types them: words in any order, half- or full-width,
with or without the middle dots and spaces names are written with."""

import unicodedata

from django.db.models import F, Q, TextField, Value
from django.db.models.functions import Replace
from django.db.models.lookups import IContains

# Ignored in searched text and in the search: the middle dots names are written with ("恒宇·东城")
# and spaces, so "恒宇东城" and "恒宇 · 东城" find the same project.
SEARCH_SEPARATORS = ("·", "•", "・", "‧", "･", " ", "\u3000")


# A search longer than a project's name is no search: what a box takes, and how many words a query
# is built from (each word is a LIKE over every searched column; thousands would stall the database).
SEARCH_MAX_CHARS = 100
SEARCH_MAX_WORDS = 10


def search_words(value):
    """The words of a search, split on spaces: each in its half-width form (NFKC) and without
    separators, empty ones dropped; the first SEARCH_MAX_WORDS of them."""
    words = []
    for word in unicodedata.normalize("NFKC", value).split():
        word = "".join(char for char in word if char not in SEARCH_SEPARATORS)
        if word:
            words.append(word)
    return words[:SEARCH_MAX_WORDS]


def full_width(word):
    """``word`` with its ASCII characters in their full-width forms: "(二期)" → "（二期）"."""
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in word)


def without_separators(field):
    """The field's text with the search separators removed, in SQL (no column of its own needed)."""
    expression = F(field)
    for separator in SEARCH_SEPARATORS:
        expression = Replace(expression, Value(separator), Value(""), output_field=TextField())
    return expression


def matching_every_word(queryset, value, fields):
    """The rows where every word of the search ``value`` appears in at least one of ``fields``,
    ignoring case, separators and whether the word is typed half-width or full-width."""
    texts = [without_separators(field) for field in fields]
    for word in search_words(value):
        condition = Q()
        for form in dict.fromkeys((word, full_width(word))):  # one form when the word has no ASCII
            for text in texts:
                condition |= Q(IContains(text, form))
        queryset = queryset.filter(condition)
    return queryset
