"""Scale data for the review steps (bench/scale_data.py calls it): the functional-test requests
and rounds, the security checks and their agencies, and open SLA escalations with the state
histories their clocks read. Bulk inserts, deterministic, idempotent per application."""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from applications.audit import state_history
from applications.models import Application, AuditEntry, State
from casework.clocks import history_of
from casework.models import Escalation
from casework.policy import sla_targets
from casework.sla import SEOUL, elapsed_business_days
from policies.calendar import BusinessCalendar
from reviews.api_catalogue import API_BY_CODE
from reviews.models import (
    Agency,
    CheckKind,
    ChecklistItem,
    CheckStatus,
    FunctionalTestFunction,
    FunctionalTestRequest,
    FunctionalTestRound,
    ItemResult,
    RoundOutcome,
    SecurityCheck,
)

from .scale_data import BATCH, PREFIX, Scale

PAST_SECURITY_CHECK = [
    State.CONTRACT,
    State.LAUNCH_SCHEDULED,
    State.LIVE,
    State.SUSPENDED,
    State.TERMINATED,
]
REACHED_SECURITY_CHECK = [State.SECURITY_CHECK, *PAST_SECURITY_CHECK]
REACHED_FUNCTIONAL_TEST = [State.FUNCTIONAL_TEST, *REACHED_SECURITY_CHECK]
AGENCY_PREFIX = "벤치점검기관"
SLA_REASON = "bench-sla"  # marks the state history written for the escalated applications
TEST_APIS = ["balance", "transaction_list", "withdraw", "deposit", "real_name", "account_list"]
# Days before the run at which the security checks were accepted: (first, spread) per later state.
ACCEPTED_DAYS_AGO = {
    State.CONTRACT: (5, 30),
    State.LAUNCH_SCHEDULED: (40, 30),
    State.LIVE: (90, 300),
    State.SUSPENDED: (200, 200),
    State.TERMINATED: (300, 200),
}
CHECK_DAYS = 45  # applied → accepted
VALID_DAYS = 730  # an accepted result's validity (no reminder falls due in the data set)


@dataclass(frozen=True)
class ReviewApp:
    pk: int
    institution_id: int
    state: str
    n: int  # rank among the bench applications in its state: spreads the values
    overdue: bool  # its open round / checks are past the policy's target


