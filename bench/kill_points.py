"""Kill points: SIGKILL an index build, a document add and judgment writes at many points, and
check that what is left loads and is consistent.

    python bench/kill_points.py                          # full counts: every step + timed kills
    python bench/kill_points.py --build-steps 3 --build-timed 1 --add-steps 3 --add-timed 1 --judgments 0

After every kill: the live index is the previous one or the new one, complete (documents,
chunks, vectors and BM25 agree with each other and with the manifest, offsets slice the text,
a search runs); the corpus file being added is absent or whole, never partial, and the corpus
manifest parses; then an ordinary build (the "recovery") must succeed and reach the new state
with no half-written snapshot left behind. Judgments: every write the writer acknowledged is
stored and SQLite's integrity check passes.

Kill points are of two kinds:

* **step**: the child counts its file-system steps inside the work folder (create a file, its
  first write — half written, then killed —, fsync, rename, mkdir, unlink, rmtree) and kills
  itself with SIGKILL at step k. An unkilled run lists the steps; then k runs over all of them
  (or an evenly spread sample that always includes the CURRENT pointer swap);
* **timed**: the parent kills the child at a uniformly random moment of the operation (its
  duration measured by the unkilled run), which also lands inside C code (FAISS, bm25s, SQLite)
  that step kills cannot see. Judgment writes are killed by time only (SQLite is C code).

Every round starts from the same state (a template corpus and index copied into place), builds
with a deterministic hash embedder (``bench/fake_embedder.py``: this checks durability, not
retrieval quality) and runs the operation in a fresh ``python`` process.
Output: ``bench/reports/kill_points.json`` and ``.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPORTS, ROOT, environment, markdown_table, write_report  # noqa: E402

CORPUS = ROOT / "corpus"
_SNAPSHOT_NAME = re.compile(r"(v-)\d{8}T\d{6}-\w+|(\.write-test-)\w+")
STATE_A = {"jiangmen-bqw-sti-implementation-plan-2023.txt": None, "taishan-13th-five-year-sti-plan.txt": None}
ADDED_NAME = "新增 规划 2024.txt"  # a space and Chinese characters in the name, on purpose
ADDED_TEXT = """江门市新会区科技创新“十四五”规划
一、发展目标
到2025年，全区国家高新技术企业达到300家，研发经费投入强度达到3.2%。
二、主要任务
（一）建设创新平台
推进省级工程技术研究中心建设，支持企业建设研发机构。
"""
ADDED_META = {"doc_id": "xinhui-14fyp", "title": "江门市新会区科技创新“十四五”规划", "region": "江门市新会区",
              "period": "十四五"}
APPENDED = "\n三、新增任务\n（一）强化科技金融\n设立科技信贷风险补偿资金，支持科技型中小企业融资。\n"


# ---------------------------------------------------------------------------- checks


def share_jieba() -> None:
    """In this (checking) process, let tokenizers with the same user dictionary share one jieba
    segmenter: each index load and build would otherwise spend ~1 s building its own."""
    from planqa.tokenize import ChineseTokenizer

    if getattr(ChineseTokenizer, "_kill_points_shared", False):
        return
    original = ChineseTokenizer._segmenter
    shared: dict[str, tuple[Any, Any, Any]] = {}

    def segmenter(self: Any) -> Any:
        if self._jieba is None:
            key = repr(sorted(self._entries))
            if key not in shared:
                original(self)
                shared[key] = (self._jieba, self._logp, self._unknown_logp)
            self._jieba, self._logp, self._unknown_logp = shared[key]
        return self._jieba

    ChineseTokenizer._segmenter = segmenter  # type: ignore[method-assign]
    ChineseTokenizer._kill_points_shared = True  # type: ignore[attr-defined]


class Inconsistent(Exception):
    """What was found after a kill is not a whole index, corpus or judgment store."""


def check_index(index_dir: Path) -> dict[str, Any]:
    """Load the live snapshot and check that all its parts agree; returns its manifest."""
    from bench.fake_embedder import HashEmbedder
    from planqa.index import Index
    from planqa.index.build import corpus_hash
    from planqa.records import content_hash
    from planqa.retrieve import Searcher

    index = Index.load(index_dir)
    manifest = index.manifest
    problems = []
    counts = manifest["counts"]
    if len(index.documents) != counts["documents"] or set(index.documents) != set(manifest["documents"]):
        problems.append(f"documents {sorted(index.documents)} vs manifest {sorted(manifest['documents'])}")
    if len(index.chunks) != counts["chunks"]:
        problems.append(f"{len(index.chunks)} chunks, manifest says {counts['chunks']}")
    if index.vectors.size != len(index.chunks):
        problems.append(f"{index.vectors.size} vectors for {len(index.chunks)} chunks")
    if len(index.bm25) != len(index.chunks):
        problems.append(f"BM25 has {len(index.bm25)} rows for {len(index.chunks)} chunks")
    for doc_id, info in manifest["documents"].items():
        document = index.documents.get(doc_id)
        if document is not None and content_hash(document.text) != info["text_hash"]:
            problems.append(f"{doc_id}: text does not match its hash")
    for chunk in index.chunks:
        document = index.documents.get(chunk.doc_id)
        if document is None or document.text[chunk.start:chunk.end] != chunk.text:
            problems.append(f"chunk {chunk.id} does not slice its document")
            break
    if corpus_hash(list(index.documents.values())) != manifest["corpus_hash"]:
        problems.append("corpus hash does not match the documents")
    if not Searcher(index, HashEmbedder()).search("科技创新", k=3):
        problems.append("a search found nothing")
    if problems:
        raise Inconsistent(f"{index.snapshot.name}: " + "; ".join(problems))
    return manifest


def check_leftovers(index_dir: Path) -> None:
    """After a successful build: no half-written snapshot, at most the kept number of snapshots."""
    from planqa.index.store import KEEP_SNAPSHOTS, MANIFEST

    snapshots = [p for p in index_dir.glob("v-*") if p.is_dir()]
    partial = [p.name for p in snapshots if not (p / MANIFEST).exists()]
    if partial or len(snapshots) > KEEP_SNAPSHOTS:
        raise Inconsistent(f"leftover snapshots after a successful build: {sorted(p.name for p in snapshots)}")


def corpus_state_hash(corpus: Path) -> str:
    """The corpus hash a complete build of ``corpus`` records."""
    from planqa.index.build import corpus_hash
    from planqa.ingest import load_corpus

    return corpus_hash(load_corpus(corpus).documents)


# ---------------------------------------------------------------------------- the child


_STEP_SOURCE = '''
import builtins, io, os, shutil, signal, sys
WORK = os.path.realpath(sys.argv[1])
KILL_AT = int(sys.argv[2])
steps = []

def _inside(path):
    try:
        return os.path.realpath(os.fspath(path)).startswith(WORK)
    except (TypeError, ValueError):
        return False

def _rel(path):
    return os.path.relpath(os.path.realpath(os.fspath(path)), WORK)

def step(label, before_kill=None):
    steps.append(label)
    if len(steps) == KILL_AT:
        if before_kill is not None:
            before_kill()
        print("killed-at " + label, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

class _Tracked:
    def __init__(self, handle, label):
        self._handle, self._label, self._written = handle, label, False
    def write(self, data):
        if not self._written and len(data):
            self._written = True
            def half():
                self._handle.write(data[: len(data) // 2])
                self._handle.flush()
            step("write " + self._label, half)
        return self._handle.write(data)
    def __getattr__(self, name):
        return getattr(self._handle, name)
    def __enter__(self):
        self._handle.__enter__()
        return self
    def __exit__(self, *exc):
        return self._handle.__exit__(*exc)
    def __iter__(self):
        return iter(self._handle)

_open = io.open
def tracked_open(file, mode="r", *args, **kwargs):
    if isinstance(file, int) or not any(c in mode for c in "wax+") or not _inside(file):
        return _open(file, mode, *args, **kwargs)
    step("create " + _rel(file))
    return _Tracked(_open(file, mode, *args, **kwargs), _rel(file))
builtins.open = io.open = tracked_open

def wrap(module, name, label, path_args=1):
    original = getattr(module, name)
    def wrapper(*args, **kwargs):
        paths = [a for a in args[:path_args] if isinstance(a, (str, bytes, os.PathLike))]
        if kwargs.get("dir_fd") is not None or any(_inside(p) for p in paths):
            step(label + " " + " -> ".join(_rel(p) if _inside(p) else os.fspath(p) for p in paths))
        return original(*args, **kwargs)
    setattr(module, name, wrapper)

_os_open = os.open
def tracked_os_open(path, flags, *args, **kwargs):
    if flags & os.O_CREAT and _inside(path):
        step("create " + _rel(path))
    return _os_open(path, flags, *args, **kwargs)
os.open = tracked_os_open
_fsync = os.fsync
def tracked_fsync(fd):
    step("fsync")
    return _fsync(fd)
os.fsync = tracked_fsync
wrap(os, "replace", "replace", 2)
wrap(os, "rename", "rename", 2)
wrap(os, "unlink", "unlink")
wrap(os, "remove", "unlink")
wrap(os, "rmdir", "rmdir")
wrap(os, "mkdir", "mkdir")
wrap(shutil, "rmtree", "rmtree")
wrap(shutil, "move", "move", 2)
'''

_CHILD_SOURCE = '''
import json, sys, time
work, scenario = sys.argv[1], sys.argv[3]
from pathlib import Path
from bench.fake_embedder import HashEmbedder
from planqa.corpus import add_file
from planqa.index.build import build_index
from planqa.tokenize import ChineseTokenizer, TokenizerSettings
ChineseTokenizer(TokenizerSettings()).tokenize("科技创新规划")  # load jieba before counting steps
embedder = HashEmbedder()
exec(compile(STEP_SOURCE, "steps", "exec"))
corpus, index = Path(work) / "corpus", Path(work) / "index"
print("ready", flush=True)
started = time.perf_counter()
if scenario == "add":
    content = Path(sys.argv[4]).read_bytes()
    add_file(corpus, sys.argv[5], content, meta=json.loads(sys.argv[6]), replace=True)
build_index(corpus, index, embedder=embedder)
print("done %.3f %s" % (time.perf_counter() - started, "\\x1f".join(steps)), flush=True)
'''


def _child_command(work: Path, kill_at: int, scenario: str, extra: list[str]) -> list[str]:
    source = f"STEP_SOURCE = {_STEP_SOURCE!r}\n" + _CHILD_SOURCE
    return [sys.executable, "-c", source, str(work), str(kill_at), scenario, *extra]


def _env() -> dict[str, str]:
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return {**os.environ, "PYTHONPATH": path, "PYTHONHASHSEED": "0"}


def run_child(work: Path, scenario: str, extra: list[str], kill_at: int = 0,
              kill_after: float | None = None, timeout: float = 300) -> dict[str, Any]:
    """Run one operation in a fresh process; kill it at step ``kill_at`` or ``kill_after`` s after it is ready."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as errors:
        child = subprocess.Popen(_child_command(work, kill_at, scenario, extra), stdout=subprocess.PIPE,
                                 stderr=errors, text=True, encoding="utf-8", env=_env(), cwd=ROOT)
        assert child.stdout is not None
        ready = child.stdout.readline()
        if ready.strip() == "ready" and kill_after is not None:
            time.sleep(kill_after)
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
        out = child.stdout.read()  # what readline() buffered included
        child.wait(timeout=timeout)
        errors.seek(0)
        err = errors.read()
    if ready.strip() != "ready":
        raise RuntimeError(f"{scenario} child did not start: {ready!r}\n{err[-3000:]}")
    result: dict[str, Any] = {"returncode": child.returncode, "killed": child.returncode == -signal.SIGKILL}
    for line in out.splitlines():
        if line.startswith("killed-at "):
            result["label"] = _SNAPSHOT_NAME.sub(r"\1\2*", line[len("killed-at "):])
        elif line.startswith("done "):
            seconds, _, steps = line[len("done "):].partition(" ")
            result["seconds"] = float(seconds)
            result["steps"] = [_SNAPSHOT_NAME.sub(r"\1\2*", s) for s in steps.split("\x1f")] if steps else []
    if not result["killed"] and child.returncode != 0:
        raise RuntimeError(f"{scenario} child failed (exit {child.returncode}):\n{err[-3000:]}")
    return result


