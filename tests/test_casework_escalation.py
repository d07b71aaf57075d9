"""Issue 10 item 1 — a breached SLA clock escalates once to the step's team lead; the staff SLA
board lists open cases red first with their escalations."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.audit import log_action
from applications.models import AuditEntry
from casework import tasks
from casework.clocks import open_cases
from casework.models import Escalation
from policies.models import PolicyKind, PolicyVersion
from tests.mailbox import each_to_one_address, messages_to

from .conftest import mfa_client, text_of
from .factories import ApplicationFactory, StaffFactory, UserFactory

BOARD = "admin:casework_sla_board"


def entered(application, state):
    """The audit row a transition into `state` writes (the clock reads nothing else)."""
    return log_action(
        action=f"application.{state}",
        application=application,
        from_state=application.state,
        to_state=state,
    )


def case_in(state, **kwargs):
    application = ApplicationFactory(state=state, **kwargs)
    entered(application, state)
    return application


@pytest.fixture
def team_lead(db):
    lead = UserFactory(email="lead-approval@centre.kr")
    lead.groups.add(Group.objects.get(name="SLA 팀장 - 이용승인"))
    return lead


def later(days):
    return (timezone.now() + datetime.timedelta(days=days)).isoformat()


def test_breach_escalates_once_and_mails_the_team_lead(
    team_lead, django_capture_on_commit_callbacks
):
    application = case_in("submitted")
    case_in("submitted")  # within target
    other_lead = UserFactory(email="lead-contract@centre.kr")
    other_lead.groups.add(Group.objects.get(name="SLA 팀장 - 계약"))

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.escalate_breaches(later(3)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.escalate_breaches(later(14)) == 2  # both now past 5 business days

    escalation = Escalation.objects.get(application=application)
    assert escalation.step == "approval"
    assert escalation.elapsed_days > escalation.target_days == 5
    assert escalation.notified_at is not None
    assert [m.to for m in mail.outbox] == [["lead-approval@centre.kr"]] * 2
    assert application.institution.name in mail.outbox[0].subject + mail.outbox[1].subject
    assert AuditEntry.objects.filter(action="sla.escalated", application=application).count() == 1

    # The daily beat runs again: no second escalation, no second mail.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.escalate_breaches(later(15)) == 0
    assert len(mail.outbox) == 2
    assert tasks.notify_team_lead(escalation.pk) == 0  # a redelivered task mails nobody


def test_paused_case_does_not_escalate_its_review_step(team_lead):
    application = case_in("submitted")
    entered(application, "supplement_requested")
    ApplicationFactory._meta.model.objects.filter(pk=application.pk).update(
        state="supplement_requested"
    )
    assert tasks.escalate_breaches(later(9)) == 0  # the supplement clock has 10 business days
    assert tasks.escalate_breaches(later(30)) == 1
    assert Escalation.objects.get().step == "supplement"


def test_targets_come_from_the_review_targets_policy(team_lead):
    PolicyVersion.objects.create(
        kind=PolicyKind.REVIEW_TARGETS,
        effective_from=datetime.date(2020, 1, 1),
        data={"approval_business_days": 5, "sla_business_days": {"contract": 40}},
    )
    case_in("contract")
    assert tasks.escalate_breaches(later(30)) == 0  # ~21 business days < 40
    assert tasks.escalate_breaches(later(70)) == 1


def test_board_lists_red_cases_first_and_escalations(staff_client):
    fresh = case_in("functional_test")
    stale = case_in("security_check")
    Escalation.objects.create(
        application=stale,
        step="security_check",
        started_on=timezone.localdate(),
        elapsed_days=41,
        target_days=40,
    )
    PolicyVersion.objects.create(
        kind=PolicyKind.REVIEW_TARGETS,
        effective_from=datetime.date(2020, 1, 1),
        data={"sla_business_days": {"security_check": 0, "functional_test": 10}},
    )
    # Target 0: the stale case is at its limit (amber) today, the fresh one green.
    page = text_of(staff_client.get(reverse(BOARD)))
    assert page.index(f'data-application="{stale.pk}"') < page.index(
        f'data-application="{fresh.pk}"'
    )
    assert f'data-application="{fresh.pk}" data-colour="green"' in page
    assert f'data-application="{stale.pk}" data-colour="amber"' in page
    assert "보안점검" in page and stale.institution.name in page


@pytest.mark.parametrize("cases", [2, 10])
def test_board_query_count_does_not_grow_with_cases(staff, cases, django_assert_num_queries):
    for k in range(cases):
        application = case_in(["submitted", "contract"][k % 2])
        entered(application, "contract")
    client = mfa_client(staff)
    client.get(reverse(BOARD))  # the permissions are kept from here on
    with django_assert_num_queries(9):
        response = client.get(reverse(BOARD))
    assert response.status_code == 200


def test_board_refuses_staff_without_the_permission_and_applicants(db, applicant_client):
    client = mfa_client(StaffFactory(with_role=False))
    assert client.get(reverse(BOARD)).status_code == 403
    assert applicant_client.get(reverse(BOARD)).status_code in (302, 403)


def test_open_cases_put_red_before_amber_before_green(db):
    green = case_in("contract")
    red = case_in("submitted")
    amber = case_in("functional_test")
    PolicyVersion.objects.create(
        kind=PolicyKind.REVIEW_TARGETS,
        effective_from=datetime.date(2020, 1, 1),
        data={"sla_business_days": {"contract": 100, "approval": 1, "functional_test": 12}},
    )
    now = timezone.now() + datetime.timedelta(days=14)  # about 10 business days on
    cases = open_cases(now=now)
    assert [c.application for c in cases] == [red, amber, green]
    assert [c.clock.colour for c in cases] == ["red", "amber", "green"]


def test_an_open_bank_negotiation_escalates_to_its_own_team_lead(
    db, django_capture_on_commit_callbacks
):
    from contracts.models import Bank, BankNegotiation, Contract, GuaranteeArrangement

    lead = UserFactory(email="lead-banks@centre.kr")
    lead.groups.add(Group.objects.get(name="SLA 팀장 - 개별은행 협의"))
    application = ApplicationFactory(state="contract")
    arrangement = GuaranteeArrangement.objects.create(
        contract=Contract.objects.create(application=application),
        kind="individual_bank",
        notice_on=timezone.localdate(),
    )
    negotiation = BankNegotiation.objects.create(arrangement=arrangement, bank=Bank.objects.first())
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.escalate_breaches(later(20)) == 0  # at most 15 business days < 20
        assert tasks.escalate_breaches(later(40)) == 1
    assert Escalation.objects.get().step == "bank_negotiation"
    assert mail.outbox[-1].to == ["lead-banks@centre.kr"]

    # Once every bank has answered, the clock stops: nothing further to escalate.
    BankNegotiation.objects.filter(pk=negotiation.pk).update(status="agreed")
    assert open_cases(now=timezone.now() + datetime.timedelta(days=60)) == []


def test_the_approval_target_follows_the_boards_approval_business_days(db):
    PolicyVersion.objects.create(
        kind=PolicyKind.REVIEW_TARGETS,
        effective_from=datetime.date(2020, 1, 1),
        data={"approval_business_days": 3, "sla_amber_ratio": 0.5},
    )
    case_in("submitted")
    (case,) = open_cases()
    assert (case.clock.step, case.clock.target, case.clock.amber_ratio) == ("approval", 3, 0.5)


def test_an_amber_clock_warns_the_team_lead_once_before_the_breach(team_lead):
    from django_celery_beat.models import PeriodicTask

    from notifications.models import Notice

    assert PeriodicTask.objects.filter(task="casework.tasks.warn_amber_clocks").exists()
    application = case_in("submitted")
    amber_day = next(
        d
        for d in range(1, 15)
        if open_cases(now=datetime.datetime.fromisoformat(later(d)))[0].clock.colour == "amber"
    )
    assert tasks.warn_amber_clocks(later(amber_day - 1)) == 0  # still green
    assert tasks.warn_amber_clocks(later(amber_day)) == 1
    tasks.warn_amber_clocks(later(amber_day))  # the beat runs twice: no second notice
    notice = Notice.objects.get(recipient=team_lead)
    assert "[SLA 임박]" in notice.subject and application.institution.name in notice.subject
    assert notice.link == reverse("admin:applications_application_change", args=[application.pk])
    assert [m.to for m in mail.outbox] == [["lead-approval@centre.kr"]]


def test_an_amber_supplement_clock_reminds_the_applicant_with_the_page_to_answer_from(db):
    from notifications.models import Notice

    from .factories import MembershipFactory

    member = MembershipFactory()
    application = case_in("submitted", institution=member.institution)
    entered(application, "supplement_requested")
    ApplicationFactory._meta.model.objects.filter(pk=application.pk).update(
        state="supplement_requested"
    )
    amber_day = next(
        d
        for d in range(1, 30)
        if open_cases(now=datetime.datetime.fromisoformat(later(d)))[0].clock.colour == "amber"
    )
    tasks.warn_amber_clocks(later(amber_day - 1))
    assert not Notice.objects.filter(recipient=member.user).exists()
    tasks.warn_amber_clocks(later(amber_day))
    tasks.warn_amber_clocks(later(amber_day))  # once per supplement request
    notice = Notice.objects.get(recipient=member.user)
    assert application.reference in notice.subject
    assert notice.link == reverse("application_detail", args=[application.pk])
    assert len(messages_to(member.user.email)) == 1 and each_to_one_address()
    from django.test import Client

    owner, stranger = Client(), Client()
    owner.force_login(member.user)
    stranger.force_login(MembershipFactory().user)
    opened = owner.get(reverse("notifications:open", args=[notice.pk]))
    assert opened.status_code == 302 and opened.url == notice.link
    assert owner.get(notice.link).status_code == 200
    assert stranger.get(reverse("notifications:open", args=[notice.pk])).status_code == 404
