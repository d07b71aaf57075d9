"""Issue 10 item 3 — a chain version saved with a future effective date: a daily beat task, just
after midnight Korean time, cancels the levels still pending under the older version on the day
the new one takes effect, even if nobody touches those applications."""

import datetime
import threading
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, AuditEntry, State
from approvals.models import ApprovalRecord
from approvals.tasks import cancel_replaced_chains

from .approvals_support import LEVEL1, LEVEL2, approve, staff_user
from .conftest import mfa_client, text_of

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
TASK = "approvals.tasks.cancel_replaced_chains"


def at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SEOUL)


def run_task_at(moment: datetime.datetime) -> int:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        return cancel_replaced_chains.delay().get()


def level_one_recorded(application) -> ApprovalRecord:
    response = approve(mfa_client(staff_user(LEVEL1)), application)
    assert "1/2 단계 승인 기록됨" in text_of(response)
    return ApprovalRecord.objects.get(application=application)


def add_chain_version_in_the_admin(client, *, decision, levels, effective_from, note=""):
    response = client.post(
        reverse("admin:approvals_approvalchain_add"),
        {
            "decision": decision,
            "levels": "[" + ", ".join(f'"{perm}"' for perm in levels) + "]",
            "effective_from": effective_from.isoformat(),
            "note": note,
        },
    )
    assert response.status_code == 302


def pending_in_the_admin(client) -> list[int]:
    """The records staff see under the admin's "not closed" filter."""
    url = reverse("admin:approvals_approvalrecord_changelist") + "?closed__exact=0"
    response = client.get(url)
    assert response.status_code == 200
    return sorted(r.pk for r in response.context["cl"].result_list)


@pytest.fixture
def tomorrow():
    return timezone.localdate() + datetime.timedelta(days=1)


def test_a_pending_level_one_is_cancelled_by_the_task_on_the_effective_date_and_not_before(
    submitted, two_level_chain, staff_client, applicant_client, tomorrow
):
    record = level_one_recorded(submitted)
    add_chain_version_in_the_admin(
        staff_client,
        decision="approve",
        levels=[LEVEL1, LEVEL2, LEVEL2],
        effective_from=tomorrow,
        note="내일부터 3단계",
    )
    record.refresh_from_db()
    assert not record.closed  # saving a future version cancels nothing yet

    # The evening before (and at one minute to midnight, Korean time) the old version still holds.
    assert run_task_at(at(tomorrow, 0, 0) - datetime.timedelta(hours=6)) == 0
    assert run_task_at(at(tomorrow, 0, 0) - datetime.timedelta(minutes=1)) == 0
    record.refresh_from_db()
    assert not record.closed and record.cancelled_at is None
    assert not AuditEntry.objects.filter(action="approval.cancelled").exists()
    assert pending_in_the_admin(staff_client) == [record.pk]

    # Just after midnight on the effective date, as beat runs it: cancelled, by the system.
    assert run_task_at(at(tomorrow, 0, 5)) == 1
    record.refresh_from_db()
    assert record.closed and record.cancelled_at is not None
    assert record.cancel_reason == "결재 단계 설정이 새 버전으로 바뀌었습니다."
    entry = AuditEntry.objects.get(application=submitted, action="approval.cancelled")
    assert entry.data["cause"] == "chain_replaced"
    assert entry.data["records"] == [record.pk] and entry.data["levels"] == [1]
    assert entry.actor is None
    assert Application.objects.get(pk=submitted.pk).state == State.SUBMITTED

    timeline = text_of(applicant_client.get(reverse("application_detail", args=[submitted.pk])))
    assert "결재 취소 (더 이상 필요 없는 결정)" in timeline
    assert pending_in_the_admin(staff_client) == []

    # Under the new version the chain starts again at level 1 of 3.
    with mock.patch("django.utils.timezone.now", return_value=at(tomorrow, 9, 0)):
        response = approve(mfa_client(staff_user(LEVEL1)), submitted)
    assert "1/3 단계 승인 기록됨" in text_of(response)


