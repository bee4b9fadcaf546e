"""Retrieval: BM25, dense and hybrid search over an index, with filters and grouping."""

from planqa.retrieve.searcher import RETRIEVERS, Hit, Searcher, SearchSettings

__all__ = ["RETRIEVERS", "Hit", "SearchSettings", "Searcher"]
