"""Issue 10 item 1 — open SLA escalations are listed on the staff operations dashboard: case,
step, days over target (now, pauses excluded), the step's team lead and a link to the case; the
page's query count does not grow with the number of escalations."""

import datetime
import re
from unittest import mock

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from applications.audit import log_action
from applications.models import Application
from casework import tasks
from casework.clocks import clock_of
from casework.models import Escalation

from .conftest import mfa_client, text_of
from .factories import ApplicationFactory, StaffFactory, UserFactory

DASHBOARD = "admin:operations_dashboard"
pytestmark = pytest.mark.django_db


def entered(application, state, days_ago: int):
    """The audit row a transition into `state` writes, `days_ago` days back (the log is
    append-only, so the clock is set back while the row is written)."""
    back_then = timezone.now() - datetime.timedelta(days=days_ago)
    with mock.patch("django.utils.timezone.now", return_value=back_then):
        log_action(
            action=f"application.{state}",
            application=application,
            from_state=application.state,
            to_state=state,
        )
    Application.objects.filter(pk=application.pk).update(state=state)
    application.refresh_from_db()
    return application


def case_in(state, days_ago: int):
    return entered(ApplicationFactory(state=state), state, days_ago)


def escalations_table(page: str) -> str:
    start = page.index('id="open-escalations"')
    return page[start : page.index("</table>", start)]


def row_of(table: str, application) -> str:
    match = re.search(rf'<tr [^>]*data-application="{application.pk}".*?</tr>', table, re.S)
    assert match, f"no row for application {application.pk}"
    return match.group(0)


@pytest.fixture
def approval_lead(db):
    lead = UserFactory(email="lead-approval@centre.kr", first_name="팀장", last_name="김")
    lead.groups.add(Group.objects.get(name="SLA 팀장 - 이용승인"))
    return lead


def test_open_escalations_are_listed_with_days_over_team_lead_and_link(staff, approval_lead):
    stale_review = case_in("submitted", days_ago=21)
    stale_contract = case_in("contract", days_ago=40)
    moved_on = case_in("submitted", days_ago=21)
    paused = case_in("submitted", days_ago=21)
    assert tasks.escalate_breaches.delay().get() == 4

    # After the escalation, one case is approved, one waits on the applicant's supplement.
    entered(moved_on, "approved", days_ago=0)
    entered(paused, "supplement_requested", days_ago=0)

    page = text_of(mfa_client(staff).get(reverse(DASHBOARD)))
    table = escalations_table(page)
    assert f'data-application="{moved_on.pk}"' not in table
    assert f'data-application="{paused.pk}"' not in table

    review_row = row_of(table, stale_review)
    clock = clock_of(stale_review)
    assert clock.breached
    assert f'<td class="days-over">{clock.elapsed - clock.target}</td>' in review_row
    assert "이용승인 심사" in review_row
    assert "김팀장 <lead-approval@centre.kr>" in review_row
    link = reverse("admin:applications_application_change", args=[stale_review.pk])
    assert f'href="{link}"' in review_row
    assert stale_review.institution.name in review_row

    contract_row = row_of(table, stale_contract)
    contract_clock = clock_of(stale_contract)
    assert f'<td class="days-over">{contract_clock.elapsed - contract_clock.target}</td>' in (
        contract_row
    )
    assert "계약체결" in contract_row
    assert "지정되지 않음" in contract_row  # nobody in the contract team-lead group
    # Most days over first: the contract case (40 days, target 15) before the review (21, 5).
    assert table.index(f'data-application="{stale_contract.pk}"') < table.index(
        f'data-application="{stale_review.pk}"'
    )


def test_a_paused_escalation_shows_again_when_the_applicant_answers(staff, approval_lead):
    case = case_in("submitted", days_ago=21)
    assert tasks.escalate_breaches.delay().get() == 1
    escalation = Escalation.objects.get(application=case)
    entered(case, "supplement_requested", days_ago=1)
    client = mfa_client(staff)
    assert f'data-escalation="{escalation.pk}"' not in text_of(client.get(reverse(DASHBOARD)))

    entered(case, "resubmitted", days_ago=0)

    table = escalations_table(text_of(client.get(reverse(DASHBOARD))))
    assert f'data-escalation="{escalation.pk}"' in table


