"""Rendering an ``EvalResult``: comparison tables, the Markdown report, the failure list, a chart."""

from __future__ import annotations

import json
import logging
from datetime import date as Date
from pathlib import Path
from typing import Any

from planqa.evaluate.gold import QUESTION_TYPES
from planqa.evaluate.metrics import METRICS
from planqa.evaluate.runner import EvalResult

log = logging.getLogger(__name__)
DEFAULT_REPORT_DIR = Path("eval/reports")
MISS_RANK = 5  # a question is a miss when its first relevant passage is not in the top 5


def _num(value: Any) -> str:
    return "–" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def _table(header: list[str], rows: list[list[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_num(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def overall_table(result: EvalResult) -> str:
    """Retriever × metric, with per-query latency."""
    rows = [[name, *(r.overall.get(m) for m in METRICS), r.latency_ms["median"], r.latency_ms["p95"]]
            for name, r in result.retrievers.items()]
    return _table(["retriever", *METRICS, "median ms", "p95 ms"], rows)


def group_table(result: EvalResult, attr: str, label: str) -> str:
    """One row per (group, retriever) of ``by_type`` or ``by_doc``."""
    groups: list[str] = []
    for r in result.retrievers.values():
        groups += [g for g in getattr(r, attr) if g not in groups]
    if attr == "by_type":
        groups.sort(key=lambda g: QUESTION_TYPES.index(g) if g in QUESTION_TYPES else len(QUESTION_TYPES))
    rows = []
    for group in groups:
        for name, r in result.retrievers.items():
            scores = getattr(r, attr).get(group)
            if scores:
                rows.append([group, int(scores["n"]), name, *(scores.get(m) for m in METRICS)])
    return _table([label, "n", "retriever", *METRICS], rows)


def answers_section(answers: dict[str, Any]) -> str:
    abst = answers["abstention"]
    rows = [["key-string accuracy (factual)", answers["key_string_accuracy"]],
            ["citation support (sentences)", answers["citation_support"]],
            ["abstention precision", abst["precision"]], ["abstention recall", abst["recall"]],
            ["median latency ms", answers["latency_ms"]["median"]], ["p95 latency ms", answers["latency_ms"]["p95"]]]
    text = _table(["answer metric", "value"], rows)
    by_kind = answers.get("by_kind") or {}
    if by_kind:
        kind_rows = [[key, m["questions"], m["answer_correct"], m["abstention"]["precision"], m["abstention"]["recall"],
                      m["abstained_answerable"], m["citation_support"]] for key, m in by_kind.items()]
        text += "\n\nBy split/kind (answer correct = every key present and no abstention; unanswerable: abstained):\n"
        text += _table(["split/kind", "n", "answer correct", "abst. precision", "abst. recall",
                        "abstained (answerable)", "citation support"], kind_rows)
    return text


def summary_text(result: EvalResult) -> str:
    """What the ``eval`` command prints: the comparison tables and the exclusions."""
    parts = [f"{len(result.questions)} questions evaluated; {len(result.excluded)} unanswerable excluded "
             "from retrieval metrics", "", overall_table(result), "", "By question type:",
             group_table(result, "by_type", "type"), "", "By document (single-document questions):",
             group_table(result, "by_doc", "document")]
    if result.answers is not None:
        parts += ["", "Answers:", answers_section(result.answers)]
    return "\n".join(parts)


def misses(result: EvalResult, name: str) -> list[str]:
    """Ids of the questions whose first relevant passage is not within the top ``MISS_RANK``."""
    first = result.retrievers[name].first_relevant
    return [q.id for q in result.questions if first[q.id] is None or first[q.id] > MISS_RANK]


def misses_markdown(result: EvalResult) -> str:
    """Per retriever, each missed question with its expected evidence and its top 3 results."""
    by_id = {q.id: q for q in result.questions}
    lines = [f"# Retrieval misses ({result.settings.get('config', '')})", "",
             f"A miss: no relevant passage in the top {MISS_RANK} (rank shown when found lower).", ""]
    for name, r in result.retrievers.items():
        missed = misses(result, name)
        lines += [f"## {name}: {len(missed)} of {len(result.questions)} questions", ""]
        for qid in missed:
            q = by_id[qid]
            rank = r.first_relevant[qid]
            lines.append(f"### {qid} ({q.type}) — first relevant: {'rank ' + str(rank) if rank else 'not retrieved'}")
            lines += ["", f"**Q:** {q.question}", "", "Expected:"]
            lines += [f"- `{ev.doc_id}` {ev.quote}" for ev in q.evidence]
            lines += ["", "Returned:"]
            for i, hit in enumerate(r.hits[qid][:3], start=1):
                text = " ".join(str(getattr(hit, "text", "")).split())[:80]
                lines.append(f"{i}. `{hit.doc_id}` {getattr(hit, 'section', '') or '(no section)'} — {text}")
            lines.append("")
    return "\n".join(lines)


def settings_markdown(settings: dict[str, Any]) -> str:
    emb = settings.get("embedder") or {}
    rows = [["index", f"{settings.get('index')} ({settings.get('snapshot')}, built {settings.get('created')})"],
            ["embedding model", f"{emb.get('name')} ({emb.get('dimension')} dims, max {emb.get('max_tokens')} tokens)"],
            ["chunker", json.dumps(settings.get("chunker"), ensure_ascii=False)],
            ["tokenizer", json.dumps(settings.get("tokenizer"), ensure_ascii=False)],
            ["BM25", json.dumps(settings.get("bm25"), ensure_ascii=False)],
            ["vector index", json.dumps(settings.get("vectors"), ensure_ascii=False)],
            ["counts", json.dumps(settings.get("counts"), ensure_ascii=False)],
            ["gold", f"{settings.get('gold')} {json.dumps(settings.get('question_types'), ensure_ascii=False)}"],
            ["hybrid/search settings", json.dumps(settings.get("search"), ensure_ascii=False)],
            ["retrieval depth k", settings.get("k")],
            ["code", f"planqa {settings.get('planqa')}, git {settings.get('git', 'unknown')}"],
            ["machine", f"{settings.get('cpus')} CPUs, load average {settings.get('load_avg_start')} at start, "
                        f"{settings.get('load_avg_end')} at end (latency depends on it)"]]
    if "judgments" in settings:
        rows.append(["judgments", json.dumps(settings["judgments"], ensure_ascii=False)])
    return _table(["setting", "value"], rows)


def report_markdown(result: EvalResult, day: str, stem: str) -> str:
    missed = ", ".join(f"{name} {len(misses(result, name))}" for name in result.retrievers)
    parts = [f"# Retrieval evaluation {day}: {result.settings.get('config', '')}", "",
             f"{len(result.questions)} answerable questions; {len(result.excluded)} unanswerable questions "
             "excluded from the retrieval metrics. Relevance: a passage holding at least half of an evidence "
             "quote (see eval/README.md). Latency: per query, after a warm-up query.", "",
             "## Overall", "", overall_table(result), "", f"![metrics]({stem}.png)", "",
             "## By question type", "", group_table(result, "by_type", "type"), "",
             "## By document (single-document questions)", "", group_table(result, "by_doc", "document"), ""]
    if result.answers is not None:
        parts += ["## Answers", "", answers_section(result.answers), ""]
    parts += ["## Failure analysis", "", f"Questions without a relevant passage in the top {MISS_RANK}: {missed}. "
              f"Details: [{stem}-misses.md]({stem}-misses.md).", "", "## Settings", "",
              settings_markdown(result.settings), ""]
    return "\n".join(parts)


def plot(result: EvalResult, path: Path) -> None:
    """Grouped bars: each metric per retriever; MRR@10 and hit@5 per question type per retriever."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    names = list(result.retrievers)
    width = 0.8 / max(1, len(names))
    types = [t for t in QUESTION_TYPES if any(t in r.by_type for r in result.retrievers.values())]
    fig, axes = plt.subplots(1, 3, figsize=(17, 4.8), gridspec_kw={"width_ratios": [len(METRICS), len(types) or 1, len(types) or 1]})
    panels = [(axes[0], list(METRICS), lambda r, m: r.overall.get(m, 0.0), "metric per retriever")]
    for ax, metric in ((axes[1], "mrr@10"), (axes[2], "hit@5")):
        panels.append((ax, types, lambda r, t, metric=metric: r.by_type.get(t, {}).get(metric, 0.0), f"{metric} per question type"))
    for ax, groups, value, title in panels:
        x = np.arange(len(groups))
        for i, name in enumerate(names):
            ax.bar(x + (i - (len(names) - 1) / 2) * width, [value(result.retrievers[name], g) for g in groups], width, label=name)
        ax.set_xticks(x, groups, rotation=30, ha="right")
        ax.set_ylim(0, 1)
        ax.set_title(title)
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend()
    fig.suptitle(result.settings.get("config", ""))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_reports(result: EvalResult, out_dir: Path | str = DEFAULT_REPORT_DIR, day: str | None = None) -> list[Path]:
    """Write ``<day>-<config>.md``, ``-misses.md`` and ``.png`` into ``out_dir``; returns the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    day = day or Date.today().isoformat()
    stem = f"{day}-{result.settings.get('config', 'eval')}"
    paths = [out_dir / f"{stem}.md", out_dir / f"{stem}-misses.md", out_dir / f"{stem}.png"]
    paths[0].write_text(report_markdown(result, day, stem), encoding="utf-8")
    paths[1].write_text(misses_markdown(result), encoding="utf-8")
    plot(result, paths[2])
    log.info("reports written: %s", ", ".join(map(str, paths)))
    return paths
