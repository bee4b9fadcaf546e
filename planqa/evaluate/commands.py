"""The ``eval`` and ``judge`` subcommands. Heavy imports happen inside the handlers."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

from planqa.errors import PlanqaError

DEFAULT_GOLD = Path("eval/gold.jsonl")
DEFAULT_JUDGMENTS = Path("eval/judgments.sqlite")
DEFAULT_REPORT_DIR = Path("eval/reports")
DEFAULT_BEIR_DIR = Path("eval/beir")


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=1) + "\n")
    sys.stdout.flush()


def _answers_possible() -> bool:
    try:
        return importlib.util.find_spec("planqa.answer") is not None
    except (ImportError, ValueError):
        return False


# ------------------------------------------------------------------ eval


def cmd_eval(args: argparse.Namespace) -> int:
    names = [n.strip() for n in args.retrievers.split(",") if n.strip()]
    if not names:
        raise PlanqaError("--retrievers names no retriever")
    if args.k < 1:
        raise PlanqaError("--k must be at least 1")
    if args.export_beir:
        return _export_beir(args)
    from planqa.evaluate.runner import run_evaluation

    result = run_evaluation(args.index, args.gold, names, k=args.k, judgments_path=args.judgments,
                            answers=getattr(args, "answers", False), gold_corpus=args.gold_corpus,
                            split=None if args.split == "all" else args.split)
    if not result.ok:
        if args.json:
            _print_json(result.to_json())
        else:
            print(f"the gold set {args.gold} does not match the index {args.index}:", file=sys.stderr)
            for problem in result.gold_problems:
                print(f"  {problem}", file=sys.stderr)
        return 1
    if args.k < 10:
        print(f"warning: k={args.k} < 10, the @10 metrics only see the top {args.k}", file=sys.stderr)
    if args.json:
        _print_json(result.to_json())
    else:
        print(f"{result.settings['config']}  (index {args.index}, gold {args.gold}, k={args.k})")
        from planqa.evaluate.report import summary_text

        print(summary_text(result))
    if args.report:
        from planqa.evaluate.report import write_reports

        paths = write_reports(result, args.report_dir)
        print("reports: " + ", ".join(str(p) for p in paths), file=sys.stderr if args.json else sys.stdout)
    return 0


def _export_beir(args: argparse.Namespace) -> int:
    from planqa.evaluate.beir import export_beir
    from planqa.index import Index

    report = export_beir(Index.load(args.index), args.gold, args.beir_dir)
    if args.json:
        _print_json(report)
    elif report["problems"]:
        for problem in report["problems"]:
            print(problem, file=sys.stderr)
    else:
        print(f"wrote {report['dir']}: {report['corpus']} passages, {report['queries']} queries, {report['qrels']} qrels lines")
    return 1 if report["problems"] else 0


# ------------------------------------------------------------------ judge


def _default_evaluator() -> str:
    if os.environ.get("PLANQA_EVALUATOR"):
        return os.environ["PLANQA_EVALUATOR"]
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name available (containers)
        return "anonymous"


def _ask(prompt: str) -> str | None:
    """One answer from stdin; None at end of input."""
    try:
        return input(prompt).strip().lower()
    except EOFError:
        print()
        return None


def cmd_judge(args: argparse.Namespace) -> int:
    from planqa.evaluate.judgments import JudgmentStore, query_id

    with JudgmentStore(args.judgments) as store:
        if args.list:
            rows = store.for_query(args.query) if args.query else store.all()
            for j in rows:
                print(f"{query_id(j.query)}  {j.grade}  {j.evaluator:<12} {j.doc_id} [{j.start}:{j.end}] {j.chunk_id}  "
                      f"{j.judged_at}  {j.query}")
            print(f"{len(rows)} judgment(s) in {args.judgments}")
            return 0
        if args.export:
            n = store.export_trec(args.export)
            print(f"wrote {n} qrels line(s) to {args.export}")
            return 0
        if args.agreement:
            _print_agreement(store.agreement())
            return 0
        if not args.query:
            raise PlanqaError("give a query to judge, or --list, --export FILE or --agreement")
        return _judge_interactively(args, store)


def _print_agreement(agreement: dict[str, Any]) -> None:
    def fmt(v: float | None) -> str:
        return "n/a" if v is None else f"{v:.3f}"

    print(f"{agreement['items']} passage(s) judged by two or more evaluators, {agreement['pairs']} rating pair(s)")
    print(f"exact agreement {fmt(agreement['agreement'])}, Cohen's kappa {fmt(agreement['kappa'])}")
    for name, s in agreement["by_pair"].items():
        print(f"  {name}: {s['pairs']} pair(s), agreement {fmt(s['agreement'])}, kappa {fmt(s['kappa'])}")


def _judge_interactively(args: argparse.Namespace, store: Any) -> int:
    from planqa.retrieve import Searcher

    evaluator = args.evaluator or _default_evaluator()
    hits = Searcher.load(args.index).search(args.query, k=args.k, retriever=args.retriever)
    earlier = {(j.doc_id, j.start, j.end): j.grade for j in store.for_query(args.query) if j.evaluator == evaluator}
    print(f"query: {args.query}\nevaluator: {evaluator}; grade each result 0 (not relevant), 1 (partly), "
          "2 (relevant), s (skip), q (quit)")
    recorded = 0
    for hit in hits:
        print(f"\n{hit.rank}. {hit.title} › {hit.section}  [{hit.doc_id} {hit.start}:{hit.end}]")
        print("   " + hit.text.replace("\n", "\n   "))
        if (hit.doc_id, hit.start, hit.end) in earlier:
            print(f"   (your earlier grade: {earlier[(hit.doc_id, hit.start, hit.end)]})")
        answer = _ask_grade(_ask)
        if answer is None or answer == "q":
            break
        if answer == "s":
            continue
        store.record(args.query, hit.doc_id, hit.start, hit.end, hit.chunk_id, int(answer), evaluator)
        recorded += 1
    print(f"\nrecorded {recorded} judgment(s) in {args.judgments}")
    return 0


def _ask_grade(ask: Callable[[str], str | None]) -> str | None:
    while True:
        answer = ask("grade [0/1/2/s/q]: ")
        if answer is None or answer in ("0", "1", "2", "s", "q"):
            return answer
        print("please type 0, 1, 2, s or q")


# ------------------------------------------------------------------ registration


def register(subparsers: Any, add_index_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``eval`` and ``judge`` to the planqa command line."""
    p = subparsers.add_parser("eval", help="evaluate retrievers (and answers) on the gold set")
    add_index_arg(p)
    p.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="gold JSONL file (default: %(default)s)")
    p.add_argument("--retrievers", default="bm25,dense,hybrid",
                   help="comma-separated: bm25, dense, hybrid, baseline or module:Class (default: %(default)s)")
    p.add_argument("--k", type=int, default=10, help="results per question (default: %(default)s)")
    p.add_argument("--gold-corpus", choices=["main", "ext"], default="main",
                   help="questions over corpus/ (main, default) or over eval/corpus-ext (ext: give the --index "
                        "built from eval/corpus-ext)")
    p.add_argument("--split", choices=["tune", "test", "all"], default="all",
                   help="only the questions of this split (questions without a split always count)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--report", action=argparse.BooleanOptionalAction, default=True,
                   help="write the Markdown/PNG reports (default: yes)")
    p.add_argument("--report-dir", type=Path, default=DEFAULT_REPORT_DIR, help="(default: %(default)s)")
    p.add_argument("--judgments", type=Path, default=None,
                   help="also count passages judged relevant in this judgments store as relevant")
    p.add_argument("--export-beir", action="store_true",
                   help="write corpus.jsonl, queries.jsonl and qrels.tsv for the index's chunks and stop")
    p.add_argument("--beir-dir", type=Path, default=DEFAULT_BEIR_DIR, help="(default: %(default)s)")
    if _answers_possible():
        p.add_argument("--answers", action="store_true",
                       help="also ask every question through planqa.answer and score the answers")
    p.set_defaults(func=cmd_eval)

    p = subparsers.add_parser("judge", help="grade search results for a query (relevance judgments)")
    add_index_arg(p)
    p.add_argument("query", nargs="?", help="the query to judge")
    p.add_argument("--evaluator", default=None, help="your name (default: $PLANQA_EVALUATOR or the login name)")
    p.add_argument("--k", type=int, default=5, help="results to judge (default: %(default)s)")
    p.add_argument("--retriever", default="hybrid", help="bm25, dense or hybrid (default)")
    p.add_argument("--judgments", type=Path, default=DEFAULT_JUDGMENTS, help="judgments store (default: %(default)s)")
    p.add_argument("--list", action="store_true", help="show stored judgments (of the query, if given)")
    p.add_argument("--export", type=Path, default=None, help="write TREC qrels (qid 0 chunk_id grade) to this file")
    p.add_argument("--agreement", action="store_true", help="agreement between evaluators (exact, Cohen's kappa)")
    p.set_defaults(func=cmd_judge)
