"""Median / p95 time and SQL query count of the main pages at scale, beside a bare view (issue 9).

Run on PostgreSQL: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_db make bench` (the database is
created and migrated on first use). The ratio to the bare view is the figure we track (target ≤ 5×).

In-process through Django's test client with DEBUG off (as in production), every middleware on.
Each page is requested in turn with the bare view of its kind (bench/urls.py: the same
authentication, no work), and the anonymous `/healthz/` is the floor of the stack. The cache is
Redis when one answers on loopback, as in production (bench/clients.py). The staff dashboard is
measured as a view finds it when nothing changed since the last one, after a payment (its kept
figures counted anew: the view races the worker's refresh), and after a state change both once the
worker has refreshed the kept values (as a person's next view normally finds them) and before
(statistics, overdue checks and escalations worked out by the view itself). The applicant administers two live institutions, each with a signed contract of 100 accounts, ten
sub-merchants and a year of usage; the detail pages show the first. The dashboard is also measured
for a user of 50 institutions (a consultant filing for many), the generator's owner.
"""

import gc
import statistics
import time

from django.core.management import call_command
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Application, Institution

from .scale_data import PREFIX, generate

RUNS = {"full": 60, "tiny": 1}
OWNER_EMAIL = "bench-owner@example.kr"
APPLICANT_EMAIL = "bench-applicant@example.kr"
APPLICANT_INSTITUTIONS = 2
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


def users():
    """The generator's owner (admin of 50 institutions) and the staff member (the staff role)."""
    from accounts.models import User
    from tests.factories import StaffFactory, UserFactory

    owner = User.objects.filter(email=OWNER_EMAIL).first() or UserFactory(email=OWNER_EMAIL)
    staff = User.objects.filter(email=STAFF_EMAIL).first() or StaffFactory(email=STAFF_EMAIL)
    return owner, staff


def applicant():
    """A typical applicant: admin of two live institutions."""
    from accounts.models import User
    from tests.factories import UserFactory

    from .scale_data import add_memberships

    user = User.objects.filter(email=APPLICANT_EMAIL).first() or UserFactory(email=APPLICANT_EMAIL)
    add_memberships(user, APPLICANT_INSTITUTIONS)
    return user


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


def measure(
    client: Client, url: str, runs: int, headers: dict | None = None, beside=None, before=None
) -> dict:
    """Median / p95 wall and median CPU time and the queries of `url`; with `beside` (client, url,
    headers of the bare view of its kind) the two are requested in turn, so both see the same
    machine (other processes, CPU frequency) and the ratio is not skewed by drift between them.
    `before`, if given, runs before each request of the page, untimed."""
    headers = headers or {}
    before = before or (lambda: None)
    client.get(url, headers=headers)  # warm caches and connections
    reset_queries()
    before()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    queries = len(ctx.captured_queries)  # now: the next request resets the query log
    assert response.status_code == 200, (url, response.status_code)
    page, bare = _Timings(), _Timings()
    for _ in range(runs):
        if beside:
            bare.time(beside[0].get, beside[1], headers=beside[2])
        before()
        page.time(client.get, url, headers=headers)
    result = {**page.summary(), "queries": queries, "kb": round(len(response.content) / 1024, 1)}
    if beside:
        result["bare_ms"] = bare.summary()["median_ms"]
        result["x_bare"] = round(result["median_ms"] / result["bare_ms"], 1)
        result["x_bare_cpu"] = round(result["cpu_ms"] / bare.summary()["cpu_ms"], 1)
    return result


class _Timings:
    def __init__(self):
        self.wall, self.cpu = [], []

    def time(self, get, *args, **kwargs) -> None:
        started, started_cpu = time.perf_counter(), time.process_time()
        get(*args, **kwargs)
        self.wall.append((time.perf_counter() - started) * 1000)
        self.cpu.append((time.process_time() - started_cpu) * 1000)

    def summary(self) -> dict:
        wall = sorted(self.wall)
        return {
            "median_ms": round(statistics.median(wall), 2),
            "p95_ms": round(wall[max(0, int(len(wall) * 0.95) - 1)], 2),
            # This process's CPU only (not the database's): steadier than wall time.
            "cpu_ms": round(statistics.median(self.cpu), 2),
        }


# Each page is compared with the bare view of its kind (bench/urls.py): same middleware and authentication.
BARE = {
    "anonymous": "bare view GET /healthz/ (anonymous)",
    "applicant": "bare view, signed in",
    "staff": "bare admin view, staff with MFA",
    "api": "bare API view, token",
}


def after_a_payment() -> None:
    """A payment (an invoice, a sanction case, a sub-merchant) between two views, the next one
    racing the worker's refresh: the fees and cases counted by the view itself."""
    from operations.selectors import FEES_AND_CASES

    FEES_AND_CASES.forget()


STATE_KEPT = ("statistics", "dashboard-overdue-checks", "open-escalations")


