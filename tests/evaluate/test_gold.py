"""The gold question set: the real file checked against the real corpus, and the validator on tiny fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planqa.evaluate.gold import (
    TARGET_SHARES,
    Evidence,
    GoldFormatError,
    GoldQuestion,
    load_gold,
    locate,
    main,
    type_counts,
    validate_gold,
)

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "eval" / "gold.jsonl"

DOCS = {"a": "第一行：国家高新技术企业达到200家。\n第二行：科技特派员500名。重复句。重复句。", "b": "开平中微子实验站。"}


def _q(qid: str = "q1", question: str = "高企目标是多少？", qtype: str = "factual",
       evidence: list[Evidence] | None = None, keys: list[str] | None = None) -> GoldQuestion:
    if evidence is None:
        evidence = [Evidence("a", "国家高新技术企业达到200家")]
    return GoldQuestion(qid, question, qtype, evidence, keys if keys is not None else ["200家"])


def _write(tmp_path: Path, records: list[object | str]) -> Path:
    path = tmp_path / "gold.jsonl"
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _record(qid: str = "q1", **extra: object) -> dict:
    record = {"id": qid, "question": "问题", "type": "factual",
              "evidence": [{"doc_id": "a", "quote": "国家高新技术企业达到200家"}], "answer_keys": ["200家"], "notes": ""}
    record.update(extra)
    return record


# ---------------------------------------------------------------- the real gold set


@pytest.fixture(scope="module")
def all_gold() -> list[GoldQuestion]:
    return load_gold(GOLD)


@pytest.fixture(scope="module")
def gold(all_gold) -> list[GoldQuestion]:
    """The questions asked over corpus/ (the others need eval/corpus-ext)."""
    return [q for q in all_gold if q.corpus == "main"]


@pytest.fixture(scope="module")
def texts(corpus_docs) -> dict[str, str]:
    return {doc_id: doc.text for doc_id, doc in corpus_docs.items()}


def test_real_gold_has_no_problems(gold, texts):
    assert validate_gold(gold, texts) == []


def test_real_gold_size_and_type_mix(all_gold):
    first = [q for q in all_gold if q.kind is None]  # the set written before the question kinds
    assert len(first) >= 150
    counts = type_counts(first)
    for qtype, target in TARGET_SHARES.items():
        share = counts[qtype] / len(first)
        assert abs(share - target) <= 0.05, f"{qtype}: {share:.1%} vs target {target:.0%}"


MIN_PER_KIND = {"comparison": 20, "document": 20, "not_covered": 20, "list": 20, "how_why": 20, "time_frame": 15,
                "multi_part": 10}


def test_kinds_splits_and_extended_corpus(all_gold):
    """Issue 14's measuring set: enough questions of every kind, half tune and half test per kind,
    at least 50 over the extended corpus."""
    kinds = [q for q in all_gold if q.kind is not None]
    assert len(kinds) >= 150
    for kind, least in MIN_PER_KIND.items():
        of_kind = [q for q in kinds if q.kind == kind]
        assert len(of_kind) >= least, kind
        tune = sum(1 for q in of_kind if q.split == "tune")
        assert abs(tune - (len(of_kind) - tune)) <= 1 and all(q.split in ("tune", "test") for q in of_kind), kind
    assert sum(1 for q in kinds if q.corpus == "ext") >= 50


def test_extended_corpus_questions_have_no_problems(all_gold):
    from planqa.ingest import load_corpus

    loaded = load_corpus(ROOT / "eval" / "corpus-ext")
    assert not loaded.errors
    ext = [q for q in all_gold if q.corpus == "ext"]
    assert validate_gold(ext, {d.doc_id: d.text for d in loaded.documents}) == []


def test_real_gold_covers_every_document(gold, texts):
    cited = {ev.doc_id for q in gold for ev in q.evidence}
    assert cited == set(texts)  # every document of corpus/ is cited
    assert all(len({ev.doc_id for ev in q.evidence}) >= 2 for q in gold if q.type == "cross")


def test_real_gold_spans_match_quotes(gold, texts):
    for q in gold:
        spans = locate(q, texts)
        assert len(spans) == len(q.evidence)
        for (doc_id, start, end), ev in zip(spans, q.evidence):
            assert doc_id == ev.doc_id and texts[doc_id][start:end] == ev.quote


def test_command_line_exits_zero_on_real_gold(capsys):
    assert main(["--gold", str(GOLD), "--corpus", str(ROOT / "corpus")]) == 0
    assert "0 problem(s)" in capsys.readouterr().out


# ---------------------------------------------------------------- validate_gold on fixtures


def test_clean_fixture_passes():
    assert validate_gold([_q()], DOCS) == []


def test_wrong_quote_is_reported():
    problems = validate_gold([_q(evidence=[Evidence("a", "国家高新技术企业达到300家")], keys=[])], DOCS)
    assert len(problems) == 1 and "not found verbatim" in problems[0] and problems[0].startswith("q1")


def test_unknown_doc_is_reported():
    problems = validate_gold([_q(evidence=[Evidence("zz", "国家高新技术企业达到200家")])], DOCS)
    assert any("unknown doc_id 'zz'" in p for p in problems)


def test_key_not_in_quote_is_reported():
    problems = validate_gold([_q(keys=["500名"])], DOCS)
    assert problems == ["q1: answer key '500名' is in no evidence quote"]


def test_repeated_quote_is_reported():
    problems = validate_gold([_q(evidence=[Evidence("a", "重复句")], keys=[])], DOCS)
    assert len(problems) == 1 and "occurs 2 times" in problems[0]


def test_quote_across_line_break_is_reported():
    problems = validate_gold([_q(evidence=[Evidence("a", "200家。\n第二行")], keys=[])], DOCS)
    assert any("line break" in p for p in problems)


def test_evidence_rules_by_type():
    answerable = _q(evidence=[], keys=[])
    unanswerable = _q("q2", "另一个问题？", "unanswerable", keys=[])
    problems = validate_gold([answerable, unanswerable], DOCS)
    assert "q1: factual question without evidence" in problems
    assert "q2: unanswerable question with evidence" in problems


def test_empty_and_duplicate_question_text():
    problems = validate_gold([_q("q1"), _q("q2"), _q("q3", question="  ")], DOCS)
    assert "q2: same question text as q1" in problems
    assert "q3: empty question text" in problems


def test_locate_gives_character_spans():
    q = _q(evidence=[Evidence("a", "国家高新技术企业达到200家"), Evidence("b", "中微子实验站")])
    assert locate(q, DOCS) == [("a", 4, 18), ("b", 2, 8)]
    with pytest.raises(ValueError, match="q1"):
        locate(_q(evidence=[Evidence("a", "不存在的句子")]), DOCS)


# ---------------------------------------------------------------- load_gold on fixtures


def test_load_round_trip(tmp_path):
    questions = load_gold(_write(tmp_path, [_record("q1"), "", _record("q2", type="unanswerable", evidence=[], answer_keys=[])]))
    assert [q.id for q in questions] == ["q1", "q2"]
    assert questions[0].evidence == [Evidence("a", "国家高新技术企业达到200家")]
    assert not questions[1].answerable
    assert type_counts(questions)["unanswerable"] == 1


def test_bad_json_reports_line_number(tmp_path):
    path = _write(tmp_path, [_record("q1"), _record("q2"), '{"id": "q3", "question": '])
    with pytest.raises(GoldFormatError, match=r"gold\.jsonl:3: invalid JSON"):
        load_gold(path)


def test_duplicate_id_reports_both_lines(tmp_path):
    path = _write(tmp_path, [_record("q1"), _record("q1")])
    with pytest.raises(GoldFormatError, match=r"gold\.jsonl:2: duplicate id 'q1' \(first used on line 1\)"):
        load_gold(path)


def test_missing_field_and_unknown_type(tmp_path):
    record = _record("q1")
    del record["evidence"]
    with pytest.raises(GoldFormatError, match=r":1: missing field\(s\) evidence"):
        load_gold(_write(tmp_path, [record]))
    with pytest.raises(GoldFormatError, match=r":2: unknown type 'trivia'"):
        load_gold(_write(tmp_path, [_record("q1"), _record("q2", type="trivia")]))


def test_malformed_evidence_and_keys(tmp_path):
    with pytest.raises(GoldFormatError, match="evidence item"):
        load_gold(_write(tmp_path, [_record(evidence=[{"doc_id": "a"}])]))
    with pytest.raises(GoldFormatError, match="answer_keys"):
        load_gold(_write(tmp_path, [_record(answer_keys="200家")]))


def test_command_line_exits_one_on_problems(tmp_path, capsys):
    path = _write(tmp_path, [_record(evidence=[{"doc_id": "nope", "quote": "国家高新技术企业"}], answer_keys=[])])
    assert main(["--gold", str(path), "--corpus", str(ROOT / "corpus")]) == 1
    assert "unknown doc_id 'nope'" in capsys.readouterr().out
