"""Loading a corpus folder: metadata, bad files reported by name, others still loaded."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from planqa.ingest import load_corpus, load_document
from planqa.ingest.metadata import infer_meta

GOOD = "开平市科技创新“十四五”规划\n一、基础与形势\n“十三五”期间，开平市高新技术企业从42家增加到164家。\n"


def test_bad_files_are_reported_by_name_and_do_not_stop_the_others(tmp_path: Path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "gb.txt").write_bytes(GOOD.replace("开平市", "台山市").encode("gb18030"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + GOOD.replace("开平市", "恩平市").encode("utf-8"))
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "chrome.txt").write_text("您现在的位置 : 首页\n扫一扫在手机打开当前页\n", encoding="utf-8")
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    loaded = load_corpus(tmp_path)
    titles = sorted(d.title for d in loaded.documents)
    assert titles == ["台山市科技创新“十四五”规划", "开平市科技创新“十四五”规划", "恩平市科技创新“十四五”规划"]
    failed = {Path(e.path).name: e.reason for e in loaded.errors}
    assert set(failed) == {"binary.txt", "empty.txt", "chrome.txt", "broken.docx"}
    assert all(name in str(e) for e in loaded.errors for name in [Path(e.path).name])
    assert "chrome" in failed["chrome.txt"]


def test_metadata_inferred_without_manifest(tmp_path: Path):
    path = tmp_path / "plan.txt"
    path.write_text(GOOD, encoding="utf-8")
    document = load_document(path)
    assert (document.title, document.region, document.level, document.period, document.years) == (
        "开平市科技创新“十四五”规划", "开平市", "市", "十四五", (2021, 2025))
    meta = infer_meta("x", "x.txt", "关于印发《茂名市茂南区科技创新“十四五”规划》的通知\n茂府〔2021〕8号\n2021年4月20日印发")
    assert (meta.title, meta.region, meta.level, meta.doc_number, meta.date) == (
        "茂名市茂南区科技创新“十四五”规划", "茂名市茂南区", "区", "茂府〔2021〕8号", "2021-04-20")


def test_manifest_gives_metadata(corpus_docs):
    manifest = json.loads((Path(__file__).resolve().parents[2] / "corpus" / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["documents"]:
        document = corpus_docs[entry["doc_id"]]
        assert (document.title, document.region, document.period) == (entry["title"], entry["region"], entry["period"])
        assert document.source == entry["file"]


def test_doc_command_prints_the_cleaned_document(tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(Path(__file__).resolve().parents[2] / "corpus", corpus)
    out = subprocess.run([sys.executable, "-m", "planqa", "doc", "--json", "--corpus", str(corpus), "taishan-14fyp"],
                         capture_output=True, text=True, check=True, encoding="utf-8")
    doc = json.loads(out.stdout)
    assert doc["title"] == "台山市科技创新发展“十四五”规划" and "\\u" not in out.stdout
    for section in doc["sections"]:
        assert doc["text"][section["start"]:section["heading_end"]].rstrip("。") == section["path"][-1]
    assert len(doc["tables"]) == 1 and doc["tables"][0]["rows"][2][1] == "国家高新技术企业"
    assert {i["indicator"] for i in doc["indicators"]} >= {"国家高新技术企业", "农村科技特派员数量"}
    missing = subprocess.run([sys.executable, "-m", "planqa", "doc", "--corpus", str(corpus), "nope"],
                             capture_output=True, text=True, encoding="utf-8")
    assert missing.returncode == 2 and "nope" in missing.stderr and "taishan-14fyp" in missing.stderr
