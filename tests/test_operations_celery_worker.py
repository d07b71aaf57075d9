"""Billing through a real Celery worker on the local Redis broker (PostgreSQL only).

The worker is a separate process pointed at this test's database; the task is sent over Redis and
the test waits (bounded) for the invoices and their PDFs to appear, then stops the worker.
"""

import contextlib
import datetime
import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from operations.models import Invoice

from .factories import InstitutionFactory
from .operations_factories import SMALL, month_usage

BROKER = "redis://127.0.0.1:6379/8"
ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 90


def _database_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or "5432"
    return f"postgres://{user}@{host}:{port}/{s['NAME']}"


def _redis_available() -> bool:
    try:
        import redis

        return redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping()
    except Exception:
        return False


def ensure_policies() -> None:
    """A transactional test may follow another that flushed the migrations' policy rows."""
    from operations.fees_policy import DEFAULT_FEES, EFFECTIVE_FROM
    from policies.models import PolicyVersion
    from policies.services import DEFAULT_SIZE_CLASS

    for kind, data in (("fees", DEFAULT_FEES), ("size_class", DEFAULT_SIZE_CLASS)):
        if not PolicyVersion.objects.filter(kind=kind).exists():
            PolicyVersion.objects.create(kind=kind, effective_from=EFFECTIVE_FROM, data=data)


@contextlib.contextmanager
def running_worker(env: dict, log_path: Path):
    """A Celery worker process for the duration of the block; always terminated."""
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "openbanking_portal", "worker",
             "--pool=solo", "--concurrency=1", "--without-gossip", "--without-mingle", "-l", "info"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield worker
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def worker_env(queue: str, **extra: str) -> dict:
    """A worker's environment: this test's database and queue, tasks sent over the broker."""
    return {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "DJANGO_SETTINGS_MODULE": "openbanking_portal.settings",
        **extra,
    }


@contextlib.contextmanager
def own_queue(prefix: str):
    """A broker queue of this test's own (other runs of the suite may share the broker), removed
    from the broker afterwards."""
    import redis

    queue = f"{prefix}-{uuid.uuid4().hex}"
    try:
        yield queue
    finally:
        broker = redis.Redis.from_url(BROKER)
        broker.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs a shared database")
@pytest.mark.django_db(transaction=True)
def test_billing_runs_through_a_real_celery_worker(tmp_path):
    if not _redis_available():
        pytest.skip("no local Redis broker")
    from celery import Celery

    ensure_policies()
    october = datetime.date(2026, 10, 1)
    institutions = [InstitutionFactory(paid_in_capital=SMALL) for _ in range(3)]
    for inst in institutions:
        month_usage(inst, october, count=100)

    with own_queue("operations-test") as queue:
        env = worker_env(queue, MEDIA_ROOT=str(tmp_path))
        with running_worker(env, tmp_path / "worker.log") as worker:
            sender = Celery("sender", broker=BROKER)
            sender.send_task("operations.tasks.bill_month", args=["2026-10"], queue=queue)
            deadline = time.monotonic() + TIMEOUT
            ready = 0
            while time.monotonic() < deadline:
                ready = Invoice.objects.filter(month=october).exclude(sha256="").count()
                if ready == len(institutions) or worker.poll() is not None:
                    break
                time.sleep(0.5)
    output = (tmp_path / "worker.log").read_text(errors="replace")
    assert ready == len(institutions), output[-3000:]
    assert "operations.tasks.bill_month" in output
    invoices = Invoice.objects.filter(month=october)
    assert {i.total_krw for i in invoices} == {100 * 30}
    for invoice in invoices:  # the worker stored each PDF under its MEDIA_ROOT, with its hash
        stored = (tmp_path / invoice.file.name).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == invoice.sha256


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs a shared database")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_works_the_statistics_out_again_after_a_change(tmp_path, settings):
    """openbanking_portal.kept: the commit of a change queues `refresh_kept`; a worker on the same
    Redis cache works the statistics out, and the next view finds them kept."""
    if not _redis_available():
        pytest.skip("no local Redis broker")
    from celery import Celery

    from applications.statistics import COUNTS
    from policies.services import large_capital_threshold

    cache_url = "redis://127.0.0.1:6379/7"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache_url}
    }
    from .factories import ApplicationFactory

    ensure_policies()
    ApplicationFactory(institution=InstitutionFactory(paid_in_capital=SMALL))
    COUNTS.forget()  # nothing kept: only the worker can put the value there
    key = COUNTS.key(str(large_capital_threshold()))
    kept = None
    with own_queue("kept-test") as queue:
        env = worker_env(queue, REDIS_CACHE_URL=cache_url)
        with running_worker(env, tmp_path / "worker.log") as worker:
            Celery("sender", broker=BROKER).send_task(
                "openbanking_portal.kept.refresh_kept", args=["statistics"], queue=queue
            )
            deadline = time.monotonic() + TIMEOUT
            while time.monotonic() < deadline and worker.poll() is None:
                generation, kept = COUNTS._read(key)
                if kept is not None and kept[0] == generation:
                    break
                time.sleep(0.5)
    output = (tmp_path / "worker.log").read_text(errors="replace")
    assert kept is not None, output[-3000:]
    assert sum(n for _size, _state, n in kept[1]) == 1  # the one application counted by the worker