def test_staff_without_the_escalation_permission_see_the_dashboard_without_the_list(db):
    case_in("submitted", days_ago=21)
    tasks.escalate_breaches.delay().get()
    user = StaffFactory(with_role=False)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="operations", codename="view_invoice")
    )
    page = text_of(mfa_client(user).get(reverse(DASHBOARD)))
    assert 'id="outstanding-count"' in page
    assert 'id="open-escalations"' not in page


def test_no_open_escalation_says_so(staff_client):
    page = text_of(staff_client.get(reverse(DASHBOARD)))
    assert "진행 중인 SLA 초과 건이 없습니다" in escalations_table(page)


@pytest.mark.parametrize("cases", [2, 12])
def test_dashboard_query_count_is_fixed_with_escalations(
    staff, approval_lead, cases, django_assert_num_queries
):
    for k in range(cases):
        case_in(["submitted", "contract", "functional_test"][k % 3], days_ago=45)
    assert tasks.escalate_breaches.delay().get() == cases
    client = mfa_client(staff)
    client.get(reverse(DASHBOARD))  # warm the session, permissions and the kept values
    # session, user, MFA, policies (1): the statistics, figures and escalations are kept
    with django_assert_num_queries(4):
        response = client.get(reverse(DASHBOARD))
    assert text_of(response).count("data-escalation=") == cases
    entered(case_in("submitted", days_ago=1), "submitted", days_ago=1)  # a state change
    # + the statistics, the overdue checks, the escalations, their state histories, the team leads
    with django_assert_num_queries(9):
        response = client.get(reverse(DASHBOARD))
    assert text_of(response).count("data-escalation=") == cases


def test_a_team_lead_named_after_a_view_shows_at_once(staff):
    case = case_in("submitted", days_ago=21)
    tasks.escalate_breaches.delay().get()
    client = mfa_client(staff)
    assert "지정되지 않음" in row_of(
        escalations_table(text_of(client.get(reverse(DASHBOARD)))), case
    )
    lead = UserFactory(email="new-lead@centre.kr")
    lead.groups.add(Group.objects.get(name="SLA 팀장 - 이용승인"))
    row = row_of(escalations_table(text_of(client.get(reverse(DASHBOARD)))), case)
    assert "new-lead@centre.kr" in row


def test_kept_rows_are_labelled_in_each_readers_language(staff, approval_lead):
    case = case_in("submitted", days_ago=21)
    tasks.escalate_breaches.delay().get()
    korean = row_of(escalations_table(text_of(mfa_client(staff).get(reverse(DASHBOARD)))), case)
    english_staff = mfa_client(StaffFactory(preferred_language="en"))
    page = english_staff.get(reverse(DASHBOARD), headers={"accept-language": "en"})
    english = row_of(escalations_table(text_of(page)), case)
    assert "이용승인 심사" in korean and "이용승인 심사" not in english


def test_days_over_grow_with_the_day_though_nothing_changed(staff, approval_lead):
    case = case_in("submitted", days_ago=21)
    tasks.escalate_breaches.delay().get()
    client = mfa_client(staff)

    def days_over() -> int:
        row = row_of(escalations_table(text_of(client.get(reverse(DASHBOARD)))), case)
        return int(re.search(r'<td class="days-over">(-?\d+)</td>', row).group(1))

    from policies.calendar import BusinessCalendar

    today = days_over()
    next_week = timezone.now() + datetime.timedelta(days=7)
    later = BusinessCalendar.current().business_days_between(
        timezone.localdate(), timezone.localdate(next_week)
    )
    with mock.patch("django.utils.timezone.now", return_value=next_week):
        assert days_over() == today + later
