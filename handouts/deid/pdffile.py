"""The handout file itself: metadata, attachments, annotations, scripts, and a last text check.

Runs on the finished PDF bytes, after the layout: the document information may only hold generic
values, there is no XMP metadata, no embedded file, no annotation, form, link, action or script,
and the text layer holds none of the header's identifiers. Anything found is stripped (the file is
rebuilt with pypdf) and checked again; what cannot be made clean refuses the export.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

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


@dataclass(frozen=True, slots=True)
class PdfCheck:
    """Problems found in a PDF (each a plain sentence without any identifying value)."""

    problems: tuple[str, ...]

    @property
    def clean(self) -> bool:
        return not self.problems


def _walk(root: PdfObject, found: set[str]) -> None:
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
                if key in FORBIDDEN_KEYS:
                    found.add(key)
                if key != "/Parent":
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
        _walk(reader.trailer["/Root"], found)
        problems += [f"the file holds {key[1:]}" for key in sorted(found)]
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
    """The PDF rebuilt with its pages only: no metadata but ``title``/``creator``, nothing active."""
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
