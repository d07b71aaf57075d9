"""The two evaluations of DOMAIN §6 under the policy version in force (the calculators' service)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from policies.models import PolicyKind, PolicyVersion

from .scoring import (
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
