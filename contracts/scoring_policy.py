"""The two evaluations of DOMAIN §6 under the policy version in force (the calculators' service)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from openbanking_portal.errors import PortalError
from policies.models import PolicyKind, PolicyVersion

from .scoring import (
    PROFILE_LABELS,
    CentreGuaranteeResult,
    ScoringProfile,
    SelfCertificationResult,
    evaluate_centre_guarantee,
    evaluate_self_certification,
)


@dataclass(frozen=True)
class PolicyRef:
    """Which policy version an answer was computed under, so it can be reproduced later."""

    id: int
    effective_from: datetime.date

    @classmethod
    def of(cls, version: PolicyVersion) -> PolicyRef:
        return cls(id=version.pk, effective_from=version.effective_from)

    def as_dict(self) -> dict:
        return {"id": self.id, "effective_from": self.effective_from.isoformat()}


@dataclass(frozen=True)
class SelfCertificationEvaluation:
    result: SelfCertificationResult
    policy: PolicyRef


@dataclass(frozen=True)
class CentreGuaranteeEvaluation:
    result: CentreGuaranteeResult
    policy: PolicyRef


def self_certification(
    *, profile: ScoringProfile, on: datetime.date | None = None
) -> SelfCertificationEvaluation:
    """DOMAIN §6.1 — self-certification evaluation under the policy in force on `on` (today)."""
    version = PolicyVersion.objects.in_force(PolicyKind.SELF_CERTIFICATION, on)
    return SelfCertificationEvaluation(
        result=evaluate_self_certification(profile, version.data), policy=PolicyRef.of(version)
    )


def centre_guarantee(
    *, profile: ScoringProfile, on: datetime.date | None = None
) -> CentreGuaranteeEvaluation:
    """DOMAIN §6.2 — centre guarantee rate under the policy in force on `on` (today)."""
    version = PolicyVersion.objects.in_force(PolicyKind.CENTRE_GUARANTEE, on)
    return CentreGuaranteeEvaluation(
        result=evaluate_centre_guarantee(profile, version.data), policy=PolicyRef.of(version)
    )


# What the applicant declares in the online form (applications.ApplicationDetails), by profile field.
DECLARED_FIELDS = {
    "credit_rating": "credit_rating",
    "annual_revenue_krw": "annual_revenue",
    "business_years": "business_years",
    "service_years": "service_years",
    "members": "members",
    "annual_transactions": "annual_transactions",
    "aml_system": "aml_system",
    "complaint_system": "complaint_system",
    "account_ownership_verification": "account_ownership_verification",
}


class ProfileIncomplete(PortalError):
    code = "scoring_profile_incomplete"


def profile_for_application(application) -> ScoringProfile:
    """DOMAIN §6 — the scoring profile of a filed application: what the applicant declared, the
    institution's paid-in capital, and the deficient items of its vulnerability check (§7).

    Raises `ProfileIncomplete` naming the answers still missing, rather than scoring a blank as 0.
    """
    from reviews.selectors import vulnerability_deficiencies  # reviews → applications, not us

    details = getattr(application, "details", None)
    declared = {
        field: getattr(details, source, None) if details is not None else None
        for field, source in DECLARED_FIELDS.items()
    }
    capital = application.institution.paid_in_capital
    missing = [
        f for f, v in {**declared, "paid_in_capital_krw": capital}.items() if v in (None, "")
    ]
    if missing:
        names = ", ".join(str(PROFILE_LABELS[f]) for f in missing)
        raise ProfileIncomplete(
            _("평가에 필요한 신청 내용이 없습니다: %(names)s") % {"names": names}
        )
    return ScoringProfile(
        paid_in_capital_krw=capital,
        qualifications=frozenset(details.qualifications or ()),
        vulnerability_deficiencies=vulnerability_deficiencies(application),
        **declared,
    )
