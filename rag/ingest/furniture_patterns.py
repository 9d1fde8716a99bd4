"""The lines that are page furniture, as printed by the Tweede Kamer, KOOP and the ministries."""

from __future__ import annotations

import re

_DASH = "[-–—\u0096]"
_YEARS = rf"\d{{4}}\s*{_DASH}\s*\d{{4}}"
# Whole lines: "Tweede Kamer, vergaderjaar 2015–2016, 21 501-20, nr. 1027 3", Aanhangsel footers.
RUNNING_LINES = [
    re.compile(rf"^\s*(Tweede|Eerste) Kamer,? vergaderjaar {_YEARS},.*nr\.\s*\d+.*$"),
    re.compile(r"^\s*Aanhangsel (van de )?Handelingen\s+(I|II)\b.*\bnr\.\s*\d+(\s+\d+)?\s*$"),
    re.compile(r"^\s*(kst|ah|h|kv)-[a-z0-9-]+\s+ISSN\b.*$", re.IGNORECASE),
    re.compile(r"^\s*ISSN\s+\d{4}\s*-\s*\d{3}[\dX]\b.*$"),
    # the Sdu colophon of an old Aanhangsel, as OCR read it: "365910F ISSN 0921 -7398 Sdu Uitgeverij …"
    re.compile(r"^\s*\d{5,7}[A-Z]?\s+ISSN\s*\d{4}\s*[-–•]?\s*\d{3}[\dXx]\b.*$"),
    re.compile(r"^\s*[’']s-Gravenhage \d{4}\s*$"),
    re.compile(r"^\s*P ?agina \d+ van \d*\s*$"),  # Word letters ("P agina": a run split by Word)
]
# Pieces of a line, wherever they stand (also inside a sentence).
INLINE_FURNITURE = [
    # "Tweede Kamer, vergaderjaar 2024–2025, Aanhangsel 7" (the page number may be glued on)
    re.compile(rf"(?:Tweede|Eerste) Kamer,? vergaderjaar {_YEARS},\s*Aanhangsel(?:\s*\d{{1,3}}\b)?"),
    re.compile(r"\bISSN\s+\d{4}\s*-\s*\d{3}[\dX]\b"),
    re.compile(r"[’']s-Gravenhage \d{4}\b"),
    re.compile(r"\bP ?agina \d{1,3} van \d{0,3}\b"),
]
# The official identifier of the publication, as printed in the colophon.
# (Not inside a link: "…/kst-36471-64.html" is a reference, not furniture.)
IDENTIFIER = re.compile(
    r"(?<![/\w.-])(?:(?:ah|kv|h|nds)-(?:tk|ek)-\d{4,8}(?:Z\d{4,6}|-\d+(?:-\d+)?)|kst-\d[\w-]*\d)(?![\w.-]*\.html)"
)
LETTERHEAD_LINES = [
    re.compile(r"^\s*>?\s*Retouradres\b.*$"),
    re.compile(r"^\s*Aan de [Vv]oorzitter van de (Tweede|Eerste) Kamer.*$"),
    re.compile(r"^\s*De [Vv]oorzitter van de (Tweede|Eerste) Kamer( der Staten-Generaal)?\s*$"),
    re.compile(r"^\s*der Staten-Generaal\s*$"),  # the addressee's second line
    re.compile(r"^\s*Postbus \d+\s*$"),
    re.compile(r"^\s*(\d{4}\s?)?[A-Z]{2}\s+(DEN HAAG|Den Haag|[’']s-Gravenhage)\s*$"),
    re.compile(r"^\s*\d{4}\s?[A-Z]{2}\s+[A-Z][\w’' -]{1,30}$"),  # postcode and place
    re.compile(r"^\s*[A-Z][a-z]+(straat|weg|plein|laan|markt|gracht|kade|hof)\s+\d+[a-z]?\s*$"),
    re.compile(r"^\s*Bij beantwoording de datum\b.*$"),
    re.compile(r"^\s*en ons kenmerk vermelden\.?\s*$"),
    re.compile(r"^\s*Wilt u slechts één zaak in uw\b.*$"),
    re.compile(r"^\s*brief behandelen\.?\s*$"),
    re.compile(r"^\s*(www\.rijksoverheid\.nl|www\.tweedekamer\.nl)(/\S*)?\s*$"),
    re.compile(r"^\s*Ministerie van [A-Z][\w, ]{3,60}$"),
    re.compile(r"^\s*(Directoraat-[Gg]eneraal|Directie) [A-Z][\w’' -]{3,60}$"),
]
_MASTHEAD_TAIL = "Vragen gesteld door de leden der Kamer, met de daarop door de "
# A ministry's name in the letterhead's side column, broken over lines ("Ministerie van" /
# "Infrastructuur en" / "Waterstaat"): the label line and the short lines after it.
MINISTRY_BLOCK = re.compile(r"^\s*Ministerie van\s*$")
# The masthead of an Aanhangsel (and of a Kamerstuk): "Tweede Kamer der Staten-Generaal" etc.
MASTHEAD_LINES = [
    re.compile(r"^\s*(Tweede|Eerste) Kamer der Staten-Generaal\s*$"),
    re.compile(rf"^\s*Vergaderjaar {_YEARS}(\s+Aanhangsel van de Handelingen)?\s*$"),
    re.compile(r"^\s*Aanhangsel van de Handelingen\s*$"),
    re.compile(r"^\s*Vragen gesteld door de leden der Kamer, met de daarop door de( regering)?\s*$"),
    re.compile(rf"^\s*({_MASTHEAD_TAIL})?regering gegeven antwoorden\s*$"),
]
MASTHEAD_NUMBER = re.compile(r"^\s*(\d{1,5})\s*$")  # chamber "2", Aanhangsel number "1314"
# A label on its own line whose value follows on the next non-blank line.
REFERENCE_LABELS = {
    "ons kenmerk": "kenmerk",
    "kenmerk": "kenmerk",
    "uw kenmerk": "uw_kenmerk",
    "uw brief": "uw_brief",
    "bijlage": "bijlage",
    "bijlagen": "bijlage",
    "bijlage(n)": "bijlage",
    "contactpersoon": "contactpersoon",
    "doorkiesnummer": "doorkiesnummer",
}
DATE_LINE = re.compile(r"^\s*Datum\s+(\d{1,2}\s*\w+\s*\d{4})\s*$")
LETTER_DATE_LINE = re.compile(r"^\s*(?:Den Haag|[’']s-Gravenhage),\s+(\d{1,2}\s+\w+\s+\d{4})\s*\.?\s*$")
SUBJECT_LINE = re.compile(r"^\s*(?:Onderwerp|Betreft)\s+(\S.*?)\s*$")
TOC_HEADING = re.compile(r"^\s*(Inhoudsopgave|Inhoud)\s*$")
TOC_ENTRY = re.compile(r"^\s*\S.{3,}?(\s{2,}|\.{3,}\s*)\d{1,3}\s*$")
TOC_SCAN_LINES = 60


def _any_of(patterns: list[re.Pattern[str]]) -> re.Pattern[str]:
    """One pattern that matches where any of `patterns` matches (a quick first test)."""
    parts = [f"(?i:{p.pattern})" if p.flags & re.IGNORECASE else f"(?:{p.pattern})" for p in patterns]
    return re.compile("|".join(parts))


# A line that none of these matches is no letterhead, masthead or running line (most lines).
_LABEL_LINE = re.compile(r"^\s*(?:" + "|".join(map(re.escape, REFERENCE_LABELS)) + r")\s*:?\s*$", re.I)
WHOLE_LINE = _any_of(
    [*RUNNING_LINES, *LETTERHEAD_LINES, *MASTHEAD_LINES, MASTHEAD_NUMBER, DATE_LINE, LETTER_DATE_LINE,
     SUBJECT_LINE, _LABEL_LINE, MINISTRY_BLOCK]
)  # fmt: skip
# Words one of which every piece of inline furniture contains.
INLINE_HINTS = ("ergaderjaar", "ISSN", "Gravenhage", "agina", "-tk-", "-ek-", "kst-")
