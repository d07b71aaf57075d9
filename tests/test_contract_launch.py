"""DOMAIN §2 step ⑤ — staff set the agreed launch date; a beat task moves launch-scheduled
applications to live on that date; going live needs a signed contract and a guarantee in place."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.lifecycle import apply_transition
from applications.models import Application, AuditEntry, State
from contracts import launch
from contracts.models import Contract, GuaranteeArrangement
from contracts.tasks import launch_due_applications
from openbanking_portal.errors import PortalError

from .contract_support import *  # noqa: F403  (fixtures)
from .contract_support import admin_form_data
from .factories import ApplicationFactory
from .reviews_support import accepted_security_checks


def schedule(app, staff, on):
    if not app.security_checks.exists():
        accepted_security_checks(app)  # launch needs valid check results (tested elsewhere)
    launch.set_launch_date(application=app, by=staff, launch_date=on)
    return apply_transition(application=app, name="schedule_launch", by=staff, reason="실시일 합의")


def test_staff_set_the_launch_date_in_the_contract_admin(staff_client, signed_app):
    contract = Contract.objects.get(application=signed_app)
    url = reverse("admin:contracts_contract_change", args=[contract.pk])
    day = timezone.localdate() + datetime.timedelta(days=7)
    response = staff_client.post(
        url, admin_form_data(staff_client.get(url), launch_date=day.isoformat()), follow=True
    )
    assert response.status_code == 200
    signed_app.refresh_from_db()
    assert signed_app.launch_date == day
    entry = AuditEntry.objects.get(action="launch.date_set")
    assert entry.data["launch_date"] == day.isoformat()


def test_applicants_cannot_set_the_launch_date(member, signed_app):
    with pytest.raises(PortalError):
        launch.set_launch_date(
            application=signed_app, by=member.user, launch_date=timezone.localdate()
        )


def test_beat_task_launches_on_the_agreed_date_only(staff, signed_app, member):
    today = timezone.localdate()
    schedule(signed_app, staff, today)
    later = ApplicationFactory(state=State.CONTRACT)
    from contracts.preparation import prepare_signed_contract

    prepare_signed_contract(application=later, staff=staff)
    schedule(later, staff, today + datetime.timedelta(days=1))

    result = launch_due_applications.delay().get()
    assert result == {"live": [signed_app.pk], "refused": []}
    assert Application.objects.get(pk=signed_app.pk).state == State.LIVE
    assert Application.objects.get(pk=later.pk).state == State.LAUNCH_SCHEDULED
    entry = AuditEntry.objects.get(application=signed_app, action="launch.live")
    assert (entry.from_state, entry.to_state, entry.actor) == ("launch_scheduled", "live", None)
    # A second run finds nothing to do.
    assert launch_due_applications.delay().get() == {"live": [], "refused": []}


def test_no_launch_without_a_guarantee_in_place(staff, signed_app):
    schedule(signed_app, staff, timezone.localdate())
    GuaranteeArrangement.objects.filter(contract__application=signed_app).update(secured_at=None)
    result = launch_due_applications.delay().get()
    assert result == {"live": [], "refused": [signed_app.pk]}
    assert Application.objects.get(pk=signed_app.pk).state == State.LAUNCH_SCHEDULED
    with pytest.raises(PortalError, match="보증수단"):
        apply_transition(application=signed_app, name="go_live", by=staff)


def test_individual_guarantee_is_in_place_once_one_bank_agreed(staff, member):
    from contracts import guarantee
    from contracts.preparation import prepare_signed_contract

    member.institution.paid_in_capital = 50_000_000_000
    member.institution.save()
    app = ApplicationFactory(institution=member.institution, state=State.CONTRACT)
    contract = prepare_signed_contract(application=app, staff=staff, sign=False)
    GuaranteeArrangement.objects.filter(contract=contract).delete()
    arrangement = guarantee.start_individual_guarantee(application=app, by=staff)
    from contracts.signing import record_signature

    record_signature(application=app, by=staff)
    schedule(app, staff, timezone.localdate())
    assert launch_due_applications.delay().get()["refused"] == [app.pk]
    guarantee.record_negotiation(
        negotiation=arrangement.negotiations.get(bank__code="081"),
        by=staff,
        status="agreed",
        agreed_limit_krw=300_000_000,
    )
    assert launch_due_applications.delay().get()["live"] == [app.pk]


def test_no_schedule_without_a_signed_contract(staff, contract_app):
    launch.set_launch_date(application=contract_app, by=staff, launch_date=timezone.localdate())
    with pytest.raises(PortalError, match="서명된 계약"):
        apply_transition(application=contract_app, name="schedule_launch", by=staff, reason="x")


def test_launch_date_only_in_contract_or_scheduled_state(staff):
    app = ApplicationFactory(state=State.LIVE)
    with pytest.raises(PortalError):
        launch.set_launch_date(application=app, by=staff, launch_date=timezone.localdate())


def test_beat_schedule_registers_the_three_daily_tasks(db):
    from django_celery_beat.models import PeriodicTask

    from openbanking_portal.celery import app as celery_app

    tasks = set(PeriodicTask.objects.filter(enabled=True).values_list("task", flat=True))
    expected = {
        "contracts.tasks.apply_contract_changes",
        "contracts.tasks.close_guarantee_windows",
        "contracts.tasks.launch_due_applications",
    }
    assert expected <= tasks
    celery_app.loader.import_default_modules()
    assert expected <= set(celery_app.tasks)
