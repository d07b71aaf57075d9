"""Issue 10 item 5 — monitoring rules (policy data) raise warnings for live institutions with a
proposed action; staff confirm or dismiss; a confirmed suspension proposal opens a §9 case."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from applications.models import AuditEntry
from casework import tasks
from casework.models import MonitoringWarning
from casework.rules import Facts, evaluate
from contracts.models import Contract
from operations import usage
from operations.models import SanctionCase
from policies.models import PolicyKind, PolicyVersion
from testbed.models import TestbedCall

from .conftest import mfa_client, text_of
from .factories import ApplicationFactory, StaffFactory
from .operations_factories import overdue_invoice

DAY = datetime.date(2026, 11, 20)
LIMIT = 10_000_000


@pytest.fixture
def live(db):
    application = ApplicationFactory(state="live")
    Contract.objects.create(application=application, daily_withdrawal_limit_krw=LIMIT)
    return application


def import_withdrawals(institution, amount, day=DAY):
    return usage.import_rows(
        rows=[
            {
                "business_registration_number": institution.business_registration_number,
                "day": day.isoformat(),
                "api": "withdraw",
                "count": 120,
                "amount_krw": amount,
            }
        ]
    )


def test_imported_usage_reaching_the_daily_limit_raises_a_limit_warning_once(live):
    quiet = ApplicationFactory(state="live")
    Contract.objects.create(application=quiet, daily_withdrawal_limit_krw=LIMIT)
    import_withdrawals(live.institution, LIMIT)
    import_withdrawals(quiet.institution, LIMIT - 1)
    not_live = ApplicationFactory(state="contract")
    Contract.objects.create(application=not_live, daily_withdrawal_limit_krw=1)
    import_withdrawals(not_live.institution, LIMIT)

    assert tasks.run_monitoring(DAY.isoformat()) == 1
    warning = MonitoringWarning.objects.get()
    assert warning.institution == live.institution
    assert warning.rule_code == "daily_withdrawal_limit_reached"
    assert warning.proposed_action == "limit_reduction"
    assert warning.data["withdraw_amount_krw"] == LIMIT
    assert warning.data["limit_krw"] == LIMIT
    assert AuditEntry.objects.filter(action="monitoring.warning_raised", application=live).exists()

    assert tasks.run_monitoring(DAY.isoformat()) == 0  # the daily beat again: nothing new
    assert MonitoringWarning.objects.count() == 1


def test_testbed_error_rate_over_threshold_proposes_a_notice(live):
    moment = timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(11)))
    for k in range(20):
        TestbedCall.objects.create(
            institution=live.institution,
            api_code="withdraw",
            endpoint="/v2.0/transfer/withdraw/fin_num",
            api_tran_id=f"T{k:05d}",
            at=moment,
            rsp_code="A0000" if k < 15 else "A0001",
            http_status=200,
        )
    assert tasks.run_monitoring(DAY.isoformat()) == 1
    warning = MonitoringWarning.objects.get()
    assert (warning.rule_code, warning.proposed_action) == ("testbed_error_rate", "notice")
    assert warning.data["errors"] == 5 and warning.data["calls"] == 20


def test_rules_are_policy_data(live):
    PolicyVersion.objects.create(
        kind=PolicyKind.MONITORING,
        effective_from=datetime.date(2026, 1, 1),
        data={
            "rules": [
                {
                    "code": "half_limit",
                    "kind": "withdrawal_limit",
                    "ratio": 0.5,
                    "action": "notice",
                }
            ]
        },
    )
    import_withdrawals(live.institution, LIMIT // 2)
    assert tasks.run_monitoring(DAY.isoformat()) == 1
    assert MonitoringWarning.objects.get().rule_code == "half_limit"


@pytest.fixture
def arrears(live):
    for month in (1, 2, 3):
        overdue_invoice(
            live.institution, datetime.date(2026, month, 1), due_on=datetime.date(2026, 6, 1)
        )
    tasks.run_monitoring(DAY.isoformat())
    return MonitoringWarning.objects.get(rule_code="arrears_suspension")


def test_confirming_a_suspension_proposal_opens_a_sanction_case_not_a_suspension(
    arrears, staff_client
):
    assert set(MonitoringWarning.objects.values_list("rule_code", flat=True)) == {
        "arrears_notice",
        "arrears_suspension",
    }
    change = reverse("admin:casework_monitoringwarning_change", args=[arrears.pk])
    page = text_of(staff_client.get(change))
    assert "확정: 이용중지 제안" in page
    url = reverse("admin:casework_monitoringwarning_decide", args=[arrears.pk, "confirm"])
    response = staff_client.post(url, {"reason": "3회 미납 확인"})
    assert response.status_code == 302

    arrears.refresh_from_db()
    assert arrears.status == "confirmed"
    case = arrears.sanction_case
    assert case.trigger == "unpaid_fees"
    assert case.status == SanctionCase.Status.PROPOSED
    assert case.proposed_by_system
    assert case.evidence_data["overdue_invoices"] == 3
    arrears.application.refresh_from_db()
    assert arrears.application.state == "live"  # staff confirm the case itself in operations
    entry = AuditEntry.objects.get(action="monitoring.warning_confirmed")
    assert entry.reason == "3회 미납 확인" and entry.data["sanction_case"] == case.pk

    # A second confirmation is refused.
    staff_client.post(url, {"reason": "again"})
    assert SanctionCase.objects.count() == 1


def test_dismissing_needs_a_reason_and_is_audited(arrears, staff_client):
    url = reverse("admin:casework_monitoringwarning_decide", args=[arrears.pk, "dismiss"])
    response = staff_client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "기각 사유를 입력하세요." in text_of(response)
    arrears.refresh_from_db()
    assert arrears.status == "open"

    staff_client.post(url, {"reason": "납부 약정 체결"})
    arrears.refresh_from_db()
    assert arrears.status == "dismissed"
    assert AuditEntry.objects.filter(
        action="monitoring.warning_dismissed", reason="납부 약정 체결"
    ).exists()


def test_staff_without_the_permission_cannot_decide(arrears):
    client = mfa_client(StaffFactory(with_role=False))
    url = reverse("admin:casework_monitoringwarning_decide", args=[arrears.pk, "confirm"])
    client.post(url, {"reason": "x"})
    arrears.refresh_from_db()
    assert arrears.status == "open"
    assert not SanctionCase.objects.exists()


def test_applicants_cannot_reach_the_warnings(arrears, applicant_client):
    url = reverse("admin:casework_monitoringwarning_changelist")
    assert applicant_client.get(url).status_code in (302, 403)


@pytest.mark.parametrize("institutions", [1, 6])
def test_warning_changelist_query_count_is_flat(staff, institutions, django_assert_num_queries):
    for _k in range(institutions):
        application = ApplicationFactory(state="live")
        overdue_invoice(
            application.institution, datetime.date(2026, 1, 1), due_on=datetime.date(2026, 6, 1)
        )
    tasks.run_monitoring(DAY.isoformat())
    client = mfa_client(staff)
    url = reverse("admin:casework_monitoringwarning_changelist")
    client.get(url)  # the permissions are kept from here on
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200


@given(
    calls=st.integers(min_value=0, max_value=500),
    errors=st.integers(min_value=0, max_value=500),
    threshold=st.floats(min_value=0, max_value=1),
    min_calls=st.integers(min_value=1, max_value=50),
)
def test_error_rate_rule_fires_exactly_over_the_threshold(calls, errors, threshold, min_calls):
    errors = min(errors, calls)
    rule = {
        "code": "e",
        "kind": "error_rate",
        "threshold": threshold,
        "min_calls": min_calls,
        "action": "notice",
    }
    fired = evaluate([rule], Facts(institution_id=1, day=DAY, calls=calls, errors=errors))
    expected = calls >= min_calls and errors / calls > threshold if calls else False
    assert bool(fired) == expected


def test_confirming_a_notice_mails_the_institution_once(
    arrears, staff_client, django_capture_on_commit_callbacks
):
    from django.core import mail

    notice = MonitoringWarning.objects.get(rule_code="arrears_notice")
    url = reverse("admin:casework_monitoringwarning_decide", args=[notice.pk, "confirm"])
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"reason": "미납 수수료 납부 요청"})
    assert len(mail.outbox) == 1
    assert notice.institution.contact_email in mail.outbox[0].to
    assert "미납 수수료 납부 요청" in mail.outbox[0].body
    assert tasks.send_warning_notice(notice.pk) == 0  # redelivered: no second mail
    notice.refresh_from_db()
    assert notice.status == "confirmed" and notice.notice_sent_at is not None
    assert notice.sanction_case is None
