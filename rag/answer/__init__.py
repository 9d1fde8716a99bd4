"""Hits -> Answer, in the cabinet's own words.

* question.py — what a question asks for (number, date, list, yes/no, reason, position,
  other) and its key terms (names, places, years, numbers);
* terms.py, features.py — whether a text covers a key term; what a sentence holds;
* select.py — extractive selection: which cabinet sentences answer (speaker rule: only
  `speaker == "cabinet"` passages are quoted; sentences that are questions never are);
* outcome.py — answered / partial / not_found (the type rule, the key-term rule, thresholds);
* compose.py — the steps together (`Composer`, `compose`);
* present.py — the texts: framing, partial gap line, not found, question-only report;
* rerank.py — an optional CrossEncoder reranker; generate.py + verify.py — optional checked
  generation.

For the app and the API (the contract of `Answer.status` and `Answer.text`): see
rag.answer.present's docstring and rag.serialize.answer_json (`status`, `gap`, `asked_by_mps`).
"""
