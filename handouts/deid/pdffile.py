"""The handout file itself: metadata, attachments, annotations, scripts, and a last text check.

Runs on the finished PDF bytes, after the layout: the document information may only hold generic
values, the catalog's XMP metadata only the generic properties a tagged (PDF/UA) file needs, there
is no embedded file, no annotation, form, link, action or script, and neither the text layer nor
the structure's alternate texts (/Alt, /ActualText, …) hold any of the header's identifiers.
Anything found is stripped (the file is rebuilt with pypdf, keeping its structure tree) and checked
again; what cannot be made clean refuses the export.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from takehome.handouts.deid.identifiers import Identifiers
from takehome.handouts.deid.text import find_identifiers, override_key
from takehome.handouts.errors import DeidentificationError

#: Document information keys a handout may carry (values are checked too).
ALLOWED_INFO = frozenset({"/Title", "/Creator", "/Producer", "/Author", "/Subject", "/Keywords",
                          "/CreationDate", "/ModDate", "/Trapped"})
_DATE_KEYS = frozenset({"/CreationDate", "/ModDate", "/Trapped"})
#: Dictionary keys that carry something active, attached or hidden.
FORBIDDEN_KEYS = frozenset({"/JavaScript", "/JS", "/EmbeddedFiles", "/EmbeddedFile", "/Launch", "/AA",
                            "/OpenAction", "/AcroForm", "/Annots", "/URI", "/RichMedia", "/XFA",
                            "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/Metadata", "/PieceInfo",
                            "/AF", "/Collection"})

# --- tagged PDF (PDF/UA-1): begin ----------------------------------------------------------------
#: The XMP properties a handout may carry (namespace, name): its title, the PDF/UA part, the tool.
ALLOWED_XMP = frozenset({("http://purl.org/dc/elements/1.1/", "title"),
                         ("http://www.aiim.org/pdfua/ns/id/", "part"),
                         ("http://ns.adobe.com/pdf/1.3/", "Producer"),
                         ("http://ns.adobe.com/xap/1.0/", "CreatorTool")})
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#: Structure entries that are text a reader speaks: checked for identifiers like the page text.
STRUCTURE_TEXT_KEYS = frozenset({"/Alt", "/ActualText", "/E", "/T"})
#: Catalog entries of a tagged file that a stripped copy keeps (nothing in them is active).
TAGGED_CATALOG_KEYS = ("/StructTreeRoot", "/MarkInfo", "/Lang", "/ViewerPreferences")


def _qualified(tag: str) -> tuple[str, str]:
    namespace, _, name = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return namespace, name


def _xmp_problems(stream: PdfObject | None, identifiers: Identifiers) -> list[str]:
    """What in the catalog's XMP packet is not a generic value a tagged handout needs."""
    if not isinstance(stream, StreamObject):
        return ["the XMP metadata is not a stream"]
    try:
        root = ElementTree.fromstring(stream.get_data())
    except ElementTree.ParseError:
        return ["the XMP metadata could not be read"]
    problems: set[str] = set()
    for description in root.iter(f"{{{_RDF}}}Description"):
        if any(_qualified(key)[0] != _RDF for key in description.attrib):
            problems.add("the XMP metadata holds a property outside its allowed list")
        for prop in description:
            if _qualified(prop.tag) not in ALLOWED_XMP:
                problems.add("the XMP metadata holds a property outside its allowed list")
            text = " ".join(t.strip() for t in prop.itertext() if t.strip())
            if identifiers and find_identifiers(text, identifiers):
                problems.add("the XMP metadata holds a header identifier")
    return sorted(problems)
# --- tagged PDF (PDF/UA-1): end ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PdfCheck:
    """Problems found in a PDF (each a plain sentence without any identifying value)."""

    problems: tuple[str, ...]

    @property
    def clean(self) -> bool:
        return not self.problems


