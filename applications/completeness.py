"""What is still missing before an online application can be (re)submitted (DOMAIN §2.1)."""

from django.utils.translation import gettext as _

from .catalogue import REQUIRED_DOCUMENTS, DocumentType, EligibilityBasis

# Fields that must be filled; the rest (e.g. qualifications: none held is a valid answer) may be empty.
REQUIRED_FIELDS = [
    "eligibility_basis",
    "industry_description",
    "business_model",
    "service_plan",
    "services_wanted",
    "has_sub_merchants",
    "credit_rating",
    "annual_revenue",
    "business_years",
    "service_years",
    "members",
    "annual_transactions",
    "aml_system",
    "complaint_system",
    "account_ownership_verification",
]


def declaration_codes(rules: dict) -> list[str]:
    return [i["code"] for i in (*rules.get("exclusions", []), *rules.get("excluded_services", []))]


def missing_online_items(application) -> list[str]:
    """Labels of the empty required items. Applications filed before the online form existed (or
    on paper, entered by staff) have no details row and are judged on name and description only."""
    from .models import ApplicationDetails, ScreeningRuleSet

    try:
        details = application.details
    except ApplicationDetails.DoesNotExist:
        return []
    missing = []
    labels = {f.name: str(f.verbose_name) for f in ApplicationDetails._meta.fields}
    for name in REQUIRED_FIELDS:
        value = getattr(details, name)
        if value is None or value == "" or value == []:
            missing.append(labels[name])
    if details.eligibility_basis == EligibilityBasis.FSC_INDUSTRY and not details.industry:
        missing.append(labels["industry"])
    if details.has_sub_merchants and not details.sub_merchant_description.strip():
        missing.append(labels["sub_merchant_description"])
    try:
        codes = declaration_codes(ScreeningRuleSet.objects.in_force().rules)
    except ScreeningRuleSet.DoesNotExist:
        codes = []
    declared = details.declarations or {}
    if any(code not in declared for code in codes):
        missing.append(labels["declarations"])
    present = set(application.documents.values_list("doc_type", flat=True))
    for doc_type in REQUIRED_DOCUMENTS:
        if doc_type not in present:
            missing.append(_("서류: %(name)s") % {"name": DocumentType(doc_type).label})
    return missing
