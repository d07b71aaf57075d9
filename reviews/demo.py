"""Demo data and test setup: walk an application through steps 2-3 with the real services.

Since steps 2-3 can only be left when their records say so (the state machine's conditions), the
demo loader cannot simply fire `request_functional_test`, `pass_functional_test` and
`pass_security_check`: `run_step` does what applicant, staff and agency would do, then the transition.
"""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from applications.lifecycle import apply_transition
from applications.models import Application

from . import functional_test, security_check
from .models import Agency, CheckKind, ItemResult

STEPS = {"request_functional_test", "pass_functional_test", "pass_security_check"}
DEMO_FUNCTIONS = {
    "oauth_authorize": "사용자 인증·계좌 등록",
    "balance": "홈 화면 잔액 표시",
    "withdraw": "간편송금 출금",
}


def demo_agency() -> Agency:
    agency, _ = Agency.objects.get_or_create(
        name="한국보안점검 주식회사",
        defaults={
            "contact_name": "이점검",
            "email": "check@agency.example",
            "phone": "02-000-0000",
        },
    )
    return agency


def run_step(
    name: str, *, application: Application, applicant, staff, reason: str = ""
) -> Application:
    """Run one of STEPS as the applicant/staff would, with the records its condition needs."""
    if name == "request_functional_test":
        functional_test.save_request(
            application=application,
            by=applicant,
            test_build="https://testbed.example/app (tester / demo)",
            functions=DEMO_FUNCTIONS,
        )
        functional_test.request_test(application=application, by=applicant)
    elif name == "pass_functional_test":
        round_ = application.functional_test_rounds.order_by("-number").first()
        for item in round_.items.all():
            functional_test.record_item(item=item, by=staff, result=ItemResult.PASSED)
        functional_test.pass_round(round_=round_, by=staff, note=reason)
    elif name == "pass_security_check":
        _accept_both_checks(application, applicant=applicant, staff=staff)
        apply_transition(application=application, name=name, by=staff, reason=reason or "완료")
    else:
        raise ValueError(name)
    return Application.objects.get(pk=application.pk)


def _accept_both_checks(application: Application, *, applicant, staff) -> None:
    agency = demo_agency()
    today = timezone.localdate()
    for kind in CheckKind.values:
        check = security_check.apply_for_check(
            application=application,
            by=applicant,
            kind=kind,
            agency=agency,
            agreed_start=today,
            agreed_end=today + datetime.timedelta(days=30),
            deliverables=[ContentFile(b"demo deliverable", name="deliverable.txt")],
        )
        security_check.start_check(check=check, by=staff)
        # The agency's validity date (issue 10 item 2): a year, so the demo launch stays valid.
        security_check.submit_result(
            check=check,
            by=staff,
            summary="미흡 사항 없음",
            valid_until=today + datetime.timedelta(days=365),
        )
        security_check.accept_check(check=check, by=staff)
