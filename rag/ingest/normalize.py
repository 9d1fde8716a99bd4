"""Characters as the page shows them: loose accents re-joined, C1 controls, ligatures, spaces.

PDF fonts without a Unicode map draw "ć" as a "c" and a separate spacing accent, so
extraction yields ``Kostic ´`` and ``Yes ¸ilgöz``; the accent is moved back onto its
letter and the pair composed (NFC). Text decoded as Latin-1 instead of cp1252 carries C1
control characters (U+0096 for an en dash); they are read as the cp1252 characters they are.
"""

from __future__ import annotations

import re
import unicodedata

# spacing accent -> combining accent
SPACING_ACCENTS = {
    "\u00b4": "\u0301",  # ´ acute
    "\u0060": "\u0300",  # ` grave
    "\u00a8": "\u0308",  # ¨ diaeresis
    "\u02c6": "\u0302",  # ˆ circumflex
    "\u02dc": "\u0303",  # ˜ tilde
    "\u00b8": "\u0327",  # ¸ cedilla
    "\u02c7": "\u030c",  # ˇ caron
    "\u02d8": "\u0306",  # ˘ breve
    "\u02da": "\u030a",  # ˚ ring
    "\u02dd": "\u030b",  # ˝ double acute
    "\u02db": "\u0328",  # ˛ ogonek
}
_ACCENTS = "".join(SPACING_ACCENTS)
_LOOSE_ACCENT = re.compile(rf"([A-Za-z]) ?([{_ACCENTS}])")
_APOSTROPHE_S = re.compile(r"s(?![^\W\d_])")  # "foto´s" is an apostrophe, not "fotós"
_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb06": "st",
}
_C1 = re.compile("[\u0080-\u009f]")
_SPACES = re.compile("[\u00a0\u2007\u202f\u2009\u200a]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def _c1(match: re.Match[str]) -> str:
    try:
        return bytes([ord(match.group(0))]).decode("cp1252")
    except UnicodeDecodeError:
        return ""  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: no character in cp1252


def _compose(match: re.Match[str]) -> str:
    if match.group(2) in "´`" and _APOSTROPHE_S.match(match.string, match.end()):
        return match.group(0)
    composed = unicodedata.normalize("NFC", match.group(1) + SPACING_ACCENTS[match.group(2)])
    # Only a real precomposed letter counts: "x´" stays as it was.
    return composed if len(composed) == 1 else match.group(0)


def normalize_chars(text: str) -> str:
    """Clean the characters of extracted text (never adds or removes words).

    A soft hyphen is invisible inside a word ("uitzon\u00addering") and a hyphenation point
    at the end of a line (where it becomes a hyphen, which the line joiner then judges).
    """
    if text.isascii() and "`" not in text:
        return text  # nothing to clean (the common case: a plain Dutch line)
    text = _C1.sub(_c1, text)
    text = re.sub("\u00ad(?=[ \t]*(?:\n|$))", "-", text).replace("\u00ad", "")
    for ligature, letters in _LIGATURES.items():
        text = text.replace(ligature, letters)
    text = _LOOSE_ACCENT.sub(_compose, text)
    text = _INVISIBLE.sub("", _SPACES.sub(" ", text))
    return unicodedata.normalize("NFC", text)
