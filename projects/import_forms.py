"""The import preview's form for the proposed matches: for each, whether the row is the existing
project proposed (同一项目) or a new one (services.imports.decide_matches)."""

from django import forms

ACCEPT, REJECT = "accept", "reject"


def choice_value(action, match):
    """A radio button's value: the answer with the row and the project it was given for, so that an
    answer from a page made before the proposals changed is refused, never put on another one."""
    return f"{action}:{match['row']}:{match['project_id']}"


class MatchDecisionsForm(forms.Form):
    """One choice per proposed match of a preview (its summary's ``suggested_matches``); a match
    left unanswered keeps its earlier answer, or none."""

    def __init__(self, *args, matches, **kwargs):
        super().__init__(*args, **kwargs)
        self.matches = matches
        for index, match in enumerate(matches):
            self.fields[f"match-{index}"] = forms.ChoiceField(
                label=f"「{match['sheet']}」第{match['row']}行",
                choices=[(choice_value(ACCEPT, match), "是同一项目"), (choice_value(REJECT, match), "不是，新建项目")],
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": "请选择「是同一项目」或「不是，新建项目」；页面若已过期，请刷新后重新选择。"
                },
            )

    def clean(self):
        cleaned = super().clean()
        self.answers = {
            (match["sheet"], match["row"]): (
                cleaned[f"match-{index}"] == choice_value(ACCEPT, match),
                match["project_id"],
            )
            for index, match in enumerate(self.matches)
            if cleaned.get(f"match-{index}")
        }
        if not self.answers and not self.errors:
            raise forms.ValidationError("请至少对一条匹配建议作出选择。")
        return cleaned
