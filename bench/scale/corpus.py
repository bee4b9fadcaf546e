"""The text side of the scale benchmark: generated documents through planqa's own pipeline.

``build_corpus`` generates documents (``generate.CorpusGenerator``) until the corpus holds the
requested number of chunks, and runs each through cleaning (``planqa.ingest.clean``), outline
and indicator tables, chunking with the default model's tokenizer, and BM25 tokenisation,
in ``processes`` worker processes, timing every stage per document. The folder it writes:

    docs/<doc_id>.json    cleaned documents (as in an index snapshot)
    chunks.jsonl          chunks in row order (as in an index snapshot)
    tokens.txt            the BM25 tokens of each chunk, space-separated, one line a chunk
    sources.npy           for each chunk, the row of the real chunk it was made from
    documents.jsonl       per document: chunk count, characters, seconds per stage
    corpus.json           settings and totals; written last (its presence = complete)

Any prefix of N chunk rows is the corpus of size N, so one generation serves every size and
the time of each stage for a size is the sum over the documents in its prefix.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import random
import time
from pathlib import Path
from typing import Any

import numpy as np

CORPUS_META = "corpus.json"
_STATE: dict[str, Any] = {}


def _init_worker(index_dir: str, out_dir: str, seed: int, model: str | None) -> None:
    """Per worker process: the generator, the chunker with the model's tokenizer, the BM25 tokenizer."""
    import logging

    logging.disable(logging.INFO)
    from planqa.chunk import Chunker, ChunkerSettings
    from planqa.embed import load_embedder
    from planqa.index import Index
    from planqa.tokenize import ChineseTokenizer, TokenizerSettings

    from bench.scale.generate import CorpusGenerator

    index = Index.load(index_dir)
    # "estimate": planqa's model-free token estimate (fast tests); else the model's tokenizer
    count_tokens = None if model == "estimate" else load_embedder(model or index.model_name).count_tokens
    _STATE.update(
        generator=CorpusGenerator(list(index.documents.values()), index.chunks, seed=seed),
        chunker=Chunker(ChunkerSettings(**index.manifest["chunker"]), count_tokens=count_tokens),
        tokenizer=ChineseTokenizer(TokenizerSettings.from_dict(index.manifest["tokenizer"])),
        docs_dir=Path(out_dir) / "docs",
        seed=seed,
    )
    _STATE["tokenizer"].tokenize("科技创新")  # load jieba outside the timings


def process_document(number: int) -> dict[str, Any]:
    """Generate document ``number`` and run it through the pipeline; returns chunks, tokens, timings."""
    from planqa.index.build import bm25_text
    from planqa.ingest.clean import clean
    from planqa.ingest.outline import build_sections
    from planqa.ingest.tables import indicators_from_table
    from planqa.records import Document

    generated = _STATE["generator"].generate(number)
    cpu = time.process_time()
    started = time.perf_counter()
    cleaned = clean(generated.text, generated.doc_id)
    cleaned_at = time.perf_counter()
    sections = build_sections(cleaned.text, skip_spans=[(t.start, t.end) for t in cleaned.tables])
    indicators = [record for i, table in enumerate(cleaned.tables)
                  for record in indicators_from_table(table, i, generated.years)]
    structured_at = time.perf_counter()
    document = Document(
        doc_id=generated.doc_id, title=generated.title, text=cleaned.text, source=f"{generated.doc_id}.txt",
        region=generated.region, level=generated.level, period=generated.period, years=generated.years,
        sections=sections, tables=cleaned.tables, indicators=indicators, cleaning_report=cleaned.report,
    )
    chunks = _STATE["chunker"].chunk(document)
    chunked_at = time.perf_counter()
    tokenizer = _STATE["tokenizer"]
    tokens = [tokenizer.tokenize(bm25_text(chunk, document.title)) for chunk in chunks]
    tokenized_at = time.perf_counter()
    cpu = time.process_time() - cpu
    with open(_STATE["docs_dir"] / f"{document.doc_id}.json", "w", encoding="utf-8") as handle:
        json.dump(document.to_dict(), handle, ensure_ascii=False)
    rng = random.Random(_STATE["seed"] * 7919 + number)
    return {
        "doc_id": document.doc_id,
        "chunks": [json.dumps(chunk.to_dict(), ensure_ascii=False) for chunk in chunks],
        "tokens": [" ".join(t) for t in tokens],
        "sources": [generated.source_row(chunk, document.text, rng) for chunk in chunks],
        "chars": len(document.text),
        "clean_s": cleaned_at - started,
        "structure_s": structured_at - cleaned_at,
        "chunk_s": chunked_at - structured_at,
        "tokenize_s": tokenized_at - chunked_at,
        "cpu_s": cpu,  # of the four stages together; the stage times above are wall times
    }


def current_pipeline() -> str:
    """Fingerprint of the code the corpus stage runs: reading/cleaning/outline/chunking and tokenizer."""
    from planqa.index.build import pipeline_fingerprint
    from planqa.records import content_hash
    from planqa.tokenize import TOKENIZER_VERSION

    tokenizer_source = Path(__import__("planqa.tokenize", fromlist=["x"]).__file__).read_text(encoding="utf-8")
    return content_hash(pipeline_fingerprint(), str(TOKENIZER_VERSION), tokenizer_source)


