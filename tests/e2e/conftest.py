import os
from pathlib import Path

import pytest

CHROMIUM = next(
    (p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if Path(p).exists()), None
)
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


def _fontconfig(directory: Path) -> Path:
    """The system fonts plus the bundled NanumGothic, so Korean is legible in the screenshots even
    where no CJK font is installed."""
    conf = directory / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{ROOT / 'static' / 'fonts'}</dir><cachedir>{directory / 'cache'}</cachedir>"
        "</fontconfig>"
    )
    return conf


# The data migrations that load reference rows (all idempotent: get_or_create/update_or_create).
DATA_MIGRATIONS = [
    ("applications", "0004_default_screening_rules"),
    ("contracts", "0002_participating_banks"),
    ("policies", "0002_default_policies"),
    ("policies", "0005_scoring_policies"),
    ("operations", "0002_fees_policy_and_schedules"),
    ("casework", "0002_groups_policy_beat"),
]


@pytest.fixture
def reference_data(transactional_db):
    """A transactional test empties every table when it ends, so a browser test that runs after
    another one finds no banks, policies or screening rules: load them again as the migrations do."""
    from importlib import import_module

    from django.apps import apps
    from django.db.migrations import RunPython

    for app_label, name in DATA_MIGRATIONS:
        migration = import_module(f"{app_label}.migrations.{name}").Migration
        for operation in migration.operations:
            if isinstance(operation, RunPython):
                operation.code(apps, None)


@pytest.fixture
def browser(monkeypatch, tmp_path_factory):
    if CHROMIUM is None:
        pytest.fail(
            "Chromium is not installed: run `make sysdeps` (Debian packages chromium, chromium-driver)"
        )
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes are safe.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
            env={
                **os.environ,
                "FONTCONFIG_FILE": str(_fontconfig(tmp_path_factory.mktemp("fonts"))),
            },
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(request, browser):
    """`new_page(name)`: a page in its own browser context (own cookies: one user each), from the
    same browser. On failure every page is kept as `test-artifacts/<test>[-<name>].png`."""
    pages = []

    def make(name: str = ""):
        context = browser.new_context(locale="ko-KR", accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(15_000)
        pages.append((name, page))
        return page

    yield make
    if getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        for name, page in pages:
            shot = ARTIFACTS / f"{request.node.name}{'-' + name if name else ''}.png"
            try:
                page.screenshot(path=str(shot), full_page=True)
            except Exception as exc:  # a crashed page must not hide the test's own failure
                print(f"no screenshot of {name or 'page'}: {exc}")
            else:
                print(f"screenshot kept: {shot}")
    for _, page in pages:
        page.context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)
