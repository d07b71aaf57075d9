"""Issue 10 item 4 — a state change reaches every member in the portal and by e-mail, in the
member's language, with a direct link that opens the right page for that member only."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from applications.audit import log_action
from applications.models import State
from applications.tasks import send_state_change_email
from notifications.models import Category, EmailStatus, Notice

from .conftest import text_of
from .factories import ApplicationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(member):
    """alice (Korean) and a colleague who chose English; the application was just approved."""
    english = MembershipFactory(
        institution=member.institution, user=UserFactory(preferred_language="en")
    )
    application = ApplicationFactory(
        institution=member.institution, created_by=member.user, state=State.APPROVED
    )
    entry = log_action(
        action="application.approved",
        application=application,
        from_state=State.SUBMITTED,
        to_state=State.APPROVED,
        reason="적격 — 전자금융업자",
    )
    mail.outbox.clear()
    send_state_change_email.delay(entry.pk).get()
    return application, member.user, english.user


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_state_change_notifies_each_member_with_the_page_link(approved):
    application, korean, english = approved
    link = reverse("application_detail", args=[application.pk])
    notices = {n.recipient: n for n in Notice.objects.filter(recipient__isnull=False)}
    assert set(notices) == {korean, english}
    assert all(n.link == link and n.category == Category.STATE_CHANGE for n in notices.values())
    assert all(n.application == application and n.emailed for n in notices.values())
    assert notices[korean].language == "ko" and notices[english].language == "en"
    # the institution's contact address gets the e-mail too, without a portal notice
    contact = Notice.objects.get(recipient=None)
    assert contact.email == application.institution.contact_email and not contact.in_portal


def test_emails_are_in_each_members_language_with_the_absolute_link(approved, settings):
    application, korean, english = approved
    url = settings.SITE_URL + reverse("application_detail", args=[application.pk])
    by_recipient = {address: m for m in mail.outbox for address in m.to}
    assert "안녕하세요." in by_recipient[korean.email].body
    assert "Hello," in by_recipient[english.email].body
    assert "안녕하세요." not in by_recipient[english.email].body
    assert all(url in m.body for m in mail.outbox)
    assert "적격 — 전자금융업자" in by_recipient[english.email].body
    assert english.email not in by_recipient[korean.email].to  # one message per language


def test_a_redelivered_task_notifies_nobody_twice(approved):
    application, _korean, _english = approved
    entry = application.audit_entries.get(action="application.approved")
    assert send_state_change_email.delay(entry.pk).get() == 0
    assert Notice.objects.count() == 3


def test_the_notice_opens_the_page_for_its_member(approved):
    application, korean, _english = approved
    notice = Notice.objects.get(recipient=korean)
    client = client_of(korean)
    response = client.get(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("application_detail", args=[application.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200 and application.reference in text_of(page)
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_the_link_refuses_another_institution_and_anonymous(approved):
    _application, korean, _english = approved
    notice = Notice.objects.get(recipient=korean)
    intruder = client_of(MembershipFactory().user)
    assert intruder.get(reverse("notifications:open", args=[notice.pk])).status_code == 404
    assert intruder.get(notice.link).status_code in (403, 404)
    anonymous = Client()
    for url in (reverse("notifications:open", args=[notice.pk]), notice.link):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    notice.refresh_from_db()
    assert notice.read_at is None  # nobody else marked it read


def test_a_colleagues_notice_is_not_mine_to_open(approved):
    _application, korean, english = approved
    colleague_notice = Notice.objects.get(recipient=english)
    response = client_of(korean).get(reverse("notifications:open", args=[colleague_notice.pk]))
    assert response.status_code == 404


def test_inbox_lists_my_notices_and_the_header_counts_the_unread(approved):
    application, korean, english = approved
    client = client_of(korean)
    page = text_of(client.get(reverse("notifications:inbox")))
    assert application.reference in page
    assert 'class="badge"' in page and ">1</span>" in page
    assert client.post(reverse("notifications:read_all")).status_code == 302
    page = text_of(client.get(reverse("dashboard")))
    assert 'class="badge"' not in page
    assert Notice.objects.get(recipient=english).read_at is None  # only mine


def test_suspension_is_emailed_even_to_a_member_who_switched_state_change_emails_off(member):
    from notifications.models import NoticePreference

    NoticePreference.objects.create(
        user=member.user, category=Category.STATE_CHANGE, email=False, portal=True
    )
    application = ApplicationFactory(institution=member.institution, state=State.SUSPENDED)
    for to_state in (State.LIVE, State.SUSPENDED):
        entry = log_action(
            action=f"application.{to_state}", application=application, to_state=to_state
        )
        send_state_change_email.delay(entry.pk).get()
    live, suspended = Notice.objects.filter(recipient=member.user).order_by("pk")
    assert live.email_status == EmailStatus.OPTED_OUT and not live.emailed
    assert suspended.emailed and suspended.email_status == EmailStatus.SENT
