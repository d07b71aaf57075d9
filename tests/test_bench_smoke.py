"""The benchmarks still run (`python -m bench --scale tiny`): nothing here is timed, only that each
benchmark completes on a small data set, writes its results file and reports sane figures."""

import json
import shutil

import pytest

from bench import __main__ as runner
from bench import api_load, scale_data, scale_reviews
from bench.pages import BARE, users
from casework.selectors import open_escalations
from operations.selectors import checks_overdue
from reviews.selectors import both_checks_accepted, latest_round_all_passed
from reviews.sla import review_targets

pytestmark = pytest.mark.django_db


@pytest.fixture
def results(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCH_RESULTS_DIR", str(tmp_path))
    # pytest-django has created and migrated the database already.
    for module in ("bench.pages", "bench.billing", "bench.testbed_throughput"):
        monkeypatch.setattr(f"{module}.ensure_database", lambda: None)
    return tmp_path


def rows_of(results, name: str) -> list[dict]:
    payload = json.loads((results / f"{name}.json").read_text())
    assert payload["benchmark"] == name and payload["scale"] == "tiny"
    return payload["rows"]


def test_scale_generator_creates_every_part_once(results):
    owner, staff = users()
    tiny = scale_data.SCALES["tiny"]
    created = scale_data.generate(owner=owner, staff=staff, scale="tiny")
    assert created["institutions"] == tiny.institutions
    assert created["contracts"] == tiny.contracts
    assert created["sub_merchants"] == tiny.sub_merchants
    assert created["usage_rows"] == tiny.usage_institutions * tiny.usage_days * 2
    assert created["audit_rows"] == tiny.audit_rows
    totals = scale_data.totals()
    assert totals["contract_accounts"] == tiny.contracts * tiny.accounts_per_contract
    assert totals["live"] == tiny.live
    assert {a.state for a in scale_data.bench_institutions()[0].applications.all()}
    # Review records: every application from the functional test on has a request and a round,
    # from the security check on both checks; some are overdue, and the escalations are open.
    tested = scale_reviews.review_apps(tiny, scale_reviews.REACHED_FUNCTIONAL_TEST)
    checked = scale_reviews.review_apps(tiny, scale_reviews.REACHED_SECURITY_CHECK)
    assert created["test_requests"] == len(tested) > 0
    assert created["test_rounds"] >= len(tested)
    assert created["security_checks"] == 2 * len(checked) > 0
    assert created["escalations"] == tiny.escalations
    assert all(latest_round_all_passed(a.pk) for a in checked)
    assert all(both_checks_accepted(a.pk) for a in checked if a.state != "security_check")
    assert checks_overdue(review_targets()) == tiny.overdue_per_step * 3  # a round, two checks
    assert len(open_escalations()) == tiny.escalations
    # Idempotent: a second run adds nothing.
    again = scale_data.generate(owner=owner, staff=staff, scale="tiny")
    assert not any(again[k] for k in scale_data.CREATED)
    assert scale_data.totals() == totals


def test_page_benchmark_measures_every_page_beside_the_bare_view(results):
    runner.run_benchmark("pages", "tiny")
    rows = [r for r in rows_of(results, "pages") if "median_ms" in r]
    by_page = {r["page"]: r for r in rows}
    assert rows[0]["page"].startswith("bare view") and rows[0]["queries"] == 0
    # One bare view per kind, authenticated as its pages are: session + user, + MFA gate, token.
    bare = {r["kind"]: r for r in rows if r["page"] in BARE.values()}
    assert set(bare) == {"anonymous", "applicant", "staff", "api"}
    assert bare["applicant"]["queries"] >= 2 and bare["api"]["queries"] >= 1
    for page in ("applicant dashboard", "admin change page", "staff dashboard"):
        assert by_page[page]["queries"] > bare[by_page[page]["kind"]]["queries"]
        assert by_page[page]["x_bare"] > 0 and by_page[page]["x_healthz"] > 0
    assert any(name.startswith("API ") and r["kind"] == "api" for name, r in by_page.items())


def test_billing_and_pdf_and_testbed_benchmarks_run(results):
    for name in ("billing", "contract_pdf", "testbed_throughput"):
        runner.run_benchmark(name, "tiny")
    (billing,) = rows_of(results, "billing")
    assert billing["invoices"] == scale_data.SCALES["tiny"].usage_institutions
    assert rows_of(results, "contract_pdf")[0]["pages"] >= 1
    assert rows_of(results, "testbed_throughput")[1]["queries"] > 0


WRK_OUTPUT = """Running 15s test @ http://127.0.0.1:8000/healthz/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.41ms    1.02ms  20.10ms   80.00%
  Latency Distribution
     50%  812.00us
     75%    3.90ms
     90%    4.51ms
     99%    1.20s
  30000 requests in 15.00s, 5.00MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
Requests/sec:   2000.50
Transfer/sec:    341.00KB
NON2XX 0
"""


def test_wrk_output_is_parsed():
    assert api_load.parse_wrk(WRK_OUTPUT) == {
        "requests": 30000,
        "rps": 2000.5,
        "p50_ms": 0.81,
        "p90_ms": 4.51,
        "p99_ms": 1200.0,
        "socket_errors": 3,
        "non_2xx": 0,
    }


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (make sysdeps)")
@pytest.mark.django_db(transaction=True)
def test_load_benchmark_serves_through_gunicorn_and_counts_responses(results):
    runner.run_benchmark("api_load", "tiny")
    rows = [r for r in rows_of(results, "api_load") if "rps" in r]
    assert rows[0]["target"].startswith("bare view")
    # The detail API too when gunicorn can share the test database (PostgreSQL, not :memory:).
    assert len(rows) == (2 if api_load.shared_database() else 1)
    assert all(r["requests"] > 0 and r["non_2xx"] == 0 for r in rows), rows
