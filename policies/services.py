"""Reading the policy in force, and the defaults loaded from DOMAIN.md."""

import datetime

from django.utils import timezone

from . import memo
from .models import PolicyKind, PolicyVersion

# DOMAIN §5.2: large = paid-in capital ≥ 20억원.
DEFAULT_SIZE_CLASS = {"large_capital_krw": 2_000_000_000}
# DOMAIN §2.1: about one week from a complete application to the decision.
DEFAULT_REVIEW_TARGETS = {"approval_business_days": 5}

DEFAULTS = {
    PolicyKind.SIZE_CLASS: DEFAULT_SIZE_CLASS,
    PolicyKind.REVIEW_TARGETS: DEFAULT_REVIEW_TARGETS,
}


def policy_data(kind: str, on: datetime.date | None = None) -> dict:
    return PolicyVersion.objects.in_force(kind, on).data


def large_capital_threshold(on: datetime.date | None = None) -> int:
    return int(policy_data(PolicyKind.SIZE_CLASS, on)["large_capital_krw"])


def read_in_force(*kinds: str, on: datetime.date | None = None) -> None:
    """Read the versions of several kinds in force on `on` in one query, for the rest of the request.

    A page that reads several policies (the staff dashboard reads three) calls this first; its
    `PolicyVersion.objects.in_force` calls then answer from the request's memo, which holds a kind
    without a version as None, as `in_force` does. Outside a request there is no memo to fill."""
    if memo.is_open():
        PolicyVersion.objects.remember_in_force(kinds, on or timezone.localdate())
