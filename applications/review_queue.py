"""DOMAIN §2.1 — the approval review queue: waiting applications, oldest first, with their age in
Korean business days against the target (about one week, a policy value). The age is the
eligibility-review SLA clock of casework (issue 10 item 1): it pauses while the case waits on the
applicant."""

from __future__ import annotations

import dataclasses
import datetime

from casework.sla import APPROVAL, elapsed_business_days
from policies.calendar import BusinessCalendar

from .models import Application, State
from .models.application import UNDER_DECISION


@dataclasses.dataclass(frozen=True)
class QueueAge:
    business_days: int
    target: int

    @property
    def overdue(self) -> bool:
        return self.business_days > self.target


def waiting_for_decision():
    """Applications under decision, the one waiting longest first, with their state history
    (one prefetch query) for the review clock."""
    from .audit import state_history

    return (
        Application.objects.filter(state__in=UNDER_DECISION)
        .select_related("institution")
        .prefetch_related(state_history())
        .order_by("state_changed_at", "pk")
    )


def approval_target(on: datetime.date | None = None) -> int:
    """The eligibility-review target the SLA clocks use (casework/policy.py reads the
    `review_targets` policy: `approval_business_days`, or its `sla_business_days` override)."""
    from casework.policy import sla_targets

    return int(sla_targets(on)[0][APPROVAL])


def age_of(
    waiting_since: datetime.datetime | None = None,
    *,
    today: datetime.date,
    calendar: BusinessCalendar,
    target: int,
    history: list[tuple[str, datetime.datetime]] | None = None,
) -> QueueAge:
    """Issue 10 item 1 — the business days the case has waited on staff for the decision: the
    eligibility-review clock of casework/sla.py, so the days it waited on the applicant (supplement
    requested → resubmitted) do not count and the (re)submission day itself does not count.
    `history` is the (state, entered at) list; without it the case waits since `waiting_since`."""
    if not history:
        history = [(State.SUBMITTED, waiting_since)]
    clock = elapsed_business_days(history, calendar, now=today, targets={APPROVAL: target})
    elapsed = clock.elapsed if clock is not None and clock.step == APPROVAL else 0
    return QueueAge(elapsed, target)


def age_of_application(
    application: Application, *, today: datetime.date, calendar: BusinessCalendar, target: int
) -> QueueAge:
    """The queue's age of one application, from its (prefetched) state history. Applications
    placed in a state without the audit trail to match count from `state_changed_at`."""
    from casework.clocks import history_of

    history = history_of(application)
    if not history or history[-1][0] != application.state:
        history = [(application.state, application.state_changed_at)]
    return age_of(today=today, calendar=calendar, target=target, history=history)
