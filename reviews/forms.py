from django import forms
from django.utils.translation import gettext_lazy as _

from .api_catalogue import API_CATALOGUE
from .models import MAX_UPLOAD_BYTES, Agency, CheckKind, ItemResult, Severity


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [_checked(super(MultipleFileField, self).clean(f, initial)) for f in files]


def _checked(file):
    if file is not None and file.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(_("파일은 20MB 이하여야 합니다."))
    return file


class FunctionalTestRequestForm(forms.Form):
    """기능테스트 신청서: for each API of the catalogue, a box to tick and what the service does with it."""

    test_build = forms.CharField(
        label=_("테스트 빌드 접속 방법"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("테스트 앱·웹 주소, 테스트 계정 등 센터가 점검에 쓸 접속 정보"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for api in API_CATALOGUE:
            self.fields[f"use_{api.code}"] = forms.BooleanField(label=api.label, required=False)
            self.fields[f"usage_{api.code}"] = forms.CharField(
                label=_("이용 내용"),
                required=False,
                max_length=1000,
                widget=forms.TextInput(attrs={"aria-label": f"{api.name} — {_('이용 내용')}"}),
            )

    def api_rows(self):
        return [(api, self[f"use_{api.code}"], self[f"usage_{api.code}"]) for api in API_CATALOGUE]

    def clean(self):
        data = super().clean()
        functions = {}
        for api in API_CATALOGUE:
            if data.get(f"use_{api.code}"):
                usage = (data.get(f"usage_{api.code}") or "").strip()
                if not usage:
                    self.add_error(f"usage_{api.code}", _("이 API를 무엇에 쓰는지 적어 주세요."))
                functions[api.code] = usage
        if not functions:
            raise forms.ValidationError(_("점검받을 기능(API)을 하나 이상 고르세요."))
        data["functions"] = functions
        return data

    @staticmethod
    def initial_from(request, wanted: list[str]) -> dict:
        initial: dict = {}
        if request is not None:
            initial["test_build"] = request.test_build
            for f in request.functions.all():
                initial[f"use_{f.api_code}"] = True
                initial[f"usage_{f.api_code}"] = f.usage
        else:
            for code in wanted:
                initial[f"use_{code}"] = True
        return initial


class CheckApplicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("점검 종류"), choices=CheckKind.choices)
    agency = forms.ModelChoiceField(
        label=_("보안점검기관"), queryset=Agency.objects.filter(is_active=True)
    )
    agreed_start = forms.DateField(
        label=_("합의 점검 시작일"), widget=forms.DateInput(attrs={"type": "date"})
    )
    agreed_end = forms.DateField(
        label=_("합의 점검 종료일"), widget=forms.DateInput(attrs={"type": "date"})
    )
    deliverables = MultipleFileField(label=_("산출물"), help_text=_("파일당 20MB 이하"))


class FindingForm(forms.Form):
    title = forms.CharField(label=_("점검 항목"), max_length=200)
    severity = forms.ChoiceField(label=_("위험도"), choices=Severity.choices)
    deficient = forms.BooleanField(label=_("미흡"), required=False)
    description = forms.CharField(
        label=_("내용"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ResultForm(forms.Form):
    summary = forms.CharField(label=_("점검 결과 요약"), widget=forms.Textarea(attrs={"rows": 3}))
    report = forms.FileField(label=_("점검 결과 보고서"), required=False)
    valid_until = forms.DateField(
        label=_("결과 유효기간 만료일"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_report(self):
        return _checked(self.cleaned_data.get("report"))


class RemediationForm(forms.Form):
    """One note per open deficient finding; fields are named `note_<finding id>`."""

    evidence = MultipleFileField(label=_("조치 결과 증빙"), required=False)

    def __init__(self, *args, findings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.findings = list(findings)
        for f in self.findings:
            self.fields[f"note_{f.pk}"] = forms.CharField(
                label=f.title, widget=forms.Textarea(attrs={"rows": 2})
            )

    def rows(self):
        return [(f, self[f"note_{f.pk}"]) for f in self.findings]

    def notes(self) -> dict[int, str]:
        return {f.pk: self.cleaned_data[f"note_{f.pk}"] for f in self.findings}


class ItemResultForm(forms.Form):
    result = forms.ChoiceField(
        label=_("결과"), choices=[(ItemResult.PASSED, _("통과")), (ItemResult.FAILED, _("불합격"))]
    )
    note = forms.CharField(label=_("점검 의견"), required=False)
    evidence = forms.FileField(label=_("증빙"), required=False)