def _walk(root: PdfObject, found: set[str], texts: list[str]) -> None:
    seen: set[int] = set()
    stack: list[PdfObject] = [root]
    while stack:
        item: PdfObject | None = stack.pop()
        if isinstance(item, IndirectObject):
            if item.idnum in seen:
                continue
            seen.add(item.idnum)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                if key in FORBIDDEN_KEYS and not (key == "/Metadata" and item is root):
                    found.add(key)  # the catalog's XMP is checked on its own (_xmp_problems)
                if key in STRUCTURE_TEXT_KEYS and isinstance(value, TextStringObject | ByteStringObject):
                    texts.append(value.decode("latin-1") if isinstance(value, bytes) else str(value))
                if key != "/Parent" and not (key == "/Metadata" and item is root):
                    stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)


_NO_IDENTIFIERS = Identifiers()


def check_pdf(data: bytes, identifiers: Identifiers = _NO_IDENTIFIERS, *,
              keep: Iterable[str] = ()) -> PdfCheck:
    """What in the PDF could identify the patient or do something when opened."""
    try:
        reader = PdfReader(io.BytesIO(data))
        problems: list[str] = []
        info = reader.trailer.get("/Info")
        info_dict = info.get_object() if info is not None else {}
        for key, value in dict(info_dict).items():
            if key not in ALLOWED_INFO:
                problems.append(f"document information has an unexpected field {key}")
            elif key not in _DATE_KEYS and identifiers and find_identifiers(str(value), identifiers):
                problems.append(f"document information {key} holds a header identifier")
        found: set[str] = set()
        texts: list[str] = []
        catalog = reader.root_object
        _walk(catalog, found, texts)
        problems += [f"the file holds {key[1:]}" for key in sorted(found)]
        if "/Metadata" in catalog:
            problems += _xmp_problems(catalog["/Metadata"], identifiers)
        if identifiers and any(find_identifiers(text, identifiers) for text in texts):
            problems.append("the structure's alternate text holds a header identifier")
        if identifiers:
            kept = {override_key(k) for k in keep}
            for number, page in enumerate(reader.pages, start=1):
                text = page.extract_text() or ""
                hits = [r for r in find_identifiers(text, identifiers)
                        if override_key(text[r.start:r.end]) not in kept]
                if hits:
                    kinds = ", ".join(sorted({h.kind.value for h in hits}))
                    problems.append(f"page {number} text holds a header identifier ({kinds})")
    except DeidentificationError:
        raise
    except Exception as exc:  # an unreadable result is not a safe result
        raise DeidentificationError(
            f"the handout file could not be checked ({type(exc).__name__}); nothing was written") from None
    return PdfCheck(tuple(problems))


def strip_pdf(data: bytes, title: str, creator: str) -> bytes:
    """The PDF rebuilt with its pages (and its structure tree) only: no metadata but
    ``title``/``creator``, nothing active."""
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter()
    for page in reader.pages:
        added = writer.add_page(page)
        for key in ("/Annots", "/AA", "/PieceInfo", "/Metadata", "/AF"):
            if key in added:
                del added[NameObject(key)]
    root = writer._root_object
    for key in ("/Names", "/OpenAction", "/AA", "/AcroForm", "/Metadata", "/AF", "/Collection"):
        if key in root:
            del root[NameObject(key)]
    # tagged PDF: the structure tree refers to the pages added above (pypdf maps them to the copies)
    catalog = reader.root_object
    kept = [key for key in TAGGED_CATALOG_KEYS if key in catalog]
    if "/Metadata" in catalog and not _xmp_problems(catalog["/Metadata"], _NO_IDENTIFIERS):
        kept.append("/Metadata")  # generic values only; the stripped copy is checked again
    for key in kept:  # cloned as references, so the tree's /P and /Pg point at the copies
        root[NameObject(key)] = catalog.raw_get(key).clone(writer)
    writer.add_metadata({"/Title": title, "/Creator": creator, "/Producer": creator})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def ensure_clean_pdf(data: bytes, identifiers: Identifiers, *, title: str, creator: str,
                     keep: Iterable[str] = ()) -> bytes:
    """``data`` if it is clean, else a stripped copy that is; refuse if neither is."""
    keep = tuple(keep)
    first = check_pdf(data, identifiers, keep=keep)
    if first.clean:
        return data
    stripped = strip_pdf(data, title, creator)
    second = check_pdf(stripped, identifiers, keep=keep)
    if not second.clean:
        raise DeidentificationError("the handout file is not safe to share: " + "; ".join(second.problems)
                                    + ". Nothing was written")
    return stripped
