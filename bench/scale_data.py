"""Scale data generator for the benchmarks (issue 9): bulk inserts in batches, deterministic, idempotent.

At full scale (the operator's size):
- 10,000 institutions, one application each, across every state (a quarter of them live);
- contracts with 100 contract accounts each for 500 of the live institutions (50,000 accounts);
- 20,000 sub-merchants of live institutions;
- a year of daily usage (withdrawal and deposit) for 2,000 live institutions (~1.46 M rows);
- 50,000 transition-log rows (`AuditEntry`);
- the review records of every application that reached the functional test (functional_test and
  every later state: 5,962): its functional-test request with 1-3 functions (11,917), one round or,
  for a quarter, a failed one before it (7,451 rounds, 14,894 checklist items): passed for those
  past the step, open for those in it, 20 of them opened past the policy's target (overdue);
- the two security checks (institution, vulnerability) of every application that reached the
  security check (10,770 checks), each with one of 5 bench agencies: accepted for those past the
  step, applied or in progress for those in it, both checks of 20 of them applied past the
  target (overdue);
- 40 open SLA escalations, of those 40 overdue applications, with the audit rows of their state
  history (180), so that the clock `casework.selectors.open_escalations` reads still runs in the
  stretch each escalation was raised for.

Each section counts what is already there and only adds what is missing, so the generator can run
on an empty database, on a partly generated one, or again (then it inserts nothing). The usage rows
are generated server-side on PostgreSQL (INSERT … SELECT generate_series: the same rows bulk_create
would write, ~10× faster); elsewhere by bulk_create.
"""

import datetime
import random
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from django.db import connection, transaction
from django.utils import timezone

from applications.audit import state_history
from applications.models import Application, AuditEntry, Institution, Membership, State
from applications.validators import brn_check_digit
from casework.clocks import history_of
from casework.models import Escalation
from casework.policy import sla_targets
from casework.sla import SEOUL, elapsed_business_days
from contracts.models import AccountPurpose, Bank, Contract, ContractAccount
from operations.models import DailyUsage, SubMerchant
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

PREFIX = "벤치기관"
BATCH = 2_000
USAGE_APIS = ["withdraw", "deposit"]
USAGE_LAST_DAY = datetime.date(2026, 9, 30)


@dataclass(frozen=True)
class Scale:
    institutions: int
    live: int  # how many of them are live (the rest spread over every other state)
    contracts: int
    accounts_per_contract: int
    sub_merchants: int
    usage_institutions: int
    usage_days: int
    audit_rows: int
    owner_memberships: int  # institutions the benchmark's busy user (a consultant) belongs to
    agencies: int  # designated security-check agencies
    overdue_per_step: int  # in functional_test and in security_check: round / checks past target
    escalations: int  # open SLA escalations, of those overdue applications


SCALES = {
    "full": Scale(
        institutions=10_000,
        live=2_500,
        contracts=500,
        accounts_per_contract=100,
        sub_merchants=20_000,
        usage_institutions=2_000,
        usage_days=365,
        audit_rows=50_000,
        owner_memberships=50,
        agencies=5,
        overdue_per_step=20,
        escalations=40,
    ),
    "tiny": Scale(
        institutions=40,
        live=12,
        contracts=3,
        accounts_per_contract=4,
        sub_merchants=30,
        usage_institutions=5,
        usage_days=31,
        audit_rows=120,
        owner_memberships=3,
        agencies=2,
        overdue_per_step=1,
        escalations=2,
    ),
}
OTHER_STATES = [s for s in State.values if s != State.LIVE]


def brn(i: int) -> str:
    first9 = f"{101 + i // 10_000:03d}{(i // 100) % 99 + 1:02d}{i % 10_000:04d}"
    return first9 + str(brn_check_digit(first9))


def state_of(i: int, scale: Scale) -> str:
    """Live for the first `scale.live`, then round-robin over every other state."""
    return State.LIVE if i < scale.live else OTHER_STATES[i % len(OTHER_STATES)]


def _timed(stats: dict, name: str):
    class Timer:
        def __enter__(self):
            self.started = time.perf_counter()

        def __exit__(self, *exc):
            stats[f"{name}_s"] = round(time.perf_counter() - self.started, 2)

    return Timer()


def bench_institutions():
    return Institution.objects.filter(name__startswith=PREFIX)


