from django import forms
from django.utils.translation import gettext_lazy as _

from .submerchants import self_check_items

ANSWERS = [("no", _("해당 없음")), ("yes", _("해당")), ("unsure", _("판단 불가 (센터 판단 요청)"))]
ANSWER_VALUE = {"no": False, "yes": True, "unsure": None}


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

    def self_check(self) -> dict:
        return {
            code: ANSWER_VALUE[self.cleaned_data[f"check_{code}"]] for code, _label in self.items
        }
