"""Query -> ranked Hits: query understanding (language, follow-ups, cross-lingual terms), filters,
dense and lexical search, fusion."""

from rag.retrieve.filters import Filters, allowed_rows, party_matches, valid_date
from rag.retrieve.retriever import Query, Retrieval, Retriever, clean_question, passage_rows
from rag.settings import MODES, RetrievalConfig

__all__ = [
    "MODES",
    "Filters",
    "Query",
    "Retrieval",
    "RetrievalConfig",
    "Retriever",
    "allowed_rows",
    "clean_question",
    "party_matches",
    "passage_rows",
    "valid_date",
]