def live_institution_ids(limit: int) -> list[int]:
    return list(
        bench_institutions()
        .filter(applications__state=State.LIVE)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


@transaction.atomic
def _institutions(scale: Scale, owner) -> int:
    have = bench_institutions().count()
    if have >= scale.institutions:
        return 0
    rng = random.Random(20261125 + have)
    insts = Institution.objects.bulk_create(
        [
            Institution(
                name=f"{PREFIX} {i:05d}",
                business_registration_number=brn(i),
                representative="대표",
                address="서울",
                paid_in_capital=rng.choice([3 * 10**8, 15 * 10**8, 25 * 10**8, 10**11]),
                institution_type="bank" if i % 500 == 0 else "fintech",
                contact_name="담당",
                contact_email=f"bench{i}@example.kr",
                contact_phone="02",
            )
            for i in range(have, scale.institutions)
        ],
        batch_size=BATCH,
    )
    Application.objects.bulk_create(
        [
            Application(
                institution=inst,
                service_name=f"서비스 {k}",
                service_description="벤치마크",
                state=state_of(k, scale),
                created_by=owner,
            )
            for k, inst in enumerate(insts, start=have)
        ],
        batch_size=BATCH,
    )
    return len(insts)


@transaction.atomic
def add_memberships(user, count: int) -> int:
    """`user` administers `count` bench institutions, live ones first (the heaviest pages)."""
    have = Membership.objects.filter(user=user, institution__name__startswith=PREFIX).count()
    if have >= count:
        return 0
    taken = Membership.objects.filter(user=user).values("institution_id")
    insts = bench_institutions().exclude(pk__in=taken).order_by("pk")
    rows = [
        Membership(user=user, institution_id=pk, role="admin")
        for pk in insts.values_list("pk", flat=True)[: count - have]
    ]
    Membership.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


@transaction.atomic
def _contracts(scale: Scale, staff) -> int:
    """Signed contracts for the first live institutions, each with its contract accounts."""
    live_apps = Application.objects.filter(
        institution_id__in=live_institution_ids(scale.contracts), state=State.LIVE
    ).order_by("pk")
    missing = list(live_apps.filter(contract__isnull=True))
    banks = list(Bank.objects.order_by("code"))
    if not banks:
        from contracts.banks import load_participating_banks

        load_participating_banks(Bank)
        banks = list(Bank.objects.order_by("code"))
    signed = datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC)
    contracts = Contract.objects.bulk_create(
        [
            Contract(
                application=app,
                main_bank=banks[k % len(banks)],
                main_bank_withdrawal_fee_krw=30,
                main_bank_deposit_fee_krw=20,
                usage_limit_krw=1_000_000_000,
                daily_withdrawal_limit_krw=100_000_000,
                guarantee_type="centre",
                signed_at=signed,
                signed_by=staff,
            )
            for k, app in enumerate(missing)
        ],
        batch_size=BATCH,
    )
    with_accounts = ContractAccount.objects.values("contract_id")
    need = Contract.objects.filter(application__in=live_apps).exclude(pk__in=with_accounts)
    rows = [
        ContractAccount(
            contract_id=contract.pk,
            bank_id=contract.main_bank_id,
            account_number=f"{contract.pk % 10**6:06d}{n:06d}",
            purpose=AccountPurpose.SETTLEMENT if n else AccountPurpose.FEE_PAYMENT,
            holder_name="벤치기관",
        )
        for contract in need.only("pk", "main_bank_id")
        for n in range(scale.accounts_per_contract)
    ]
    for start in range(0, len(rows), 10_000):
        ContractAccount.objects.bulk_create(rows[start : start + 10_000], batch_size=BATCH)
    return len(contracts)


@transaction.atomic
def _sub_merchants(scale: Scale, owner) -> int:
    have = SubMerchant.objects.filter(institution__name__startswith=PREFIX).count()
    if have >= scale.sub_merchants:
        return 0
    ids = live_institution_ids(scale.usage_institutions)
    statuses = [SubMerchant.Status.APPROVED] * 8 + [
        SubMerchant.Status.SUBMITTED,
        SubMerchant.Status.REJECTED,
    ]
    rows = [
        SubMerchant(
            institution_id=ids[k % len(ids)],
            name=f"하위사업자 {k:05d}",
            business_registration_number=brn(50_000 + k),
            business_description="온라인 쇼핑몰",
            self_check={"gambling": False, "adult": False},
            self_check_clear=True,
            status=statuses[k % len(statuses)],
            submitted_by=owner,
        )
        for k in range(have, scale.sub_merchants)
    ]
    SubMerchant.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _usage(scale: Scale) -> int:
    ids = live_institution_ids(scale.usage_institutions)
    first = USAGE_LAST_DAY - datetime.timedelta(days=scale.usage_days - 1)
    have = DailyUsage.objects.filter(institution_id__in=ids, day__gte=first)
    if have.count() >= len(ids) * scale.usage_days * len(USAGE_APIS):
        return 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                # Daily count (id % 7) × 700: monthly 0 … ~126,000, so some small institutions
                # cross the 100,000 fee criterion and others never do.
                cur.execute(
                    """
                    INSERT INTO operations_dailyusage
                        (institution_id, day, api, count, amount_krw, updated_at)
                    SELECT i.id, d::date, a.api,
                           (i.id %% 7) * 700 + (extract(day from d)::int %% 5),
                           ((i.id %% 7) * 700) * 25000, now()
                    FROM applications_institution i
                    CROSS JOIN generate_series(%s::date, %s::date, interval '1 day') d
                    CROSS JOIN unnest(%s::text[]) a(api)
                    WHERE i.id = ANY(%s)
                    ON CONFLICT (institution_id, day, api) DO NOTHING
                    """,
                    [first, USAGE_LAST_DAY, USAGE_APIS, ids],
                )
                return cur.rowcount
        rows = [
            DailyUsage(
                institution_id=pk,
                day=first + datetime.timedelta(days=d),
                api=api,
                count=(pk % 7) * 700 + d % 5,
                amount_krw=(pk % 7) * 700 * 25_000,
            )
            for pk in ids
            for d in range(scale.usage_days)
            for api in USAGE_APIS
        ]
        DailyUsage.objects.bulk_create(rows, batch_size=5_000, ignore_conflicts=True)
        return len(rows)


