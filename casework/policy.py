"""Reading the SLA targets and monitoring rules in force (policy as data, STYLE §9)."""

from __future__ import annotations

import datetime

from policies.models import PolicyKind, PolicyVersion

from .sla import DEFAULT_AMBER_RATIO, DEFAULT_TARGETS


def sla_targets(on: datetime.date | None = None) -> tuple[dict, float]:
    """(targets per step in business days, amber ratio) from the `review_targets` policy, whose
    other keys belong to other steps; missing keys fall back to the defaults."""
    try:
        data = PolicyVersion.objects.in_force(PolicyKind.REVIEW_TARGETS, on).data
    except PolicyVersion.DoesNotExist:
        data = {}
    targets = dict(DEFAULT_TARGETS)
    if "approval_business_days" in data:  # the board's original key for step 1
        targets["approval"] = data["approval_business_days"]
    targets.update(data.get("sla_business_days") or {})
    return targets, float(data.get("sla_amber_ratio", DEFAULT_AMBER_RATIO))


def monitoring_rules(on: datetime.date | None = None) -> list[dict]:
    try:
        return list(PolicyVersion.objects.in_force(PolicyKind.MONITORING, on).data.get("rules", []))
    except PolicyVersion.DoesNotExist:
        return []
