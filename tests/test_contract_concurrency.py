"""Contract rules hold under concurrency (PostgreSQL): the contract row lock serialises account
additions, and the beat tasks claim each row by compare-and-swap."""

import threading

import pytest
from django.db import connection, connections

from contracts import accounts, changes
from contracts.models import Bank, Contract, ContractAccount, ContractChangeRequest
from openbanking_portal.errors import PortalError

from .contract_support import *  # noqa: F403  (fixtures)

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def seed_data(transactional_db):
    """A transactional test may start after another one flushed the migrations' seed rows."""
    import datetime

    from contracts.banks import load_participating_banks
    from policies.models import PolicyKind, PolicyVersion
    from policies.services import DEFAULT_SIZE_CLASS

    load_participating_banks(Bank)
    if not PolicyVersion.objects.filter(kind=PolicyKind.SIZE_CLASS).exists():
        PolicyVersion.objects.create(
            kind=PolicyKind.SIZE_CLASS,
            effective_from=datetime.date(2000, 1, 1),
            data=DEFAULT_SIZE_CLASS,
        )


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            outcomes[i] = call()
        except PortalError as exc:
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_two_members_adding_the_100th_account_at_once(member, contract_app):
    accounts.choose_main_bank(
        application=contract_app, by=member.user, bank=Bank.objects.get(code="004")
    )
    contract = Contract.objects.get(application=contract_app)
    ContractAccount.objects.bulk_create(
        ContractAccount(
            contract=contract,
            bank=contract.main_bank,
            account_number=f"1000000{i:05d}",
            purpose="settlement",
        )
        for i in range(99)
    )
    outcomes = run_together(
        lambda: accounts.add_account(
            application=contract_app,
            by=member.user,
            account_number="5550000001",
            purpose="settlement",
        ),
        lambda: accounts.add_account(
            application=contract_app,
            by=member.user,
            account_number="5550000002",
            purpose="settlement",
        ),
    )
    assert sorted(isinstance(o, PortalError) for o in outcomes) == [False, True]
    assert ContractAccount.objects.active().count() == 100


def test_the_same_number_added_twice_at_once_is_refused_once(member, contract_app):
    accounts.choose_main_bank(
        application=contract_app, by=member.user, bank=Bank.objects.get(code="004")
    )
    add = lambda: accounts.add_account(  # noqa: E731
        application=contract_app,
        by=member.user,
        account_number="555-000-0001",
        purpose="settlement",
    )
    outcomes = run_together(add, add)
    errors = [o for o in outcomes if isinstance(o, PortalError)]
    assert len(errors) == 1 and "이미 등록된" in str(errors[0].message)


def test_two_beat_workers_apply_a_change_once(staff, signed_app, member):
    change = changes.request_account_change(
        application=signed_app,
        by=member.user,
        add=[{"account_number": "777-777-777777", "purpose": "settlement"}],
    )
    change = changes.approve_change(change=change, by=staff)
    ContractChangeRequest.objects.filter(pk=change.pk).update(effective_on=change.decided_at.date())
    outcomes = run_together(changes.apply_due_changes, changes.apply_due_changes)
    assert sorted(outcomes, key=len) == [[], [change.pk]]
    assert ContractAccount.objects.filter(account_number="777777777777").count() == 1
