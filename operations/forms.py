from typing import NamedTuple

from django import forms
from django.utils.translation import gettext_lazy as _

from .submerchants import self_check_items

ANSWERS = [("no", _("해당 없음")), ("yes", _("해당")), ("unsure", _("판단 불가 (센터 판단 요청)"))]
ANSWER_VALUE = {"no": False, "yes": True, "unsure": None}


class Answer(NamedTuple):
    value: str
    label: str
    id: str
    checked: bool


class SelfCheckQuestion(NamedTuple):
    field: forms.BoundField
    answers: list[Answer]
    invalid: bool


class SubMerchantForm(forms.Form):
    name = forms.CharField(label=_("하위사업자명"), max_length=200)
    business_registration_number = forms.CharField(label=_("사업자등록번호"), max_length=12)
    business_description = forms.CharField(label=_("업종·사업 내용"), widget=forms.Textarea)

    def __init__(self, *args, rules=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = self_check_items(rules)
        for code, label in self.items:
            self.fields[f"check_{code}"] = forms.ChoiceField(
                label=label, choices=ANSWERS, widget=forms.RadioSelect
            )

    def self_check_questions(self) -> list[SelfCheckQuestion]:
        """The self-check items as radio groups, for the page to write out itself.

        Through Django's widget templates (three nested templates per answer) the dozen groups were
        most of the page's time; here each answer's id, label and checked state are worked out once.
        """
        labels = [(value, str(label)) for value, label in ANSWERS]
        questions = []
        for code, _label in self.items:
            field = self[f"check_{code}"]
            current, base_id = field.value(), field.auto_id
            answers = [
                Answer(value, label, f"{base_id}_{i}", value == current)
                for i, (value, label) in enumerate(labels)
            ]
            questions.append(SelfCheckQuestion(field, answers, bool(field.errors)))
        return questions

    def self_check(self) -> dict:
        return {
            code: ANSWER_VALUE[self.cleaned_data[f"check_{code}"]] for code, _label in self.items
        }
