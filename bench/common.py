"""What the benchmarks share: Django started on the bench database, the machine they ran
on, and reports kept beside the previous pair so a report shows the change."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any

Render = Callable[[dict[str, Any], dict[str, Any] | None], str]
BENCH_DATABASE_EXAMPLE = "postgres://postgres@127.0.0.1:5432/disputes_bench"


def bench_database_url(url: str | None = None, *, name: str = "DATABASE_URL") -> str:
    """`url` (default: the environment's DATABASE_URL), which must name a PostgreSQL
    database (one built by bench.build_db); `name` says where it came from."""
    url = os.environ.get("DATABASE_URL", "") if url is None else url
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"Set {name} to the bench database (built by bench.build_db), "
                         f"e.g. {BENCH_DATABASE_EXAMPLE}")
    return url


def setup_django(url: str | None = None, **defaults: str) -> None:
    """Start Django with the project's settings: on `url` when given (it becomes
    DATABASE_URL), with `defaults` for what the environment does not set."""
    if url is not None:
        os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
    for key, value in defaults.items():
        os.environ.setdefault(key, value)
    import django

    django.setup()


def hardware() -> dict[str, Any]:
    """CPU count and model, memory and Python (from /proc where there is one)."""
    model, memory = platform.processor(), ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu_model": model, "memory": memory,
            "python": platform.python_version()}


def write_reports(report: dict[str, Any], directory: Path, stem: str,
                  render: Render) -> tuple[Path, Path]:
    """<stem>.md and <stem>.json; the previous pair becomes <stem>.previous.*, and the new
    Markdown is rendered against the previous JSON to show the change."""
    directory.mkdir(parents=True, exist_ok=True)
    md, js = directory / f"{stem}.md", directory / f"{stem}.json"
    previous = None
    if js.exists():
        try:
            previous = json.loads(js.read_text())
        except ValueError:
            previous = None
        js.replace(directory / f"{stem}.previous.json")
    if md.exists():
        md.replace(directory / f"{stem}.previous.md")
    js.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    md.write_text(render(report, previous) + "\n")
    return md, js