def corpus_complete(out_dir: Path, chunks: int, seed: int, source_hash: str) -> dict[str, Any] | None:
    """The corpus metadata if ``out_dir`` holds a complete corpus of at least ``chunks`` rows."""
    path = out_dir / CORPUS_META
    if not path.is_file():
        return None
    meta = json.loads(path.read_text(encoding="utf-8"))
    if meta.get("seed") == seed and meta.get("source_corpus_hash") == source_hash and meta["chunks"] >= chunks:
        return meta
    return None


class _InProcess:
    """What build_corpus uses of a Pool, run in this process."""

    def imap(self, function: Any, items: Any, chunksize: int = 1) -> Any:
        return map(function, items)

    def terminate(self) -> None:
        pass


@contextlib.contextmanager
def _workers(processes: int, init_args: tuple[Any, ...]) -> Any:
    """A spawn pool whose workers load the model themselves, or, for one process, this process
    (no spawn: a spawned child re-imports ``__main__``, which a test runner may have replaced, and
    a worker that cannot start makes a Pool respawn it forever)."""
    if processes <= 1:
        import logging

        previous = logging.root.manager.disable
        _init_worker(*init_args)
        try:
            yield _InProcess()
        finally:
            logging.disable(previous)
        return
    with multiprocessing.get_context("spawn").Pool(processes, _init_worker, init_args) as pool:
        yield pool


def build_corpus(index_dir: Path, out_dir: Path, chunks: int, seed: int = 0, processes: int = 2,
                 model: str | None = None, source_hash: str = "", progress: bool = True) -> dict[str, Any]:
    """Generate documents until ``chunks`` chunk rows exist; write the folder described above."""
    from tqdm import tqdm

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / CORPUS_META).unlink(missing_ok=True)
    (out_dir / "docs").mkdir(exist_ok=True)
    for stale in (out_dir / "docs").glob("*.json"):
        stale.unlink()
    started = time.perf_counter()
    sources: list[int] = []
    totals = {"clean_s": 0.0, "structure_s": 0.0, "chunk_s": 0.0, "tokenize_s": 0.0, "cpu_s": 0.0, "chars": 0}
    documents = 0
    bar = tqdm(total=chunks, unit="chunk", desc="generate+clean+chunk+tokenize", disable=not progress)
    with _workers(processes, (str(index_dir), str(out_dir), seed, model)) as pool, \
            open(out_dir / "chunks.jsonl", "w", encoding="utf-8") as chunk_file, \
            open(out_dir / "tokens.txt", "w", encoding="utf-8") as token_file, \
            open(out_dir / "documents.jsonl", "w", encoding="utf-8") as doc_file:
        ready_at, next_number = None, 0
        while len(sources) < chunks:
            # a batch of documents sized for what is missing (the smallest plan gives ~30 chunks)
            batch = range(next_number, next_number + (chunks - len(sources)) // 25 + 8)
            next_number = batch.stop
            for result in pool.imap(process_document, batch, chunksize=4):
                ready_at = ready_at or time.perf_counter()
                if not result["chunks"]:
                    continue
                chunk_file.write("\n".join(result["chunks"]) + "\n")
                token_file.write("\n".join(result["tokens"]) + "\n")
                sources.extend(result["sources"])
                row = {key: result[key] for key in ("doc_id", "chars", "clean_s", "structure_s", "chunk_s",
                                                    "tokenize_s", "cpu_s")}
                row["chunks"] = len(result["chunks"])
                doc_file.write(json.dumps(row, ensure_ascii=False) + "\n")
                for key in totals:
                    totals[key] += row.get(key, 0)
                documents += 1
                bar.update(row["chunks"])
                if len(sources) >= chunks:
                    break
        pool.terminate()
    bar.close()
    np.save(out_dir / "sources.npy", np.asarray(sources, dtype=np.int32), allow_pickle=False)
    meta = {
        "seed": seed, "chunks": len(sources), "documents": documents, "processes": processes,
        "pipeline_fingerprint": current_pipeline(),
        "wall_s": round(time.perf_counter() - started, 1),
        "worker_start_s": round((ready_at or started) - started, 1),
        "source_corpus_hash": source_hash, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        **{k: round(v, 2) for k, v in totals.items()},
    }
    (out_dir / CORPUS_META).write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return meta


def prefix_stats(out_dir: Path, rows: int) -> dict[str, Any]:
    """Documents, characters and stage seconds of the documents holding the first ``rows`` chunks."""
    totals = {"documents": 0, "chunks": 0, "chars": 0, "clean_s": 0.0, "structure_s": 0.0, "chunk_s": 0.0,
              "tokenize_s": 0.0, "cpu_s": 0.0}
    with open(out_dir / "documents.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if totals["chunks"] >= rows:
                break
            row = json.loads(line)
            share = min(1.0, (rows - totals["chunks"]) / row["chunks"])  # the last document may be cut
            totals["documents"] += 1
            totals["chunks"] += min(row["chunks"], rows - totals["chunks"])
            for key in ("chars", "clean_s", "structure_s", "chunk_s", "tokenize_s", "cpu_s"):
                totals[key] += row.get(key, 0) * share  # cpu_s: absent in corpora made before it was recorded
    return totals


def prefix_doc_ids(out_dir: Path, rows: int) -> list[str]:
    """Ids of the documents that hold the first ``rows`` chunks, in order."""
    ids, seen = [], 0
    with open(out_dir / "documents.jsonl", encoding="utf-8") as handle:
        for line in handle:
            if seen >= rows:
                break
            row = json.loads(line)
            ids.append(row["doc_id"])
            seen += row["chunks"]
    return ids
