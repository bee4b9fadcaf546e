"""The ``ask`` subcommand. Heavy imports happen inside the handler."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Callable

from planqa.errors import PlanqaError


def cmd_ask(args: argparse.Namespace) -> int:
    from planqa.answer import Answerer
    from planqa.cli import _print_json, _run_many

    if args.queries is None and not (args.question or "").strip() and not args.warm:
        raise PlanqaError("the question is empty: give a question, or --queries FILE")
    answerer = Answerer.load(args.index)
    if args.warm:
        count = answerer.warm()
        print(f"{count} sentences and table rows embedded or found in the cache", file=sys.stderr)
        if args.queries is None and not (args.question or "").strip():
            return 0
    ask: Callable[[str], dict[str, Any]] = answerer.ask
    generator = _generator(args)
    if generator is not None:
        from planqa.answer.llm import GenerativeAnswerer

        ask = GenerativeAnswerer(answerer, generator).ask

    def run(question: str) -> dict[str, Any]:
        return ask(question)

    def show(result: dict[str, Any]) -> None:
        if args.json:
            _print_json(result)
        else:
            print_answer(result)

    _run_many(args, args.question, run, show)
    return 0


def _generator(args: argparse.Namespace) -> Any:
    """The LLM client when an endpoint is configured (flags or PLANQA_LLM_* variables), else None."""
    base_url = args.llm_base_url or os.environ.get("PLANQA_LLM_BASE_URL")
    if args.extractive or not base_url:
        return None
    from planqa.answer.llm import LLMClient

    model = args.llm_model or os.environ.get("PLANQA_LLM_MODEL")
    if not model:
        raise PlanqaError("an LLM endpoint is configured but no model: set PLANQA_LLM_MODEL or --llm-model")
    return LLMClient(base_url, model, os.environ.get("PLANQA_LLM_API_KEY"), timeout=args.llm_timeout)


def print_answer(result: dict[str, Any], out: Any = None) -> None:
    """The answer and its citations, readably."""
    out = out or sys.stdout
    groups = result.get("groups") or []
    lines = result["answer"].split("\n")
    if groups and len(groups) == len(lines):  # a cross-plan answer: one line per plan
        for group, line in zip(groups, lines):
            print(f"【{group['region'] or ''}】{group['title']}\n  {line}", file=out)
    else:
        print(result["answer"], file=out)
    if result.get("citations"):
        print("\n引用：", file=out)
        for cite in result["citations"]:
            where = f"{cite['title']}" + (f" › {cite['section']}" if cite.get("section") else "")
            print(f"[{cite['n']}] {where}  [{cite['start']}:{cite['end']}]", file=out)
            print(f"    {cite['quote']}", file=out)
    if result.get("abstained") and result.get("passages"):
        print("\n可能相关：", file=out)
        for hit in result["passages"]:
            print(f"- {hit['title']} › {hit['section']}  [{hit['start']}:{hit['end']}]", file=out)
            print("    " + hit["text"].replace("\n", "\n    "), file=out)


def register(subparsers: Any, add_index_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add ``ask`` to the planqa command line."""
    p = subparsers.add_parser("ask", help="answer a question with cited sentences from the plans")
    add_index_arg(p)
    p.add_argument("question", nargs="?", help="the question (or use --queries FILE)")
    p.add_argument("--queries", help="file with one question a line; prints one JSON line each")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--warm", action="store_true",
                   help="first embed every sentence of the index (once per index; later answers are faster)")
    p.add_argument("--extractive", action="store_true", help="never call an LLM, even if one is configured")
    p.add_argument("--llm-base-url", default=None,
                   help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1 (default: $PLANQA_LLM_BASE_URL)")
    p.add_argument("--llm-model", default=None, help="model name for the endpoint (default: $PLANQA_LLM_MODEL)")
    p.add_argument("--llm-timeout", type=float, default=30.0, help="seconds to wait for the LLM (default 30)")
    p.set_defaults(func=cmd_ask)
