"""Templates copied from packages to translate their one English word: each copy must stay the
package's own template but for that word, so that a package upgrade that changes the original
fails here (copy it again) instead of silently serving an old page."""

from pathlib import Path

import django.contrib.admin
import nested_admin
import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

COPIES = {
    "admin/search_form.html": (
        Path(django.contrib.admin.__file__).parent / "templates",
        ('alt="Search"', "alt=\"{% translate 'Search' %}\""),
    ),
    "nesting/admin/inlines/stacked.html": (
        Path(nested_admin.__file__).parent / "templates",
        (">Remove<", '>{% translate "Remove" %}<'),
    ),
    "nesting/admin/inlines/tabular.html": (
        Path(nested_admin.__file__).parent / "templates",
        (">Remove<", '>{% translate "Remove" %}<'),
    ),
}


@pytest.mark.parametrize("name", COPIES)
def test_a_copied_template_is_the_packages_own_but_for_its_translated_word(name):
    package_templates, (english, translated) = COPIES[name]
    original = (package_templates / name).read_text()
    comment, copy = (TEMPLATES / name).read_text().split("\n", 1)  # the copy opens with a note on why
    assert comment.startswith("{#") and english in original
    assert copy == original.replace(english, translated)
