"""Two staff moving the same application at once: exactly one wins (row lock + optimistic check)."""

import threading

import pytest
from django.db import connection, connections, transaction
from django_fsm import ConcurrentTransition

from applications.lifecycle import TransitionRefused, apply_transition
from applications.models import Application, AuditEntry, State

from .factories import ApplicationFactory, StaffFactory


@pytest.mark.django_db
def test_stale_instance_cannot_overwrite_a_newer_state():
    application = ApplicationFactory(state=State.SUBMITTED)
    first = Application.objects.get(pk=application.pk)
    second = Application.objects.get(pk=application.pk)
    first.approve()
    first.save()
    second.reject()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()
    assert Application.objects.get(pk=application.pk).state == State.APPROVED


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"
)
@pytest.mark.django_db(transaction=True)
def test_two_staff_deciding_at_once_exactly_one_wins():
    application = ApplicationFactory(state=State.SUBMITTED)
    alice, bob = StaffFactory(), StaffFactory()
    barrier = threading.Barrier(2)
    outcomes = {}

    def decide(user, name):
        try:
            barrier.wait()
            apply_transition(
                application=application.pk, name=name, by=user, reason=f"{name} by {user.email}"
            )
            outcomes[name] = "won"
        except TransitionRefused as exc:
            outcomes[name] = str(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(alice, "approve")),
        threading.Thread(target=decide, args=(bob, "reject")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(v == "won" for v in outcomes.values()) == [False, True]
    final = Application.objects.get(pk=application.pk).state
    assert final in (State.APPROVED, State.REJECTED)
    assert AuditEntry.objects.filter(application=application).count() == 1
