"""Kabinet-RAG: cited answers from Dutch cabinet documents."""

import os

# numpy's OpenBLAS threads keep spinning after a small matrix product and steal the two cores
# from the next embedding (question embedding p50 34 ms -> 17 ms with one BLAS thread; see
# BENCHMARKS.md). Our numpy work is small; torch and FAISS keep their own threads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
