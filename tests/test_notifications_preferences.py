"""Issue 10 item 4 — users choose per category whether they get the e-mail, the portal notice, or
both; legally required notices are e-mailed whatever the choice."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from applications.audit import log_action
from applications.models import AuditEntry, State
from applications.tasks import send_state_change_email
from notifications.models import Category, EmailStatus, Notice, NoticePreference
from notifications.services import notify

from .conftest import text_of
from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db
URL = reverse("notifications:preferences")


def state_change(application):
    entry = log_action(
        action="application.approved",
        application=application,
        from_state=State.SUBMITTED,
        to_state=State.APPROVED,
    )
    mail.outbox.clear()
    send_state_change_email.delay(entry.pk).get()


def choose(client, **fields):
    """Post the preferences form with the given checkboxes ticked (everything else unticked)."""
    data = {name: "on" for name, on in fields.items() if on}
    return client.post(URL, data)


def test_the_page_lists_the_categories_and_says_which_notices_are_mandatory(applicant_client):
    page = text_of(applicant_client.get(URL))
    assert str(Category.STATE_CHANGE.label) in page
    assert "설정과 관계없이 이메일로 발송됩니다" in page
    assert 'name="billing_email"' in page and "disabled" in page


def test_switching_email_off_keeps_the_portal_notice(applicant_client, member, application):
    response = choose(
        applicant_client,
        state_change_portal=True,
        review_request_email=True,
        review_request_portal=True,
    )
    assert response.status_code == 302
    pref = NoticePreference.objects.get(user=member.user, category=Category.STATE_CHANGE)
    assert (pref.email, pref.portal) == (False, True)
    assert AuditEntry.objects.filter(
        action="notices.preferences_changed", actor=member.user
    ).exists()

    state_change(application)
    notice = Notice.objects.get(recipient=member.user)
    assert notice.in_portal and not notice.emailed
    assert notice.email_status == EmailStatus.OPTED_OUT
    assert all(member.user.email not in m.to for m in mail.outbox)
    assert application.reference in text_of(applicant_client.get(reverse("notifications:inbox")))


def test_switching_the_portal_notice_off_keeps_the_email(applicant_client, member, application):
    choose(applicant_client, state_change_email=True)
    state_change(application)
    notice = Notice.objects.get(recipient=member.user)
    assert notice.emailed and not notice.in_portal
    assert any(member.user.email in m.to for m in mail.outbox)
    inbox = text_of(applicant_client.get(reverse("notifications:inbox")))
    assert application.reference not in inbox
    assert applicant_client.get(reverse("notifications:open", args=[notice.pk])).status_code == 404


def test_a_mandatory_category_cannot_be_switched_off_by_email(applicant_client, member):
    choose(applicant_client, billing_portal=True)  # e-mail box is disabled: the post omits it
    pref = NoticePreference.objects.get(user=member.user, category=Category.BILLING)
    assert pref.email is True
    notify(
        [member.user],
        category=Category.BILLING,
        subject="[오픈뱅킹센터] 수수료 미납 안내",
        body="미납",
        link=reverse("operations:invoices"),
    )
    assert [m.to for m in mail.outbox] == [[member.user.email]]


def test_preferences_are_per_user(applicant_client, member, application):
    from .factories import MembershipFactory

    colleague = MembershipFactory(institution=member.institution).user
    NoticePreference.objects.create(user=colleague, category=Category.STATE_CHANGE, email=False)
    choose(applicant_client, state_change_email=True, state_change_portal=True)
    assert NoticePreference.objects.get(user=colleague).email is False
    state_change(application)
    assert all(colleague.email not in m.to for m in mail.outbox)
    assert any(member.user.email in m.to for m in mail.outbox)
    assert Client().get(URL).status_code == 302  # anonymous: to the login page


def test_default_is_both_channels(member):
    application = ApplicationFactory(institution=member.institution)
    state_change(application)
    notice = Notice.objects.get(recipient=member.user)
    assert notice.in_portal and notice.emailed
