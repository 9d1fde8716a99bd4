"""Reading KOOP XML safely: BOM and double-encoding recovery, a locked-down parser, metadata.

External entities must never be fetched or read, so the parser resolves no entities at
all, loads no DTD, never uses the network and refuses huge trees. A file that starts with
a double-encoded byte-order mark (``C3 AF C2 BB C2 BF``) had all its text decoded as
Latin-1 and re-encoded as UTF-8 ("KrÃ¶ger"); that is undone before parsing.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from rag.errors import RagError
from rag.ingest.decode import DOUBLE_ENCODED_BOM, strip_boms

PUBLICATION_ID = re.compile(r"(?:ah|h|kv|nds)-(?:tk|ek)-[0-9A-Za-z-]+|kst-[0-9A-Za-z-]+|blg-\d+")
Meta = dict[str, list[str]]


class KoopXmlError(RagError):
    """A KOOP XML file that cannot be read: not well-formed, not KOOP, or without text."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )  # fmt: skip


def _undo_double_encoding(data: bytes) -> bytes:
    try:
        repaired = data.decode("utf-8").encode("latin-1")
        repaired.decode("utf-8")
    except (UnicodeDecodeError, UnicodeEncodeError):
        return data  # only the BOM was double-encoded, or the text never was
    return repaired


def parse_xml(path: Path) -> etree._Element:
    """Parse a (KOOP) XML file safely; BOMs, even double-encoded ones, are recovered from.

    Raises KoopXmlError naming the file, line and column of the first syntax error.
    """
    raw = path.read_bytes()
    data = strip_boms(raw)
    double_encoded = DOUBLE_ENCODED_BOM in raw[: len(raw) - len(data)]
    body = data.lstrip()
    skipped_lines = data[: len(data) - len(body)].count(b"\n")
    if double_encoded:
        body = _undo_double_encoding(body)
    try:
        return etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        reason = re.sub(r",? line \d+, column \d+$", "", exc.msg or "syntax error")
        raise KoopXmlError(
            f"{path.name} is not well-formed XML: {reason} (line {line + skipped_lines}, column {column}).",
            "The file is damaged or not XML; fetch it again from officielebekendmakingen.nl.",
        ) from exc


def meta_pairs(root: etree._Element) -> Meta:
    """`name` -> `content` values of <meta>/<metadata> elements, in document order."""
    out: Meta = {}
    for el in root.iter("meta", "metadata"):
        name, content = el.get("name"), (el.get("content") or "").strip()
        if name and content:
            out.setdefault(name, []).append(content)
    return out


def sibling_metadata(path: Path) -> Meta:
    """Metadata from a metadata.xml beside the file, as KOOP serves it (<id>/metadata.xml).

    A plain `metadata.xml` in the same folder is used only when its DC.identifier names
    this file, or when this is the only publication in the folder. A broken metadata file
    is ignored: it enriches, it must not stop the document itself.
    """
    stem = path.stem
    for candidate in (path.parent / stem / "metadata.xml", path.with_name(f"{stem}.metadata.xml")):
        if candidate.is_file():
            return _read_metadata(candidate)
    shared = path.with_name("metadata.xml")
    if shared.is_file() and shared != path:
        meta = _read_metadata(shared)
        others = [p for p in path.parent.glob("*.xml") if p.name not in (path.name, shared.name)]
        if stem in meta.get("DC.identifier", []) or not others:
            return meta
    return {}


def _read_metadata(path: Path) -> Meta:
    try:
        return meta_pairs(parse_xml(path))
    except KoopXmlError:
        return {}  # a broken metadata file must not stop the document itself


def first(meta: Meta, *names: str) -> str | None:
    """The first value of the first of `names` that is present."""
    for name in names:
        if meta.get(name):
            return meta[name][0]
    return None


def publication_id(path: Path, meta: Meta) -> str | None:
    """The publication id ('h-tk-20172018-70-13') from the metadata or else the file name."""
    for value in (first(meta, "DC.identifier"), first(meta, "OVERHEIDop.externMetadataRecord")):
        if value and (m := PUBLICATION_ID.search(value)):
            return m.group(0)
    m = PUBLICATION_ID.fullmatch(path.stem)
    return m.group(0) if m else None
