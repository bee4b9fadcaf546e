"""planqa: semantic search and question answering over Chinese government planning documents."""

__version__ = "0.1.0"
