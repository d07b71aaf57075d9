"""Scale data generator for the benchmarks (issue 9): bulk inserts, deterministic, idempotent.

Generates what the portal has models for today: 10,000 institutions across all steps (one application
each) and 50,000 audit rows. Sub-merchants, contract accounts and usage join here as they land.
"""

import random

from django.db import transaction

from applications.models import Application, AuditEntry, Institution, Membership, State
from applications.validators import brn_check_digit

INSTITUTIONS = 10_000
AUDIT_ROWS = 50_000
STATES = [s for s in State.values]


def brn(i: int) -> str:
    first9 = f"{101 + i // 10_000:03d}{(i // 100) % 99 + 1:02d}{i % 10_000:04d}"
    return first9 + str(brn_check_digit(first9))


@transaction.atomic
def generate(
    *, owner, staff, institutions: int = INSTITUTIONS, audit_rows: int = AUDIT_ROWS
) -> dict:
    if Institution.objects.filter(name__startswith="벤치기관").count() >= institutions:
        return {"created": 0}
    rng = random.Random(20261125)
    insts = Institution.objects.bulk_create(
        [
            Institution(
                name=f"벤치기관 {i:05d}",
                business_registration_number=brn(i),
                representative="대표",
                address="서울",
                paid_in_capital=rng.choice([3 * 10**8, 15 * 10**8, 25 * 10**8, 10**11]),
                institution_type="bank" if i % 500 == 0 else "fintech",
                contact_name="담당",
                contact_email=f"bench{i}@example.kr",
                contact_phone="02",
            )
            for i in range(institutions)
        ],
        batch_size=2000,
    )
    Membership.objects.bulk_create(
        [Membership(user=owner, institution=inst, role="admin") for inst in insts[:50]],
        batch_size=2000,
    )
    apps = Application.objects.bulk_create(
        [
            Application(
                institution=inst,
                service_name=f"서비스 {k}",
                service_description="벤치마크",
                state=STATES[k % len(STATES)],
                created_by=owner,
            )
            for k, inst in enumerate(insts)
        ],
        batch_size=2000,
    )
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                application=apps[k % len(apps)],
                institution=insts[k % len(insts)],
                action="application.edited",
                actor=staff,
                reason="bench",
            )
            for k in range(audit_rows)
        ],
        batch_size=5000,
    )
    return {"created": len(insts)}
