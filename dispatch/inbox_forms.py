"""The inbox page's one input: which notifications to list (未读 / 全部)."""

from django import forms

from dispatch.selectors.inbox import INBOX_FILTERS


class InboxFilterForm(forms.Form):
    show = forms.ChoiceField(choices=list(INBOX_FILTERS.items()), required=False)

    def unread_only(self):
        """Whether to list only the unread; a missing or unknown choice lists all."""
        return self.is_valid() and self.cleaned_data["show"] == "unread"
