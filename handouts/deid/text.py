"""Removing identifiers from free text (excerpts, labels, captions, titles, template choices).

Text is matched after normalisation (:mod:`~takehome.handouts.deid.normalise`), and what is found
replaces the original characters. The header's names are found word by word however written
(:mod:`~takehome.handouts.deid.names`), its IDs with or without separators, its dates in every
spelling in English and Spanish, its institution and address by their proper names (generic words
such as "Radiology" alone are no identifier). On top of the header's values, the identifier
patterns of :mod:`takehome.handouts.deid.phi` (other people's names and places, any date, ages over
89, phones, e-mail and web addresses, street addresses, postal codes, record numbers) are removed.
Each match becomes ``[removed]``, unless the clinician chose to keep that exact text (an override).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from takehome.handouts.deid.identifiers import Identifiers
from takehome.handouts.deid.lexicon import MONTHS, is_generic_place
from takehome.handouts.deid.names import PARTICLES, find_header_names
from takehome.handouts.deid.normalise import name_key, normalise
from takehome.handouts.deid.phi import PhiKind, find_phi

REDACTION = "[removed]"

_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")


#: Why a piece of text was removed (header matches and identifier patterns share one vocabulary).
RemovalKind = PhiKind


@dataclass(frozen=True, slots=True)
class Removal:
    """One removed span of the original text (positions only, never the value)."""

    kind: RemovalKind
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ScrubResult:
    """The cleaned text and what was taken out of the original."""

    text: str
    removals: tuple[Removal, ...]
    #: Spans found but kept because the clinician overrode them (positions in the original text).
    kept: tuple[Removal, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.removals)


def fold(text: str) -> str:
    """Lower-case text with accents removed, same length as the input (for matching)."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFKD", ch)
        kept = "".join(c for c in base if not unicodedata.combining(c)) or ch
        out.append(kept[0].casefold()[0] if kept else ch)
    return "".join(out)


def _id_pattern(ids: Iterable[str]) -> re.Pattern[str] | None:
    alternatives = []
    for value in sorted(ids, key=len, reverse=True):
        chars = re.sub(r"[^0-9a-z]", "", fold(value))
        if chars:
            alternatives.append(r"[\s\-./_]?".join(re.escape(c) for c in chars))
    if not alternatives:
        return None
    return re.compile(r"(?<![0-9a-z])(?:" + "|".join(alternatives) + r")(?![0-9a-z])")


def phrase_variants(phrase: str) -> tuple[set[str], set[str]]:
    """The identifying forms of a header phrase: (phrases, single proper-name words).

    Phrases are the whole, each comma-separated part and the proper name inside ("Hospital
    Universitario La Paz" also gives "La Paz"). A proper name of one word ("Springfield" of
    "Springfield General Hospital") is matched as a name, where it is written as one. Generic words
    for a place of care are not identifying on their own ("Radiology", "Imaging Department").
    """
    phrases: set[str] = set()
    words: set[str] = set()
    for part in {phrase, *phrase.split(",")}:
        part = part.strip()
        if len(part) < 3 or is_generic_place(part):
            continue
        named = re.findall(r"[\w'.-]+", part)
        while named and is_generic_place(named[0]) and name_key(named[0]) not in PARTICLES:
            named.pop(0)
        while named and is_generic_place(named[-1]):
            named.pop()
        if len(re.findall(r"\w+", part)) >= 2:
            phrases.add(part)
        if len(named) >= 2:
            phrases.add(" ".join(named))
        elif named and len(named[0]) >= 3 and not named[0][:1].isdigit():
            words.add(named[0])
    return phrases, words


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str] | None:
    alternatives = []
    for phrase in sorted({v for p in phrases for v in phrase_variants(p)[0]}, key=len, reverse=True):
        words = re.findall(r"\w+", fold(phrase))
        if words:
            alternatives.append(r"[\W_]+".join(re.escape(w) for w in words))
    if not alternatives:
        return None
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])")


def date_spellings(date: dt.date) -> set[str]:
    """The ways a date is commonly written, folded: numeric in several orders and separators, with a
    roman-numeral month, and in words in English and Spanish ("17 de marzo de 1954")."""
    y, m, d = date.year, date.month, date.day
    years = {f"{y:04d}", f"{y % 100:02d}"}
    days = {str(d), f"{d:02d}"}
    months = {str(m), f"{m:02d}", _ROMAN[m - 1]}
    spellings = {f"{y:04d}{m:02d}{d:02d}"}
    for sep in "-/.":
        for mm in months:
            for dd in days:
                spellings.add(f"{y:04d}{sep}{mm}{sep}{dd}")
                for yy in years:
                    spellings.add(f"{dd}{sep}{mm}{sep}{yy}")
                    spellings.add(f"{mm}{sep}{dd}{sep}{yy}")
    english = MONTHS["en"][m - 1]
    month_words = {english, english[:3], english[:3] + "."} | ({"sept"} if m == 9 else set())
    suffix = "th" if 11 <= d <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
    for word in month_words:
        for dd in (str(d), f"{d:02d}", f"{d}{suffix}"):
            for yy in (f"{y:04d}",):
                spellings.add(f"{dd} {word} {yy}")
                spellings.add(f"{dd} of {word} {yy}")
                spellings.add(f"{dd}-{word}-{yy}")
                spellings.add(f"{word} {dd}, {yy}")
                spellings.add(f"{word} {dd} {yy}")
                spellings.add(f"{word} the {dd}, {yy}")
    spanish = MONTHS["es"][m - 1]
    for word in {spanish, spanish[:3], spanish[:3] + ".", "setiembre" if m == 9 else spanish}:
        for dd in (str(d), f"{d:02d}", *(("1o", "1º", "primero") if d == 1 else ())):
            spellings.add(f"{dd} de {word} de {y:04d}")
            spellings.add(f"{dd} de {word} del {y:04d}")
            spellings.add(f"{dd} {word} {y:04d}")
            spellings.add(f"{dd}-{word}-{y:04d}")
            spellings.add(f"{dd} de {word}, {y:04d}")
    return {fold(s) for s in spellings}


