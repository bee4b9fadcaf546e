"""Evaluation: the gold question set and retrieval/answer metrics."""
