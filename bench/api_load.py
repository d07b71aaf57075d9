"""Sustained requests per second of the application detail API under load (issue 9): gunicorn + wrk.

gunicorn serves the portal on a free loopback port with production-like settings: DEBUG off, the
benchmark's database (PostgreSQL under `make bench`), persistent connections (CONN_MAX_AGE), the
Redis cache, sync workers = 2 × cores + 1, no access log. Requests carry `X-Forwarded-Proto: https`
as the TLS-terminating proxy in front of it would (DEBUG off redirects plain HTTP). The per-token
throttle stays on, with a rate the load cannot reach (its cache read and write are part of the
cost). wrk (Debian package `wrk`) runs ~15 s per case on the same 2 cores, so the load tool takes
CPU from the server: the bare view in the same run is the yardstick.

Every response is counted by status in a wrk Lua script; any non-2xx fails the benchmark.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from django.db import connection

from .clients import redis_cache_url

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {
    "full": {"seconds": 15, "connections": [1, 8], "threads": 2, "workers": None},
    "tiny": {"seconds": 2, "connections": [2], "threads": 1, "workers": 2},
}
HEADERS = {"X-Forwarded-Proto": "https"}

COUNT_STATUS_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + t:get("non2xx") end
  io.write(string.format("NON2XX %d\\n", n))
end
"""


def workers(scale: str = "full") -> int:
    return SETTINGS[scale]["workers"] or 2 * (os.cpu_count() or 1) + 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    """The URL of the database this process uses, for the server processes."""
    s = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return f"sqlite:///{s['NAME']}"


def shared_database() -> bool:
    """Whether another process can see this database (not an in-memory SQLite test database)."""
    name = str(connection.settings_dict["NAME"])
    return connection.vendor != "sqlite" or not (name == ":memory:" or "mode=memory" in name)


class Server:
    """gunicorn on a free loopback port, stopped by its own process id."""

    def __init__(self, db_url: str, workers: int):
        self.port = free_port()
        self.workers = workers
        self.env = {
            **os.environ,
            "DEBUG": "false",
            "DATABASE_URL": db_url,
            "CONN_MAX_AGE": os.environ.get("CONN_MAX_AGE", "60"),
            "REDIS_CACHE_URL": redis_cache_url(),
            # Per second: DRF keeps every request of the window in the cache entry, so a per-minute
            # rate high enough not to trip would make each request (un)pickle thousands of stamps.
            "API_RATE_PER_TOKEN": "1000000/s",
            "LOG_LEVEL": "ERROR",
        }
        self.process: subprocess.Popen | None = None
        # A pipe nobody reads could fill up and block a worker; closed in __exit__.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Server":
        # --preload: the app is imported once before the fork, so every worker answers at once.
        command = [sys.executable, "-m", "gunicorn", "openbanking_portal.wsgi:application"]
        command += ["-w", str(self.workers), "-b", f"127.0.0.1:{self.port}", "--preload"]
        self.process = subprocess.Popen(
            [*command, "--log-level=error"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited: {self.process.stderr.read().decode()[-2000:]}"
                )
            try:
                self.get("/healthz/")
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # quick shutdown: the load is over
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def errors(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-2000:]

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, headers={**HEADERS, **(headers or {})})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output: str) -> dict:
    """Requests/sec, latency percentiles (ms), request and non-2xx counts from `wrk --latency`."""
    result = {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
    }
    for pct in ("50", "90", "99"):
        match = re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        result[f"p{pct}_ms"] = round(_ms(*match.groups()), 2) if match else None
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    result["socket_errors"] = sum(map(int, errors.groups())) if errors else 0
    non2xx = re.search(r"^NON2XX (\d+)", output, re.MULTILINE)
    result["non_2xx"] = int(non2xx.group(1)) if non2xx else None
    return result


def wrk(url: str, *, connections: int, seconds: int, threads: int, headers: dict) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(COUNT_STATUS_LUA)
        script.flush()
        command = ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds}s"]
        command += ["--latency", "-s", script.name]
        for name, value in {**HEADERS, **headers}.items():
            command += ["-H", f"{name}: {value}"]
        output = subprocess.run(
            [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 60
        ).stdout
    return parse_wrk(output)


def targets(scale: str) -> list[tuple[str, str, dict]]:
    """(label, path, headers): the bare view always, the detail API when the server sees our data."""
    rows = [("bare view GET /healthz/", "/healthz/", {})]
    if not shared_database():
        return rows
    from applications.models import Application

    from .pages import api_token, applicant, ensure_database, owner_institutions, users
    from .scale_data import generate

    ensure_database()
    owner, staff = users()
    generate(owner=owner, staff=staff, scale=scale)
    member = applicant()
    application = Application.objects.get(institution=owner_institutions(member).first())
    bearer = {"Authorization": f"Bearer {api_token(member)}"}
    rows.append(("API application detail", f"/api/v1/applications/{application.pk}/", bearer))
    return rows


def run(scale: str = "full", db_url: str | None = None) -> list[dict]:
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: `make sysdeps` (Debian package wrk)")
    config = SETTINGS[scale]
    cases = targets(scale)
    rows = []
    with Server(db_url or database_url(), workers(scale)) as server:
        for label, path, headers in cases:
            status, body = server.get(path, headers)  # one checked request; warms the workers
            assert status == 200, (path, status, body[:200])
            # Unrecorded warm-up: every worker's connection, caches and code paths.
            warm = 2 if scale == "full" else 1
            wrk(
                server.base + path,
                connections=server.workers,
                seconds=warm,
                threads=1,
                headers=headers,
            )
            for connections in config["connections"]:
                result = wrk(
                    server.base + path,
                    connections=connections,
                    seconds=config["seconds"],
                    threads=config["threads"],
                    headers=headers,
                )
                assert result["non_2xx"] == 0, (label, result)
                rows.append({"target": label, "connections": connections, **result})
    bare = {r["connections"]: r["rps"] for r in rows if r["target"] == cases[0][0]}
    for row in rows:
        row["x_slower_than_bare"] = (
            round(bare[row["connections"]] / row["rps"], 1) if row["rps"] else None
        )
    rows.append(
        {
            "target": (
                f"gunicorn {workers(scale)} sync workers, DEBUG off, {connection.vendor}, "
                f"wrk {config['seconds']} s/case on the same {os.cpu_count()} cores"
            )
        }
    )
    return rows
