"""Disk full or a read-only index folder: a clear error naming the folder, the old index intact.

The failures are injected (an ``OSError`` with ENOSPC/EROFS where the file system would raise it)
and, where this machine allows mounting (root), also produced for real on a small tmpfs.
Builds use the hash embedder (this checks error handling, not ranking).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planqa.corpus import add_file
from planqa.errors import PlanqaError
from planqa.index import Index
from planqa.index.build import build_index
from planqa.index.store import IndexWriteError, live_snapshot
from planqa.retrieve import Searcher
from robust_helpers import CORPUS, GOOD_A, GOOD_B, ROOT, HashEmbedder, child_env, make_corpus


class CountingEmbedder(HashEmbedder):
    """The hash embedder, counting the passages it embeds."""

    embedded = 0

    def _embed(self, texts, is_query):
        if not is_query:
            CountingEmbedder.embedded += len(texts)
        return super()._embed(texts, is_query)


@pytest.fixture
def built(tmp_path) -> tuple[Path, Path, Path]:
    """(corpus, index, live snapshot) of two plans; the corpus then gains a third."""
    corpus = make_corpus(tmp_path / "corpus", {"kaiping.txt": GOOD_A})
    index = tmp_path / "index"
    build_index(corpus, index, embedder=HashEmbedder())
    (corpus / "taishan.txt").write_text(GOOD_B, encoding="utf-8")
    return corpus, index, live_snapshot(index)


def _old_index_intact(index: Path, snapshot: Path) -> None:
    assert live_snapshot(index) == snapshot
    assert set(Index.load(index).documents) == {"kaiping"}
    assert Searcher(Index.load(index), HashEmbedder()).search("中微子实验站", k=1)[0].doc_id == "kaiping"
    assert sorted(p.name for p in index.glob("v-*")) == [snapshot.name]  # the half-written one is gone


def test_disk_full_while_writing_the_snapshot(built, monkeypatch):
    corpus, index, before = built
    from planqa.index import bm25

    def full(self, directory):
        Path(directory).mkdir(parents=True, exist_ok=True)
        (Path(directory) / "part.npy").write_bytes(b"\x00" * 100)
        raise OSError(errno.ENOSPC, "No space left on device", str(Path(directory) / "part.npy"))

    monkeypatch.setattr(bm25.BM25Index, "save", full)
    with pytest.raises(IndexWriteError) as info:
        build_index(corpus, index, embedder=HashEmbedder())
    message = str(info.value)
    assert message.startswith(f"cannot write the index folder {index}: No space left on device")
    assert "the previous index (if any) is unchanged and still live" in message
    assert isinstance(info.value, PlanqaError) and isinstance(info.value, OSError)
    assert info.value.errno == errno.ENOSPC
    monkeypatch.undo()
    _old_index_intact(index, before)


def test_disk_full_inside_faiss(built, monkeypatch):
    """FAISS reports a failed write as RuntimeError; the user still gets the file-system reason."""
    corpus, index, before = built
    from planqa.index import faiss

    def full(self, folder):
        raise RuntimeError("Error in void faiss::write_index(...): 'ret == (size * 4)' failed: write error in "
                           f"{folder}/vectors.faiss: 65491 != 768000 (No space left on device)")

    monkeypatch.setattr(faiss.FaissStore, "save", full)
    with pytest.raises(IndexWriteError, match=f"cannot write the index folder {index}: No space left on device;"):
        build_index(corpus, index, embedder=HashEmbedder())
    monkeypatch.undo()
    _old_index_intact(index, before)


def test_read_only_index_folder_fails_before_any_work(built, monkeypatch):
    corpus, index, before = built
    import planqa.index.store as store

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(index))

    monkeypatch.setattr(store.tempfile, "mkstemp", read_only)
    CountingEmbedder.embedded = 0
    with pytest.raises(IndexWriteError, match=f"cannot write the index folder {index}: Read-only file system"):
        build_index(corpus, index, embedder=CountingEmbedder())
    assert CountingEmbedder.embedded == 0  # refused before reading or embedding anything
    monkeypatch.undo()
    _old_index_intact(index, before)


def test_unwritable_embedding_cache_only_costs_speed(built, monkeypatch):
    corpus, index, _ = built
    import planqa.embed.cache as cache

    def broken(self, model, keys, vectors):
        raise cache.sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(cache.EmbeddingCache, "put_many", broken)
    report = build_index(corpus, index, embedder=HashEmbedder())
    assert report["documents"] == 2 and set(Index.load(index).documents) == {"kaiping", "taishan"}


def test_index_folder_that_is_a_file(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", {"kaiping.txt": GOOD_A})
    (tmp_path / "index").write_text("not a folder", encoding="utf-8")
    with pytest.raises(IndexWriteError, match="cannot write the index folder"):
        build_index(corpus, tmp_path / "index", embedder=HashEmbedder())


def test_upload_on_a_full_disk_leaves_no_partial_file(tmp_path, monkeypatch):
    corpus = make_corpus(tmp_path / "corpus", {"kaiping.txt": GOOD_A})
    import planqa.corpus as corpus_module

    real_fsync = os.fsync

    def full(fd):
        real_fsync(fd)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(corpus_module.os, "fsync", full)
    with pytest.raises(PlanqaError, match=f"cannot write taishan.txt into the corpus folder {corpus}: No space left"):
        add_file(corpus, "taishan.txt", GOOD_B.encode("utf-8"))
    monkeypatch.undo()
    assert sorted(p.name for p in corpus.iterdir()) == ["kaiping.txt"]


# ------------------------------------------------------------------ the real thing, on a small tmpfs


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB tmpfs mounted at tmp_path/disk (skipped where mounting is not allowed)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        if subprocess.run(["umount", str(mount)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _fill(folder: Path, leave: int) -> Path:
    """Fill the file system of ``folder`` until about ``leave`` bytes are free."""
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    filler = folder / "filler"
    with open(filler, "wb") as handle:
        handle.write(b"\x00" * max(0, free - leave))
    return filler


def test_real_disk_full_and_read_only(small_disk, tmp_path):
    corpus = make_corpus(tmp_path / "corpus", {"jiangmen.txt": (CORPUS / "jiangmen-bqw-sti-implementation-plan-2023.txt")
                                               .read_text(encoding="utf-8")})
    index = small_disk / "index"
    build_index(corpus, index, embedder=HashEmbedder())
    before = live_snapshot(index)
    shutil.copy(CORPUS / "kaiping-14th-five-year-sti-plan.txt", corpus / "kaiping.txt")
    filler = _fill(small_disk, leave=64 * 1024)  # less than the new snapshot needs
    with pytest.raises(IndexWriteError, match=f"cannot write the index folder {index}: No space left on device"):
        build_index(corpus, index, embedder=HashEmbedder())
    assert live_snapshot(index) == before and len(Index.load(index).documents) == 1
    assert [p.name for p in index.glob("v-*")] == [before.name]
    filler.unlink()

    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    try:
        with pytest.raises(IndexWriteError, match="Read-only file system"):
            build_index(corpus, index, embedder=HashEmbedder())
        searcher = Searcher(Index.load(index), HashEmbedder())  # searching a read-only index works
        assert searcher.search("科技特派员", k=1)
        cli = subprocess.run([sys.executable, "-m", "planqa", "index", "--corpus", str(corpus), "--index", str(index)],
                             capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=child_env(), timeout=300)
        assert cli.returncode == 2 and "Traceback" not in cli.stderr
        assert cli.stderr.startswith(f"planqa: error: cannot write the index folder {index}: Read-only file system")
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], check=True)
    report = build_index(corpus, index, embedder=HashEmbedder())  # space and rights back: it works
    assert report["documents"] == 2
