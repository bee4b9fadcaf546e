"""The ``ask`` subcommand: JSON shape, --queries, readable output, errors."""

from __future__ import annotations

import json

import pytest

from planqa.cli import main

CONTRACT = {"answer", "abstained", "citations", "passages"}
CITATION = {"n", "doc_id", "title", "section", "quote", "start", "end"}


@pytest.mark.parametrize("question", ["", "   "])
def test_empty_question_exits_2(capsys, tmp_path, question):
    assert main(["ask", "--index", str(tmp_path), question]) == 2
    assert "question is empty" in capsys.readouterr().err


def test_ask_is_registered(capsys):
    with pytest.raises(SystemExit):
        main(["ask", "--help"])
    out = capsys.readouterr().out
    assert "--queries" in out and "--json" in out


@pytest.mark.slow
def test_ask_json(capsys, small_index):
    code = main(["ask", "--json", "--index", str(small_index), "台山十四五规划中每万人发明专利拥有量2025年目标是多少？"])
    assert code == 0
    result = json.loads(capsys.readouterr().out)
    assert CONTRACT <= set(result) and result["abstained"] is False
    assert "6.6" in result["answer"]
    assert result["citations"] and all(CITATION <= set(c) for c in result["citations"])


@pytest.mark.slow
def test_ask_queries_file(capsys, small_index, tmp_path):
    queries = tmp_path / "q.txt"
    queries.write_text("台山 农村科技特派员 2025年 目标人数\n\n鹤山市科技创新规划的重点任务有哪些？\n", encoding="utf-8")
    assert main(["ask", "--index", str(small_index), "--queries", str(queries)]) == 0
    lines = capsys.readouterr().out.strip().split("\n")
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert CONTRACT <= set(first) and not first["abstained"]
    assert second["abstained"] and second["passages"]


@pytest.mark.slow
def test_ask_readable(capsys, small_index):
    assert main(["ask", "--index", str(small_index), "江门科技赋能百千万工程方案提出到2025年推动多少名科技特派员投身服务？"]) == 0
    out = capsys.readouterr().out
    assert "800" in out and "引用：" in out and "[1]" in out


def test_print_answer_groups_a_cross_plan_answer():
    import io

    from planqa.answer.commands import print_answer

    cite = {"n": 1, "doc_id": "a", "title": "甲规划", "section": "一、任务", "quote": "句一。", "start": 0, "end": 3}
    result = {"answer": "句一。[1]\n句二。[2]", "abstained": False, "passages": [],
              "citations": [cite, dict(cite, n=2, doc_id="b", title="乙规划", quote="句二。")],
              "groups": [{"region": "台山市", "doc_id": "a", "title": "甲规划", "citations": [1]},
                         {"region": "开平市", "doc_id": "b", "title": "乙规划", "citations": [2]}]}
    out = io.StringIO()
    print_answer(result, out)
    text = out.getvalue()
    assert text.startswith("【台山市】甲规划\n  句一。[1]\n【开平市】乙规划\n  句二。[2]")
    assert "引用：" in text and "[2] 乙规划 › 一、任务  [0:3]" in text
    abstained = {"answer": "未在已收录的规划文件中找到答案。", "abstained": True, "citations": [],
                 "passages": [{"title": "甲规划", "section": "一、任务", "start": 0, "end": 3, "text": "句一。"}]}
    out = io.StringIO()
    print_answer(abstained, out)
    assert "可能相关：" in out.getvalue() and "句一。" in out.getvalue()
