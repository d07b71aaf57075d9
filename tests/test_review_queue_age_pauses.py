"""Issue 10 item 1 — the approval queue's age is the eligibility-review SLA clock: the days the
case waited on the applicant (supplement requested → resubmitted) do not count, exactly as the
casework clock counts them; the queue's query count stays fixed."""

import datetime
import re
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.audit import log_action
from applications.models import Application, State
from applications.review_queue import age_of
from casework.clocks import clock_of
from policies.calendar import BusinessCalendar

from .conftest import mfa_client, text_of
from .factories import ApplicationFactory, StaffFactory

KST = ZoneInfo("Asia/Seoul")
QUEUE = "admin:applications_reviewqueueitem_changelist"


def at(*args):
    return datetime.datetime(*args, tzinfo=KST)


def walk(application, *steps):
    """Write the audit rows of the transitions [(state, days ago), ...] at those moments."""
    previous = application.state
    for state, days_ago in steps:
        moment = timezone.now() - datetime.timedelta(days=days_ago)
        with mock.patch("django.utils.timezone.now", return_value=moment):  # setup: back-date
            log_action(
                action=f"application.{state}",
                application=application,
                from_state=previous,
                to_state=state,
            )
        previous = state
    Application.objects.filter(pk=application.pk).update(state=previous)
    application.refresh_from_db()
    return application


def since(days: int) -> datetime.date:
    return timezone.localtime(timezone.now() - datetime.timedelta(days=days)).date()


def age_cell(page: str, application) -> str:
    """The queue's age column of the row that links to `application`."""
    link = reverse("admin:applications_reviewqueueitem_change", args=[application.pk])
    row = re.search(rf'<tr[^>]*>(?:(?!</tr>).)*href="{re.escape(link)}".*?</tr>', page, re.S)
    assert row, f"no queue row for {application.pk}"
    cell = re.search(r'<td class="field-age">(.*?)</td>', row.group(0), re.S)
    return re.sub(r"<[^>]+>", "", cell.group(1)).strip()


def test_supplement_days_across_chuseok_and_a_substitute_holiday_do_not_count():
    history = [
        ("submitted", at(2026, 9, 18, 15)),  # Fri
        ("supplement_requested", at(2026, 9, 22, 10)),  # Tue: Mon 21, Tue 22 counted
        ("resubmitted", at(2026, 10, 5, 9)),  # 추석 and 10/5 (개천절 대체공휴일) while paused
    ]
    age = age_of(
        today=datetime.date(2026, 10, 7), calendar=BusinessCalendar(), target=5, history=history
    )
    assert age.business_days == 4  # Mon 21, Tue 22 + Tue 6, Wed 7 October
    assert not age.overdue
    # Without the pause the same case would be 10 business days old, over target.
    naive = age_of(
        at(2026, 9, 18, 15), today=datetime.date(2026, 10, 7), calendar=BusinessCalendar(), target=5
    )
    assert naive.business_days == 10 and naive.overdue


def test_queue_age_leaves_out_the_wait_on_the_applicant_like_the_sla_clock(db):
    paused = walk(
        ApplicationFactory(state=State.DRAFT),
        ("submitted", 30),
        ("supplement_requested", 28),
        ("resubmitted", 2),
    )
    straight = walk(ApplicationFactory(state=State.DRAFT), ("submitted", 30))
    calendar = BusinessCalendar.current()
    today = timezone.localdate()

    page = text_of(mfa_client(StaffFactory()).get(reverse(QUEUE)))

    clock = clock_of(paused)
    assert clock.step == "approval"
    assert age_cell(page, paused) == f"{clock.elapsed} / 5"
    assert clock.elapsed == calendar.business_days_between(
        since(30), since(28)
    ) + calendar.business_days_between(since(2), today)
    assert clock.elapsed < calendar.business_days_between(since(30), today)

    straight_days = clock_of(straight).elapsed
    assert straight_days == calendar.business_days_between(since(30), today) > 5
    assert age_cell(page, straight) == f"{straight_days} / 5 (초과)"


def test_the_queue_target_follows_the_sla_override(staff_client):
    from policies.models import PolicyVersion

    PolicyVersion.objects.create(
        kind="review_targets",
        effective_from=timezone.localdate() - datetime.timedelta(days=1),
        data={"approval_business_days": 3, "sla_business_days": {"approval": 7}},
    )
    application = walk(ApplicationFactory(state=State.DRAFT), ("submitted", 0))
    page = text_of(staff_client.get(reverse(QUEUE)))
    assert age_cell(page, application) == "0 / 7"
    assert clock_of(application).target == 7


@pytest.mark.parametrize("size", [2, 9])
def test_queue_query_count_is_fixed_with_state_histories(staff, size, django_assert_num_queries):
    for k in range(size):
        steps = [("submitted", 20), ("supplement_requested", 15), ("resubmitted", 3)]
        walk(ApplicationFactory(state=State.DRAFT), *steps[: 1 + 2 * (k % 2)])
    client = mfa_client(staff)
    client.get(reverse(QUEUE))  # warm the session and permission caches
    with django_assert_num_queries(10):
        response = client.get(reverse(QUEUE))
    assert text_of(response).count('<td class="field-age">') == size
