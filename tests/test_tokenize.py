"""Tests for planqa.tokenize.ChineseTokenizer on small inline Chinese fixtures."""

from __future__ import annotations

import json

import pytest

jieba = pytest.importorskip("jieba")

from planqa.tokenize import ChineseTokenizer, TokenizerSettings  # noqa: E402


@pytest.fixture(scope="module")
def tok() -> ChineseTokenizer:
    return ChineseTokenizer()


@pytest.fixture(scope="module")
def plain() -> ChineseTokenizer:
    return ChineseTokenizer(TokenizerSettings(search_mode=False))


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("实施“揭榜挂帅”制", "揭榜挂帅"),
        ("遴选1000名科技特派员到企业和县镇村开展服务", "科技特派员"),
        ("以科技赋能“百千万工程”", "百千万工程"),
        ("实施“百县千镇万村高质量发展工程”", "百县千镇万村高质量发展工程"),
        ("建设省级创新型专业镇", "专业镇"),
        ("依托江门翠山湖高新区建设", "翠山湖"),
    ],
)
def test_user_dictionary_terms_stay_whole(tok, plain, text, term):
    assert term in tok.tokenize(text)
    # plain mode may prefer a longer dictionary term that contains it ("创新型专业镇")
    assert any(term in token for token in plain.tokenize(text))


def test_search_mode_adds_parts_plain_mode_does_not(tok, plain):
    assert "高新技术企业" in plain.tokenize("高新技术企业")
    assert "高新技术" not in plain.tokenize("高新技术企业")
    tokens = tok.tokenize("高新技术企业")
    assert {"高新技术企业", "高新技术", "企业"} <= set(tokens)
    # four-character parts of long terms survive (jieba's cut_for_search loses them)
    assert "发明专利" in tok.tokenize("每万人口发明专利拥有量达到6.6件")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("研发经费增长12%", "12%"),
        ("比重力争达到56.0%以上", "56.0%"),
        ("R&D经费占GDP比重达到1.54", "1.54"),
        ("覆盖率增至60.21 %", "60.21%"),
        ("到2025年，建成一批创新平台", "2025"),
    ],
)
def test_numbers_and_percentages_are_single_tokens(tok, text, expected):
    assert expected in tok.tokenize(text)


def test_years_match_between_question_and_document(tok):
    assert "2025" in set(tok.tokenize("2025年目标")) & set(tok.tokenize("到2025年，全市"))


def test_latin_terms_lowercased(tok):
    tokens = tok.tokenize("R&D经费投入强度")
    assert "r&d" in tokens
    assert "经费投入强度" in tokens and "投入" in tokens
    assert {"gdp", "5g"} <= set(tok.tokenize("占GDP比重，建设5G基站"))


def test_full_width_forms_normalised(tok):
    assert "12%" in tok.tokenize("增长１２％")
    assert "2025" in tok.tokenize("到２０２５年")
    assert "r&d" in tok.tokenize("Ｒ＆Ｄ投入")


def test_punctuation_and_whitespace_dropped(tok):
    assert tok.tokenize("，。、“”（）《》：；！？——…… \t\n·【】") == []
    tokens = tok.tokenize("（一）发展基础：“十三五”期间，成效明显！")
    assert tokens and all(t.strip() and t not in "，。、“”（）：！" for t in tokens)
    assert "十三五" in tokens


def test_stopwords_and_question_words_dropped(tok):
    tokens = tok.tokenize("科技创新的发展和建设与改革")
    assert not {"的", "和", "与"} & set(tokens)
    tokens = tok.tokenize("高新技术企业有哪些？目标是多少？如何实现吗")
    assert not {"有", "哪些", "是", "多少", "如何", "吗"} & set(tokens)
    assert "高新技术企业" in tokens


def test_custom_terms_stopwords_and_keep_numbers():
    custom = ChineseTokenizer(
        TokenizerSettings(user_terms=("侨都科创走廊",), stopwords=("建设",), keep_numbers=False)
    )
    tokens = custom.tokenize("建设侨都科创走廊，增长12%，部署5G")
    assert "侨都科创走廊" in tokens
    assert "建设" not in tokens
    assert "12%" not in tokens and "5g" in tokens


def test_settings_round_trip():
    settings = TokenizerSettings(
        userdict_path="extra.txt", user_terms=("甲乙丙",), stopwords=("丁",), search_mode=False
    )
    data = json.loads(json.dumps(settings.to_dict()))
    assert TokenizerSettings.from_dict(data) == settings
    assert TokenizerSettings.from_dict({}) == TokenizerSettings()
    with pytest.raises(ValueError, match="no_such_setting"):
        TokenizerSettings.from_dict({"no_such_setting": 1})


def test_fingerprint_follows_settings(tok):
    assert tok.fingerprint() == ChineseTokenizer().fingerprint()
    assert tok.fingerprint() != ChineseTokenizer(TokenizerSettings(search_mode=False)).fingerprint()


def test_global_jieba_dictionary_untouched():
    jieba.dt.check_initialized()
    size, total = len(jieba.dt.FREQ), jieba.dt.total
    before = list(jieba.cut("百县千镇万村高质量发展工程"))
    own = ChineseTokenizer(TokenizerSettings(user_terms=("测试专用的新词条",)))
    assert "百县千镇万村高质量发展工程" in own.tokenize("百县千镇万村高质量发展工程")
    assert "百县千镇万村高质量发展工程" not in jieba.dt.FREQ
    assert "测试专用的新词条" not in jieba.dt.FREQ
    assert (len(jieba.dt.FREQ), jieba.dt.total) == (size, total)
    assert list(jieba.cut("百县千镇万村高质量发展工程")) == before


def test_long_line_without_punctuation(tok):
    line = ("科技创新引领高质量发展推动高新技术企业集聚" * 10_000)[:200_000]
    tokens = tok.tokenize(line)
    assert len(tokens) > 20_000
    assert "高新技术企业" in tokens


def test_empty_input(tok):
    assert tok.tokenize("") == []
    assert tok.tokenize_many(["", "科技"]) == [[], ["科技"]]
