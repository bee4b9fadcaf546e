"""Which folders the app works on."""

from __future__ import annotations

from planqa.app.resources import paths


def test_the_corpus_is_the_one_the_index_was_built_from(monkeypatch, two_plan_index, tmp_path):
    monkeypatch.setenv("PLANQA_INDEX", str(two_plan_index))
    monkeypatch.delenv("PLANQA_CORPUS", raising=False)
    monkeypatch.chdir(tmp_path)  # the default corpus/ would be here
    assert paths().corpus == (two_plan_index.parent / "corpus").resolve()
    monkeypatch.setenv("PLANQA_CORPUS", str(tmp_path / "mine"))
    assert paths().corpus == tmp_path / "mine"


def test_without_an_index_the_corpus_is_the_default(monkeypatch, tmp_path):
    monkeypatch.setenv("PLANQA_INDEX", str(tmp_path / "none"))
    monkeypatch.delenv("PLANQA_CORPUS", raising=False)
    assert str(paths().corpus) == "corpus"
