"""The steps of the online application (DOMAIN §2.1) and the items a supplement request can name.

Each step is a form over `ApplicationDetails` (and, for the business step, the application's own
name and description). A supplement item is a field name of a step, or `document:<type>`.
"""

from __future__ import annotations

import dataclasses

from django.utils.translation import gettext_lazy as _

from .catalogue import DocumentType


@dataclasses.dataclass(frozen=True)
class Step:
    name: str
    label: str
    fields: tuple[str, ...]


STEPS: tuple[Step, ...] = (
    Step(
        "eligibility",
        _("기관 유형·이용 자격"),
        ("eligibility_basis", "industry", "industry_description"),
    ),
    Step(
        "business",
        _("사업모델·서비스 계획"),
        ("service_name", "service_description", "business_model", "service_plan"),
    ),
    Step(
        "services",
        _("이용 서비스·하위사업자"),
        ("services_wanted", "has_sub_merchants", "sub_merchant_description"),
    ),
    Step("declarations", _("제외대상·제외서비스 확인"), ("declarations",)),
    Step(
        "financials",
        _("재무·위험관리 정보"),
        (
            "credit_rating",
            "annual_revenue",
            "business_years",
            "service_years",
            "members",
            "annual_transactions",
            "qualifications",
            "aml_system",
            "complaint_system",
            "account_ownership_verification",
        ),
    ),
    Step("documents", _("제출 서류"), ()),
    Step("review", _("확인 및 제출"), ()),
)
STEP_NAMES = [s.name for s in STEPS]
FORM_STEPS = [s for s in STEPS if s.fields]


def step_named(name: str) -> Step | None:
    return next((s for s in STEPS if s.name == name), None)


def next_step(name: str) -> str | None:
    i = STEP_NAMES.index(name)
    return STEP_NAMES[i + 1] if i + 1 < len(STEP_NAMES) else None


def field_labels() -> dict[str, str]:
    from .models import Application, ApplicationDetails

    labels = {}
    for model in (Application, ApplicationDetails):
        for f in model._meta.get_fields():
            if hasattr(f, "verbose_name"):
                labels[f.name] = str(f.verbose_name)
    return labels


def supplement_choices() -> list[tuple[str, str]]:
    """Every item staff can ask to be supplemented, labelled as the applicant sees it."""
    labels = field_labels()
    choices = []
    for step in FORM_STEPS:
        for name in step.fields:
            choices.append((name, f"{step.label} — {labels[name]}"))
    for value, label in DocumentType.choices:
        choices.append((f"document:{value}", f"{_('제출 서류')} — {label}"))
    return choices


def item_label(code: str) -> str:
    return dict(supplement_choices()).get(code, code)


def step_of_item(code: str) -> str:
    if code.startswith("document:"):
        return "documents"
    return next((s.name for s in FORM_STEPS if code in s.fields), "review")