def _date_pattern(dates: Iterable[dt.date]) -> re.Pattern[str] | None:
    spellings: set[str] = set()
    for date in dates:
        spellings |= date_spellings(date)
    if not spellings:
        return None
    alternatives = (re.escape(s).replace(r"\ ", r"\s+") for s in sorted(spellings, key=len, reverse=True))
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])")


@lru_cache(maxsize=64)
def _place_words(phrases: frozenset[str]) -> frozenset[str]:
    return frozenset(w for p in phrases for w in phrase_variants(p)[1])


@lru_cache(maxsize=64)
def _patterns(identifiers: Identifiers) -> tuple[tuple[RemovalKind, re.Pattern[str]], ...]:
    built = (
        (RemovalKind.PHRASE, _phrase_pattern(identifiers.phrases)),
        (RemovalKind.DATE, _date_pattern(identifiers.dates)),
        (RemovalKind.ID, _id_pattern(identifiers.ids)),
    )
    return tuple((kind, pattern) for kind, pattern in built if pattern is not None)


def find_identifiers(text: str, identifiers: Identifiers, *, patterns: bool = False,
                     times: bool = False) -> list[Removal]:
    """Spans of ``text`` that hold one of ``identifiers`` (longest first, no overlaps).

    ``patterns`` adds the identifier patterns (header matches win where both apply); ``times``
    is for text burned into images (see :func:`~takehome.handouts.deid.phi.find_phi`).
    """
    norm = normalise(text)
    plain = norm.text
    folded = fold(plain)
    found: list[tuple[RemovalKind, int, int]] = []
    taken = [False] * len(plain)
    if patterns:
        found += [(span.kind, span.start, span.end) for span in find_phi(plain, times=times)]
    for kind, pattern in _patterns(identifiers) if identifiers else ():
        for match in pattern.finditer(folded):
            start, end = match.span()
            if start == end or any(taken[start:end]):
                continue
            found.append((kind, start, end))
            taken[start:end] = [True] * (end - start)
    if identifiers.name_parts:
        found += [(RemovalKind.NAME, *span) for span in find_header_names(plain, identifiers.name_parts)]
    places = _place_words(identifiers.phrases)
    if places:
        found += [(RemovalKind.PHRASE, *span) for span in find_header_names(plain, places)]
    return _merged([Removal(kind, *norm.original(start, end)) for kind, start, end in found])


#: Kinds that come from the header (more specific than a pattern's reason when both match).
_HEADER_KINDS = frozenset({PhiKind.NAME, PhiKind.ID, PhiKind.PHRASE})


def _merged(found: list[Removal]) -> list[Removal]:
    """Sorted spans with overlapping ones joined (a header match inside a longer pattern match)."""
    out: list[Removal] = []
    for span in sorted(found, key=lambda r: (r.start, -r.end)):
        if out and span.start < out[-1].end:
            last = out[-1]
            kind = span.kind if span.kind in _HEADER_KINDS and last.kind not in _HEADER_KINDS else last.kind
            out[-1] = Removal(kind, last.start, max(last.end, span.end))
            continue
        out.append(span)
    return out


def redact_spans(text: str, spans: Iterable[Removal]) -> str:
    """Replace each span of ``text`` by the redaction marker."""
    out: list[str] = []
    last = 0
    for span in sorted(spans, key=lambda r: r.start):
        out.append(text[last:span.start])
        out.append(REDACTION)
        last = span.end
    out.append(text[last:])
    return "".join(out)


def override_key(text: str) -> str:
    """How an override names a removed piece of text: folded, spaces collapsed."""
    return " ".join(fold(text).split())


def scrub_text(text: str, identifiers: Identifiers, *, patterns: bool = True,
               keep: Iterable[str] = ()) -> ScrubResult:
    """``text`` with every header identifier and identifier pattern replaced by ``[removed]``.

    ``keep`` lists exact texts the clinician decided to keep (overrides, one item at a time);
    matching spans stay and are reported in ``kept``. ``patterns=False`` only removes header values.
    """
    if not text or not (identifiers or patterns):
        return ScrubResult(text, ())
    found = find_identifiers(text, identifiers, patterns=patterns)
    kept_keys = {override_key(k) for k in keep if k.strip()}
    removals = [r for r in found if override_key(text[r.start:r.end]) not in kept_keys]
    kept = [r for r in found if override_key(text[r.start:r.end]) in kept_keys]
    return ScrubResult(redact_spans(text, removals), tuple(removals), tuple(kept))
