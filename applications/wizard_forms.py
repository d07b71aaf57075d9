"""Forms of the online application's steps. Every field is optional here so that a draft saves what
is valid; completeness is checked at submission. Bad values (a negative amount, an unknown choice)
are errors shown next to their field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .catalogue import ApiService, Qualification
from .completeness import REQUIRED_FIELDS
from .models import Application, ApplicationDetails

YES_NO = [("", _("선택하세요")), ("true", _("예")), ("false", _("아니오"))]
APPLIES = [("", _("선택하세요")), ("false", _("해당 없음")), ("true", _("해당함"))]


def _to_bool(value):
    return {"true": True, "false": False}.get(value)


class YesNoField(forms.TypedChoiceField):
    def __init__(self, *, choices=YES_NO, **kwargs):
        super().__init__(
            choices=choices, coerce=_to_bool, empty_value=None, required=False, **kwargs
        )

    def prepare_value(self, value):
        return {True: "true", False: "false"}.get(value, value)


class StepForm(forms.Form):
    """Base: built with the current values; fields outside `editable` are shown but disabled."""

    def __init__(self, *args, editable: set[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.required = False
            base = name.split(":", 1)[0] if ":" in name else name
            field.widget.attrs.setdefault("data-required", str(base in REQUIRED_FIELDS).lower())
            if editable is not None and self.item_of(name) not in editable:
                field.disabled = True

    def item_of(self, name: str) -> str:
        return name

    def values(self) -> dict:
        """The valid, editable values to save (invalid fields are left as they were)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if not self.fields[name].disabled and name not in self.errors
        }


def _model_field(model, name, **kwargs):
    return model._meta.get_field(name).formfield(**kwargs)


class EligibilityForm(StepForm):
    eligibility_basis = _model_field(ApplicationDetails, "eligibility_basis")
    industry = _model_field(ApplicationDetails, "industry")
    industry_description = _model_field(
        ApplicationDetails,
        "industry_description",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("주요 업종과 실제 영위하는 사업을 구체적으로 적어 주세요."),
    )


class BusinessForm(StepForm):
    service_name = _model_field(Application, "service_name")
    service_description = _model_field(
        Application, "service_description", widget=forms.Textarea(attrs={"rows": 4})
    )
    business_model = _model_field(
        ApplicationDetails,
        "business_model",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("수익 구조, 고객, 자금 흐름을 포함해 적어 주세요."),
    )
    service_plan = _model_field(
        ApplicationDetails, "service_plan", widget=forms.Textarea(attrs={"rows": 5})
    )

    def clean_service_name(self):
        # The application keeps a name; an emptied field leaves the saved one.
        return self.cleaned_data["service_name"] or self.initial.get("service_name", "")


class ServicesForm(StepForm):
    services_wanted = forms.MultipleChoiceField(
        label=_("이용 희망 서비스(API)"),
        choices=ApiService.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    has_sub_merchants = YesNoField(label=_("하위사업자 유무"))
    sub_merchant_description = _model_field(
        ApplicationDetails,
        "sub_merchant_description",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("하위사업자가 있으면 업종·수·관리 방법을 적어 주세요."),
    )


# The largest value each column holds (PostgreSQL smallint / integer / bigint): a bigger number is
# a form error, never a database error.
SMALL_MAX, INT_MAX, BIG_MAX = 32_767, 2_147_483_647, 9_223_372_036_854_775_807


class FinancialsForm(StepForm):
    credit_rating = _model_field(ApplicationDetails, "credit_rating")
    annual_revenue = forms.IntegerField(
        label=_("연간 매출액(원, 직전 연도)"),
        min_value=0,
        max_value=BIG_MAX,
        help_text=_("원 단위 정수"),
    )
    business_years = forms.IntegerField(
        label=_("회사업력 (전자금융업 영위 연수)"), min_value=0, max_value=SMALL_MAX
    )
    service_years = forms.IntegerField(
        label=_("서비스 기간 (펌뱅킹 포함, 년)"), min_value=0, max_value=SMALL_MAX
    )
    members = forms.IntegerField(label=_("회원 수"), min_value=0, max_value=INT_MAX)
    annual_transactions = forms.IntegerField(
        label=_("최근 1년 거래건수 (펌뱅킹 포함)"), min_value=0, max_value=BIG_MAX
    )
    qualifications = forms.MultipleChoiceField(
        label=_("관련자격"),
        choices=Qualification.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("보유한 자격을 모두 고르세요. 없으면 비워 두세요."),
    )
    aml_system = YesNoField(label=_("자금세탁방지 체계 운영"))
    complaint_system = YesNoField(label=_("고객민원 대응체계 보유"))
    account_ownership_verification = YesNoField(label=_("1원 이체 계좌소유인증 운영"))


class DeclarationsForm(StepForm):
    """One question per exclusion and excluded service of the rule set in force (DOMAIN §4)."""

    def __init__(self, *args, rules: dict, **kwargs):
        self.codes = []
        super().__init__(*args, **kwargs)
        editable = kwargs.get("editable")
        for group, heading in (
            ("exclusions", _("제외대상")),
            ("excluded_services", _("제외서비스")),
        ):
            for item in rules.get(group, []):
                name = f"declaration:{item['code']}"
                self.codes.append(item["code"])
                field = YesNoField(label=f"[{heading}] {item['label']}", choices=APPLIES)
                field.widget.attrs["data-required"] = "true"
                if editable is not None and "declarations" not in editable:
                    field.disabled = True
                self.fields[name] = field

    def item_of(self, name: str) -> str:
        return "declarations"

    def values(self) -> dict:
        values = super().values()
        current = dict(self.initial.get("_declarations") or {})
        for name, value in values.items():
            code = name.split(":", 1)[1]
            if value is None:
                current.pop(code, None)
            else:
                current[code] = value
        return {"declarations": current} if values else {}


FORMS = {
    "eligibility": EligibilityForm,
    "business": BusinessForm,
    "services": ServicesForm,
    "declarations": DeclarationsForm,
    "financials": FinancialsForm,
}


def initial_for(step: str, application: Application, details: ApplicationDetails | None) -> dict:
    form_class = FORMS[step]
    initial = {}
    if step == "declarations":
        declared = (details.declarations if details else {}) or {}
        initial = {f"declaration:{k}": v for k, v in declared.items()}
        initial["_declarations"] = declared
        return initial
    for name in form_class.base_fields:
        source = (
            application
            if hasattr(application, name)
            and name
            in (
                "service_name",
                "service_description",
            )
            else details
        )
        if source is not None:
            initial[name] = getattr(source, name)
    return initial


class DocumentUploadForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("서류 종류"))
    file = forms.FileField(
        label=_("파일"),
        help_text=_("PDF, PNG, JPEG, HWP/HWPX, DOCX, XLSX · 최대 20 MB"),
        error_messages={"required": _("파일을 선택하세요."), "empty": _("빈 파일입니다.")},
    )

    def __init__(self, *args, doc_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].choices = doc_types
        self.fields["doc_type"].error_messages["invalid_choice"] = _(
            "지금 제출할 수 없는 서류 종류입니다."
        )
