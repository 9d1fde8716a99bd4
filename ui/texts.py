"""Interface text in Dutch (the default) and English, and the example questions."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "subtitle": "Wat zei het kabinet? Elk antwoord bestaat uit letterlijke citaten met "
        "genummerde bronnen.",
        "question": "Uw vraag",
        "placeholder": "Bijvoorbeeld: wat zegt het kabinet over Frontex?",
        "ask": "Vraag",
        "clear": "Wis gesprek",
        "copy": "Kopieer antwoord met bronnen",
        "copied": "Antwoord met bronnen (Markdown)",
        "examples": "Voorbeeldvragen",
        "filters": "Filters",
        "documents": "Document",
        "kinds": "Soort document",
        "parties": "Vragende partij",
        "since": "Vanaf datum (JJJJ-MM-DD)",
        "until": "Tot en met datum (JJJJ-MM-DD)",
        "settings": "Instellingen",
        "top_k": "Aantal bronnen",
        "mode": "Zoekmethode",
        "sources": "Bronnen",
        "document": "Document",
        "no_sources": "De bronnen van het antwoord verschijnen hier.",
        "no_document": "Kies bij een bron ‘Toon in document’ om het hele document te zien, "
        "met de passage gemarkeerd.",
        "related": "Geen antwoord gevonden. Mogelijk verwante passages:",
        "show_in_document": "Toon in document",
        "official": "Officiële publicatie",
        "answer_to": "Antwoord op vraag",
        "question_label": "Vraag",
        "page": "p.",
        "flagged": "Deze zinnen konden niet in de bronnen worden teruggevonden en zijn weggelaten:",
        "thinking": "Bezig met zoeken in de documenten…",
        "error": "Dat lukte niet: ",
        "bug": "Er ging iets mis in het programma ({name}). Dit is een fout; probeer het opnieuw "
        "of meld het aan de beheerder.",
        "bad_date": "De datum ‘{value}’ is ongeldig. Gebruik JJJJ-MM-DD, bijvoorbeeld 2022-12-31.",
        "see_related": "Rechts staan de passages die er het dichtst bij komen.",
        "signatory": "Ondertekend door",
        "kamerstuk": "Kamerstuk",
        "kenmerk": "Kenmerk",
        "question_md": "Vraag",
        "footnotes": "Voetnoten",
    },
    "en": {
        "subtitle": "What did the Dutch government say? Every answer is made of verbatim quotes "
        "with numbered sources.",
        "question": "Your question",
        "placeholder": "For example: what does the cabinet say about Frontex?",
        "ask": "Ask",
        "clear": "Clear conversation",
        "copy": "Copy answer with sources",
        "copied": "Answer with sources (Markdown)",
        "examples": "Example questions",
        "filters": "Filters",
        "documents": "Document",
        "kinds": "Kind of document",
        "parties": "Asking party",
        "since": "From date (YYYY-MM-DD)",
        "until": "Up to date (YYYY-MM-DD)",
        "settings": "Settings",
        "top_k": "Number of sources",
        "mode": "Retrieval mode",
        "sources": "Sources",
        "document": "Document",
        "no_sources": "The sources of the answer appear here.",
        "no_document": "Choose ‘Show in document’ on a source to see the whole document, "
        "with the passage highlighted.",
        "related": "No answer found. Possibly related passages:",
        "show_in_document": "Show in document",
        "official": "Official publication",
        "answer_to": "Answer to question",
        "question_label": "Question",
        "page": "p.",
        "flagged": "These sentences could not be found in the sources and were left out:",
        "thinking": "Searching the documents…",
        "error": "That did not work: ",
        "bug": "Something went wrong in the program ({name}). This is a bug; try again or tell "
        "the administrator.",
        "bad_date": "The date ‘{value}’ is not valid. Use YYYY-MM-DD, for example 2022-12-31.",
        "see_related": "The passages that come closest are shown on the right.",
        "signatory": "Signed by",
        "kamerstuk": "Parliamentary paper",
        "kenmerk": "Reference",
        "question_md": "Question",
        "footnotes": "Footnotes",
    },
}

MODE_LABELS: dict[str, dict[str, str]] = {
    "nl": {"hybrid": "Hybride (aanbevolen)", "dense": "Betekenis", "lexical": "Trefwoorden"},
    "en": {"hybrid": "Hybrid (recommended)", "dense": "Meaning", "lexical": "Keywords"},
}

# Questions the bundled corpus answers well (checked against its documents).
EXAMPLES: tuple[str, ...] = (
    "Wat zegt het kabinet over het visumbeleid van Servië?",
    "Hoeveel geeft Nederland elk jaar aan UNHCR?",
    "How many asylum seekers are staying in Serbia according to the government?",
    "What did the cabinet say about Frontex at the Serbian border?",
)


def text(lang: str, key: str) -> str:
    """The interface text `key` in `lang` ("nl" for anything but "en")."""
    return TEXTS["en" if lang == "en" else "nl"][key]
