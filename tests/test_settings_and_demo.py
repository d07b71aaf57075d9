"""Settings from the environment, the production deploy check, and the demo data command."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from applications.models import Application, Institution
from contracts.models import Bank

ROOT = Path(__file__).resolve().parents[1]


def run_manage(*args, env_extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_CACHE_URL"}
    }
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "portal.example.kr",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "REDIS_CACHE_URL": "redis://127.0.0.1:6379/1",
}


def test_check_deploy_is_clean_with_production_variables():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_extra=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_warns_of_a_cache_that_each_process_keeps_apart():
    env = {k: v for k, v in PRODUCTION.items() if k != "REDIS_CACHE_URL"}
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_extra=env)
    assert result.returncode != 0
    assert "portal.W001" in result.stdout + result.stderr


def test_embedded_default_is_sqlite_eager_console():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND)"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL"}}
    env["DJANGO_SETTINGS_MODULE"] = "openbanking_portal.settings"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.stdout.split() == [
        "django.db.backends.sqlite3",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


def test_database_and_broker_urls_switch_to_postgres_and_redis():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "openbanking_portal.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/test",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.stdout.split() == [
        "django.db.backends.postgresql",
        "False",
        "redis://127.0.0.1:6379/0",
    ]


@pytest.mark.django_db
def test_demo_command_loads_banks_users_and_institutions_across_steps(capsys):
    call_command("load_demo")
    call_command("load_demo")  # idempotent
    out = capsys.readouterr().out
    assert "applicant@demo.openbanking.kr" in out and "staff@demo.openbanking.kr" in out
    assert Bank.objects.count() == 18
    assert set(Bank.objects.values_list("code", flat=True)) >= {"002", "004", "088", "089", "090"}
    assert Institution.objects.count() == 6
    steps = {a.step for a in Application.objects.all()}
    assert {"approval", "functional_test", "security_check", "contract", "live"} <= steps


@pytest.mark.django_db
def test_demo_agency_user_lands_on_the_agency_page(client):
    call_command("load_demo")
    assert client.login(email="agency@demo.openbanking.kr", password="demo-pass-2026!")
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response.url == "/reviews/agency/"
    assert client.get(response.url).status_code == 200
