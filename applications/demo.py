"""Demo data: the 18 banks, a staff user with TOTP, an applicant, and institutions across the steps."""

import datetime

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.roles import ensure_staff_group
from contracts.banks import load_participating_banks
from contracts.models import Bank
from contracts.preparation import prepare_signed_contract
from reviews import demo as review_steps

from .filing import create_application, create_institution
from .lifecycle import apply_transition
from .models import Institution

DEMO_PASSWORD = "demo-pass-2026!"
STAFF_EMAIL = "staff@demo.openbanking.kr"
APPLICANT_EMAIL = "applicant@demo.openbanking.kr"
AGENCY_EMAIL = "agency@demo.openbanking.kr"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

# name, BRN, capital (KRW), type, transitions to run (staff unless marked)
INSTITUTIONS = [
    ("주식회사 페이브릿지", "1348672683", 500_000_000, "fintech", []),
    ("한빛핀테크 주식회사", "2208162517", 1_200_000_000, "fintech", ["submit"]),
    ("머니트리 주식회사", "1208147521", 3_000_000_000, "fintech", ["submit", "approve"]),
    (
        "주식회사 세이프월렛",
        "2148869737",
        15_000_000_000,
        "fintech",
        ["submit", "approve", "request_functional_test", "pass_functional_test"],
    ),
    (
        "코인없는결제 주식회사",
        "1078155843",
        800_000_000,
        "fintech",
        [
            "submit",
            "approve",
            "request_functional_test",
            "pass_functional_test",
            "pass_security_check",
        ],
    ),
    (
        "가온뱅킹서비스 주식회사",
        "1188120378",
        25_000_000_000,
        "fintech",
        [
            "submit",
            "approve",
            "request_functional_test",
            "pass_functional_test",
            "pass_security_check",
            "sign",
            "schedule_launch",
            "go_live",
        ],
    ),
]
APPLICANT_TRANSITIONS = {"submit", "request_functional_test", "resubmit", "withdraw"}


def ensure_user(email: str, *, staff: bool = False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        email=email, defaults={"username": email, "is_staff": staff}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


@transaction.atomic
def load_demo() -> dict:
    load_participating_banks(Bank)
    staff = ensure_user(STAFF_EMAIL, staff=True)
    staff.groups.add(ensure_staff_group())
    if not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(staff, DEMO_TOTP_SECRET)
    applicant = ensure_user(APPLICANT_EMAIL)
    from reviews.models import AgencyMembership

    AgencyMembership.objects.get_or_create(
        user=ensure_user(AGENCY_EMAIL), agency=review_steps.demo_agency()
    )
    for name, brn, capital, kind, steps in INSTITUTIONS:
        if Institution.objects.filter(business_registration_number=brn).exists():
            continue
        institution = create_institution(
            by=applicant,
            name=name,
            business_registration_number=brn,
            representative="홍길동",
            address="서울특별시 중구 세종대로 110",
            paid_in_capital=capital,
            institution_type=kind,
            contact_name="김담당",
            contact_email=APPLICANT_EMAIL,
            contact_phone="02-1234-5678",
        )
        application = create_application(
            institution=institution,
            by=applicant,
            service_name=f"{name} 간편송금",
            service_description="오픈뱅킹 API를 이용한 간편송금·잔액조회 서비스",
        )
        for step in steps:
            if step == "sign":
                # Main bank, fee, account, limits, centre guarantee, signature (DOMAIN §5, §6).
                prepare_signed_contract(application=application, staff=staff, bank_code="088")
                application.launch_date = timezone.localdate() - datetime.timedelta(days=1)
                application.save(update_fields=["launch_date"])
                continue
            if step in review_steps.STEPS:
                # Steps 2-3 are left only when their records say so: file and pass them for real.
                application = review_steps.run_step(
                    step, application=application, applicant=applicant, staff=staff
                )
                continue
            by = applicant if step in APPLICANT_TRANSITIONS else staff
            application = apply_transition(
                application=application, name=step, by=by, reason="데모 데이터"
            )
    return {"staff": staff, "applicant": applicant}
