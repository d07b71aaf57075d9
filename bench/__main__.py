"""Run every benchmark (or those named): `python -m bench [--scale full|tiny] [name ...]`.

Each prints its table and writes `bench/results/<name>.json` (or into `$BENCH_RESULTS_DIR`).
"""

import argparse
import importlib
import inspect
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# In this order: the scale data first (the others reuse it), the load test last.
BENCHMARKS = ["scale_data", "pages", "contract_pdf", "billing", "testbed_throughput", "api_load"]


def results_dir() -> Path:
    path = Path(os.environ.get("BENCH_RESULTS_DIR", HERE / "results"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openbanking_portal.settings")
    # The throttle still runs on every API request, but with a one-second window (a per-minute rate
    # would refuse the benchmark's requests, a huge per-minute one makes each request carry a long
    # history; bench/README.md, api_load).
    os.environ.setdefault("API_RATE_PER_TOKEN", "1000000/s")
    import django

    django.setup()


def print_table(name: str, rows: list[dict]) -> None:
    if not rows:
        return
    columns = list(dict.fromkeys(k for row in rows for k in row))
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    print(f"\n== {name}")
    print("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        print("  ".join(str(row.get(c, "")).ljust(widths[c]) for c in columns))


def run_benchmark(name: str, scale: str = "full") -> dict:
    module = importlib.import_module(f"bench.{name}")
    kwargs = {"scale": scale} if "scale" in inspect.signature(module.run).parameters else {}
    started = time.perf_counter()
    rows = module.run(**kwargs)
    elapsed = time.perf_counter() - started
    from django.db import connection

    payload = {
        "benchmark": name,
        "scale": scale,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpus": os.cpu_count(),
        # Other work on the machine skews the timings: the 1-minute load average at the end.
        "load_average": round(os.getloadavg()[0], 2),
        "seconds": round(elapsed, 3),
        "database": connection.vendor,
        "rows": rows,
    }
    (results_dir() / f"{name}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2))
    return payload


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", choices=["full", "tiny"], default="full")
    parser.add_argument("names", nargs="*", metavar="name", help=", ".join(BENCHMARKS))
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    sys.path.insert(0, str(HERE.parent))
    setup_django()
    for name in args.names or BENCHMARKS:
        payload = run_benchmark(name, args.scale)
        print_table(f"{name} ({payload['seconds']} s)", payload["rows"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
