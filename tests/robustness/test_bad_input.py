"""Bad input files: each is reported by name with its reason, the others are indexed, nothing crashes.

The table of inputs and messages is in ``bad_files.py`` (and docs/robustness.md). Builds use the
hash embedder except the command-line test, which runs ``planqa index`` as a user would.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bad_files import ACCEPTED_FILES, BAD_FILES, write_big_file
from planqa.chunk import Chunker
from planqa.corpus import add_file, safe_file_name
from planqa.errors import IngestError, PlanqaError
from planqa.index import Index
from planqa.index.build import build_index
from planqa.ingest import load_corpus, load_document
from planqa.ingest.limits import Limits
from robust_helpers import GOOD_A, GOOD_B, ROOT, HashEmbedder, child_env, make_corpus

pytest.importorskip("docx")
pytest.importorskip("reportlab")


@pytest.fixture(scope="module")
def bad_corpus(tmp_path_factory) -> Path:
    """Two good plans, the odd-but-readable files, every bad file, a 50 MB file and a 300 KB line."""
    folder = tmp_path_factory.mktemp("bad") / "corpus"
    files: dict[str, str | bytes] = {"good-a.txt": GOOD_A, "good-b.txt": GOOD_B, **ACCEPTED_FILES}
    files.update({name: make() for name, (make, _) in BAD_FILES.items()})
    files["long-line.txt"] = "科技创新驱动高质量发展" * 30_000  # 330,000 characters, no punctuation
    make_corpus(folder, files)
    write_big_file(folder / "fifty-mb.txt")
    return folder


def _skipped(errors: list[str]) -> dict[str, str]:
    """File name → reason, from "<path>: <reason>" lines."""
    out = {}
    for line in errors:
        path, _, reason = line.partition(": ")
        out[Path(path).name] = reason
    return out


def test_every_bad_file_is_named_with_its_reason_and_the_others_are_indexed(bad_corpus, tmp_path):
    report = build_index(bad_corpus, tmp_path / "index", embedder=HashEmbedder(),
                         limits=Limits(max_chunks_per_document=300))
    skipped = _skipped(report["errors"])
    for name, (_, reason) in BAD_FILES.items():
        assert reason in skipped.get(name, ""), (name, skipped.get(name))
    assert "file is too large (52,428,801 bytes > limit 52,428,800 bytes)" in skipped["fifty-mb.txt"]
    assert "PLANQA_MAX_FILE_MB" in skipped["fifty-mb.txt"]
    assert skipped["long-line.txt"].startswith("more than 300 chunks, the limit per document")
    assert "PLANQA_MAX_CHUNKS" in skipped["long-line.txt"]
    assert set(skipped) == set(BAD_FILES) | {"fifty-mb.txt", "long-line.txt"}
    assert report["limits"] == {"max_file_bytes": 50 * 1024 * 1024, "max_chunks_per_document": 300}
    index = Index.load(tmp_path / "index")
    sources = {d.source for d in index.documents.values()}
    assert sources == {"good-a.txt", "good-b.txt", *ACCEPTED_FILES}
    for document in index.documents.values():
        assert "\x00" not in document.text and "\x1b" not in document.text and "[1m" not in document.text
    assert index.manifest["skipped"] == report["errors"]


def test_chinese_file_names_get_distinct_ids(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", {"规划2021.txt": GOOD_A, "方案2021.txt": GOOD_B})
    loaded = load_corpus(corpus)
    assert not loaded.errors and len({d.doc_id for d in loaded.documents}) == 2


def test_a_long_line_without_punctuation_is_indexed_whole(tmp_path):
    path = tmp_path / "one-line.txt"
    path.write_text("科技创新驱动高质量发展" * 100_000, encoding="utf-8")  # 1.1 million characters
    started = time.perf_counter()
    document = load_document(path)
    chunks = Chunker().chunk(document)
    assert time.perf_counter() - started < 60
    assert "".join(c.text for c in chunks) == document.text  # cut hard, nothing lost or repeated
    assert all(document.text[c.start:c.end] == c.text for c in chunks)


@pytest.mark.parametrize("text", [
    "[bookmark: " * 60_000,  # unclosed Word bookmark marks
    "序号\n" * 20_000,  # table headers that never become tables
    "\t科技\n" * 20_000,  # a TAB run that is no table
], ids=["unclosed-bookmarks", "many-xuhao", "tab-run"])
def test_pathological_text_stays_fast(tmp_path, text):
    """Each of these was quadratic (about 70 s, > 300 s and 267 s before); now about a second."""
    path = tmp_path / "odd.txt"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    try:
        document = load_document(path)
        Chunker().chunk(document)
    except IngestError:
        pass
    assert time.perf_counter() - started < 20


def test_many_headings_do_not_make_chunking_quadratic(tmp_path, monkeypatch):
    path = tmp_path / "headings.txt"
    path.write_text("".join(f"第{'一二三四五六七八九十'[i % 10]}章 科技{i}\n" for i in range(5_000)), encoding="utf-8")
    document = load_document(path)
    assert len(document.sections) == 5_000

    def scan(self, offset):
        raise AssertionError("section_path_at scans every section: quadratic over a document")

    monkeypatch.setattr(type(document), "section_path_at", scan)
    assert len(Chunker().chunk(document)) > 0  # paths come from a sweep (equal: test_properties.py)


def test_chunk_limit_stops_early(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("加快推进江门中微子实验站建设。\n" * 20_000, encoding="utf-8")
    document = load_document(path)
    with pytest.raises(PlanqaError, match="more than 50 chunks"):
        Chunker().chunk(document, max_chunks=50)


def test_limits_from_the_environment(monkeypatch):
    monkeypatch.setenv("PLANQA_MAX_FILE_MB", "2.5")
    monkeypatch.setenv("PLANQA_MAX_CHUNKS", "10")
    assert Limits.from_env() == Limits(max_file_bytes=int(2.5 * 1024 * 1024), max_chunks_per_document=10)
    monkeypatch.setenv("PLANQA_MAX_CHUNKS", "many")
    with pytest.raises(PlanqaError, match="PLANQA_MAX_CHUNKS='many' is not a number"):
        Limits.from_env()


# ------------------------------------------------------------------ uploads


@pytest.mark.parametrize(("name", "lands_as"), [
    ("../../evil.txt", "evil.txt"),
    ("/etc/cron.d/abs.txt", "abs.txt"),
    ("..\\..\\windows.txt", "windows.txt"),
    ("sub/../../up.txt", "up.txt"),
    ("规划 文件 2021.txt", "规划 文件 2021.txt"),
    ("bad\x00name\n.txt", "bad_name_.txt"),
    ("  .hidden.txt  ", "hidden.txt"),
])
def test_uploads_never_write_outside_the_corpus(tmp_path, name, lands_as):
    corpus = make_corpus(tmp_path / "root" / "corpus", {})
    target = add_file(corpus, name, GOOD_A.encode("utf-8"))
    assert target == corpus / lands_as and target.read_text(encoding="utf-8") == GOOD_A
    written = [p for p in (tmp_path / "root").rglob("*") if p.is_file()]
    assert written == [target]


@pytest.mark.parametrize("name", ["..", "", "   ", "../", "/", "...."])
def test_unusable_upload_names_are_refused(tmp_path, name):
    corpus = make_corpus(tmp_path / "corpus", {})
    with pytest.raises(PlanqaError, match="unusable file name"):
        add_file(corpus, name, b"x")
    assert list(corpus.iterdir()) == []


def test_upload_checks_come_before_writing(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", {"a.txt": GOOD_A})
    long_name = "科技创新发展规划" * 30 + ".txt"
    shortened = safe_file_name(long_name)
    assert shortened.endswith(".txt") and len(shortened.encode("utf-8")) <= 200
    with pytest.raises(IngestError, match="unsupported file type"):
        add_file(corpus, "plan.exe", b"MZ")
    with pytest.raises(IngestError, match="file is too large"):
        add_file(corpus, "huge.txt", b"x" * 2000, max_bytes=1000)
    add_file(corpus, "b.txt", GOOD_B.encode("utf-8"), meta={"doc_id": "plan-b"})
    with pytest.raises(PlanqaError, match="doc_id 'plan-b' is already used by b.txt"):
        add_file(corpus, "c.txt", GOOD_B.encode("utf-8"), meta={"doc_id": "plan-b"})
    assert sorted(p.name for p in corpus.iterdir()) == ["a.txt", "b.txt", "manifest.json"]


# ------------------------------------------------------------------ what the user sees


@pytest.mark.slow
def test_index_command_reports_each_bad_file_and_never_a_traceback(bad_corpus, tmp_path):
    """``planqa index`` with the real model: one "skipped <file>: <reason>" line per bad file."""
    completed = subprocess.run(
        [sys.executable, "-m", "planqa", "index", "--corpus", str(bad_corpus), "--index", str(tmp_path / "index"),
         "--no-answer-vectors", "-q"],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=child_env(PLANQA_MAX_CHUNKS="300"),
        timeout=900)
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "Traceback" not in completed.stderr
    lines = [line for line in completed.stderr.splitlines() if line.startswith("skipped ")]
    skipped = _skipped([line[len("skipped "):] for line in lines])
    for name, (_, reason) in BAD_FILES.items():
        assert reason in skipped.get(name, ""), (name, skipped.get(name))
    assert f"indexed {2 + len(ACCEPTED_FILES)} documents" in completed.stdout