def after_a_state_change() -> None:
    """An application's state change between two views, the next one racing the worker's refresh:
    the statistics, overdue checks and open escalations worked out by the view itself."""
    from openbanking_portal.kept import KINDS

    for name in STATE_KEPT:
        KINDS[name].forget()


def after_a_state_change_refreshed() -> None:
    """The same change as the next view normally finds it: the worker's refresh has run."""
    from openbanking_portal.kept import refresh_kept

    after_a_state_change()
    for name in STATE_KEPT:
        refresh_kept(name)


def targets(owner, staff, token: str) -> list[tuple]:
    """(name, kind, client, url, headers[, before]); `owner` is the typical applicant here, the
    generator's busy owner is the dashboard's 2nd row. The bare views come first, one per kind."""
    from .clients import mfa_session_client

    applicant = Client()
    applicant.force_login(owner)
    busy = Client()
    busy.force_login(users()[0])
    staff_client = mfa_session_client(staff)
    api = Client()
    bearer = {"Authorization": f"Bearer {token}"}
    application = Application.objects.filter(institution=owner_institutions(owner).first()).get()
    institution = application.institution
    changelist = reverse("admin:applications_application_changelist")
    return [
        (BARE["anonymous"], "anonymous", applicant, "/healthz/", {}),
        (BARE["applicant"], "applicant", applicant, reverse("bench_bare_signed_in"), {}),
        (BARE["staff"], "staff", staff_client, reverse("bench_bare_admin"), {}),
        (BARE["api"], "api", api, reverse("bench_bare_api"), bearer),
        ("applicant dashboard", "applicant", applicant, reverse("dashboard"), {}),
        ("dashboard, user of 50 institutions", "applicant", busy, reverse("dashboard"), {}),
        (
            "application detail",
            "applicant",
            applicant,
            reverse("application_detail", args=[application.pk]),
            {},
        ),
        (
            "sub-merchant list (applicant)",
            "applicant",
            applicant,
            reverse("operations:sub_merchants", args=[institution.pk]),
            {},
        ),
        (
            "admin changelist ?step=approval",
            "staff",
            staff_client,
            changelist + "?step=approval",
            {},
        ),
        ("admin changelist ?step=live", "staff", staff_client, changelist + "?step=live", {}),
        (
            "admin change page",
            "staff",
            staff_client,
            reverse("admin:applications_application_change", args=[application.pk]),
            {},
        ),
        ("staff dashboard", "staff", staff_client, reverse("admin:operations_dashboard"), {}),
        (
            "staff dashboard, after a payment, before the refresh",
            "staff",
            staff_client,
            reverse("admin:operations_dashboard"),
            {},
            after_a_payment,
        ),
        (
            "staff dashboard, after a state change",
            "staff",
            staff_client,
            reverse("admin:operations_dashboard"),
            {},
            after_a_state_change_refreshed,
        ),
        (
            "staff dashboard, after a state change, before the refresh",
            "staff",
            staff_client,
            reverse("admin:operations_dashboard"),
            {},
            after_a_state_change,
        ),
        ("API applications list", "api", api, "/api/v1/applications/", bearer),
        ("API application detail", "api", api, f"/api/v1/applications/{application.pk}/", bearer),
        ("API institutions list", "api", api, "/api/v1/institutions/", bearer),
        ("API contract (100 accounts)", "api", api, f"/api/v1/contracts/{application.pk}/", bearer),
        ("API sub-merchants list", "api", api, "/api/v1/sub-merchants/", bearer),
        ("API usage list ?month=2026-09", "api", api, "/api/v1/usage/?month=2026-09", bearer),
        ("API invoices list", "api", api, "/api/v1/invoices/", bearer),
    ]


def run(scale: str = "full") -> list[dict]:
    from .clients import production_like_settings

    ensure_database()
    owner, staff = users()
    generate(owner=owner, staff=staff, scale=scale)
    member = applicant()
    token = api_token(member)
    rows, bare = [], {}
    with production_like_settings(ROOT_URLCONF="bench.urls"):
        cases = targets(member, staff, token)
        # Measure as a fresh worker would run: the set-up's objects frozen out of the collector's
        # way (a bigger heap makes every collection during a request slower).
        gc.collect()
        gc.freeze()
        for name, kind, client, url, headers, *before in cases:
            if name in BARE.values():
                bare[kind] = (client, url, headers)
                result = measure(client, url, RUNS[scale], headers)
                floor = bare.setdefault("floor", result)
                result.update(x_bare=1.0, x_bare_cpu=1.0)
            else:
                result = measure(
                    client,
                    url,
                    RUNS[scale],
                    headers,
                    beside=bare[kind],
                    before=next(iter(before), None),
                )
            result["x_healthz"] = round(result["median_ms"] / floor["median_ms"], 1)
            rows.append({"page": name, "kind": kind, **result})
        gc.unfreeze()
    rows.append(
        {
            "page": f"data: {Institution.objects.count()} institutions, {connection.vendor}, DEBUG off",
            "target": "x_bare <= 5 (each page beside the bare view of its kind, requested in turn)",
        }
    )
    return rows