# ---------------------------------------------------------------------------- scenarios


def _write_state(corpus: Path, files: dict[str, str | None]) -> None:
    """Corpus files: ``None`` copies the real corpus file, a string is the text to write."""
    corpus.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        if text is None:
            shutil.copy(CORPUS / name, corpus / name)
        else:
            (corpus / name).write_text(text, encoding="utf-8")
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    manifest["documents"] = [entry for entry in manifest["documents"] if entry["file"] in files]
    (corpus / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


def _state_b() -> dict[str, str | None]:
    """State A with one document changed, one added and one removed."""
    jiangmen = (CORPUS / "jiangmen-bqw-sti-implementation-plan-2023.txt").read_text(encoding="utf-8")
    return {"jiangmen-bqw-sti-implementation-plan-2023.txt": jiangmen + APPENDED,
            "kaiping-14th-five-year-sti-plan.txt": None}


def add_again(corpus: Path) -> None:
    """What the add child does to the corpus, done here (to make the target state, or to recover)."""
    from planqa.corpus import add_file

    add_file(corpus, ADDED_NAME, ADDED_TEXT.encode("utf-8"), meta=ADDED_META, replace=True)


class Scenario:
    """One kind of operation, started each round from the same template folder."""

    def __init__(self, name: str, base: Path):
        from bench.fake_embedder import HashEmbedder
        from planqa.index.build import build_index

        self.name = name
        self.template = base / f"{name}-template"
        self.work = base / f"{name}-work"
        # two snapshots to start with, so the build's pruning (deleting the oldest) is killed too
        _write_state(self.template / "corpus", {"jiangmen-bqw-sti-implementation-plan-2023.txt": None})
        build_index(self.template / "corpus", self.template / "index", embedder=HashEmbedder())
        _write_state(self.template / "corpus", STATE_A)
        build_index(self.template / "corpus", self.template / "index", embedder=HashEmbedder())
        self.before = corpus_state_hash(self.template / "corpus")
        self.extra: list[str] = []
        target = base / f"{name}-target"
        if name == "build":
            _write_state(target, _state_b())
        else:
            _write_state(target, STATE_A)
            add_again(target)
            content = base / "added.txt"
            content.write_text(ADDED_TEXT, encoding="utf-8")
            self.extra = [str(content), ADDED_NAME, json.dumps(ADDED_META, ensure_ascii=False)]
        self.after = corpus_state_hash(target)
        self.target_corpus = target

    def reset(self) -> None:
        if self.work.exists():
            shutil.rmtree(self.work)
        shutil.copytree(self.template, self.work)
        if self.name == "build":  # the corpus changes before the build; the add changes it itself
            shutil.rmtree(self.work / "corpus")
            _write_state(self.work / "corpus", _state_b())
            (self.work / "corpus" / "taishan-13th-five-year-sti-plan.txt").unlink(missing_ok=True)

    def verify(self, outcome: dict[str, Any]) -> str:
        """Check the state a (possibly killed) run left; returns "old", "new" (live index)."""
        from bench.fake_embedder import HashEmbedder
        from planqa.index.build import build_index
        from planqa.ingest.metadata import load_manifest

        corpus, index = self.work / "corpus", self.work / "index"
        manifest = check_index(index)
        state = {self.before: "old", self.after: "new"}.get(manifest["corpus_hash"])
        if state is None:
            raise Inconsistent(f"the live index is neither the previous nor the new corpus ({manifest['corpus_hash']})")
        if not outcome["killed"] and state != "new":
            raise Inconsistent("the operation finished but the old index is live")
        entries = load_manifest(corpus)  # must parse
        if self.name == "add":
            added = corpus / ADDED_NAME
            if added.exists() and added.read_text(encoding="utf-8") != ADDED_TEXT:
                raise Inconsistent(f"{ADDED_NAME} is in the corpus but not whole ({added.stat().st_size} bytes)")
            if ADDED_NAME in entries and not added.exists():
                raise Inconsistent("the corpus manifest lists the added file, which is missing")
            if state == "new" and not added.exists():
                raise Inconsistent("the new index is live but the added file is missing")
            add_again(corpus)  # after a crash the user runs `planqa index --add` again
        report = build_index(corpus, index, embedder=HashEmbedder())  # recovery: the next ordinary build
        manifest = check_index(index)
        if manifest["corpus_hash"] != self.after or report["errors"]:
            raise Inconsistent(f"the recovery build did not reach the new state: {report['errors']}")
        check_leftovers(index)
        return state


def pick_steps(labels: list[str], count: int) -> list[int]:
    """1-based step numbers: all of them, or ``count`` of them: the CURRENT pointer swap, the step
    after it (the new snapshot live, old ones being pruned) and the rest spread evenly."""
    total = len(labels)
    if count >= total:
        return list(range(1, total + 1))
    swap = next((i + 1 for i, label in enumerate(labels)
                 if label.startswith("replace") and label.endswith("CURRENT")), None)
    chosen = {k for k in (swap, swap + 1 if swap else None) if k is not None and k <= total}
    chosen = set(sorted(chosen)[:count])
    others = [k for k in range(1, total + 1) if k not in chosen]
    wanted = count - len(chosen)
    chosen.update(others[(j * len(others)) // wanted] for j in range(wanted))
    return sorted(chosen)


def run_scenario(name: str, base: Path, steps: int, timed: int, rng: random.Random) -> dict[str, Any]:
    """Kill the operation at ``steps`` step points and ``timed`` random moments; check each time."""
    started = time.perf_counter()
    scenario = Scenario(name, base)
    scenario.reset()
    calibration = run_child(scenario.work, name, scenario.extra)
    scenario.verify(calibration)
    labels = calibration["steps"]
    duration = calibration["seconds"]
    rounds: list[dict[str, Any]] = []
    plan = [("step", k) for k in pick_steps(labels, steps)] if steps else []
    plan += [("timed", round(rng.uniform(0, duration * 1.1), 4)) for _ in range(timed)]
    for kind, point in plan:
        scenario.reset()
        if kind == "step":
            outcome = run_child(scenario.work, name, scenario.extra, kill_at=int(point))
        else:
            outcome = run_child(scenario.work, name, scenario.extra, kill_after=float(point))
        record = {"kind": kind, "point": point, "killed": outcome["killed"], "label": outcome.get("label")}
        try:
            record["live"] = scenario.verify(outcome)
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none stops the run
            record["failure"] = f"{type(exc).__name__}: {exc}"
        rounds.append(record)
    failures = [r for r in rounds if "failure" in r]
    return {
        "scenario": name,
        "steps_in_operation": len(labels),
        "step_labels": labels,
        "operation_seconds": duration,
        "rounds": len(rounds),
        "step_kills": sum(1 for r in rounds if r["kind"] == "step" and r["killed"]),
        "timed_kills": sum(1 for r in rounds if r["kind"] == "timed" and r["killed"]),
        "finished_before_kill": sum(1 for r in rounds if not r["killed"]),
        "old_live": sum(1 for r in rounds if r.get("live") == "old"),
        "new_live": sum(1 for r in rounds if r.get("live") == "new"),
        "failures": failures,
        "details": rounds,
        "seconds": round(time.perf_counter() - started, 1),
    }


_JUDGE_CHILD = """
import sys
from planqa.evaluate.judgments import JudgmentStore
store = JudgmentStore(sys.argv[1])
first = int(sys.argv[2])
print("ready", flush=True)
for i in range(first, first + 100000):
    store.record(f"query {i % 7}", "doc", i, i + 10, f"c{i}", i % 3, f"e{i % 2}")
    print(f"ack {i}", flush=True)
"""


def run_judgments(base: Path, rounds: int, rng: random.Random) -> dict[str, Any]:
    """Kill a judgment writer ``rounds`` times after a random number of acknowledged writes."""
    from planqa.evaluate.judgments import JudgmentStore

    started = time.perf_counter()
    path = base / "judgments" / "judgments.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    acked: set[int] = set()
    failures = []
    for round_no in range(rounds):
        child = subprocess.Popen([sys.executable, "-c", _JUDGE_CHILD, str(path), str(round_no * 100000)],
                                 stdout=subprocess.PIPE, text=True, env=_env())
        assert child.stdout is not None
        wanted, seen = rng.randint(1, 60), -1
        while seen < wanted:
            line = child.stdout.readline()
            if not line:
                break
            if line.startswith("ack "):
                acked.add(int(line.split()[1]))
            seen += 1
        time.sleep(rng.uniform(0, 0.02))  # land the kill anywhere, mid-write included
        child.send_signal(signal.SIGKILL)
        rest, _ = child.communicate()
        acked.update(int(line.split()[1]) for line in rest.splitlines() if line.startswith("ack "))
        try:
            with JudgmentStore(path) as store:
                stored = {j.start: j for j in store.all()}
            lost = sorted(acked - set(stored))
            wrong = [i for i in acked if i in stored and (stored[i].grade, stored[i].chunk_id) != (i % 3, f"c{i}")]
            with sqlite3.connect(path) as db:
                integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
            if lost or wrong or integrity != "ok":
                failures.append({"round": round_no, "lost": lost[:10], "wrong": wrong[:10], "integrity": integrity})
        except Exception as exc:  # noqa: BLE001
            failures.append({"round": round_no, "failure": f"{type(exc).__name__}: {exc}"})
    return {"scenario": "judgments", "rounds": rounds, "acknowledged_writes": len(acked),
            "failures": failures, "seconds": round(time.perf_counter() - started, 1)}


def run_all(build_steps: int, build_timed: int, add_steps: int, add_timed: int, judgments: int,
            seed: int = 7, work: Path | None = None) -> dict[str, Any]:
    """Every scenario with the given counts; ``work`` defaults to a temporary folder."""
    rng = random.Random(seed)
    share_jieba()
    with tempfile.TemporaryDirectory(prefix="kill-points-", dir=work) as tmp:
        base = Path(tmp)
        results = []
        if build_steps or build_timed:
            results.append(run_scenario("build", base, build_steps, build_timed, rng))
        if add_steps or add_timed:
            results.append(run_scenario("add", base, add_steps, add_timed, rng))
        if judgments:
            results.append(run_judgments(base, judgments, rng))
    return {"settings": {"build_steps": build_steps, "build_timed": build_timed, "add_steps": add_steps,
                         "add_timed": add_timed, "judgments": judgments, "seed": seed},
            "environment": environment(), "scenarios": results,
            "failures": sum(len(r["failures"]) for r in results)}


def markdown(data: dict[str, Any]) -> str:
    rows = []
    for r in data["scenarios"]:
        if r["scenario"] == "judgments":
            rows.append(["judgment writes", r["rounds"], "–", "–", r["rounds"], "–", "–",
                         f"{r['acknowledged_writes']} acknowledged writes, all stored", len(r["failures"]), r["seconds"]])
        else:
            rows.append([f"index {r['scenario']}" if r["scenario"] == "build" else "document add + build",
                         r["rounds"], r["steps_in_operation"], r["step_kills"], r["timed_kills"],
                         r["finished_before_kill"], f"{r['old_live']} / {r['new_live']}",
                         "recovery build reached the new state each time", len(r["failures"]), r["seconds"]])
    table = markdown_table(["operation", "rounds", "steps in the operation", "step kills", "timed kills",
                            "finished before the kill", "old / new index live after", "then", "failures",
                            "seconds"], rows)
    env = data["environment"]
    lines = ["# Kill points", "",
             f"{env['date']}, commit {env['git_commit']}{' (dirty)' if env['git_dirty'] else ''}, "
             f"{env['cpus']} CPUs, load {env['load_average_at_start']}.", "",
             "Each round SIGKILLs a fresh `python` process at one point of the operation; then the live",
             "index must load whole (documents, chunks, vectors, BM25 and manifest agree; offsets slice the",
             "text; a search runs), the corpus must hold the added file whole or not at all, and an ordinary",
             "build must reach the new state leaving no half-written snapshot. See `bench/kill_points.py`.", "",
             table, "", f"**Failures: {data['failures']}**", ""]
    for r in data["scenarios"]:
        if r.get("step_labels"):
            hit = sorted({d["label"] for d in r["details"] if d.get("label")})
            lines += [f"Step kill points of the {r['scenario']} ({len(hit)} distinct):", "",
                      "    " + "\n    ".join(hit), ""]
        for failure in r["failures"]:
            lines.append(f"- {r['scenario']}: {failure}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-steps", type=int, default=1000, help="step kills of an index build (default: all)")
    parser.add_argument("--build-timed", type=int, default=20, help="timed kills of an index build")
    parser.add_argument("--add-steps", type=int, default=1000, help="step kills of a document add (default: all)")
    parser.add_argument("--add-timed", type=int, default=20, help="timed kills of a document add")
    parser.add_argument("--judgments", type=int, default=30, help="kills of a judgment writer")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=REPORTS)
    parser.add_argument("--name", default="kill_points")
    args = parser.parse_args(argv)
    data = run_all(args.build_steps, args.build_timed, args.add_steps, args.add_timed, args.judgments, args.seed)
    text = markdown(data)
    write_report(args.out, args.name, data, text)
    print(text)
    return 1 if data["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
