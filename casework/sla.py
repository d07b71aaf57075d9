"""SLA clocks on the staff's waiting steps (issue 10 item 1; DOMAIN §2, §5 business days).

Pure functions: the state history of one application — (state, entered_at) pairs read from its
AuditEntry rows — and a BusinessCalendar in, the clock out. No ORM here, so the pause arithmetic
is tested with hypothesis.

A clock counts business days in (start, end] of each segment the case spends in a *running*
state of the step, so the days it waits on the applicant are left out: `supplement_requested`
pauses the eligibility-review clock and `resubmitted` resumes it. While the case waits on the
applicant its own clock runs instead — the `supplement` step, the applicant's answer period, so
a silent applicant also reaches the team lead. `approved` (the applicant is developing) is
nobody's waiting step.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")

APPROVAL = "approval"
SUPPLEMENT = "supplement"
FUNCTIONAL_TEST = "functional_test"
SECURITY_CHECK = "security_check"
CONTRACT = "contract"
BANK_NEGOTIATION = "bank_negotiation"
SLA_STEPS = [APPROVAL, SUPPLEMENT, FUNCTIONAL_TEST, SECURITY_CHECK, CONTRACT, BANK_NEGOTIATION]

DEFAULT_TARGETS = {
    APPROVAL: 5,
    SUPPLEMENT: 10,
    FUNCTIONAL_TEST: 10,
    SECURITY_CHECK: 40,
    CONTRACT: 15,
    BANK_NEGOTIATION: 20,
}
DEFAULT_AMBER_RATIO = 0.8

# A family of states forms one stretch of the case; within it, `running` states advance the clock.
FAMILY = {
    "submitted": APPROVAL,
    "resubmitted": APPROVAL,
    "supplement_requested": APPROVAL,
    "functional_test": FUNCTIONAL_TEST,
    "security_check": SECURITY_CHECK,
    "contract": CONTRACT,
    # Not an application state: the §6.3 window the centre's notice opens, fed in by the selector.
    "bank_negotiation": BANK_NEGOTIATION,
}
# The clock shown while the case is in a state: the waiting-on-applicant state shows its own.
CLOCK_OF_STATE = {
    "submitted": APPROVAL,
    "resubmitted": APPROVAL,
    "supplement_requested": SUPPLEMENT,
    "functional_test": FUNCTIONAL_TEST,
    "security_check": SECURITY_CHECK,
    "contract": CONTRACT,
    "bank_negotiation": BANK_NEGOTIATION,
}
RUNNING_STATES = {
    APPROVAL: {"submitted", "resubmitted"},
    SUPPLEMENT: {"supplement_requested"},
    FUNCTIONAL_TEST: {"functional_test"},
    SECURITY_CHECK: {"security_check"},
    CONTRACT: {"contract"},
    BANK_NEGOTIATION: {"bank_negotiation"},
}


class Colour:
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True)
class Clock:
    step: str
    started_on: datetime.date  # identifies the stretch (one escalation per breach)
    elapsed: int  # business days, pauses excluded
    target: int
    amber_ratio: float = DEFAULT_AMBER_RATIO

    @property
    def colour(self) -> str:
        return colour_of(self.elapsed, self.target, self.amber_ratio)

    @property
    def breached(self) -> bool:
        return self.elapsed > self.target


@dataclass(frozen=True)
class CompletedClock:
    step: str
    ended_on: datetime.date
    elapsed: int


def colour_of(elapsed: int, target: int, amber_ratio: float = DEFAULT_AMBER_RATIO) -> str:
    if elapsed > target:
        return Colour.RED
    if elapsed >= target * amber_ratio:
        return Colour.AMBER
    return Colour.GREEN


def _local_date(moment: datetime.datetime | datetime.date) -> datetime.date:
    if isinstance(moment, datetime.datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(SEOUL)
        return moment.date()
    return moment


def _segments(history: Sequence[tuple[str, datetime.datetime]], now) -> list:
    """[(state, (entered on, left on)), ...] in local dates, the last one ending `now`."""
    ordered = sorted(history, key=lambda item: item[1])
    out = []
    for i, (state, entered_at) in enumerate(ordered):
        end = ordered[i + 1][1] if i + 1 < len(ordered) else now
        out.append((state, (_local_date(entered_at), _local_date(end))))
    return out


def _stretches(segments):
    """Group consecutive segments of one family: [(family, [(state, (start, end)), ...]), ...]."""
    stretches: list[tuple[str | None, list]] = []
    for state, span in segments:
        family = FAMILY.get(state)
        if stretches and stretches[-1][0] == family:
            stretches[-1][1].append((state, span))
        else:
            stretches.append((family, [(state, span)]))
    return stretches


def _count(calendar, spans) -> int:
    return sum(calendar.business_days_between(start, end) for start, end in spans)


def elapsed_business_days(
    history: Sequence[tuple[str, datetime.datetime]],
    calendar,
    *,
    now: datetime.datetime | datetime.date,
    targets: dict | None = None,
    amber_ratio: float = DEFAULT_AMBER_RATIO,
) -> Clock | None:
    """The clock of the current waiting step, or None when nobody's clock runs (draft, approved,
    live, closed). Business days are counted in Korean local dates."""
    if not history:
        return None
    targets = {**DEFAULT_TARGETS, **(targets or {})}
    segments = _segments(history, now)
    current_state = segments[-1][0]
    step = CLOCK_OF_STATE.get(current_state)
    if step is None:
        return None
    _family, stretch = _stretches(segments)[-1]
    if step == SUPPLEMENT:
        stretch = stretch[-1:]  # each supplement request has its own answer period
    spans = [span for state, span in stretch if state in RUNNING_STATES[step]]
    return Clock(
        step=step,
        started_on=stretch[0][1][0],
        elapsed=_count(calendar, spans),
        target=int(targets[step]),
        amber_ratio=amber_ratio,
    )


def completed_clocks(
    history: Sequence[tuple[str, datetime.datetime]], calendar
) -> list[CompletedClock]:
    """Each finished stretch of a staff step with its business days — the SLA report's input."""
    if not history:
        return []
    segments = _segments(history, max(entered_at for _state, entered_at in history))
    stretches = _stretches(segments)
    out = []
    for index, (family, stretch) in enumerate(stretches):
        if family is None or index == len(stretches) - 1:
            continue  # not a staff step, or still open
        spans = [span for state, span in stretch if state in RUNNING_STATES[family]]
        out.append(
            CompletedClock(step=family, ended_on=stretch[-1][1][1], elapsed=_count(calendar, spans))
        )
    # Each answered supplement request is one finished answer period.
    for state, span in segments[:-1]:
        if state == "supplement_requested":
            out.append(
                CompletedClock(step=SUPPLEMENT, ended_on=span[1], elapsed=_count(calendar, [span]))
            )
    return out