def test_running_the_task_twice_changes_nothing_the_second_time(
    submitted, two_level_chain, staff_client, tomorrow
):
    record = level_one_recorded(submitted)
    add_chain_version_in_the_admin(
        staff_client, decision="approve", levels=[LEVEL1, LEVEL2, LEVEL2], effective_from=tomorrow
    )
    assert run_task_at(at(tomorrow, 0, 5)) == 1
    record.refresh_from_db()
    after_first = (record.closed, record.cancelled_at, record.cancel_reason)
    entries = list(AuditEntry.objects.order_by("id").values_list("id", "action"))

    # The broker delivers the same run again, and the next day's run follows.
    assert run_task_at(at(tomorrow, 0, 6)) == 0
    assert run_task_at(at(tomorrow + datetime.timedelta(days=1), 0, 5)) == 0
    record.refresh_from_db()
    assert (record.closed, record.cancelled_at, record.cancel_reason) == after_first
    assert list(AuditEntry.objects.order_by("id").values_list("id", "action")) == entries
    assert ApprovalRecord.objects.filter(application=submitted).count() == 1


def test_a_chain_that_is_not_replaced_leaves_pending_approvals_alone(
    submitted, two_level_chain, staff_client, tomorrow
):
    record = level_one_recorded(submitted)
    # Another decision's chain takes effect tomorrow; approval's own next version only later.
    add_chain_version_in_the_admin(
        staff_client,
        decision="suspend",
        levels=["applications.suspend_application", LEVEL2],
        effective_from=tomorrow,
    )
    add_chain_version_in_the_admin(
        staff_client,
        decision="approve",
        levels=[LEVEL1, LEVEL2, LEVEL2],
        effective_from=tomorrow + datetime.timedelta(days=7),
    )

    assert run_task_at(at(tomorrow, 0, 5)) == 0
    record.refresh_from_db()
    assert not record.closed and record.cancelled_at is None
    assert not AuditEntry.objects.filter(action="approval.cancelled").exists()

    # The level-2 reviewer can still finish the chain begun under the version in force.
    with mock.patch("django.utils.timezone.now", return_value=at(tomorrow, 9, 0)):
        approve(mfa_client(staff_user(LEVEL2)), submitted, reason="2단계 확인")
    assert Application.objects.get(pk=submitted.pk).state == State.APPROVED


def test_the_beat_schedule_runs_the_task_daily_just_after_midnight_korean_time():
    from django_celery_beat.models import PeriodicTask

    from openbanking_portal.celery import app as celery_app

    beat = PeriodicTask.objects.get(task=TASK)
    assert beat.enabled
    assert (beat.crontab.hour, beat.crontab.minute, str(beat.crontab.timezone)) == (
        "0",
        "5",
        "Asia/Seoul",
    )
    assert (beat.crontab.day_of_week, beat.crontab.day_of_month) == ("*", "*")
    celery_app.loader.import_default_modules()
    assert TASK in celery_app.tasks


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"
)
@pytest.mark.django_db(transaction=True)
def test_two_deliveries_of_the_same_run_at_once_cancel_once(submitted, two_level_chain, tomorrow):
    from approvals.models import ApprovalChain

    record = level_one_recorded(submitted)
    ApprovalChain.objects.create(
        decision="approve", levels=[LEVEL1, LEVEL2, LEVEL2], effective_from=tomorrow
    )
    barrier = threading.Barrier(2)
    results = []

    def deliver():
        try:
            barrier.wait()
            # `apply` runs the task here, as a worker given the message would
            results.append(cancel_replaced_chains.apply().get())
        finally:
            connections.close_all()

    with mock.patch("django.utils.timezone.now", return_value=at(tomorrow, 0, 5)):
        threads = [threading.Thread(target=deliver) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)

    assert sorted(results) == [0, 1]
    record.refresh_from_db()
    assert record.closed and record.cancelled_at is not None
    assert AuditEntry.objects.filter(action="approval.cancelled").count() == 1
