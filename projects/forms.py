"""Forms of the project pages; each binds only the fields it declares."""

from django import forms

from projects.models import Instruction


class InstructionForm(forms.ModelForm):
    class Meta:
        model = Instruction
        fields = ["text"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2, "placeholder": "填写督办意见，如：请责任单位本周内协调解决。"})
        }
        labels = {"text": "督办意见"}
