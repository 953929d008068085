"""The handout file itself: metadata, attachments, annotations, scripts, and a last text check.

Runs on the finished PDF bytes, after the layout: the document information may only hold generic
values, the catalog's XMP metadata only the generic properties a tagged (PDF/UA) file needs, there
is no embedded file, no annotation, form, link, action or script, and neither the text layer nor
the structure's alternate texts (/Alt, /ActualText, …) hold any of the header's identifiers.
Anything found is stripped (the file is rebuilt with pypdf, keeping its structure tree) and checked
again; what cannot be made clean refuses the export.

The text check knows where text comes from (:mod:`takehome.handouts.deid.printed`): the template's
own wording is taken out of the extracted text first, everything left (the clinician's, the
header's and the image's texts, and anything unexplained) is checked, and a refusal names the place
(the title, label 2 of picture 1, ...) and the kind of identifier, never the value.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Sequence
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
from takehome.handouts.deid.printed import PrintedTexts, tokens
from takehome.handouts.deid.text import find_identifiers, override_key
from takehome.handouts.errors import DeidentificationError

#: Document information keys a handout may carry (values are checked too).
ALLOWED_INFO = frozenset({"/Title", "/Creator", "/Producer", "/Author", "/Subject", "/Keywords",
                          "/CreationDate", "/ModDate", "/Trapped"})
_DATE_KEYS = frozenset({"/CreationDate", "/ModDate", "/Trapped"})
#: Dictionary keys that carry something active, attached or hidden: found by the check, removed by
#: the strip wherever they are (the rest of the document, e.g. a structure tree, is kept).
FORBIDDEN_KEYS = frozenset({"/JavaScript", "/JS", "/EmbeddedFiles", "/EmbeddedFile", "/Launch", "/AA",
                            "/OpenAction", "/AcroForm", "/Annots", "/URI", "/RichMedia", "/XFA",
                            "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/Metadata", "/PieceInfo",
                            "/AF", "/Collection"})
#: Catalog entries removed by the strip (the name tree holds attachments and scripts).
_STRIPPED_ROOT_KEYS = ("/Names",)

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


def _page_tokens(pages: Sequence[str], printed: PrintedTexts) -> list[list[tuple[str, bool]]]:
    """Each page's words, marked True where they are the template's own text."""
    marked = [[(word, False) for word in tokens(text)] for text in pages]
    for number, words in enumerate(marked):
        if number < len(printed.footers):  # the footer is drawn last on its page
            footer = tokens(printed.footers[number])
            _remove_last(words, footer)
    stream = [(p, i) for p, words in enumerate(marked)
              for i, (_word, trusted) in enumerate(words) if not trusted]
    folded = [marked[p][i][0].casefold() for p, i in stream]
    taken = [False] * len(stream)
    sequences = sorted({tuple(w.casefold() for w in tokens(t)) for t in printed.trusted}, key=len,
                       reverse=True)
    for sequence in sequences:
        size = len(sequence)
        start = 0
        while start + size <= len(stream):
            if folded[start] == sequence[0] and tuple(folded[start:start + size]) == sequence and not any(
                    taken[start:start + size]):
                taken[start:start + size] = [True] * size
                start += size
            else:
                start += 1
    for (p, i), trusted in zip(stream, taken, strict=True):
        if trusted:
            marked[p][i] = (marked[p][i][0], True)
    return marked


def _remove_last(words: list[tuple[str, bool]], sequence: list[str]) -> None:
    wanted = [w.casefold() for w in sequence]
    for start in range(len(words) - len(wanted), -1, -1):
        if [w.casefold() for w, _ in words[start:start + len(wanted)]] == wanted:
            words[start:start + len(wanted)] = [(w, True) for w, _ in words[start:start + len(wanted)]]
            return


def residue(pages: Sequence[str], printed: PrintedTexts) -> list[str]:
    """Each page's text without the template's own words: what the check must judge.

    Where template text was taken out the remaining pieces are kept apart (a line break), so two
    pieces never join into something neither says.
    """
    out = []
    for words in _page_tokens(pages, printed):
        parts: list[str] = []
        for word, trusted in words:
            if trusted:
                if parts and parts[-1] != "\n":
                    parts.append("\n")
            else:
                parts.append(word if not parts or parts[-1] == "\n" else f" {word}")
        out.append("".join(parts).strip())
    return out


def _text_problems(pages: Sequence[str], identifiers: Identifiers, keep: Iterable[str],
                   printed: PrintedTexts | None) -> list[str]:
    kept = {override_key(k) for k in keep}
    texts = residue(pages, printed) if printed is not None else list(pages)
    problems: list[str] = []
    for number, text in enumerate(texts, start=1):
        hits = [r for r in find_identifiers(text, identifiers)
                if override_key(text[r.start:r.end]) not in kept]
        for hit in hits:
            places = printed.places_of(text[hit.start:hit.end]) if printed is not None else ()
            if places:
                problems += [f"{place} holds a header identifier ({hit.kind.value})" for place in places]
            elif printed is not None:
                problems.append(f"page {number} holds a header identifier ({hit.kind.value}) in text that is "
                                "not the template's")
            else:
                problems.append(f"page {number} text holds a header identifier ({hit.kind.value})")
    return list(dict.fromkeys(problems))


def check_pdf(data: bytes, identifiers: Identifiers = _NO_IDENTIFIERS, *,
              keep: Iterable[str] = (), printed: PrintedTexts | None = None) -> PdfCheck:
    """What in the PDF could identify the patient or do something when opened.

    With ``printed`` (what the handout printed, by source) the template's own text is trusted;
    without it every word of the text layer is checked.
    """
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
            pages = [page.extract_text() or "" for page in reader.pages]
            problems += _text_problems(pages, identifiers, keep, printed)
    except DeidentificationError:
        raise
    except Exception as exc:  # an unreadable result is not a safe result
        raise DeidentificationError(
            f"the handout file could not be checked ({type(exc).__name__}); nothing was written") from None
    return PdfCheck(tuple(problems))


def strip_pdf(data: bytes, title: str, creator: str) -> bytes:
    """The PDF with every forbidden entry removed wherever it is (the catalog's XMP stays when it
    holds only the generic values a tagged file needs), its document information reduced to
    ``title``/``creator``, and whatever no longer belongs to the document dropped; the structure
    tree, /MarkInfo and /Lang stay."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    root = writer._root_object
    for key in _STRIPPED_ROOT_KEYS:
        if key in root:
            del root[NameObject(key)]
    keep_xmp = "/Metadata" in root and not _xmp_problems(root["/Metadata"], _NO_IDENTIFIERS)
    for obj in writer._objects:
        if isinstance(obj, DictionaryObject):
            for key in [k for k in obj if k in FORBIDDEN_KEYS]:
                if not (keep_xmp and obj is root and key == "/Metadata"):
                    del obj[NameObject(key)]
    writer.metadata = None
    first = io.BytesIO()
    writer.write(first)
    # cloning again copies only what the document still refers to: removed entries' objects are gone
    clean = PdfWriter(clone_from=PdfReader(first))
    clean.metadata = {"/Title": title, "/Creator": creator, "/Producer": creator}
    buffer = io.BytesIO()
    clean.write(buffer)
    return buffer.getvalue()


def ensure_clean_pdf(data: bytes, identifiers: Identifiers, *, title: str, creator: str,
                     keep: Iterable[str] = (), printed: PrintedTexts | None = None) -> bytes:
    """``data`` if it is clean, else a stripped copy that is; refuse, naming the places, if neither is."""
    keep = tuple(keep)
    first = check_pdf(data, identifiers, keep=keep, printed=printed)
    if first.clean:
        return data
    stripped = strip_pdf(data, title, creator)
    second = check_pdf(stripped, identifiers, keep=keep, printed=printed)
    if not second.clean:
        raise DeidentificationError(
            "the handout is not safe to share: " + "; ".join(second.problems)
            + ". Change or remove that text (or keep it in the review if it is not the patient's), "
            "then try again. Nothing was written")
    return stripped
