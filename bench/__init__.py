"""Benchmarks (`make bench`): each module `bench/<name>.py` defines `run() -> list[dict]`.

Results are printed as a table and written to `bench/results/<name>.json`. Benchmarks are never tests:
speed is reported here, and tests only pin behaviour and query counts.
"""
