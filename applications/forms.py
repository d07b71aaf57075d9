from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Application, Institution
from .validators import normalize_brn, normalize_corporate_number


class InstitutionForm(forms.ModelForm):
    business_registration_number = forms.CharField(
        label=_("사업자등록번호"), max_length=12, help_text=_("예: 123-45-67890")
    )
    corporate_registration_number = forms.CharField(
        label=_("법인등록번호"),
        max_length=14,
        required=False,
        help_text=_("13자리, 예: 110111-1234569"),
    )

    class Meta:
        model = Institution
        fields = [
            "name",
            "institution_type",
            "business_registration_number",
            "corporate_registration_number",
            "representative",
            "address",
            "paid_in_capital",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]

    def clean_business_registration_number(self):
        number = normalize_brn(self.cleaned_data["business_registration_number"])
        if (
            Institution.objects.filter(business_registration_number=number)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise forms.ValidationError(
                _(
                    "이미 등록된 사업자등록번호입니다. 해당 기관의 관리자에게 구성원 초대를 요청하세요."
                )
            )
        return number

    def clean_corporate_registration_number(self):
        value = self.cleaned_data["corporate_registration_number"]
        return normalize_corporate_number(value) if value else ""

    def clean_paid_in_capital(self):
        value = self.cleaned_data["paid_in_capital"]
        if value is not None and value < 0:
            raise forms.ValidationError(_("납입자본금은 0원 이상이어야 합니다."))
        return value


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["service_name", "service_description"]
        widgets = {"service_description": forms.Textarea(attrs={"rows": 6})}


class NewApplicationForm(ApplicationForm):
    institution = forms.ModelChoiceField(queryset=Institution.objects.none(), label=_("기관"))

    class Meta(ApplicationForm.Meta):
        fields = ["institution", "service_name", "service_description"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = Institution.objects.filter(
            memberships__user=user, memberships__role__in=["admin", "editor"]
        )
        self.fields["institution"].queryset = choices
        if len(choices) == 1:
            self.fields["institution"].initial = choices[0].pk


class TransitionForm(forms.Form):
    reason = forms.CharField(
        label=_("사유"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