def _spread(size: int, count: int) -> set[int]:
    return {k * size // count for k in range(min(size, count))}


def review_apps(scale: Scale, states: list[str]) -> list[ReviewApp]:
    """The bench applications in `states`, ranked within their state (the same rank whatever
    `states` holds); `overdue_per_step` of those in functional_test / security_check are overdue."""
    rows = (
        Application.objects.filter(institution__name__startswith=PREFIX, state__in=states)
        .order_by("pk")
        .values_list("pk", "institution_id", "state")
    )
    by_state: dict[str, list] = {}
    for row in rows:
        by_state.setdefault(row[2], []).append(row)
    out = []
    for state, group in by_state.items():
        late = (
            _spread(len(group), scale.overdue_per_step)
            if state in (State.FUNCTIONAL_TEST, State.SECURITY_CHECK)
            else set()
        )
        out += [ReviewApp(pk, inst, state, n, n in late) for n, (pk, inst, _s) in enumerate(group)]
    return sorted(out, key=lambda a: a.pk)


def _check_days(app: ReviewApp) -> tuple[int, int | None]:
    """(days ago the checks were applied for, days ago they were accepted or None)."""
    if app.state == State.SECURITY_CHECK:
        return (70 + app.n % 30 if app.overdue else 3 + app.n % 50), None  # target: 60 days
    first, spread = ACCEPTED_DAYS_AGO[app.state]
    accepted = first + app.n % spread
    return accepted + CHECK_DAYS, accepted


def _rounds(app: ReviewApp) -> list[tuple[int, int | None, str]]:
    """(opened, closed) days ago and outcome of each round, oldest first. Every fourth application
    failed a first round; those past the step passed the last one the day they moved on."""
    two = app.n % 4 == 3
    if app.state == State.FUNCTIONAL_TEST:
        last = 21 + app.n % 20 if app.overdue else 1 + app.n % 10  # target: 14 days
        failed = [(last + 12, last + 5, RoundOutcome.FAILED)] if two else []
        return [*failed, (last, None, RoundOutcome.OPEN)]
    moved_on = _check_days(app)[0] + 3  # the checks were applied for 3 days after
    if two:
        return [
            (moved_on + 20, moved_on + 14, RoundOutcome.FAILED),
            (moved_on + 10, moved_on, RoundOutcome.PASSED),
        ]
    return [(moved_on + 7, moved_on, RoundOutcome.PASSED)]


def _apis(app: ReviewApp) -> list[str]:
    start = app.n % len(TEST_APIS)
    return [TEST_APIS[(start + k) % len(TEST_APIS)] for k in range(1 + app.n % 3)]


def _use_of(code: str) -> str:
    return f"{API_BY_CODE[code].name} — 서비스 화면에서 호출"


def _test_build(app: ReviewApp) -> str:
    return f"https://test{app.institution_id}.bench.example.kr (테스트 계정 bench / bench1234)"


@transaction.atomic
def functional_tests(scale: Scale, owner, staff, now) -> tuple[int, int]:
    """Each application that reached the functional test: its request (with its functions) and
    its rounds (with one checklist item per function). Returns (requests, rounds) created."""
    apps = review_apps(scale, REACHED_FUNCTIONAL_TEST)
    bench = {"application__institution__name__startswith": PREFIX}
    requested = set(FunctionalTestRequest.objects.filter(**bench).values_list("application_id"))
    tested = set(FunctionalTestRound.objects.filter(**bench).values_list("application_id"))

    def ago(days):
        return now - datetime.timedelta(days=days)

    new_requests = [a for a in apps if (a.pk,) not in requested]
    requests = FunctionalTestRequest.objects.bulk_create(
        [
            FunctionalTestRequest(
                application_id=a.pk,
                test_build=_test_build(a),
                submitted_at=ago(_rounds(a)[-1][0]),  # each request for a round submits it again
                submitted_by=owner,
            )
            for a in new_requests
        ],
        batch_size=BATCH,
    )
    FunctionalTestFunction.objects.bulk_create(
        [
            FunctionalTestFunction(request_id=request.pk, api_code=code, usage=_use_of(code))
            for a, request in zip(new_requests, requests, strict=True)
            for code in _apis(a)
        ],
        batch_size=BATCH,
    )
    planned = [
        (a, number, plan)
        for a in apps
        if (a.pk,) not in tested
        for number, plan in enumerate(_rounds(a), start=1)
    ]
    rounds = FunctionalTestRound.objects.bulk_create(
        [
            FunctionalTestRound(
                application_id=a.pk,
                number=number,
                test_build=_test_build(a),
                outcome=outcome,
                opened_at=ago(opened),
                opened_by=owner,
                closed_at=None if closed is None else ago(closed),
                closed_by=None if closed is None else staff,
                note="응답 전문 오류 보완 후 재요청" if outcome == RoundOutcome.FAILED else "",
            )
            for a, number, (opened, closed, outcome) in planned
        ],
        batch_size=BATCH,
    )
    items = []
    for (a, _number, (_opened, closed, outcome)), round_ in zip(planned, rounds, strict=True):
        for k, code in enumerate(_apis(a)):
            failed = outcome == RoundOutcome.FAILED and k == 0
            items.append(
                ChecklistItem(
                    round_id=round_.pk,
                    api_code=code,
                    usage=_use_of(code),
                    result=(
                        ItemResult.PENDING
                        if outcome == RoundOutcome.OPEN
                        else ItemResult.FAILED
                        if failed
                        else ItemResult.PASSED
                    ),
                    note="응답 필드 누락 (rsp_code)" if failed else "",
                    checked_at=None if closed is None else ago(closed),
                    checked_by=None if closed is None else staff,
                )
            )
    ChecklistItem.objects.bulk_create(items, batch_size=BATCH)
    return len(requests), len(rounds)


def bench_agencies(scale: Scale) -> list[Agency]:
    names = [f"{AGENCY_PREFIX} {n:02d}" for n in range(1, scale.agencies + 1)]
    have = set(Agency.objects.filter(name__in=names).values_list("name", flat=True))
    Agency.objects.bulk_create(
        [
            Agency(
                name=name,
                contact_name="점검 담당",
                email=f"agency{n}@bench.example.kr",
                phone="02-000-0000",
            )
            for n, name in enumerate(names, start=1)
            if name not in have
        ]
    )
    return list(Agency.objects.filter(name__in=names).order_by("name"))


@transaction.atomic
def security_checks(scale: Scale, owner, staff, now) -> int:
    """Both checks of each application that reached the security check: accepted for those past
    the step; applied or in progress (agency at work) for those in it."""
    agencies = bench_agencies(scale)
    have = set(
        SecurityCheck.objects.filter(application__institution__name__startswith=PREFIX).values_list(
            "application_id", "kind"
        )
    )
    rows = []
    for a in review_apps(scale, REACHED_SECURITY_CHECK):
        applied_days, accepted_days = _check_days(a)
        applied = now - datetime.timedelta(days=applied_days)
        for k, kind in enumerate(CheckKind.values):
            if (a.pk, kind) in have:
                continue
            if accepted_days is None:
                at_work = applied_days >= 10 and (a.n + k) % 3
                status = CheckStatus.IN_PROGRESS if at_work else CheckStatus.APPLIED
                result = {}
            else:
                status = CheckStatus.ACCEPTED
                accepted = now - datetime.timedelta(days=accepted_days)
                result = {
                    "result_submitted_at": accepted - datetime.timedelta(days=10),
                    "result_summary": "미흡 항목 없음",
                    "accepted_at": accepted,
                    "accepted_by": staff,
                    "valid_until": accepted.date() + datetime.timedelta(days=VALID_DAYS),
                }
            agreed_start = applied.date() + datetime.timedelta(days=5)
            rows.append(
                SecurityCheck(
                    application_id=a.pk,
                    kind=kind,
                    status=status,
                    agency=agencies[(a.n + k) % len(agencies)],
                    agreed_start=agreed_start,
                    agreed_end=agreed_start + datetime.timedelta(days=30),
                    applied_at=applied,
                    applied_by=owner,
                    started_at=(
                        None
                        if status == CheckStatus.APPLIED
                        else applied + datetime.timedelta(days=7)
                    ),
                    **result,
                )
            )
    SecurityCheck.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


@contextmanager
def _given(model, field_name: str):
    """Write an `auto_now_add` field's given value: history recorded after the fact (the audit log
    is append-only, so its times cannot be set back once written)."""
    field = model._meta.get_field(field_name)
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


def _history(app: ReviewApp, rounds: list[FunctionalTestRound]) -> list[tuple]:
    """(action, from, to, at) of the transitions that brought the application to its step."""
    entered_test = rounds[0].opened_at
    approved = entered_test - datetime.timedelta(days=20)
    rows = [
        (
            "application.submitted",
            State.DRAFT,
            State.SUBMITTED,
            approved - datetime.timedelta(days=15),
        ),
        ("application.approved", State.SUBMITTED, State.APPROVED, approved),
        ("functional_test.requested", State.APPROVED, State.FUNCTIONAL_TEST, entered_test),
    ]
    if app.state == State.SECURITY_CHECK:
        passed = rounds[-1].closed_at
        rows.append(("functional_test.passed", State.FUNCTIONAL_TEST, State.SECURITY_CHECK, passed))
    return rows


@transaction.atomic
def escalations(scale: Scale, staff, now) -> int:
    """Open SLA escalations for overdue applications (in functional_test and security_check in
    turn), as `casework.escalation.escalate_breaches` records them on the day the clock passed its
    target, after the audit rows of the state history that clock reads."""
    overdue = [
        a for a in review_apps(scale, [State.FUNCTIONAL_TEST, State.SECURITY_CHECK]) if a.overdue
    ]
    overdue.sort(key=lambda a: (a.n, a.state != State.FUNCTIONAL_TEST))
    chosen = {a.pk: a for a in overdue[: scale.escalations]}
    escalated = set(
        Escalation.objects.filter(application_id__in=chosen).values_list("application_id")
    )
    missing = [a for pk, a in chosen.items() if (pk,) not in escalated]
    if not missing:
        return 0
    logged = set(
        AuditEntry.objects.filter(
            application_id__in=[a.pk for a in missing], reason=SLA_REASON
        ).values_list("application_id")
    )
    rounds: dict[int, list] = {}
    for round_ in FunctionalTestRound.objects.filter(
        application_id__in=[a.pk for a in missing]
    ).order_by("number"):
        rounds.setdefault(round_.application_id, []).append(round_)
    history = [
        AuditEntry(
            application_id=a.pk,
            institution_id=a.institution_id,
            action=action,
            actor=staff if action != "functional_test.requested" else None,
            at=at,
            from_state=from_state,
            to_state=to_state,
            reason=SLA_REASON,
        )
        for a in missing
        if (a.pk,) not in logged and a.pk in rounds
        for action, from_state, to_state, at in _history(a, rounds[a.pk])
    ]
    with _given(AuditEntry, "at"):
        AuditEntry.objects.bulk_create(history, batch_size=BATCH)
    calendar = BusinessCalendar.current()
    targets, amber = sla_targets(timezone.localdate(now))
    rows = []
    for application in Application.objects.filter(pk__in=[a.pk for a in missing]).prefetch_related(
        state_history()
    ):
        clock = elapsed_business_days(
            history_of(application), calendar, now=now, targets=targets, amber_ratio=amber
        )
        if clock is None or not clock.breached:
            continue
        breached_on = calendar.add_business_days(clock.started_on, clock.target + 1)
        raised = min(datetime.datetime.combine(breached_on, datetime.time(9), SEOUL), now)
        rows.append(
            Escalation(
                application=application,
                step=clock.step,
                started_on=clock.started_on,
                elapsed_days=clock.target + 1,
                target_days=clock.target,
                created_at=raised,
                notified_at=raised + datetime.timedelta(minutes=1),
            )
        )
    with _given(Escalation, "created_at"):
        Escalation.objects.bulk_create(rows, batch_size=BATCH)
    with _given(AuditEntry, "at"):
        AuditEntry.objects.bulk_create(
            [
                AuditEntry(
                    application_id=e.application_id,
                    institution_id=e.application.institution_id,
                    action="sla.escalated",
                    at=e.created_at,
                    reason=SLA_REASON,
                    data={
                        "step": e.step,
                        "elapsed": e.elapsed_days,
                        "target": e.target_days,
                        "escalation": e.pk,
                    },
                )
                for e in rows
            ],
            batch_size=BATCH,
        )
    return len(rows)
