"""The handout file itself: metadata, attachments, annotations, scripts, and a last text check.

Runs on the finished PDF bytes, after the layout: the document information may only hold generic
values, there is no XMP metadata, no embedded file, no annotation, form, link, action or script,
and the text layer holds none of the header's identifiers. Anything found is stripped (the file is
rebuilt with pypdf) and checked again; what cannot be made clean refuses the export.

The text check knows where text comes from (:mod:`takehome.handouts.deid.printed`): the template's
own wording is taken out of the extracted text first, everything left (the clinician's, the
header's and the image's texts, and anything unexplained) is checked, and a refusal names the place
(the title, label 2 of picture 1, ...) and the kind of identifier, never the value.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject

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
        _walk(reader.trailer["/Root"], found)
        problems += [f"the file holds {key[1:]}" for key in sorted(found)]
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
    """The PDF with every forbidden entry removed wherever it is, its document information reduced
    to ``title``/``creator``, and whatever no longer belongs to the document dropped."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    root = writer._root_object
    for key in _STRIPPED_ROOT_KEYS:
        if key in root:
            del root[NameObject(key)]
    for obj in writer._objects:
        if isinstance(obj, DictionaryObject):
            for key in [k for k in obj if k in FORBIDDEN_KEYS]:
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
