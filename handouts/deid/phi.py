"""Identifiers in free text that the header does not know: other people's names, places, dates, contacts.

Each finder is a pattern for one kind of identifier (HIPAA Safe Harbor's list, which the DICOM
PS3.15 profile's free-text attributes also carry), in English and Spanish whatever the handout's
language: names of others (after titles, relations, roles, signatures: :mod:`.cues`; or known to the
name lists and used as names: :mod:`.names`), towns after a place cue, dates (:mod:`.dates`), ages
over 89, phone and fax numbers, e-mail addresses (also spelled "at … dot") and web addresses, street
addresses with their towns, postal codes, record/accession-like numbers.

Medical wording must survive: sizes ("12 mm", "4 cm"), sequences ("T2"), vertebral levels ("C5-1",
"L4-L5"), eponyms ("Parkinson's disease"), scores, stages, doses and counts (:mod:`.clinical`:
"BI-RADS 3", "T2N0M0", "25000 International Units"), specialties, drugs and devices after a cue.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from takehome.handouts.deid.clinical import is_clinical_number
from takehome.handouts.deid.cues import cued_names, cued_places
from takehome.handouts.deid.dates import find_dates
from takehome.handouts.deid.names import find_people


class PhiKind(StrEnum):
    """Why a piece of free text is removed (values are shown to the clinician, never the text)."""

    NAME = "name"
    PERSON = "person"
    ID = "id"
    DATE = "date"
    PHRASE = "phrase"
    AGE = "age"
    PHONE = "phone"
    EMAIL = "email"
    URL = "url"
    ADDRESS = "address"
    PLACE = "place"
    POSTAL_CODE = "postal code"
    RECORD_NUMBER = "record number"
    TIME = "time"


#: Plain-words reason per kind, for the "what will be removed and why" review.
REASONS: dict[PhiKind, str] = {
    PhiKind.NAME: "the patient's name (from the image header)",
    PhiKind.PERSON: "the name of a person (doctor, relative, staff)",
    PhiKind.ID: "an identifier from the image header (patient ID, accession number, ...)",
    PhiKind.DATE: "a date",
    PhiKind.PHRASE: "a place or institution from the image header",
    PhiKind.AGE: "an age over 89",
    PhiKind.PHONE: "a phone or fax number",
    PhiKind.EMAIL: "an e-mail address",
    PhiKind.URL: "a web address",
    PhiKind.ADDRESS: "a street address",
    PhiKind.PLACE: "a town, city or region",
    PhiKind.POSTAL_CODE: "a postal code",
    PhiKind.RECORD_NUMBER: "a record, accession or other reference number",
    PhiKind.TIME: "a time of day",
}


@dataclass(frozen=True, slots=True)
class Span:
    """A found span ``[start, end)`` of the text and its kind (positions only, never the value)."""

    kind: PhiKind
    start: int
    end: int


_TIME = re.compile(r"(?<![\w:.])(?:[01]?[0-9]|2[0-3])[:h][0-5][0-9](?::[0-5][0-9])?(?:\s*[ap]\.?m\.?)?"
                   r"(?![\w:])", re.IGNORECASE)

_AGE = re.compile(
    r"(?<![\w.])(?:(?P<a>9[0-9]|1[0-4][0-9])(?:\s*|-)(?:years?|yrs?|y)(?:[\s\-]*old)?|"
    r"(?P<b>9[0-9]|1[0-4][0-9])\s*(?:yo|y/o|y\.o\.)|"
    r"(?:aged?|age:)\s*(?P<c>9[0-9]|1[0-4][0-9]))(?![\w])", re.IGNORECASE)

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
# spelled out to dodge filters: "jane dot doe at example dot org", "jane(at)example.org", "arroba", "punto"
_AT = r"(?:\s*[(\[{<]\s*(?:at|arroba)\s*[)\]}>]\s*|\s+(?:at|arroba)\s+|\s*@\s*)"
_DOT = r"(?:\s*[(\[{<]\s*(?:dot|punto)\s*[)\]}>]\s*|\s+(?:dot|punto)\s+|\.)"
_SPELLED_EMAIL = re.compile(
    rf"(?<![\w.+-])[\w+-]+(?:{_DOT}[\w+-]+)*{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}"
    r"(?:com|org|net|edu|gov|es|uk|us|de|fr|it|mx|ar|co|cl|pe|info|io|nhs|cat|eu)(?![\w])", re.IGNORECASE)
_URL = re.compile(r"(?<![\w@])(?:(?:https?|ftp)://[^\s<>\"']+|www\.[^\s<>\"']+|"
                  r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|gov|nhs\.uk|co\.uk|de|fr|nl|"
                  r"info|io|health)(?:/[^\s<>\"']*)?)", re.IGNORECASE)

# +44 20 7946 0958, (555) 123-4567, 555.123.4567, 020 7946 0958; 7-15 digits, separated groups
_PHONE = re.compile(r"(?<![\w.+/-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,5}){1,4}"
                    r"(?![\w/]|[.,]\d)")
_PHONE_CUE = re.compile(r"(?:tel(?:ephone)?|phone|ph|fax|mobile|mob|cell|call|bleep|pager|ext)\.?\s*"
                        r"(?:no\.?|number|#)?\s*[:.]?\s*$", re.IGNORECASE)

_STREET_WORDS = (r"street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|court|ct|place|pl|"
                 r"terrace|close|crescent|square|sq|highway|hwy|parkway|pkwy|row|walk|gardens|grove|"
                 r"strasse|straße|str|weg|platz|gasse|allee")
_ES_STREET_WORDS = (r"carrer|avinguda|passeig|plaça|rúa|rua|calle|c/|avenida|avda\.?|av\.|plaza|pza\.?|"
                    r"paseo|pº|camino|carretera|ctra\.?|ronda|"
                    r"travesía|travesia|glorieta|urbanización|urbanizacion|urb\.|callejón|pasaje|rambla|"
                    r"rue|via|chemin|boulevard")
# the town (and province or postal code) after a street address: ", Springfield", ", 28014 Madrid"
_TOWN = (r"(?:,?\s+(?:\d{4,5}\s+)?[A-Z][\w'’-]+"
         r"(?:\s+(?:(?:de|del|la|el|on|upon|le|sur)\s+)?[A-Z][\w'’-]+){0,2})")
# Street names are capitalised words (case matters there); the street word itself may be any case.
_ADDRESS = re.compile(
    rf"(?<![\w])\d{{1,5}}[A-Za-z]?,?\s+(?:[A-Z][\w'.-]*\s+){{1,4}}(?i:{_STREET_WORDS})\b"
    rf"(?:,?\s+(?i:apt|apartment|flat|suite|unit)\.?\s*#?\s*\w+)?{_TOWN}{{0,2}}|"
    rf"(?<![\w])(?:[A-Z][\w'-]*(?:strasse|straße|str\.|weg|platz|gasse|allee))\s+\d{{1,4}}[a-z]?\b{_TOWN}?|"
    rf"(?<![\w])(?i:{_ES_STREET_WORDS})\s*(?:(?:de|del|la|las|los|el|[\w'’-]+)\s+){{0,4}}[A-Z][\w'’-]+"
    rf"(?:,?\s+(?i:n(?:º|o\.?|úm\.?|um\.?)\s*)?\d{{1,4}}[A-Za-z]?)?"
    rf"(?:,?\s+\d{{1,2}}\s*[ºª°oa]?(?:\s*[A-Za-z](?![\w]))?|,?\s+(?i:piso|puerta|bajo|esc\.?)\s*\w*)*{_TOWN}{{0,2}}|"
    rf"(?<![\w])(?i:p\.?\s?o\.?\s+box|postfach|apartado(?:\s+de\s+correos)?)\s+\d+")

# UK (SW1A 1AA), Canada (K1A 0B1), Netherlands (1234 AB), US ZIP after a state code or "ZIP".
_POSTAL = re.compile(
    r"(?<![\w])(?:[A-Z]{1,2}[0-9][A-Z0-9]?\s+[0-9][A-Z]{2}|[A-Z][0-9][A-Z]\s?[0-9][A-Z][0-9])(?![\w])|"
    r"(?<=\b[A-Z]{2}\s)\d{5}(?:-\d{4})?(?![\w])|"
    r"(?i:(?<=zip\s)|(?<=zip:\s)|(?<=postcode\s)|(?<=postcode:\s)|(?<=postal code\s)|(?<=plz\s))"
    r"[\w]{3,8}(?:\s\w{3})?")
_US_STATES = frozenset({
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY", "DC",
})
# 10115 Berlin, 75008 Paris: five digits then a capitalised place name
_POSTAL_CITY = re.compile(r"(?<![\w.,])\d{5}\s+(?=[A-Z][a-zà-ÿ]{2,})")

# record-like: a cue word then a reference, or any token with many digits
_RECORD_CUE = re.compile(
    r"(?<![\w])(?:mrn|mr\s?no|nhs(?:\s+(?:no|number))?|hospital\s+(?:no|number)|record(?:\s+(?:no|number))?|"
    r"accession(?:\s+(?:no|number))?|acc(?:ession)?\.?\s?(?:no|#)|chart(?:\s+(?:no|number))?|"
    r"case\s+(?:no|number)|patient\s+(?:id|no|number)|pid|ssn|social\s+security(?:\s+number)?|"
    r"insurance\s+(?:no|number)|policy\s+(?:no|number)|id|ref(?:erence)?(?:\s+(?:no|number))?)"
    r"\.?\s*(?:#|no\.?|number)?\s*[:=]?\s*(?P<value>[A-Z0-9][A-Z0-9\-/.]*[0-9][A-Z0-9\-/]*)",
    re.IGNORECASE)
_LONG_NUMBER = re.compile(r"(?<![\w.,])(?=[A-Z0-9\-/]*(?:[0-9][^0-9\s]*){6})[A-Z0-9][A-Z0-9\-/]*[A-Z0-9]"
                          r"(?![\w]|[.,]\d)", re.IGNORECASE)

def _spans(pattern: re.Pattern[str], text: str, kind: PhiKind, group: str | int = 0) -> Iterator[Span]:
    for match in pattern.finditer(text):
        start, end = match.span(group)
        if start >= 0 and end > start:
            yield Span(kind, start, end)


def _phones(text: str) -> Iterator[Span]:
    for match in _PHONE.finditer(text):
        digits = sum(ch.isdigit() for ch in match.group())
        cued = bool(_PHONE_CUE.search(text[max(0, match.start() - 24):match.start()]))
        if 7 <= digits <= 15 or (cued and digits >= 5):
            yield Span(PhiKind.PHONE, match.start(), match.end())


def _postal(text: str) -> Iterator[Span]:
    for match in _POSTAL.finditer(text):
        before = text[max(0, match.start() - 3):match.start()].strip()
        if match.group()[:1].isdigit() and before and before.upper() not in _US_STATES \
                and not re.search(r"(?i)(zip|postcode|postal code|plz):?\s*$", text[:match.start()]):
            continue
        yield Span(PhiKind.POSTAL_CODE, match.start(), match.end())
    for match in _POSTAL_CITY.finditer(text):
        yield Span(PhiKind.POSTAL_CODE, match.start(), match.end() - 1)


def _records(text: str) -> Iterator[Span]:
    yield from _spans(_RECORD_CUE, text, PhiKind.RECORD_NUMBER, "value")
    yield from _spans(_LONG_NUMBER, text, PhiKind.RECORD_NUMBER)


def _ages(text: str) -> Iterator[Span]:
    for match in _AGE.finditer(text):
        for group in ("a", "b", "c"):
            if match.group(group):
                yield Span(PhiKind.AGE, match.start(group), match.end(group))


def find_phi(text: str, *, times: bool = False) -> list[Span]:
    """Spans of ``text`` holding an identifier pattern (longest first wins; no overlaps).

    ``times`` is for text burned into images: it also finds times of day (a time next to a date
    dates the exam; in report text a time alone identifies no one) and leaves out names found
    through the name lists without a cue word (OCR fragments of a screen read as first names).
    """
    if not text:
        return []
    candidates: list[Span] = []
    candidates += _spans(_EMAIL, text, PhiKind.EMAIL)
    candidates += _spans(_URL, text, PhiKind.URL)
    candidates += [Span(PhiKind.DATE, start, end) for start, end in find_dates(text)]
    candidates += _spans(_ADDRESS, text, PhiKind.ADDRESS)
    candidates += _postal(text)
    candidates += _phones(text)
    candidates += _records(text)
    candidates += _ages(text)
    candidates += _spans(_SPELLED_EMAIL, text, PhiKind.EMAIL)
    candidates += [Span(PhiKind.PERSON, start, end) for start, end in cued_names(text)]
    candidates += [Span(PhiKind.PLACE, start, end) for start, end in cued_places(text)]
    if not times:  # name lists read OCR fragments of a screen ("Bee", "Ale") as first names
        candidates += [Span(PhiKind.PERSON, start, end) for start, end in find_people(text)]
    if times:
        candidates += _spans(_TIME, text, PhiKind.TIME)
    candidates = [c for c in candidates if c.kind not in _NUMERIC_KINDS
                  or not is_clinical_number(text, c.start, c.end)]
    return non_overlapping(candidates)


#: Kinds whose spans are numbers (a clinical value, stage, list or range is not one of them).
_NUMERIC_KINDS = frozenset({PhiKind.DATE, PhiKind.RECORD_NUMBER, PhiKind.POSTAL_CODE, PhiKind.PHONE})


def non_overlapping(spans: list[Span]) -> list[Span]:
    """Keep the longest of overlapping spans (earlier first on ties), sorted by position."""
    chosen: list[Span] = []
    taken = bytearray(max((s.end for s in spans), default=0))
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if any(taken[span.start:span.end]):
            continue
        chosen.append(span)
        taken[span.start:span.end] = b"\x01" * (span.end - span.start)
    return sorted(chosen, key=lambda s: s.start)
