"""No silent loss: every Chinese character a reader read reaches the cleaned text or is in the
cleaning report under the rule that removed it (seed, challenge and derived files)."""

from __future__ import annotations

from pathlib import Path

import pytest

from planqa.ingest import han_count, load_document, loss_warnings
from planqa.ingest.clean import clean
from planqa.ingest.readers import read_file

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
FILES = sorted([*(SHARED / "seeds").glob("*"), *(p for p in (SHARED / "challenge").glob("*") if p.name != "SOURCES.md"),
                *(ROOT / "corpus").glob("*.txt")])


@pytest.mark.skipif(not FILES, reason="shared/ not present")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_character_is_kept_or_accounted_for(path):
    raw = read_file(path)
    result = clean(raw.text, path.name)
    removed = sum(han_count(text) for _, text in result.removals)
    added_by_repairs = 2 * len(result.ocr_repaired)  # "(S)" → "（二）" writes a numeral
    assert han_count(raw.text) <= han_count(result.text) + removed <= han_count(raw.text) + added_by_repairs
    # the reader accounts for what it dropped, by rule
    assert all(rule and isinstance(text, str) for rule, text in raw.removed)


@pytest.mark.skipif(not FILES, reason="shared/ not present")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_document_is_an_empty_shell(path):
    document = load_document(path)
    assert han_count(document.text) >= 1000 or document.cleaning_report["warnings"]


def test_loss_warnings():
    assert loss_warnings(10_000, {}, 9_900, {"page_footer": 100}, "txt") == []
    assert "cleaning removed 50%" in loss_warnings(10_000, {}, 5_000, {"breadcrumb": 5_000}, "txt")[0]
    assert "only 41 Chinese characters" in loss_warnings(41, {"html_boilerplate": 6_400}, 41, {}, "html")[0]
    assert "reader dropped" in loss_warnings(1_000, {"pdf_running_header": 2_000}, 1_000, {}, "pdf")[0]
