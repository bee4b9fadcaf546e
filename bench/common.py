"""Helpers shared by the benchmarks: percentiles, peak memory, subprocess workers, reports."""

from __future__ import annotations

import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "bench" / "reports"


def percentile_ms(seconds: list[float], q: float) -> float:
    """The ``q``-th percentile of durations in seconds, in milliseconds (linear interpolation)."""
    return round(float(np.percentile(np.asarray(seconds) * 1000.0, q)), 2) if seconds else float("nan")


def stats(times: list[list[float]], embed: list[list[float]] | None = None) -> dict[str, Any]:
    """p50/p95 over every run, and over each query's best run (less sensitive to machine load)."""
    every = [t for runs in times for t in runs]
    best = [min(runs) for runs in times if runs]
    out = {"p50": percentile_ms(every, 50), "p95": percentile_ms(every, 95),
           "best_p50": percentile_ms(best, 50), "best_p95": percentile_ms(best, 95)}
    if embed is not None:
        out["search_over_embed_p50"] = ratio(out["p50"], stats(embed)["p50"])
        out["best_search_over_embed_p50"] = ratio(out["best_p50"], stats(embed)["best_p50"])
    return out


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (C allocations included)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return round(peak / scale, 1)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if not numerator or not denominator or np.isnan(numerator) or np.isnan(denominator):
        return None
    return round(numerator / denominator, 3)


def run_worker(script: Path, task: dict[str, Any], out_dir: Path) -> dict[str, Any]:
    """Run ``script --worker TASK_JSON --worker-out FILE`` in a fresh interpreter; return its JSON.

    A fresh process per measurement keeps each side's peak memory and model loading separate.
    """
    out = out_dir / f"worker-{time.monotonic_ns()}.json"
    command = [sys.executable, str(script), "--worker", json.dumps(task, ensure_ascii=False), "--worker-out", str(out)]
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if completed.returncode != 0 or not out.exists():
        raise RuntimeError(f"worker {task.get('task')}/{task.get('system')} failed "
                           f"(exit {completed.returncode}):\n{completed.stderr[-4000:]}")
    result = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    result["process_seconds"] = round(time.perf_counter() - started, 2)
    return result


def environment() -> dict[str, Any]:
    """Where and on what the figures were measured."""
    import os

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in load] if load else None,
        "git_commit": git("rev-parse", "--short", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


def write_report(out_dir: Path, name: str, data: dict[str, Any], markdown: str) -> tuple[Path, Path]:
    """Write ``<name>.json`` and ``<name>.md`` in ``out_dir``; return both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / f"{name}.json", out_dir / f"{name}.md"
    json_path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    md_path.write_text(markdown, encoding="utf-8")
    return json_path, md_path


def markdown_table(header: list[str], rows: list[list[Any]]) -> str:
    def cell(value: Any) -> str:
        if value is None:
            return "–"
        if isinstance(value, float):
            return f"{value:g}"
        return str(value)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
