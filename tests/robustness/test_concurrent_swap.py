"""Searches in threads while the index is rebuilt and swapped in: no errors, and each search sees
one snapshot, the old or the new, never a mix.

Builds use the hash embedder (this checks concurrency, not ranking). Two ways of reading are
tested: a shared ``LiveIndex`` (what a server does) and a fresh ``Index.load`` per request (what
each ``planqa search`` process does).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from planqa.index import Index
from planqa.index.build import build_index
from planqa.index.store import read_chunks, read_documents
from planqa.retrieve import Searcher
from planqa.retrieve.live import LiveIndex
from robust_helpers import GOOD_A, GOOD_B, HashEmbedder, make_corpus

QUERIES = ["高新技术企业", "中微子实验站", "科技企业孵化器", "科技金融", "发展目标"]
EXTRA = "\n三、保障措施\n（一）强化科技金融\n设立科技信贷风险补偿资金第{n}期，支持科技型中小企业融资。\n"


def _snapshot_facts(snapshot: Path) -> tuple[set[str], dict[str, str]]:
    return {c.id for c in read_chunks(snapshot)}, {d.doc_id: d.text for d in read_documents(snapshot)}


def test_searches_during_rebuilds_see_the_old_or_the_new_index(tmp_path):
    embedder = HashEmbedder()
    corpus = make_corpus(tmp_path / "corpus", {"kaiping.txt": GOOD_A, "taishan.txt": GOOD_B})
    index_dir = tmp_path / "index"
    snapshots = {}
    report = build_index(corpus, index_dir, embedder=embedder)
    snapshots[Path(report["snapshot"]).name] = _snapshot_facts(Path(report["snapshot"]))
    live = LiveIndex(index_dir, lambda index: Searcher(index, embedder), check_interval=0.0)
    stop = threading.Event()
    errors: list[BaseException] = []
    seen: list[tuple[str, list]] = []

    def search_live(worker: int) -> None:
        n = worker
        while not stop.is_set():
            searcher = live.get()  # one snapshot for the whole request
            try:
                hits = searcher.search(QUERIES[n % len(QUERIES)], k=5)
                seen.append((searcher.index.snapshot.name, hits))
            except BaseException as exc:  # noqa: BLE001 - collected, the test fails below
                errors.append(exc)
            n += 1
            time.sleep(0.01)  # requests arrive, rather than one thread holding the interpreter

    def search_fresh() -> None:
        n = 0
        while not stop.is_set():
            try:
                searcher = Searcher(Index.load(index_dir), embedder)
                hits = searcher.search(QUERIES[n % len(QUERIES)], k=5)
                seen.append((searcher.index.snapshot.name, hits))
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)
            n += 1
            stop.wait(0.3)  # each load builds its own tokenizer (~1 s of CPU): a few suffice

    threads = [threading.Thread(target=search_live, args=(i,)) for i in range(2)]
    threads.append(threading.Thread(target=search_fresh))
    for thread in threads:
        thread.start()
    try:
        for n in range(1, 3):
            (corpus / "kaiping.txt").write_text(GOOD_A + EXTRA.format(n=n), encoding="utf-8")
            report = build_index(corpus, index_dir, embedder=embedder)
            snapshot = Path(report["snapshot"])
            snapshots[snapshot.name] = _snapshot_facts(snapshot)
            time.sleep(0.3)  # let searches run on the new snapshot
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors[:3]
    assert len(seen) > 20
    for name, hits in seen:
        assert name in snapshots, name
        chunk_ids, texts = snapshots[name]
        for hit in hits:  # every hit of a search comes from that search's snapshot, whole
            assert hit.chunk_id in chunk_ids
            assert texts[hit.doc_id][hit.start:hit.end] == hit.text
    assert len({name for name, _ in seen}) >= 3  # the searches went through several swaps
    assert live.reloads >= 2
