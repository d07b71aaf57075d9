"""SLA targets of steps 2-3 (DOMAIN §2, §7), read from the `review_targets` policy in force."""

import datetime
from dataclasses import dataclass

from policies.models import PolicyKind, PolicyVersion

# DOMAIN §7: "expected duration about two months"; the functional test is a reading (two weeks).
DEFAULT_SECURITY_CHECK_DAYS = 60
DEFAULT_FUNCTIONAL_TEST_DAYS = 14


@dataclass(frozen=True)
class ReviewTargets:
    functional_test_days: int
    security_check_days: int


def review_targets(on: datetime.date | None = None) -> ReviewTargets:
    try:
        data = PolicyVersion.objects.in_force(PolicyKind.REVIEW_TARGETS, on).data
    except PolicyVersion.DoesNotExist:
        data = {}
    return ReviewTargets(
        functional_test_days=int(data.get("functional_test_days", DEFAULT_FUNCTIONAL_TEST_DAYS)),
        security_check_days=int(data.get("security_check_days", DEFAULT_SECURITY_CHECK_DAYS)),
    )


def due_at(start: datetime.datetime, days: int) -> datetime.datetime:
    return start + datetime.timedelta(days=days)
