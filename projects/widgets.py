"""Form widgets whose HTML is built in Python: Django's form renderer includes a template per
<option>, which made the list pages' filter selects cost more than their rows."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe


def _option(option):
    return format_html('<option value="{}"{}>{}</option>', option["value"], flatatt(option["attrs"]), option["label"])


class QuickSelect(forms.Select):
    """forms.Select with the markup of Django's select.html, rendered without templates."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for label, options, _index in widget["optgroups"]:
            rows = mark_safe("".join(_option(option) for option in options))
            groups.append(format_html('<optgroup label="{}">{}</optgroup>', label, rows) if label else rows)
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), mark_safe("".join(groups))
        )


def show_choices(field, options):
    """Render the ModelChoiceField ``field`` with ``options`` ([(pk, label)], read beforehand)
    instead of querying its queryset again; validation still goes through the queryset."""
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.widget.choices = [*empty, *options]
