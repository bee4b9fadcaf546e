"""Ingestion benchmark: the inspect table for the seeds and the challenge files, and PDF read times.

For every file of ``../shared/seeds`` and ``../shared/challenge`` (no manifest: all metadata is
read from the file): what ``python -m planqa inspect`` reports (reader, seconds, title, region,
level, period, issuer, 文号, date, characters and Chinese characters in and out, removed
characters by rule, warnings, sections, tables, top-level outline). For each PDF the time planqa's
reader takes against pdfplumber reading the same file the way planqa used to (every page's
text lines and table search), in the same run, as a ratio.

    python bench/ingest_challenge.py [--seeds DIR] [--challenge DIR] [--no-pdfplumber]
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPORTS, ROOT, environment, markdown_table, ratio, write_report  # noqa: E402
from planqa.ingest.inspect import inspect_file  # noqa: E402
from planqa.ingest.readers import read_file  # noqa: E402

SHARED = ROOT.parent / "shared"


def pdfplumber_seconds(path: Path) -> float:
    """Time pdfplumber takes for what planqa's reader did with it before pypdfium2."""
    import pdfplumber

    started = time.perf_counter()
    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            page = page.dedupe_chars()
            page.find_tables()
            page.extract_text_lines(return_chars=False)
    return time.perf_counter() - started


def planqa_read_seconds(path: Path, repeats: int = 3) -> float:
    """Best of ``repeats`` runs of planqa's reader alone (no cleaning)."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        read_file(path)
        best = min(best, time.perf_counter() - started)
    return best


def files(seeds: Path, challenge: Path) -> list[Path]:
    out = sorted(p for p in seeds.iterdir() if p.is_file())
    out += sorted(p for p in challenge.iterdir() if p.is_file() and p.name != "SOURCES.md")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=Path, default=SHARED / "seeds")
    parser.add_argument("--challenge", type=Path, default=SHARED / "challenge")
    parser.add_argument("--no-pdfplumber", action="store_true", help="skip the pdfplumber comparison")
    parser.add_argument("--out", type=Path, default=REPORTS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)

    records: list[dict[str, Any]] = [inspect_file(path) for path in files(args.seeds, args.challenge)]
    pdf_rows = []
    for path in files(args.seeds, args.challenge):
        if path.suffix.lower() != ".pdf":
            continue
        ours = planqa_read_seconds(path)
        theirs = None if args.no_pdfplumber else pdfplumber_seconds(path)
        pdf_rows.append({"file": path.name, "planqa_s": round(ours, 3),
                         "pdfplumber_s": None if theirs is None else round(theirs, 3),
                         "planqa_over_pdfplumber": ratio(ours, theirs)})

    def short(value: Any, n: int = 28) -> str:
        text = "" if value in (None, []) else str(value)
        return text if len(text) <= n else text[: n - 1] + "…"

    rows = []
    for r in records:
        if "error" in r:
            rows.append([Path(r["file"]).name, "ERROR", r["error"], *[""] * 12])
            continue
        years = "–".join(map(str, r["years"])) if r.get("years") else ""
        top = " / ".join(p[0] for p in r["outline"] if len(p) == 1)
        rows.append([Path(r["file"]).name, r["reader"], f"{r['seconds']:.2f}", short(r["title"], 40),
                     short(r["region"], 10), r["level"], f"{r['period'] or ''} {years}".strip(), short(r["issuer"], 24),
                     r["doc_number"], r["date"], f"{r['han_in']}→{r['han_out']}",
                     ", ".join(f"{k} {v}" for k, v in list(r["removed"].items())[:4]),
                     len(r["warnings"]), f"{r['sections']}/{r['tables']}", short(top, 60)])
    header = ["file", "reader", "s", "title", "region", "level", "period", "issuer", "文号", "date",
              "han in→out", "removed (top rules, chars)", "warn", "sect/tab", "top-level outline"]
    warnings = [f"- `{Path(r['file']).name}`: {w}" for r in records for w in r.get("warnings", [])]
    md = [
        "# Ingestion of the seeds and the challenge files",
        "",
        "`python bench/ingest_challenge.py` — every file read with no manifest (metadata from the file itself).",
        "",
        markdown_table(header, rows),
        "",
        "## Warnings",
        "",
        *(warnings or ["(none)"]),
        "",
        "## PDF read time: planqa's reader vs pdfplumber (same run)",
        "",
        markdown_table(["file", "planqa s (best of 3)", "pdfplumber s", "planqa / pdfplumber"],
                       [[p["file"], p["planqa_s"], p["pdfplumber_s"], p["planqa_over_pdfplumber"]] for p in pdf_rows]),
        "",
    ]
    data = {"environment": environment(), "files": records, "pdf_read": pdf_rows}
    json_path, md_path = write_report(args.out, "ingest_challenge", data, "\n".join(md))
    print(f"wrote {md_path} and {json_path}")


if __name__ == "__main__":
    main()
