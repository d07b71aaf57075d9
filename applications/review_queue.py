"""DOMAIN §2.1 — the approval review queue: waiting applications, oldest first, with their age in
Korean business days against the target (about one week, a policy value)."""

from __future__ import annotations

import dataclasses
import datetime

from django.utils import timezone

from policies.calendar import BusinessCalendar
from policies.models import PolicyKind, PolicyVersion
from policies.services import policy_data

from .models import Application
from .models.application import UNDER_DECISION

DEFAULT_TARGET_BUSINESS_DAYS = 5


@dataclasses.dataclass(frozen=True)
class QueueAge:
    business_days: int
    target: int

    @property
    def overdue(self) -> bool:
        return self.business_days > self.target


def waiting_for_decision():
    """Applications under decision, the one waiting longest first."""
    return (
        Application.objects.filter(state__in=UNDER_DECISION)
        .select_related("institution")
        .order_by("state_changed_at", "pk")
    )


def approval_target(on: datetime.date | None = None) -> int:
    try:
        data = policy_data(PolicyKind.REVIEW_TARGETS, on)
    except PolicyVersion.DoesNotExist:  # no policy row yet: the documented default
        return DEFAULT_TARGET_BUSINESS_DAYS
    return int(data.get("approval_business_days", DEFAULT_TARGET_BUSINESS_DAYS))


def age_of(
    waiting_since: datetime.datetime,
    *,
    today: datetime.date,
    calendar: BusinessCalendar,
    target: int,
) -> QueueAge:
    """Business days from the (re)submission to today; the submission day itself does not count."""
    start = timezone.localtime(waiting_since).date()
    return QueueAge(calendar.business_days_between(start, today), target)
