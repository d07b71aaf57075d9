"""Median / p95 time and SQL query count of the main pages at scale, beside a bare view (issue 9).

Run on PostgreSQL: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench make bench` (the database is
created and migrated on first use). The ratio to the bare view is the figure we track (target ≤ 5×).
"""

import statistics
import time

from django.core.management import call_command
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_test_environment
from django.urls import reverse

from applications.models import Application, Institution

from .scale_data import generate

RUNS = 30


def ensure_database() -> None:
    if connection.vendor == "postgresql":
        import psycopg

        name = connection.settings_dict["NAME"]
        with psycopg.connect(
            host=connection.settings_dict["HOST"] or "127.0.0.1",
            user=connection.settings_dict["USER"],
            dbname="postgres",
            autocommit=True,
        ) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def users():
    from tests.factories import MembershipFactory, StaffFactory

    from .clients import mfa_session_client

    owner_membership = (
        MembershipFactory(user__email="bench-owner@example.kr")
        if not Institution.objects.filter(
            memberships__user__email="bench-owner@example.kr"
        ).exists()
        else None
    )
    from accounts.models import User

    owner = (
        User.objects.get(email="bench-owner@example.kr")
        if owner_membership is None
        else owner_membership.user
    )
    staff = User.objects.filter(email="bench-staff@example.kr").first() or StaffFactory(
        email="bench-staff@example.kr"
    )
    applicant = Client()
    applicant.force_login(owner)
    return owner, staff, applicant, mfa_session_client(staff)


def measure(client: Client, url: str) -> dict:
    client.get(url)  # warm caches and connections
    reset_queries()  # the generator filled the (bounded) query log
    times = []
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    for _ in range(RUNS):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
        "queries": len(ctx.captured_queries),
    }


def run() -> list[dict]:
    setup_test_environment()
    ensure_database()
    owner, staff, applicant, staff_client = users()
    generate(owner=owner, staff=staff)
    application = Application.objects.filter(institution__memberships__user=owner).first()
    pages = [
        ("bare view (/healthz/)", applicant, "/healthz/"),
        ("applicant dashboard", applicant, reverse("dashboard")),
        ("application detail", applicant, reverse("application_detail", args=[application.pk])),
        (
            "admin changelist ?step=approval",
            staff_client,
            reverse("admin:applications_application_changelist") + "?step=approval",
        ),
        (
            "admin change page",
            staff_client,
            reverse("admin:applications_application_change", args=[application.pk]),
        ),
        ("API applications list", applicant, "/api/v1/applications/"),
        ("API application detail", applicant, f"/api/v1/applications/{application.pk}/"),
    ]
    rows = []
    bare = None
    for name, client, url in pages:
        result = measure(client, url)
        bare = bare or result["median_ms"]
        rows.append({"page": name, **result, "x_bare": round(result["median_ms"] / bare, 1)})
    rows.append({"page": f"data: {Institution.objects.count()} institutions, {connection.vendor}"})
    return rows
