"""Issue 10 item 2 — security-check results carry a validity date; an expired result or a re-check
forced by a contract change touching the services blocks launch; reminders are sent once."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.lifecycle import apply_transition
from applications.models import Application, AuditEntry, State
from contracts import launch
from contracts.changes import approve_change, request_account_change
from contracts.preparation import prepare_signed_contract
from reviews.demo import run_step
from reviews.models import CheckKind, CheckStatus, SecurityCheck
from reviews.selectors import security_checks_valid
from reviews.tasks import remind_security_check_validity
from tests.mailbox import each_to_one_address, messages_to

from .conftest import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def contract_ready(application, staff, django_capture_on_commit_callbacks):
    """The application walked to the contract step, both checks accepted, contract signed."""
    apply_transition(application=application, name="submit", by=application.created_by)
    apply_transition(application=application, name="approve", by=staff, reason="적격")
    for step in ("request_functional_test", "pass_functional_test", "pass_security_check"):
        run_step(step, application=application, applicant=application.created_by, staff=staff)
    with django_capture_on_commit_callbacks(execute=True):
        prepare_signed_contract(application=application, staff=staff)
    launch.set_launch_date(application=application, by=staff, launch_date=timezone.localdate())
    return Application.objects.get(pk=application.pk)


def admin_transition(client, application, name, reason="실시일 합의"):
    url = reverse("admin:applications_application_transition", args=[application.pk, name])
    return client.post(url, {"reason": reason}, follow=True)


def test_expired_security_check_blocks_launch_in_the_admin(staff_client, contract_ready):
    today = timezone.localdate()
    SecurityCheck.objects.filter(application=contract_ready, kind=CheckKind.INSTITUTION).update(
        valid_until=today - datetime.timedelta(days=1)
    )
    assert not security_checks_valid(contract_ready)

    response = admin_transition(staff_client, contract_ready, "schedule_launch")

    page = text_of(response)
    assert "유효한 보안점검 결과(센터 검토 완료, 유효기간 이내)가 있어야 합니다" in page
    expired_on = (today - datetime.timedelta(days=1)).isoformat()
    assert f"이용기관 보안점검 결과의 유효기간이 {expired_on}에 만료되었습니다" in page
    assert "핀테크 서비스 취약점 점검" not in page.split("유효기간 이내)가 있어야 합니다")[1][:80]
    assert Application.objects.get(pk=contract_ready.pk).state == State.CONTRACT


def test_missing_security_check_blocks_launch_with_the_reason_shown_to_staff(
    staff, staff_client, django_capture_on_commit_callbacks
):
    """An application placed in the contract step (e.g. filed offline) with only the institution
    check on record: the missing vulnerability check blocks scheduling, and the admin page says so
    before staff click."""
    from .factories import ApplicationFactory
    from .reviews_support import accepted_security_checks

    app = ApplicationFactory(state=State.CONTRACT)
    accepted_security_checks(app, kinds=[CheckKind.INSTITUTION])
    with django_capture_on_commit_callbacks(execute=True):
        prepare_signed_contract(application=app, staff=staff)
    launch.set_launch_date(application=app, by=staff, launch_date=timezone.localdate())

    change_page = text_of(
        staff_client.get(reverse("admin:applications_application_change", args=[app.pk]))
    )
    assert "핀테크 서비스 취약점 점검 결과가 없습니다" in change_page

    response = admin_transition(staff_client, app, "schedule_launch")
    assert "핀테크 서비스 취약점 점검 결과가 없습니다" in text_of(response)
    assert Application.objects.get(pk=app.pk).state == State.CONTRACT
    assert not AuditEntry.objects.filter(application=app, action="launch.scheduled").exists()

    # The missing result arrives (accepted, valid for a year): the launch goes ahead.
    accepted_security_checks(
        app,
        kinds=[CheckKind.VULNERABILITY],
        valid_until=timezone.localdate() + datetime.timedelta(days=365),
    )
    admin_transition(staff_client, app, "schedule_launch")
    admin_transition(staff_client, app, "go_live", reason="")
    assert Application.objects.get(pk=app.pk).state == State.LIVE


def test_missing_check_refuses_the_beat_launch(staff, django_capture_on_commit_callbacks):
    from contracts.tasks import launch_due_applications

    from .factories import ApplicationFactory

    app = ApplicationFactory(state=State.CONTRACT)
    with django_capture_on_commit_callbacks(execute=True):
        prepare_signed_contract(application=app, staff=staff)
    # scheduled before the launch rule existed (test setup: no walk through the machine)
    Application.objects.filter(pk=app.pk).update(
        state=State.LAUNCH_SCHEDULED, launch_date=timezone.localdate()
    )

    assert launch_due_applications.delay().get() == {"live": [], "refused": [app.pk]}
    assert Application.objects.get(pk=app.pk).state == State.LAUNCH_SCHEDULED


def test_valid_or_unrecorded_validity_lets_launch_proceed(staff_client, contract_ready):
    today = timezone.localdate()
    # the institution check has no validity date (accepted before validity dates existed)
    SecurityCheck.objects.filter(application=contract_ready, kind=CheckKind.VULNERABILITY).update(
        valid_until=today
    )
    assert security_checks_valid(contract_ready, on=today)
    assert not security_checks_valid(contract_ready, on=today + datetime.timedelta(days=1))

    admin_transition(staff_client, contract_ready, "schedule_launch")
    admin_transition(staff_client, contract_ready, "go_live", reason="")

    assert Application.objects.get(pk=contract_ready.pk).state == State.LIVE


def test_check_expiring_after_scheduling_blocks_go_live(staff, contract_ready):
    apply_transition(application=contract_ready, name="schedule_launch", by=staff, reason="합의")
    SecurityCheck.objects.filter(application=contract_ready).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(Exception, match="유효기간"):
        apply_transition(application=contract_ready, name="go_live", by=staff)
    assert Application.objects.get(pk=contract_ready.pk).state == State.LAUNCH_SCHEDULED


def test_reminder_task_mails_institution_and_staff_once(staff, contract_ready):
    today = timezone.localdate()
    check = SecurityCheck.objects.get(application=contract_ready, kind=CheckKind.VULNERABILITY)
    SecurityCheck.objects.filter(pk=check.pk).update(
        valid_until=today + datetime.timedelta(days=10)
    )
    SecurityCheck.objects.filter(application=contract_ready, kind=CheckKind.INSTITUTION).update(
        valid_until=today + datetime.timedelta(days=200)
    )
    mail.outbox.clear()

    assert remind_security_check_validity.delay().get() == 1
    assert remind_security_check_validity.delay().get() == 0

    # the institution's members (their page) and staff (the admin page of the check), each
    # in a message of their own: no one sees the other addresses
    assert each_to_one_address() and all("유효기간" in m.subject for m in mail.outbox)
    (institution_mail,) = messages_to(contract_ready.created_by.email)
    assert f"/reviews/applications/{contract_ready.pk}/security-check/" in institution_mail.body
    (staff_mail,) = messages_to(staff.email)
    assert f"/admin/reviews/securitycheck/{check.pk}/change/" in staff_mail.body
    assert (
        AuditEntry.objects.filter(
            application=contract_ready, action="security_check.validity_reminded"
        ).count()
        == 1
    )

    # a new validity date (after a new check) is reminded again
    SecurityCheck.objects.filter(pk=check.pk).update(valid_until=today + datetime.timedelta(days=5))
    assert remind_security_check_validity.delay().get() == 1


def test_agency_enters_the_validity_date_with_its_result_and_staff_can_correct_it(
    staff, staff_client, applicant_client, application
):
    from .reviews_support import AgencyFactory, agency_client, agency_post, apply_for_check

    apply_transition(application=application, name="submit", by=application.created_by)
    apply_transition(application=application, name="approve", by=staff, reason="적격")
    for step in ("request_functional_test", "pass_functional_test"):
        run_step(step, application=application, applicant=application.created_by, staff=staff)
    agency = AgencyFactory()
    apply_for_check(applicant_client, application, CheckKind.VULNERABILITY, agency)
    check = SecurityCheck.objects.get(application=application, kind=CheckKind.VULNERABILITY)
    client = agency_client(agency)
    page = agency_post(client, check, {"action": "start"})
    assert "결과 유효기간 만료일" in text_of(page)
    until = timezone.localdate() + datetime.timedelta(days=365)
    agency_post(
        client,
        check,
        {"action": "result", "result-summary": "양호", "result-valid_until": until.isoformat()},
    )
    check.refresh_from_db()
    assert check.status == CheckStatus.RESULT_SUBMITTED
    assert check.valid_until == until

    url = reverse("admin:reviews_securitycheck_change", args=[check.pk])
    corrected = until - datetime.timedelta(days=30)
    from .contract_support import admin_form_data

    data = admin_form_data(staff_client.get(url), valid_until=corrected.isoformat())
    response = staff_client.post(url, data, follow=True)
    assert response.status_code == 200
    check.refresh_from_db()
    assert check.valid_until == corrected
    assert AuditEntry.objects.filter(
        application=application, action="security_check.validity_set"
    ).exists()


def test_contract_change_touching_services_forces_a_new_vulnerability_check(
    staff, staff_client, contract_ready
):
    change = request_account_change(
        application=contract_ready,
        by=contract_ready.created_by,
        touches_services=True,
        reason="앱 결제 화면 변경",
    )
    vuln = SecurityCheck.objects.get(application=contract_ready, kind=CheckKind.VULNERABILITY)
    assert vuln.status == CheckStatus.ACCEPTED  # nothing happens before approval

    approve_change(change=change, by=staff)

    vuln.refresh_from_db()
    assert vuln.status == CheckStatus.APPLIED
    assert vuln.recheck_required_at is not None
    institution = SecurityCheck.objects.get(application=contract_ready, kind=CheckKind.INSTITUTION)
    assert institution.status == CheckStatus.ACCEPTED
    assert AuditEntry.objects.filter(
        application=contract_ready, action="security_check.recheck_required"
    ).exists()
    response = admin_transition(staff_client, contract_ready, "schedule_launch")
    assert "재점검이 필요합니다" in text_of(response)
    assert Application.objects.get(pk=contract_ready.pk).state == State.CONTRACT


def test_account_only_contract_change_keeps_the_vulnerability_check(staff, contract_ready):
    contract = contract_ready.contract
    active = contract.accounts.active().first()
    assert active is not None
    change = request_account_change(
        application=contract_ready, by=contract_ready.created_by, close=[active.pk]
    )
    approve_change(change=change, by=staff)
    vuln = SecurityCheck.objects.get(application=contract_ready, kind=CheckKind.VULNERABILITY)
    assert vuln.status == CheckStatus.ACCEPTED
    assert vuln.recheck_required_at is None


def test_reminder_window_is_the_review_targets_policy_value(contract_ready):
    from django_celery_beat.models import PeriodicTask

    from policies.models import PolicyVersion

    today = timezone.localdate()
    SecurityCheck.objects.filter(application=contract_ready).update(
        valid_until=today + datetime.timedelta(days=20)
    )
    PolicyVersion.objects.create(
        kind="review_targets",
        effective_from=today,
        data={"approval_business_days": 5, "security_validity_reminder_days": 10},
    )
    assert remind_security_check_validity.delay().get() == 0
    PolicyVersion.objects.filter(kind="review_targets", effective_from=today).update(
        data={"approval_business_days": 5, "security_validity_reminder_days": 20}
    )
    assert remind_security_check_validity.delay().get() == 2
    # the daily beat entry is installed by the reviews migration
    assert PeriodicTask.objects.filter(task="reviews.tasks.remind_security_check_validity").exists()
