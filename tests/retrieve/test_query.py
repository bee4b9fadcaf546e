"""Query analysis and result grouping: pure functions on inline fixtures."""

from __future__ import annotations

from planqa.records import Chunk, Document
from planqa.retrieve.query import analyze_query, names_plan_period, region_aliases
from planqa.retrieve.searcher import apply_quota, group_by_document

DOCS = [
    Document("taishan-14fyp", "台山市科技创新发展“十四五”规划", "", region="台山市", period="十四五"),
    Document("taishan-13fyp", "台山市科技创新“十三五”规划", "", region="台山市", period="十三五"),
    Document("maonan-14fyp", "茂名市茂南区科技创新“十四五”规划", "", region="茂名市茂南区", period="十四五"),
    Document("jiangmen-bqw-2023", "江门市科技赋能实施方案", "", region="江门市", period="2023–2027"),
]


def test_region_aliases():
    assert region_aliases("茂名市茂南区") == {"茂名市茂南区", "茂南区", "茂南"}
    assert region_aliases("台山市") == {"台山市", "台山"}


def test_document_naming_words_leave_the_content_query():
    info = analyze_query("台山十四五规划的保障措施有哪些？", DOCS)
    assert info.regions == {"台山市"} and info.periods == {"十四五"}
    assert "台山" not in info.content and "规划" not in info.content
    assert info.keywords == "十四五 的保障措施"
    assert info.matches(DOCS[0]) and not info.matches(DOCS[1]) and not info.matches(DOCS[2])


def test_longest_alias_wins_and_cross_plan_detected():
    info = analyze_query("茂名市茂南区和台山在孵化器上的做法对比", DOCS)
    assert info.regions == {"茂名市茂南区", "台山市"} and info.cross_plan
    assert analyze_query("各地规划如何支持科技特派员？", DOCS).cross_plan
    assert not analyze_query("开平 中微子实验站", DOCS).cross_plan


def test_period_names_a_plan_only_when_it_reads_so():
    aliases = ["台山", "开平"]
    assert names_plan_period("台山十三五期间怎样打击假冒专利？", "十三五", aliases)
    assert names_plan_period("十四五规划的总体目标", "十四五", aliases)
    assert names_plan_period("台山“十三五”科技型小微企业目标", "十三五", aliases)
    assert not names_plan_period("“十三五”期间台山新增了多少名博士？", "十三五", aliases)
    assert names_plan_period("十四五两份科技规划的目标", "十四五", aliases)
    # a period joined to one that names a plan names a plan too
    assert analyze_query("台山十三五和十四五两份科技规划的目标分别是多少？", DOCS).periods == {"十三五", "十四五"}


def test_a_passage_naming_the_region_fits_it():
    info = analyze_query("香港的科研成果能不能拿到台山试产？", DOCS)
    assert info.matches(DOCS[3], "积极引进香港创新成果在台山试验、中试和转化")
    assert not info.matches(DOCS[3], "推动江门双碳实验室加快构建新模式")
    period_bound = analyze_query("台山十四五如何推进农业科技创新", DOCS)
    assert not period_bound.matches(DOCS[3], "台山农业")  # a named period needs the plan itself


def _chunk(doc_id: str, n: int) -> Chunk:
    return Chunk(f"{doc_id}-{n}", doc_id, (), 0, 1, "x")


def test_quota_and_grouping():
    chunks = [_chunk("a", 0), _chunk("b", 0), _chunk("a", 1), _chunk("a", 2), _chunk("c", 0), _chunk("b", 1)]
    ranked = [(i, 1.0 - i / 10) for i in range(len(chunks))]
    assert [r for r, _ in apply_quota(ranked, chunks, 1)] == [0, 1, 4]
    assert [r for r, _ in apply_quota(ranked, chunks, 2)] == [0, 1, 2, 4, 5]
    assert [chunks[r].doc_id for r, _ in group_by_document(ranked, chunks)] == ["a", "a", "a", "b", "b", "c"]


def test_region_table_finds_the_same_regions_as_scanning_every_alias():
    """The per-index alias table (built once) gives what checking every alias against the query gave."""
    from planqa.records import Document
    from planqa.retrieve.query import RegionTable, analyze_query

    docs = [Document("a", "规划", "x", region="茂名市茂南区", period="十四五"),
            Document("b", "规划", "x", region="台山市", period="十三五"),
            Document("c", "规划", "x", region="江门市", period="十四五")]
    table = RegionTable(docs)
    assert table.found_in("茂名市茂南区和台山的目标") == ["茂名市茂南区", "茂南区", "台山", "茂南"]
    for query in ("茂名市茂南区十四五规划的目标", "台山十三五期间高新技术企业", "江门和台山各有什么做法？", "无地区的问题"):
        by_table, by_documents = analyze_query(query, table), analyze_query(query, docs)
        assert (by_table.regions, by_table.periods, by_table.keywords, by_table.mentions) == \
            (by_documents.regions, by_documents.periods, by_documents.keywords, by_documents.mentions)
    assert analyze_query("台山十三五规划", table).periods == {"十三五"}
