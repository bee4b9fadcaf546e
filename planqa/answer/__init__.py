"""Question answering over the indexed plans: extractive by default, optionally generative.

``Answerer.load(index_dir).ask(question)`` returns a dict with the answer text (every sentence
cited as [n]), ``abstained``, ``citations`` (verbatim spans of the cleaned texts) and
``passages``. ``planqa.answer.llm`` adds an optional OpenAI-compatible generator.
"""

from planqa.answer.answerer import AnswerSettings, Answerer
from planqa.answer.compose import ABSTAIN_TEXT

__all__ = ["ABSTAIN_TEXT", "AnswerSettings", "Answerer"]
