"""The import preview's form for the proposed matches: for each, whether the row is the existing
project proposed (同一项目) or a new one (services.imports.decide_matches)."""

from django import forms

ACCEPT, REJECT = "accept", "reject"


class MatchDecisionsForm(forms.Form):
    """One choice per proposed match of a preview (its summary's ``suggested_matches``); a match
    left unanswered keeps its earlier answer, or none."""

    def __init__(self, *args, matches, **kwargs):
        super().__init__(*args, **kwargs)
        self.matches = matches
        for index, match in enumerate(matches):
            self.fields[f"match-{index}"] = forms.ChoiceField(
                label=f"「{match['sheet']}」第{match['row']}行",
                choices=[(ACCEPT, "是同一项目"), (REJECT, "不是，新建项目")],
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "请选择「是同一项目」或「不是，新建项目」。"},
            )

    def clean(self):
        cleaned = super().clean()
        self.answers = {
            (match["sheet"], match["row"]): cleaned[f"match-{index}"] == ACCEPT
            for index, match in enumerate(self.matches)
            if cleaned.get(f"match-{index}")
        }
        if not self.answers and not self.errors:
            raise forms.ValidationError("请至少对一条匹配建议作出选择。")
        return cleaned
