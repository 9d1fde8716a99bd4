"""Bytes -> text: byte-order marks (also double-encoded ones), UTF-8 or cp1252, binary refusal."""

from __future__ import annotations

import codecs
import unicodedata

from rag.errors import RagError

UTF8_BOM = codecs.BOM_UTF8  # EF BB BF
# A UTF-8 BOM that was decoded as Latin-1 and re-encoded as UTF-8 ("ï»¿"), sometimes twice.
DOUBLE_ENCODED_BOM = "\ufeff".encode().decode("latin-1").encode()  # C3 AF C2 BB C2 BF
_UTF16 = ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


class UndecodableFile(RagError):
    """The file is not text we can read (binary, or an unknown encoding)."""


def strip_boms(data: bytes) -> bytes:
    """Remove any number of leading (plain or double-encoded) UTF-8 byte-order marks."""
    changed = True
    while changed:
        changed = False
        for bom in (UTF8_BOM, DOUBLE_ENCODED_BOM):
            if data.startswith(bom):
                data = data[len(bom) :]
                changed = True
    return data


def looks_binary(data: bytes) -> bool:
    """True for data with NUL bytes or many control characters (images, archives, PDFs...)."""
    sample = data[:8192]
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return control / len(sample) > 0.05


def decode_text(data: bytes, name: str = "file") -> str:
    """Decode a text file: UTF-16 with BOM, UTF-8 (BOMs removed), else cp1252.

    Raises UndecodableFile for binary data.
    """
    utf16 = next(((bom, codec) for bom, codec in _UTF16 if data.startswith(bom)), None)
    if utf16:
        bom, codec = utf16
        text = data[len(bom) :].decode(codec, errors="replace")
        if len(data) % 2 or _binary_text(text):  # binary bytes that happen to start like a BOM
            raise _binary(name)
    else:
        data = strip_boms(data)
        if looks_binary(data):
            raise _binary(name)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    # A BOM that survived as text (e.g. decoded twice) is never content.
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


ODD = ("Co", "Cn", "Cs")  # private use, unassigned, surrogates: what random bytes decode to
CONTROLS = frozenset(chr(c) for c in range(32)) - set("\t\n\f\r")


def _binary_text(text: str) -> bool:
    """Decoded text with NULs, or many control, private, unassigned or undecodable characters."""
    sample = text[:8192]
    if "\x00" in sample:
        return True
    odd = sum(1 for c in sample if c == "\ufffd" or unicodedata.category(c) in ODD or c in CONTROLS)
    return bool(sample) and odd / len(sample) > 0.05


def _binary(name: str) -> UndecodableFile:
    return UndecodableFile(
        f"{name} looks like a binary file, not text.",
        "Give plain text (.txt), PDF (.pdf) or KOOP XML (.xml) files.",
    )
