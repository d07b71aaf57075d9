"""Run every benchmark module (or those named on the command line): `python -m bench [name ...]`."""

import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openbanking_portal.settings")
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


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE.parent))
    setup_django()
    names = argv or sorted(
        m.name for m in pkgutil.iter_modules([str(HERE)]) if not m.name.startswith("_")
    )
    RESULTS.mkdir(exist_ok=True)
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        started = time.perf_counter()
        rows = module.run()
        elapsed = time.perf_counter() - started
        print_table(name, rows)
        payload = {
            "benchmark": name,
            "seconds": round(elapsed, 3),
            "rows": rows,
            "database": os.environ.get("DATABASE_URL", "sqlite"),
        }
        (RESULTS / f"{name}.json").write_text(json.dumps(payload, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
