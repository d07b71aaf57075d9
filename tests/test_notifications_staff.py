"""Issue 10 item 4 for the centre: an SLA escalation reaches the team lead in the portal and by
e-mail with a link to the case's admin page; staff read the log of what was sent in the admin."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from applications.audit import log_action
from applications.models import State
from casework import tasks
from notifications.models import Category, Notice
from notifications.services import institution_recipients, notify

from .conftest import mfa_client, text_of
from .factories import ApplicationFactory, MembershipFactory, StaffFactory

pytestmark = pytest.mark.django_db
LOG = "admin:notifications_notice_changelist"


@pytest.fixture
def escalated(django_capture_on_commit_callbacks):
    lead = StaffFactory(email="lead-approval@centre.kr")
    lead.groups.add(Group.objects.get(name="SLA 팀장 - 이용승인"))
    member = MembershipFactory()
    application = ApplicationFactory(institution=member.institution, state=State.SUBMITTED)
    log_action(action="application.submitted", application=application, to_state="submitted")
    mail.outbox.clear()
    later = (timezone.now() + datetime.timedelta(days=14)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.escalate_breaches(later) == 1
    return lead, member.user, application


def test_escalation_notifies_the_team_lead_in_portal_and_by_email(escalated, settings):
    lead, _member, application = escalated
    admin_page = reverse("admin:applications_application_change", args=[application.pk])
    notice = Notice.objects.get(recipient=lead)
    assert notice.category == Category.SLA and notice.in_portal and notice.emailed
    assert notice.link == admin_page
    [message] = mail.outbox
    assert message.to == [lead.email]
    assert settings.SITE_URL + admin_page in message.body
    assert application.institution.name in message.subject


def test_the_team_lead_opens_the_case_admin_page_from_the_notice(escalated):
    lead, _member, application = escalated
    client = mfa_client(lead)
    assert "SLA" in text_of(client.get(reverse("notifications:inbox")))
    notice = Notice.objects.get(recipient=lead)
    response = client.get(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == notice.link
    page = client.get(response["Location"])
    assert page.status_code == 200 and application.reference in text_of(page)


def test_nobody_else_gets_or_opens_the_escalation(escalated):
    lead, member, _application = escalated
    notice = Notice.objects.get(recipient=lead)
    assert not Notice.objects.filter(recipient=member).exists()
    other_staff = mfa_client(StaffFactory())
    assert other_staff.get(reverse("notifications:open", args=[notice.pk])).status_code == 404
    applicant = mfa_client(member)
    assert applicant.get(reverse("notifications:open", args=[notice.pk])).status_code == 404
    assert applicant.get(notice.link).status_code in (302, 403)  # the admin refuses applicants


def test_staff_see_what_was_sent_in_the_admin(escalated, staff_client):
    lead, _member, application = escalated
    page = text_of(staff_client.get(reverse(LOG)))
    assert lead.email in page and application.institution.name in page
    found = text_of(staff_client.get(reverse(LOG) + "?q=lead-approval"))
    assert lead.email in found
    filtered = staff_client.get(reverse(LOG) + f"?application__id__exact={application.pk}")
    assert filtered.status_code == 200 and lead.email in text_of(filtered)
    notice = Notice.objects.get(recipient=lead)
    detail = staff_client.get(reverse("admin:notifications_notice_change", args=[notice.pk]))
    assert detail.status_code == 200 and notice.link in text_of(detail)


def test_the_log_is_read_only(escalated, staff_client):
    notice = Notice.objects.first()
    assert staff_client.get(reverse("admin:notifications_notice_add")).status_code == 403
    response = staff_client.post(
        reverse("admin:notifications_notice_delete", args=[notice.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Notice.objects.filter(pk=notice.pk).exists()


def test_staff_without_the_permission_cannot_see_the_log(escalated):
    client = mfa_client(StaffFactory(with_role=False))
    assert client.get(reverse(LOG)).status_code == 403


def test_the_application_admin_page_links_to_its_notices(escalated, staff_client):
    _lead, _member, application = escalated
    page = text_of(
        staff_client.get(reverse("admin:applications_application_change", args=[application.pk]))
    )
    assert reverse(LOG) + f"?application__id__exact={application.pk}" in page


@pytest.mark.parametrize("size", [1, 30])
def test_inbox_query_count_is_fixed(size, member, applicant_client, django_assert_num_queries):
    application = ApplicationFactory(institution=member.institution)
    for n in range(size):
        notify(
            institution_recipients(member.institution),
            category=Category.STATE_CHANGE,
            subject=f"알림 {n}",
            body="본문",
            link=reverse("application_detail", args=[application.pk]),
            application=application,
        )
    with django_assert_num_queries(5):
        response = applicant_client.get(reverse("notifications:inbox"))
    assert text_of(response).count("/notices/") >= min(size, 20)


class BrokenBackend:
    """An SMTP server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("connection refused")


def test_a_failed_email_keeps_the_portal_notice_and_shows_in_the_log(
    member, staff_client, settings
):
    settings.EMAIL_BACKEND = "tests.test_notifications_staff.BrokenBackend"
    application = ApplicationFactory(institution=member.institution)
    notify(
        [member.user],
        category=Category.STATE_CHANGE,
        subject="상태 변경",
        body="본문",
        link=reverse("application_detail", args=[application.pk]),
        application=application,
    )
    notice = Notice.objects.get(recipient=member.user)
    assert notice.in_portal and not notice.emailed and notice.email_status == "failed"
    page = text_of(staff_client.get(reverse(LOG) + "?emailed__exact=0"))
    assert member.user.email in page and "발송 실패" in page


def test_a_failed_email_is_sent_again_by_the_beat_task_until_it_goes_out(member, settings):
    from django_celery_beat.models import PeriodicTask

    from notifications.tasks import resend_failed_emails

    assert PeriodicTask.objects.filter(task="notifications.tasks.resend_failed_emails").exists()
    settings.EMAIL_BACKEND = "tests.test_notifications_staff.BrokenBackend"
    application = ApplicationFactory(institution=member.institution)
    link = reverse("application_detail", args=[application.pk])
    notify(
        [member.user], category=Category.STATE_CHANGE, subject="상태 변경", body="본문", link=link
    )
    assert resend_failed_emails.delay().get() == 0  # the server is still down
    notice = Notice.objects.get(recipient=member.user)
    assert (notice.email_status, notice.email_attempts) == ("failed", 2)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    assert resend_failed_emails.delay().get() == 1
    notice.refresh_from_db()
    assert (notice.email_status, notice.emailed, notice.email_attempts) == ("sent", True, 3)
    assert mail.outbox[0].to == [member.user.email] and link in mail.outbox[0].body
    assert resend_failed_emails.delay().get() == 0  # sent once, never again


def test_resending_gives_up_after_five_attempts(member, settings):
    from notifications.tasks import resend_failed_emails

    settings.EMAIL_BACKEND = "tests.test_notifications_staff.BrokenBackend"
    notify([member.user], category=Category.STATE_CHANGE, subject="s", body="b", link="/notices/")
    for _ in range(6):
        resend_failed_emails.delay().get()
    assert Notice.objects.get(recipient=member.user).email_attempts == 5
