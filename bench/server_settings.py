"""The project's settings with bench/serving.py's URLs (the benchmarks' daphne processes)."""

from backend.settings import *  # noqa: F403

ROOT_URLCONF = "bench.serving"
