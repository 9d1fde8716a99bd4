"""The on-disk index: building it (build), its files (store), dense vectors (vectors) and the
Dutch BM25 index (lexical)."""
