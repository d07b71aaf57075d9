"""DOMAIN §9 — suspension and termination with a recorded trigger and evidence, through the admin."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import AuditEntry
from openbanking_portal.errors import NotAllowed, PortalError
from operations import sanctions
from operations.models import SanctionCase, SanctionTrigger

from .conftest import mfa_client, text_of
from .factories import ApplicationFactory, StaffFactory


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def live(db):
    return ApplicationFactory(state="live")


@pytest.mark.parametrize("trigger", SanctionTrigger.values)
def test_staff_record_every_trigger_with_evidence_in_the_admin(live, staff_client, trigger):
    response = staff_client.post(
        reverse("admin:operations_sanctioncase_add"),
        {
            "application": live.pk,
            "trigger": trigger,
            "action": "suspend",
            "evidence": "근거 문서 2026-11-20 접수",
            "evidence_file": SimpleUploadedFile("evidence.txt", b"proof"),
        },
    )
    assert response.status_code == 302, text_of(response)
    case = SanctionCase.objects.get()
    assert (case.trigger, case.status, case.proposed_by_system) == (trigger, "proposed", False)
    assert case.evidence_file.name
    assert AuditEntry.objects.filter(action="sanction.opened", application=live).exists()


def test_suspend_then_reinstate_then_terminate_is_final(live, staff):
    case = sanctions.open_case(
        application=live, trigger="unauthorised_withdrawal", evidence="민원 3건", by=staff
    )
    sanctions.confirm_case(case=case, by=staff, reason="확인됨")
    live.refresh_from_db()
    assert live.state == "suspended"
    sanctions.reinstate(application=live, by=staff, reason="조치 완료")
    live.refresh_from_db()
    assert live.state == "live"
    case = sanctions.open_case(
        application=live,
        trigger="supervisor_recommendation",
        evidence="금감원 권고 공문",
        by=staff,
        action="terminate",
    )
    sanctions.confirm_case(case=case, by=staff)
    live.refresh_from_db()
    assert live.state == "terminated"
    with pytest.raises(PortalError):
        sanctions.reinstate(application=live, by=staff, reason="되돌리기")
    actions = list(AuditEntry.objects.filter(application=live).values_list("action", flat=True))
    assert actions.count("sanction.confirmed") == 2
    assert {"application.suspended", "application.reinstated", "application.terminated"} <= set(
        actions
    )


def test_dismissing_needs_a_reason_and_leaves_the_service_running(live, staff_client):
    case = SanctionCase.objects.create(
        application=live, trigger="bank_request_or_breach", evidence="은행 요청"
    )
    url = reverse("admin:operations_sanctioncase_decide", args=[case.pk, "dismiss"])
    response = staff_client.post(url, {"reason": ""})
    assert "기각 사유를 입력하세요." in text_of(response)
    staff_client.post(url, {"reason": "요청 철회됨"})
    case.refresh_from_db()
    live.refresh_from_db()
    assert (case.status, live.state) == ("dismissed", "live")


def test_a_decided_case_cannot_be_confirmed_again(live, staff):
    case = sanctions.open_case(application=live, trigger="excluded", evidence="대부업", by=staff)
    sanctions.dismiss_case(case=case, by=staff, reason="오인")
    with pytest.raises(PortalError):
        sanctions.confirm_case(case=case, by=staff)


def test_staff_without_the_suspend_permission_are_refused(live):
    other = StaffFactory(with_role=False)
    with pytest.raises(NotAllowed):
        sanctions.open_case(application=live, trigger="excluded", evidence="x", by=other)
    case = SanctionCase.objects.create(application=live, trigger="excluded", evidence="x")
    client = mfa_client(other)
    response = client.post(
        reverse("admin:operations_sanctioncase_decide", args=[case.pk, "confirm"]), {"reason": "x"}
    )
    assert response.status_code in (302, 403)
    live.refresh_from_db()
    assert live.state == "live"


def test_applicants_cannot_reach_the_sanction_admin(applicant_client, live):
    response = applicant_client.get(reverse("admin:operations_sanctioncase_changelist"))
    assert response.status_code in (302, 403)
