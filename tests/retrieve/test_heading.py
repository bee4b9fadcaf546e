"""Heading match: a pure score and a matcher over section paths."""

import math

import pytest

from planqa.retrieve.heading import HeadingMatcher, heading_score


def test_heading_score_is_share_of_idf_mass():
    idf = {"科技": 1.0, "园区": 3.0}.get
    assert heading_score(["科技", "园区"], {"园区"}, idf) == pytest.approx(0.75)
    assert heading_score(["科技", "园区"], set(), idf) == 0.0
    assert heading_score([], {"园区"}, idf) == 0.0


def test_matcher_scores_rows_by_their_headings():
    paths = [["三、主要任务", "（四）加强科技园区建设"], ["三、主要任务", "（五）人才"], ["三、主要任务", "（五）人才"]]
    matcher = HeadingMatcher(paths, tokenize=lambda text: [w for w in ("科技", "园区", "人才", "主要任务") if w in text])
    scores = matcher.scores("科技园区", [0, 1, 2])
    assert scores[0] == pytest.approx(1.0)
    assert scores[1] == scores[2] == 0.0
    # a word in every heading carries less weight than a rare one
    assert matcher.idf("主要任务") < matcher.idf("园区")
    assert matcher.idf("没见过") == pytest.approx(math.log(1 + 3))
