"""Median / p95 time and SQL query count of the main pages at scale, beside a bare view (issue 9).

Run on PostgreSQL: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_db make bench` (the database is
created and migrated on first use). The ratio to the bare view is the figure we track (target ≤ 5×).

In-process through Django's test client with DEBUG off (as in production), every middleware on. The
bare view is `/healthz/` (a JsonResponse, no database), requested by the same client in the same run.
The applicant belongs to a few institutions, live ones with a signed contract of 100 accounts, ten
sub-merchants and a year of usage each; the detail pages show the first of them.
"""

import contextlib
import statistics
import time

from django.core.management import call_command
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings, setup_test_environment
from django.urls import reverse

from applications.models import Application, Institution

from .scale_data import PREFIX, generate

RUNS = {"full": 30, "tiny": 1}
OWNER_EMAIL = "bench-owner@example.kr"
STAFF_EMAIL = "bench-staff@example.kr"


def ensure_database() -> None:
    if connection.vendor == "postgresql":
        import psycopg

        name = connection.settings_dict["NAME"]
        with psycopg.connect(
            host=connection.settings_dict["HOST"] or "127.0.0.1",
            port=connection.settings_dict["PORT"] or 5432,
            user=connection.settings_dict["USER"],
            dbname="postgres",
            autocommit=True,
        ) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def setup_environment() -> None:
    with contextlib.suppress(RuntimeError):  # another benchmark in this run already did it
        setup_test_environment()


def users():
    """The benchmark's applicant (admin of its institutions) and staff member (the staff role)."""
    from accounts.models import User
    from tests.factories import StaffFactory, UserFactory

    owner = User.objects.filter(email=OWNER_EMAIL).first() or UserFactory(email=OWNER_EMAIL)
    staff = User.objects.filter(email=STAFF_EMAIL).first() or StaffFactory(email=STAFF_EMAIL)
    return owner, staff


def api_token(owner) -> str:
    """A fresh API token of the applicant's first institution (earlier runs' tokens are revoked)."""
    from integrations.models import ApiToken
    from integrations.tokens import issue_token, revoke_token

    institution = owner_institutions(owner).first()
    for token in ApiToken.objects.filter(institution=institution, revoked_at__isnull=True):
        revoke_token(token=token, by=owner)
    return issue_token(institution=institution, by=owner, name="bench")[1]


def owner_institutions(owner):
    return Institution.objects.filter(memberships__user=owner, name__startswith=PREFIX).order_by(
        "pk"
    )


def measure(client: Client, url: str, runs: int, headers: dict | None = None) -> dict:
    headers = headers or {}
    client.get(url, headers=headers)  # warm caches and connections
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    queries = len(ctx.captured_queries)  # now: the next request resets the query log
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 2),
        "queries": queries,
        "kb": round(len(response.content) / 1024, 1),
    }


def targets(owner, staff, token: str) -> list[tuple[str, Client, str, dict]]:
    from .clients import mfa_session_client

    applicant = Client()
    applicant.force_login(owner)
    staff_client = mfa_session_client(staff)
    api = Client()
    bearer = {"Authorization": f"Bearer {token}"}
    application = Application.objects.filter(institution=owner_institutions(owner).first()).get()
    institution = application.institution
    return [
        ("bare view GET /healthz/", applicant, "/healthz/", {}),
        ("applicant dashboard", applicant, reverse("dashboard"), {}),
        ("application detail", applicant, reverse("application_detail", args=[application.pk]), {}),
        (
            "sub-merchant list (applicant)",
            applicant,
            reverse("operations:sub_merchants", args=[institution.pk]),
            {},
        ),
        (
            "admin changelist ?step=approval",
            staff_client,
            reverse("admin:applications_application_changelist") + "?step=approval",
            {},
        ),
        (
            "admin changelist ?step=live",
            staff_client,
            reverse("admin:applications_application_changelist") + "?step=live",
            {},
        ),
        (
            "admin change page",
            staff_client,
            reverse("admin:applications_application_change", args=[application.pk]),
            {},
        ),
        ("staff dashboard", staff_client, reverse("admin:operations_dashboard"), {}),
        ("API applications list", api, "/api/v1/applications/", bearer),
        ("API application detail", api, f"/api/v1/applications/{application.pk}/", bearer),
        ("API institutions list", api, "/api/v1/institutions/", bearer),
        ("API contract (100 accounts)", api, f"/api/v1/contracts/{application.pk}/", bearer),
        ("API sub-merchants list", api, "/api/v1/sub-merchants/", bearer),
        ("API usage list ?month=2026-09", api, "/api/v1/usage/?month=2026-09", bearer),
        ("API invoices list", api, "/api/v1/invoices/", bearer),
    ]


def run(scale: str = "full") -> list[dict]:
    setup_environment()
    ensure_database()
    owner, staff = users()
    generate(owner=owner, staff=staff, scale=scale)
    token = api_token(owner)
    rows = []
    bare = None
    with override_settings(DEBUG=False):
        for name, client, url, headers in targets(owner, staff, token):
            result = measure(client, url, RUNS[scale], headers)
            bare = bare or result["median_ms"]
            rows.append({"page": name, **result, "x_bare": round(result["median_ms"] / bare, 1)})
    rows.append(
        {
            "page": f"data: {Institution.objects.count()} institutions, {connection.vendor}, DEBUG off"
        }
    )
    return rows