@transaction.atomic
def _audit(scale: Scale, staff) -> int:
    have = AuditEntry.objects.filter(reason="bench").count()
    if have >= scale.audit_rows:
        return 0
    apps = list(
        Application.objects.filter(institution__name__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", "institution_id", "state")
    )
    rows = []
    for k in range(have, scale.audit_rows):
        app_pk, inst_pk, state = apps[k % len(apps)]
        rows.append(
            AuditEntry(
                application_id=app_pk,
                institution_id=inst_pk,
                action="application.edited" if k % 3 else "application.submitted",
                actor=staff,
                to_state=state if k % 3 == 0 else "",
                reason="bench",
            )
        )
    for start in range(0, len(rows), 10_000):
        AuditEntry.objects.bulk_create(rows[start : start + 10_000], batch_size=BATCH)
    return len(rows)


# --- reviews: functional tests, security checks, SLA escalations -----------------------------

# applications/models/application.py: functional_test → security_check → contract →
# launch_scheduled → live ⇄ suspended → terminated.
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
def _functional_tests(scale: Scale, owner, staff, now) -> tuple[int, int]:
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
def _security_checks(scale: Scale, owner, staff, now) -> int:
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
def _escalations(scale: Scale, staff, now) -> int:
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


CREATED = [
    "institutions",
    "contracts",
    "sub_merchants",
    "usage_rows",
    "audit_rows",
    "test_requests",
    "test_rounds",
    "security_checks",
    "escalations",
]


def generate(*, owner, staff, scale: str | Scale = "full") -> dict:
    """Create whatever of the scale data set is missing; returns rows created and seconds per part."""
    if isinstance(scale, str):
        scale = SCALES[scale]
    stats: dict = {}
    started = time.perf_counter()
    with _timed(stats, "institutions"):
        stats["institutions"] = _institutions(scale, owner)
    stats["memberships"] = add_memberships(owner, scale.owner_memberships)
    with _timed(stats, "contracts"):
        stats["contracts"] = _contracts(scale, staff)
    with _timed(stats, "sub_merchants"):
        stats["sub_merchants"] = _sub_merchants(scale, owner)
    with _timed(stats, "usage_rows"):
        stats["usage_rows"] = _usage(scale)
    with _timed(stats, "audit_rows"):
        stats["audit_rows"] = _audit(scale, staff)
    now = timezone.now()
    with _timed(stats, "test_rounds"):
        stats["test_requests"], stats["test_rounds"] = _functional_tests(scale, owner, staff, now)
    with _timed(stats, "security_checks"):
        stats["security_checks"] = _security_checks(scale, owner, staff, now)
    with _timed(stats, "escalations"):
        stats["escalations"] = _escalations(scale, staff, now)
    if connection.vendor == "postgresql" and any(stats[k] for k in CREATED):
        with connection.cursor() as cur:
            # VACUUM as autovacuum would in production (the visibility map lets index-only scans
            # work); not possible inside a transaction (the smoke test's), where ANALYZE is enough.
            cur.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    stats["total_s"] = round(time.perf_counter() - started, 2)
    return stats


def totals() -> dict:
    """What the data set holds now (all of it, not only what this run created)."""
    return {
        "institutions": Institution.objects.count(),
        "applications": Application.objects.count(),
        "live": Application.objects.filter(state=State.LIVE).count(),
        "contracts": Contract.objects.count(),
        "contract_accounts": ContractAccount.objects.count(),
        "sub_merchants": SubMerchant.objects.count(),
        "usage_rows": DailyUsage.objects.count(),
        "audit_rows": AuditEntry.objects.count(),
        "test_requests": FunctionalTestRequest.objects.count(),
        "test_functions": FunctionalTestFunction.objects.count(),
        "test_rounds": FunctionalTestRound.objects.count(),
        "checklist_items": ChecklistItem.objects.count(),
        "agencies": Agency.objects.count(),
        "security_checks": SecurityCheck.objects.count(),
        "escalations": Escalation.objects.count(),
    }


def describe(scale: str | Scale) -> dict:
    return asdict(SCALES[scale] if isinstance(scale, str) else scale)


def run(scale: str = "full") -> list[dict]:
    """The generator as a benchmark: what it created now and how long each part took, then totals."""
    from .pages import ensure_database, users

    ensure_database()
    owner, staff = users()
    created = generate(owner=owner, staff=staff, scale=scale)
    return [
        {"part": "created now", **{k: v for k, v in created.items() if not k.endswith("_s")}},
        {"part": "seconds", **{k[:-2]: v for k, v in created.items() if k.endswith("_s")}},
        {"part": "in database", **totals()},
    ]
