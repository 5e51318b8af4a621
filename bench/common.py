"""What the benchmarks share: the machine they ran on, and reports kept beside the previous
pair so a report shows the change."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Callable
from pathlib import Path
from typing import Any

Render = Callable[[dict[str, Any], dict[str, Any] | None], str]


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
