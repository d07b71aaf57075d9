"""Testbed simulator throughput (issue 8): requests per second for the balance inquiry, beside a bare
Django JSON view (`/healthz/`) measured in the same run through the same client and middleware.

Everything goes over HTTP as a developer's client would: a key from the keys page, a user token from
the OAuth 2.0 authorize + token endpoints, then sequential calls through Django's test client
(in-process, so the figures are the application's cost without a network or a WSGI server). Each
balance call authenticates the bearer token, reads the account and writes its call-log row.

Run on PostgreSQL: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench make bench` (the database is
created and migrated on first use); without it the run uses the SQLite file of the embedded default.
"""

import json
import secrets
import statistics
import time

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from applications.models import Application
from testbed import keys
from testbed import testing as tb
from testbed.models import SimAccount, SimUser, TestClient
from testbed.synthetic import client_use_code, ensure_seeded

from .pages import ensure_database

WARMUP = {"full": 20, "tiny": 2}
REQUESTS = {"full": 400, "tiny": 5}
BENCH_EMAIL = "bench-testbed@example.kr"


def _bench_member():
    from accounts.models import User
    from tests.factories import ApplicationFactory, MembershipFactory

    user = User.objects.filter(email=BENCH_EMAIL).first()
    if user is None:
        membership = MembershipFactory(user__email=BENCH_EMAIL)
        user, institution = membership.user, membership.institution
        ApplicationFactory(institution=institution, created_by=user, state="functional_test")
    application = Application.objects.filter(institution__memberships__user=user).first()
    return user, application.institution


def _bank_tran_id(institution_id: int) -> str:
    return f"{client_use_code(institution_id)}U{secrets.token_hex(5).upper()[:9]}"


def measure(send, label: str, scale: str = "full") -> dict:
    for _ in range(WARMUP[scale]):
        send()
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        send()
    queries = len(ctx.captured_queries)  # now: the next request resets the query log
    times = []
    started = time.perf_counter()
    for _ in range(REQUESTS[scale]):
        t0 = time.perf_counter()
        send()
        times.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - started
    times.sort()
    return {
        "request": label,
        "requests": REQUESTS[scale],
        "rps": round(REQUESTS[scale] / elapsed, 1),
        "median_ms": round(statistics.median(times), 3),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 3),
        "queries": queries,
    }


def run(scale: str = "full") -> list[dict]:
    from .clients import production_like_settings

    with production_like_settings():
        return _run(scale)


def _run(scale: str) -> list[dict]:
    ensure_database()
    user, institution = _bench_member()
    browser = Client()
    browser.force_login(user)
    # Earlier runs' keys are revoked so the per-institution cap never stops a rerun.
    for client in TestClient.objects.filter(institution=institution, revoked_at__isnull=True):
        keys.revoke_key(institution=institution, client_pk=client.pk, by=user)
    key = tb.issue_key(browser, institution.pk, name=f"bench {secrets.token_hex(2)}")
    ensure_seeded(institution.pk)
    sim_user = SimUser.objects.filter(institution=institution).order_by("user_seq_no").first()
    account = SimAccount.objects.filter(user=sim_user).order_by("pk").first()
    api = Client()
    token = tb.user_token(browser, api, key, user_seq_no=sim_user.user_seq_no)["access_token"]
    headers = {"Authorization": f"Bearer {token}"}

    def bare():
        response = api.get("/healthz/")
        assert response.status_code == 200

    def balance():
        response = api.get(
            "/testbed/v2.0/account/balance/fin_num",
            {
                "bank_tran_id": _bank_tran_id(institution.pk),
                "fintech_use_num": account.fintech_use_num,
                "tran_dtime": tb.tran_dtime(),
            },
            headers=headers,
        )
        assert response.json()["rsp_code"] == "A0000", response.content

    def withdraw():
        response = api.post(
            "/testbed/v2.0/transfer/withdraw/fin_num",
            {
                "bank_tran_id": _bank_tran_id(institution.pk),
                "cntr_account_type": "N",
                "cntr_account_num": "100000000001",
                "dps_print_content": "bench",
                "fintech_use_num": account.fintech_use_num,
                "tran_amt": "1",
                "tran_dtime": tb.tran_dtime(),
                "req_client_name": sim_user.user_name,
                "req_client_num": "BENCH",
                "transfer_purpose": "TR",
            },
            content_type="application/json",
            headers=headers,
        )
        assert response.json()["rsp_code"] in {"A0000", "A0002"}, response.content

    rows = [
        measure(bare, "bare JSON view GET /healthz/", scale),
        measure(balance, "balance GET /testbed/v2.0/account/balance/fin_num", scale),
        measure(withdraw, "withdraw POST /testbed/v2.0/transfer/withdraw/fin_num", scale),
    ]
    bare_rps = rows[0]["rps"]
    for row in rows:
        row["x_slower_than_bare"] = round(bare_rps / row["rps"], 1)
    rows.append({"request": f"database: {connection.vendor}; sequential, in-process test client"})
    # The issue names this file; the runner also writes bench/results/testbed_throughput.json.
    from .__main__ import results_dir

    (results_dir() / "testbed.json").write_text(
        json.dumps({"benchmark": "testbed", "rows": rows}, ensure_ascii=False, indent=2)
    )
    return rows
