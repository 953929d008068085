"""What a handout prints, by source: the department's own wording and the texts that must be checked.

The final file check reads the finished PDF's text. Template text (headings, the department's name,
phone and wording, page and picture numbers, the glossary's explanations, how-to-read sentences)
is the department's and trusted: it may contain a word that is also a header value ("Radiology",
"Page 1 of 2", "will") without identifying anyone. A plain caption made from the header's coded
Modality and Body Part is the application's own wording too (fixed tables). Everything that comes
from the clinician, the header or the image (title, typed captions, labels, lengths, excerpts,
glossary words picked from the excerpts, anything the layout printed that is not listed) is
checked, and each such text keeps its place so that a refusal can say where to look.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from takehome.handouts.caption import BODY_PART_WORDS, MODALITY_WORDS, UNKNOWN_MODALITY
from takehome.handouts.i18n import translator

if TYPE_CHECKING:  # the layout's modules import the de-identification package: no cycle at run time
    from takehome.handouts.content import HandoutContent
    from takehome.handouts.templates import Template

#: Fixed headings and sentences of the layout (msgids of the handout's catalog).
LAYOUT_WORDS = (
    "From your report",
    "Words in your report",
    "Questions to ask your doctor",
    "Who to contact",
    "Letters at the edges of a picture show directions in your body: "
    "L left, R right, A front, P back, H head, F feet.",
    "The black bar under a picture shows a real length in your body.",
)
PICTURE_HEADING = "Picture {number} of {total}"
#: The mark before each question.
BULLET = "\u2022"
PAGE_FOOTER = "Page {page} of {total}"

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u02bc\u00b4`"), "'")
_DOUBLE_QUOTES = dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f"), '"')


def without_invisible(text: str) -> str:
    """``text`` without invisible format characters (soft hyphen, zero-width spaces and joiners,
    direction marks) and control characters other than line breaks and tabs."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cf", "Cc"))


def normalised(text: str) -> str:
    """``text`` as the check compares it: NFKC, invisible characters gone, dashes and quotes unified."""
    text = without_invisible(unicodedata.normalize("NFKC", text))
    return text.translate(_DASHES).translate(_QUOTES).translate(_DOUBLE_QUOTES)


def tokens(text: str) -> list[str]:
    """The words (runs of non-space characters) of ``text``, normalised."""
    return re.findall(r"\S+", normalised(text))


@dataclass(frozen=True, slots=True)
class CheckedText:
    """A printed text that did not come from the template, and where it is on the handout."""

    place: str
    text: str


@dataclass(frozen=True, slots=True)
class PrintedTexts:
    """The texts of one handout: trusted template text, and checked texts with their places."""

    trusted: tuple[str, ...]
    checked: tuple[CheckedText, ...]
    #: Footer lines, one per page, in page order ("Page 1 of 2", ...).
    footers: tuple[str, ...] = ()

    def places_of(self, piece: str) -> tuple[str, ...]:
        """The places of the checked texts that contain ``piece`` (compared normalised, any case)."""
        wanted = " ".join(tokens(piece)).casefold()
        return tuple(c.place for c in self.checked
                     if wanted and wanted in " ".join(tokens(c.text)).casefold())


@lru_cache(maxsize=8)
def plain_captions(language: str) -> frozenset[str]:
    """Every caption :func:`takehome.handouts.caption.describe` can make in ``language``: words from
    its fixed tables only (looked up by coded values), so they are the application's own text."""
    tr = translator(language)
    kinds = {tr.gettext(words) for words in (*MODALITY_WORDS.values(), UNKNOWN_MODALITY)}
    parts = {tr.gettext(part) for part in BODY_PART_WORDS.values()}
    joined = tr.gettext("{modality} {of_body_part}")
    return frozenset(kinds | {joined.format(modality=k, of_body_part=p) for k in kinds for p in parts})


def printed_texts(content: HandoutContent, template: Template, pages: int) -> PrintedTexts:
    """What ``template`` prints around ``content`` on ``pages`` pages, by source."""
    tr = translator(content.language)
    wording = template.wording(content.language)
    total = len(content.images)
    trusted: list[str] = [tr.gettext(text) for text in LAYOUT_WORDS] + [BULLET]
    trusted += [template.department, wording.intro, *wording.questions, *wording.contact, *wording.mandatory]
    trusted += [tr.gettext(PICTURE_HEADING).format(number=n, total=total) + ":" for n in range(1, total + 1)]
    trusted += [tr.gettext(PICTURE_HEADING).format(number=n, total=total) for n in range(1, total + 1)]
    checked: list[CheckedText] = []
    if content.title == wording.title:
        trusted.append(content.title)
    else:
        checked.append(CheckedText("the title", content.title))
    for number, image in enumerate(content.images, start=1):
        picture = f"picture {number}"
        trusted.append(image.reading)
        if image.orientation is not None:
            o = image.orientation
            trusted += [o.left, o.right, o.top, o.bottom]
        if image.caption in plain_captions(content.language):
            trusted.append(image.caption)
        elif image.caption:
            checked.append(CheckedText(f"the caption of {picture}", image.caption))
        labels = [label for label in image.labels if label.strip()]
        checked += [CheckedText(f"label {n} of {picture}", label) for n, label in enumerate(labels, start=1)]
        checked += [CheckedText(f"excerpt {n} of {picture}", text)
                    for n, text in enumerate(image.excerpts, start=1)]
    for number, entry in enumerate(content.words, start=1):
        trusted.append(entry.plain)  # the glossary's explanation: the department's (or bundled) words
        checked.append(CheckedText(f"word {number} of the words box", entry.term))
    footers = tuple(tr.gettext(PAGE_FOOTER).format(page=p, total=pages) for p in range(1, pages + 1))
    return PrintedTexts(tuple(t for t in dict.fromkeys(trusted) if t and t.strip()), tuple(checked), footers)
