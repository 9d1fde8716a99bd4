"""Kabinet-RAG: cited answers from Dutch cabinet documents."""
