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
from dataclasses import asdict, dataclass

from django.db import connection, transaction
from django.utils import timezone

from applications.models import Application, AuditEntry, Institution, Membership, State
from applications.validators import brn_check_digit
from casework.models import Escalation
from contracts.models import AccountPurpose, Bank, Contract, ContractAccount
from operations.models import DailyUsage, SubMerchant
from reviews.models import (
    Agency,
    ChecklistItem,
    FunctionalTestFunction,
    FunctionalTestRequest,
    FunctionalTestRound,
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
    from . import scale_reviews as reviews

    now = timezone.now()
    with _timed(stats, "test_rounds"):
        stats["test_requests"], stats["test_rounds"] = reviews.functional_tests(
            scale, owner, staff, now
        )
    with _timed(stats, "security_checks"):
        stats["security_checks"] = reviews.security_checks(scale, owner, staff, now)
    with _timed(stats, "escalations"):
        stats["escalations"] = reviews.escalations(scale, staff, now)
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
