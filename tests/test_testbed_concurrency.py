"""Simultaneous testbed calls on PostgreSQL: a balance is never overdrawn by two concurrent
withdrawals, and two first calls seed an institution's synthetic data once."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from testbed import testing as tb
from testbed.models import SimAccount, SimUser
from testbed.synthetic import ensure_seeded, plan
from tests.factories import ApplicationFactory, MembershipFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent connections (PostgreSQL)"
    ),
    pytest.mark.django_db(transaction=True),
]


def run_together(*targets):
    barrier = threading.Barrier(len(targets))

    def wrap(target):
        def go():
            try:
                barrier.wait()
                target()
            finally:
                connections.close_all()

        return go

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)


def test_two_withdrawals_at_once_never_overdraw():
    member = MembershipFactory()
    ApplicationFactory(institution=member.institution, created_by=member.user, state="approved")
    browser = Client()
    browser.force_login(member.user)
    key = tb.issue_key(browser, member.institution_id)
    ensure_seeded(member.institution_id)
    user = SimUser.objects.filter(institution_id=member.institution_id).order_by("user_seq_no")[0]
    account = SimAccount.objects.filter(user=user).order_by("pk")[0]
    token = tb.user_token(browser, Client(), key, user_seq_no=user.user_seq_no)["access_token"]
    amount = account.balance_amt * 6 // 10
    results = []

    def withdraw():
        _, body = tb.call(
            Client(),
            token,
            "POST",
            "/v2.0/transfer/withdraw/fin_num",
            {
                "bank_tran_id": tb.bank_tran_id(member.institution_id),
                "cntr_account_type": "N",
                "cntr_account_num": "100000000001",
                "dps_print_content": "동시출금",
                "fintech_use_num": account.fintech_use_num,
                "tran_amt": str(amount),
                "tran_dtime": tb.tran_dtime(),
                "req_client_name": user.user_name,
                "req_client_num": "C1",
                "transfer_purpose": "TR",
            },
        )
        results.append((body["rsp_code"], body.get("bank_rsp_code")))

    before = account.balance_amt
    run_together(withdraw, withdraw)
    assert sorted(results) == [("A0000", "000"), ("A0002", "551")]
    account.refresh_from_db()
    assert account.balance_amt == before - amount


def test_two_first_calls_seed_the_institution_once():
    member = MembershipFactory()
    run_together(
        lambda: ensure_seeded(member.institution_id), lambda: ensure_seeded(member.institution_id)
    )
    assert SimUser.objects.filter(institution_id=member.institution_id).count() == len(
        plan(member.institution_id)
    )
