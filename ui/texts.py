"""Interface text in Dutch (the default) and English, and the example questions."""

from __future__ import annotations

NL: dict[str, str] = {
    "subtitle": "Wat zei het kabinet? Elk antwoord bestaat uit letterlijke citaten met genummerde bronnen.",
    "question": "Uw vraag",
    "placeholder": "Bijvoorbeeld: wat zegt het kabinet over Frontex?",
    "ask": "Vraag",
    "clear": "Wis gesprek",
    "copy": "Kopieer antwoord met bronnen",
    "copied_done": "Gekopieerd naar het klembord: het antwoord met de bronnen.",
    "export": "Download als HTML",
    "exported_done": "Het antwoord met de bronnen is gedownload als HTML-bestand.",
    "copied": "Antwoord met bronnen (Markdown)",
    "examples": "Voorbeeldvragen",
    "filters": "Filters en instellingen",
    "filters_active": "Filters en instellingen ({n} actief)",
    "documents": "Document",
    "kinds": "Soort document",
    "parties": "Vragende partij",
    "since": "Vanaf datum (JJJJ-MM-DD)",
    "until": "Tot en met datum (JJJJ-MM-DD)",
    "filters_hint": "Een gewijzigd filter geldt meteen voor de laatste vraag.",
    "top_k": "Aantal bronnen",
    "mode": "Zoekmethode",
    "sources": "Bronnen",
    "document": "Document",
    "timeline": "Tijdlijn",
    "no_sources": "De bronnen van het antwoord verschijnen hier.",
    "no_document": "Kies bij een bron ‘Toon in document’ (of een bronnummer in het antwoord) om het hele "
    "document te zien, met de passage gemarkeerd.",
    "related": "Geen antwoord gevonden. Mogelijk verwante passages:",
    "show_in_document": "Toon in document",
    "show_question": "toon de vraag",
    "same_document": "Zelfde document als [{n}]",
    "official": "Officiële publicatie",
    "answer_to": "Antwoord op vraag",
    "page": "p.",
    "source": "bron",
    "back": "← Terug naar de bronnen",
    "previous_quote": "↑ Vorig citaat",
    "next_quote": "↓ Volgend citaat",
    "flagged": "Deze zinnen konden niet in de bronnen worden teruggevonden en zijn weggelaten:",
    "stage_search": "Zoeken in de documenten…",
    "stage_compose": "Antwoord samenstellen…",
    "stage_generate": "Samenvatting schrijven en controleren…",
    "stage_translate": "Citaten vertalen…",
    "stage_timeline": "Tijdlijn samenstellen…",
    "busy": "Even geduld: de vorige vraag wordt nog beantwoord. Uw nieuwe vraag blijft staan; "
    "druk daarna opnieuw op Vraag.",
    "stop": "Stop",
    "stopped": "Gestopt: de vraag is niet beantwoord en staat nog in het vak.",
    "error_heading": "Dat lukte niet",
    "bug": "Er ging iets mis in het programma ({name}). Probeer het opnieuw of meld het aan de beheerder.",
    "bad_date": "De datum ‘{value}’ is ongeldig. Gebruik JJJJ-MM-DD, bijvoorbeeld 2022-12-31.",
    "too_long": "De vraag is {length} tekens lang; het maximum is {limit}. Maak de vraag korter en zet de "
    "belangrijkste woorden vooraan. Uw vraag staat nog in het vak.",
    "empty": "Typ eerst een vraag, bijvoorbeeld: wat zegt het kabinet over Frontex?",
    "failed": "De vraag kon niet worden beantwoord. Controleer de filters en instellingen en probeer het "
    "opnieuw.",
    "see_related": "Onder ‘Bronnen’ staan de passages die er het dichtst bij komen.",
    "status_answered": "Beantwoord",
    "status_partial": "Deels beantwoord",
    "status_not_found": "Niet gevonden",
    "understood": "Opgevat als vervolgvraag: ‘{question}’",
    "filters_applied": "Filters:",
    "chip_document": "Document",
    "chip_kind": "Soort",
    "chip_party": "Partij",
    "chip_since": "Vanaf",
    "chip_until": "Tot en met",
    "dutch_quotes": "",
    "machine_translation": "Machinevertaling:",
    "signatory": "Ondertekend door",
    "kamerstuk": "Kamerstuk",
    "kenmerk": "Kenmerk",
    "question_md": "Vraag",
    "footnotes": "Voetnoten",
    "timeline_empty": "Stel een vraag of typ een onderwerp: de tijdlijn toont elke uitspraak van het kabinet "
    "erover, op datum.",
    "timeline_topic": "Onderwerp van de tijdlijn",
    "timeline_show": "Toon tijdlijn",
    "timeline_none": "Geen uitspraken van het kabinet hierover gevonden in de documenten.",
    "timeline_head": "{n} uitspraken van het kabinet over ‘{question}’, van {first} tot {last}",
    "timeline_plot": "Aantal uitspraken per datum: {counts}.",
    "exported_at": "Geëxporteerd uit Kabinet-RAG",
    "corpus_head": "**De verzameling bevat {documents} documenten van het kabinet{period}** ({kinds}), met "
    "{answers} antwoorden op Kamervragen en in totaal {passages} passages.",
    "how_to_ask": "Stel een vraag in het Nederlands of Engels, of kies hieronder een voorbeeld: het antwoord "
    "citeert de documenten letterlijk, met de bronnen erbij.",
}
EN: dict[str, str] = {
    "subtitle": "What did the Dutch government say? Every answer is made of verbatim quotes with numbered "
    "sources.",
    "question": "Your question",
    "placeholder": "For example: what does the cabinet say about Frontex?",
    "ask": "Ask",
    "clear": "Clear conversation",
    "copy": "Copy answer with sources",
    "copied_done": "Copied to the clipboard: the answer with its sources.",
    "export": "Download as HTML",
    "exported_done": "The answer with its sources was downloaded as an HTML file.",
    "copied": "Answer with sources (Markdown)",
    "examples": "Example questions",
    "filters": "Filters and settings",
    "filters_active": "Filters and settings ({n} active)",
    "documents": "Document",
    "kinds": "Kind of document",
    "parties": "Asking party",
    "since": "From date (YYYY-MM-DD)",
    "until": "Up to date (YYYY-MM-DD)",
    "filters_hint": "A changed filter applies to the last question at once.",
    "top_k": "Number of sources",
    "mode": "Retrieval mode",
    "sources": "Sources",
    "document": "Document",
    "timeline": "Timeline",
    "no_sources": "The sources of the answer appear here.",
    "no_document": "Choose ‘Show in document’ on a source (or a source number in the answer) to see the "
    "whole document, with the passage highlighted.",
    "related": "No answer found. Possibly related passages:",
    "show_in_document": "Show in document",
    "show_question": "show the question",
    "same_document": "Same document as [{n}]",
    "official": "Official publication",
    "answer_to": "Answer to question",
    "page": "p.",
    "source": "source",
    "back": "← Back to the sources",
    "previous_quote": "↑ Previous quote",
    "next_quote": "↓ Next quote",
    "flagged": "These sentences could not be found in the sources and were left out:",
    "stage_search": "Searching the documents…",
    "stage_compose": "Composing the answer…",
    "stage_generate": "Writing and checking a summary…",
    "stage_translate": "Translating the quotes…",
    "stage_timeline": "Building the timeline…",
    "busy": "One moment: the previous question is still being answered. Your new question stays in the "
    "box; press Ask again afterwards.",
    "stop": "Stop",
    "stopped": "Stopped: the question was not answered and is still in its box.",
    "error_heading": "That did not work",
    "bug": "Something went wrong in the program ({name}). Try again or tell the administrator.",
    "bad_date": "The date ‘{value}’ is not valid. Use YYYY-MM-DD, for example 2022-12-31.",
    "too_long": "The question is {length} characters long; the limit is {limit}. Make it shorter and put "
    "the key words first. Your question is still in the box.",
    "empty": "Type a question first, for example: what does the cabinet say about Frontex?",
    "failed": "The question could not be answered. Check the filters and settings and try again.",
    "see_related": "Under ‘Sources’ are the passages that come closest.",
    "status_answered": "Answered",
    "status_partial": "Partly answered",
    "status_not_found": "Not found",
    "understood": "Read as a follow-up: ‘{question}’",
    "filters_applied": "Filters:",
    "chip_document": "Document",
    "chip_kind": "Kind",
    "chip_party": "Party",
    "chip_since": "From",
    "chip_until": "Up to",
    "dutch_quotes": "The quotes are the cabinet's own words, in Dutch, verbatim from the documents.",
    "machine_translation": "Machine translation:",
    "signatory": "Signed by",
    "kamerstuk": "Parliamentary paper",
    "kenmerk": "Reference",
    "question_md": "Question",
    "footnotes": "Footnotes",
    "timeline_empty": "Ask a question or type a topic: the timeline shows every statement of the cabinet on "
    "it, by date.",
    "timeline_topic": "Topic of the timeline",
    "timeline_show": "Show timeline",
    "timeline_none": "No statement of the cabinet on this was found in the documents.",
    "timeline_head": "{n} statements of the cabinet on ‘{question}’, from {first} to {last}",
    "timeline_plot": "Number of statements per date: {counts}.",
    "exported_at": "Exported from Kabinet-RAG",
    "corpus_head": "**The collection holds {documents} documents of the Dutch cabinet{period}** ({kinds}), "
    "with {answers} answers to parliamentary questions and {passages} passages in all.",
    "how_to_ask": "Ask a question in English or Dutch, or pick an example below: the answer quotes the "
    "documents verbatim, with their sources.",
}
TEXTS: dict[str, dict[str, str]] = {"nl": NL, "en": EN}

SHORT_KINDS: dict[str, dict[str, str]] = {
    "nl": {
        "answers": "Antwoorden Kamervragen", "questions": "Kamervragen", "notice": "Mededeling",
        "consultation": "Schriftelijk overleg", "letter": "Kamerbrief", "report": "Verslag",
        "proceedings": "Handelingen", "other": "Overig",
    },
    "en": {
        "answers": "Answers to MPs' questions", "questions": "MPs' questions", "notice": "Notice",
        "consultation": "Written consultation", "letter": "Letter to parliament", "report": "Report",
        "proceedings": "Proceedings", "other": "Other",
    },
}  # fmt: skip

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


def short_kind(kind: str, lang: str) -> str:
    """A compact label of a kind of document ("Antwoorden Kamervragen")."""
    return SHORT_KINDS["en" if lang == "en" else "nl"].get(kind, kind)
