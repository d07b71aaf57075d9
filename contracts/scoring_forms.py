"""The calculator page's form: the same profile as the scoring API, Korean labels and messages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .scoring import CREDIT_RATINGS, PROFILE_LABELS, QUALIFICATIONS, ScoringProfile

REQUIRED = _("필수 항목입니다.")
NOT_NEGATIVE = _("0 이상의 값을 입력하세요.")


def _whole_number(name: str, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=PROFILE_LABELS[name],
        min_value=0,
        error_messages={
            "required": REQUIRED,
            "invalid": _("0 이상의 정수를 입력하세요."),
            "min_value": NOT_NEGATIVE,
        },
        widget=forms.NumberInput(attrs={"min": 0, "step": 1}),
        **kwargs,
    )


def _years(name: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=PROFILE_LABELS[name],
        min_value=0,
        max_digits=5,
        decimal_places=2,
        error_messages={
            "required": REQUIRED,
            "invalid": _("연수를 숫자로 입력하세요 (예: 2.5)."),
            "min_value": NOT_NEGATIVE,
            "max_digits": _("연수는 999.99년 이하로 입력하세요."),
            "max_whole_digits": _("연수는 999.99년 이하로 입력하세요."),
            "max_decimal_places": _("연수는 소수점 둘째 자리까지 입력하세요."),
        },
        widget=forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
    )


class ScoringProfileForm(forms.Form):
    credit_rating = forms.ChoiceField(
        label=PROFILE_LABELS["credit_rating"],
        choices=[("", _("선택하세요"))] + [(r, r) for r in CREDIT_RATINGS],
        help_text=_("NG: 등급 없음"),
        error_messages={
            "required": REQUIRED,
            "invalid_choice": _("목록에 있는 신용등급을 고르세요."),
        },
    )
    paid_in_capital_krw = _whole_number("paid_in_capital_krw")
    annual_revenue_krw = _whole_number("annual_revenue_krw")
    business_years = _years("business_years")
    service_years = _years("service_years")
    members = _whole_number("members")
    annual_transactions = _whole_number("annual_transactions")
    qualifications = forms.MultipleChoiceField(
        label=PROFILE_LABELS["qualifications"],
        choices=list(QUALIFICATIONS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("여러 개를 보유한 경우 가장 높은 점수 하나만 반영합니다."),
        error_messages={"invalid_choice": _("목록에 있는 자격을 고르세요.")},
    )
    aml_system = forms.BooleanField(label=PROFILE_LABELS["aml_system"], required=False)
    complaint_system = forms.BooleanField(label=PROFILE_LABELS["complaint_system"], required=False)
    account_ownership_verification = forms.BooleanField(
        label=PROFILE_LABELS["account_ownership_verification"], required=False
    )
    vulnerability_deficiencies = _whole_number("vulnerability_deficiencies", initial=0)

    def profile(self) -> ScoringProfile:
        return ScoringProfile(**self.cleaned_data)
