"""Finding burned-in text in an image and deciding which of it identifies someone.

OCR words (:mod:`takehome.handouts.deid.ocr`) are grouped into lines; a line's words are matched
against the header's identifiers (exactly and fuzzily, tolerating OCR misreads such as O/0, l/1,
S/5) and against identifier patterns (dates, times, phone numbers, record numbers, names after a
cue such as "Name:" or "Dr."). What the header says about the image (Burned In Annotation,
modality, ultrasound regions, SOP class) is extra evidence: it makes matching more tolerant where
text is expected, but detection always runs, whatever the header says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from pydicom.dataset import Dataset
from rapidfuzz.distance import Levenshtein

from takehome.handouts.deid.identifiers import Identifiers
from takehome.handouts.deid.ocr import Word, merge_words, read_words, suppress_texture, tophat
from takehome.handouts.deid.phi import REASONS, PhiKind
from takehome.handouts.deid.text import date_spellings, find_identifiers, fold

#: Modalities whose images are screens or photographs and often carry burned-in text.
TEXT_MODALITIES = frozenset({"US", "SC", "XC", "ES", "OT", "GM", "SM", "DOC", "IVUS", "OP", "OPT", "DG"})
#: SOP classes that are captures of screens or documents.
_CAPTURE_CLASS_PREFIXES = ("1.2.840.10008.5.1.4.1.1.7", "1.2.840.10008.5.1.4.1.1.104")

#: Words that introduce an identifier on screens; what follows on the line is redacted.
_CUES = re.compile(r"^(?:name|patient|pat|pt|pid|id|mrn|dob|birth|born|acc|accession|ref|referring|"
                   r"physician|dr|doctor|operator|sonographer|tech|institution|hospital|hosp|"
                   r"clinic|address|tel|phone|fax|email|ssn|nhs)[:.#]*$", re.IGNORECASE)

#: Word readings are folded so that common OCR confusions compare equal.
_CONFUSIONS = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l", "!": "l", "5": "s", "8": "b",
                             "2": "z", "6": "g", "9": "g", "q": "g", "4": "a", "7": "t", "u": "v"})

_LOOSE_DATE = re.compile(r"\d{1,4}\s?[-/.]\s?\d{1,2}\s?[-/.]\s?\d{1,4}")
_MIN_TEXT_CONFIDENCE = 60.0
_MIN_NOISE_CONFIDENCE = 30.0


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the header says about burned-in text (extra evidence, never the only one)."""

    burned_in: str = ""  # the Burned In Annotation value: "YES", "NO" or "" (absent)
    modality: str = ""
    capture_class: bool = False
    #: Ultrasound regions holding image data (x0, y0, x1, y1); text outside them is likely.
    imaging_regions: tuple[tuple[int, int, int, int], ...] = ()

    @classmethod
    def from_dataset(cls, ds: Dataset) -> Evidence:
        regions = []
        for region in ds.get("SequenceOfUltrasoundRegions") or []:
            try:
                box = (int(region.RegionLocationMinX0), int(region.RegionLocationMinY0),
                       int(region.RegionLocationMaxX1), int(region.RegionLocationMaxY1))
            except (AttributeError, TypeError, ValueError):
                continue
            if int(region.get("RegionSpatialFormat", 0) or 0) in (1, 2):  # 2D or M-mode tissue
                regions.append(box)
        return cls(
            burned_in=str(ds.get("BurnedInAnnotation", "") or "").upper(),
            modality=str(ds.get("Modality", "") or "").upper(),
            capture_class=str(ds.get("SOPClassUID", "")).startswith(_CAPTURE_CLASS_PREFIXES),
            imaging_regions=tuple(regions),
        )

    @property
    def text_expected(self) -> bool:
        """Whether this kind of image usually carries burned-in text."""
        return self.burned_in == "YES" or self.modality in TEXT_MODALITIES or self.capture_class

    def outside_imaging(self, word: Word) -> bool:
        """Whether ``word`` lies outside every ultrasound imaging region (when regions are known)."""
        if not self.imaging_regions:
            return False
        cx, cy = (word.x0 + word.x1) / 2, (word.y0 + word.y1) / 2
        return not any(x0 <= cx <= x1 and y0 <= cy <= y1 for x0, y0, x1, y1 in self.imaging_regions)

    def describe(self) -> str:
        """The evidence in words, for the review and the audit (no patient data)."""
        parts = [f"Burned In Annotation {self.burned_in or 'absent'}"]
        if self.modality:
            parts.append(f"modality {self.modality}")
        if self.capture_class:
            parts.append("screen/document capture")
        if self.imaging_regions:
            parts.append(f"{len(self.imaging_regions)} ultrasound imaging region(s)")
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class TextRegion:
    """A box of burned-in text (pixels, x0 y0 x1 y1), whether it identifies someone, and why."""

    x0: int
    y0: int
    x1: int
    y1: int
    identifying: bool
    reason: str
    confidence: float

    @property
    def area(self) -> int:
        return max(0, self.x1 - self.x0) * max(0, self.y1 - self.y0)


@dataclass(frozen=True, slots=True)
class _Target:
    folded: str  # OCR-folded alphanumerics
    kind: PhiKind


def _squash(text: str) -> str:
    """Alphanumerics only, lower case, OCR confusions folded."""
    return re.sub(r"[^0-9a-z]", "", fold(text)).translate(_CONFUSIONS)


def _targets(identifiers: Identifiers) -> list[_Target]:
    targets = [_Target(_squash(p), PhiKind.NAME) for p in identifiers.name_parts]
    targets += [_Target(_squash(i), PhiKind.ID) for i in identifiers.ids]
    for phrase in identifiers.phrases:
        targets.append(_Target(_squash(phrase), PhiKind.PHRASE))
        targets += [_Target(_squash(w), PhiKind.PHRASE) for w in re.findall(r"\w{4,}", phrase)]
    for date in identifiers.dates:
        targets += [_Target(_squash(s), PhiKind.DATE) for s in date_spellings(date)
                    if sum(c.isdigit() for c in s) >= 6]
    return [t for t in targets if t.folded]


def _similar(candidate: str, target: str, tolerant: bool) -> bool:
    """Equal, or within the edit distance OCR misreads make for a word of that length."""
    if candidate == target:
        return True
    length = len(target)
    if length >= 5 and target in candidate:  # glued to a neighbour or a misread label
        return True
    if length < 4:
        return False
    allowed = (1 if length < 8 else 2) + (1 if tolerant and length >= 10 else 0)
    if abs(len(candidate) - length) > allowed:
        return False
    return Levenshtein.distance(candidate, target, score_cutoff=allowed) <= allowed


def _fuzzy_kind(words: Sequence[Word], targets: Sequence[_Target], tolerant: bool) -> PhiKind | None:
    """The identifier kind the words (joined, any reading) fuzzily spell, if any."""
    options: list[str] = [""]
    for word in words:
        options = [o + _squash(r) for o in options for r in word.readings[:4]][:64]
    for candidate in options:
        if not candidate:
            continue
        for target in targets:
            if _similar(candidate, target.folded, tolerant):
                return target.kind
    return None


def group_lines(words: Iterable[Word]) -> list[list[Word]]:
    """Words on the same text line, left to right (same band, small horizontal gaps)."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.x0, w.y0)):
        for line in lines:
            last = line[-1]
            overlap = min(last.y1, word.y1) - max(last.y0, word.y0)
            height = max(last.height, word.height, 1)
            if overlap >= 0.5 * min(last.height, word.height) and word.x0 - last.x1 <= 1.6 * height:
                line.append(word)
                break
        else:
            lines.append([word])
    return sorted(lines, key=lambda ln: (ln[0].y0, ln[0].x0))


def _is_text(word: Word) -> bool:
    alnum = sum(ch.isalnum() for ch in word.text)
    return alnum >= 2 and word.confidence >= _MIN_TEXT_CONFIDENCE


def _plausible(word: Word) -> bool:
    """A word worth matching (not speckle read as punctuation)."""
    has_alnum = any(ch.isalnum() for ch in word.text)
    return has_alnum and (word.confidence >= _MIN_NOISE_CONFIDENCE or word.passes > 1)


def classify_line(line: Sequence[Word], identifiers: Identifiers, targets: Sequence[_Target],
                  evidence: Evidence) -> dict[int, PhiKind]:
    """Index of each identifying word in ``line`` and its kind."""
    found: dict[int, PhiKind] = {}
    tolerant = evidence.text_expected or any(evidence.outside_imaging(w) for w in line)
    usable = [i for i, w in enumerate(line) if _plausible(w) or (tolerant and w.text.strip())]
    # 1. exact header values and identifier patterns over the line text (every reading)
    for reading in range(max((len(w.readings) for w in line), default=0)):
        texts = [line[i].readings[min(reading, len(line[i].readings) - 1)] for i in usable]
        joined, starts = "", []
        for text in texts:
            starts.append(len(joined))
            joined += text + " "
        for removal in find_identifiers(joined, identifiers, patterns=True, times=True):
            for k, start in enumerate(starts):
                if start < removal.end and start + len(texts[k]) > removal.start:
                    found.setdefault(usable[k], removal.kind)
    # 2. fuzzy: single words and runs of up to three words against the header's identifiers
    for size in (1, 2, 3):
        for k in range(len(usable) - size + 1):
            run = [line[i] for i in usable[k:k + size]]
            if not all(_plausible(w) for w in run):  # OCR guesses in speckle are not evidence
                continue
            sure = min(w.confidence for w in run) >= _MIN_TEXT_CONFIDENCE
            kind = _fuzzy_kind(run, [t for t in targets if sure or len(t.folded) >= 6], tolerant)
            if kind is not None:
                for i in usable[k:k + size]:
                    found.setdefault(i, kind)
    # 3. long numbers (six digits or more) and loosely written dates are IDs and dates on screens
    for i in usable:
        for text in line[i].readings[:4]:
            digits = sum(ch.isdigit() for ch in text)
            if digits >= 6 and digits >= 0.5 * sum(ch.isalnum() for ch in text):
                found.setdefault(i, PhiKind.DATE if _LOOSE_DATE.search(text) else PhiKind.RECORD_NUMBER)
                break
    # 4. words next to a name that nearly spell another name part (OCR misread the rest)
    names = [t.folded for t in targets if t.kind is PhiKind.NAME and len(t.folded) >= 5]
    for i in list(found):
        if found[i] is not PhiKind.NAME:
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(line) and j not in found and any(
                    _near_name(_squash(r), n) for r in line[j].readings[:4] for n in names):
                found[j] = PhiKind.NAME
    # 5. a cue word ("Name:", "DOB", "ID") marks itself and the rest of its line
    for k, i in enumerate(usable):
        cue = line[i]
        if cue.confidence >= _MIN_TEXT_CONFIDENCE and _CUES.match(cue.text) \
                and (cue.text.endswith(":") or k + 1 < len(usable)):
            kind = PhiKind.RECORD_NUMBER if line[i].text.lower().startswith(
                ("id", "mrn", "acc", "pid", "nhs", "ssn")) else PhiKind.PERSON
            for j in usable[k:]:
                found.setdefault(j, kind)
    # 6. pieces OCR split off an identifier ("14:32" ":07", "PM", "RKS5 30 98Y") join it
    changed = True
    while changed:
        changed = False
        for index, word in enumerate(line):
            if index in found or not _fragment(word.text) or not _plausible(word):
                continue
            for neighbour in (index - 1, index + 1):
                if neighbour in found and _adjacent(line, min(index, neighbour), max(index, neighbour)) \
                        and word.height <= 1.5 * line[neighbour].height:
                    found[index] = found[neighbour]
                    changed = True
                    break
    return found


def _near_name(candidate: str, name: str) -> bool:
    """Nearly the name, or nearly its start or end (the rest of it glued to the next word)."""
    if len(candidate) < 3:
        return False
    if abs(len(candidate) - len(name)) <= 2 and Levenshtein.distance(candidate, name, score_cutoff=2) <= 2:
        return True
    size = len(candidate)
    return size < len(name) and any(Levenshtein.distance(candidate, part, score_cutoff=1) <= 1
                                    for part in (name[:size], name[-size:]))


def _fragment(text: str) -> bool:
    """A piece that is digits and punctuation (or AM/PM, or a short code) with no word in it."""
    bare = text.strip()
    if bare.lower().strip(".") in ("am", "pm", "a.m", "p.m"):
        return True
    letters = sum(ch.isalpha() for ch in bare)
    return bool(bare) and (letters == 0 or (any(ch.isdigit() for ch in bare) and letters <= 3))


def _adjacent(line: Sequence[Word], left: int, right: int) -> bool:
    return line[right].x0 - line[left].x1 <= 1.2 * max(line[left].height, line[right].height)


def _pad(x0: int, y0: int, x1: int, y1: int, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    pad = max(2, round(0.3 * (y1 - y0)))
    rows, columns = shape[:2]
    return max(0, x0 - pad), max(0, y0 - pad), min(columns, x1 + pad), min(rows, y1 + pad)


def classify_words(words: Sequence[Word], identifiers: Identifiers, evidence: Evidence,
                   shape: tuple[int, ...], ink: NDArray[np.bool_] | None = None) -> list[TextRegion]:
    """Text regions from OCR words: identifying runs (found in any pass), and the rest of the text.

    With ``ink`` (the text strokes of the image) identifying boxes grow over glued glyphs.
    """
    targets = _targets(identifiers)
    regions: list[TextRegion] = []
    for source in sorted({w.source for w in words}):
        for line in group_lines(w for w in words if w.source == source):
            found = classify_line(line, identifiers, targets, evidence)
            for run in _runs(sorted(found)):
                kinds = sorted({found[i].value for i in run})
                x0, y0 = min(line[i].x0 for i in run), min(line[i].y0 for i in run)
                x1, y1 = max(line[i].x1 for i in run), max(line[i].y1 for i in run)
                if ink is not None and {found[i] for i in run} & {PhiKind.NAME, PhiKind.PERSON}:
                    # glued name parts ("MOREAU^CAMILLE" read as "CAMILLE"), on the text's own band
                    height = int(np.median([line[i].height for i in run]))
                    middle = int(np.median([(line[i].y0 + line[i].y1) // 2 for i in run]))
                    x0, x1 = grow_to_ink(x0, middle - height // 2, x1, middle + (height + 1) // 2, ink)
                box = _pad(x0, y0, x1, y1, shape)
                regions.append(TextRegion(*box, identifying=True, reason=", ".join(kinds),
                                          confidence=min(line[i].confidence for i in run)))
    identifying = list(regions)
    layers = [[w for w in words if w.source == s] for s in sorted({w.source for w in words})]
    for line in group_lines(merge_words(layers)):
        rest = [w for w in line if _is_text(w) and not any(_inside(w, r) for r in identifying)]
        if rest:
            box = _pad(min(w.x0 for w in rest), min(w.y0 for w in rest), max(w.x1 for w in rest),
                       max(w.y1 for w in rest), shape)
            regions.append(TextRegion(*box, identifying=False, reason="text",
                                      confidence=min(w.confidence for w in rest)))
    return regions


def _inside(word: Word, region: TextRegion) -> bool:
    """Whether most of ``word`` lies in ``region``."""
    ix = min(word.x1, region.x1) - max(word.x0, region.x0)
    iy = min(word.y1, region.y1) - max(word.y0, region.y0)
    return ix > 0 and iy > 0 and ix * iy >= 0.5 * max(1, word.width * word.height)


def _runs(indices: Sequence[int]) -> list[list[int]]:
    """Consecutive indices grouped: words next to each other become one box."""
    runs: list[list[int]] = []
    for index in indices:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def detect_text(pixels: NDArray[np.uint8], identifiers: Identifiers,
                evidence: Evidence | None = None) -> list[TextRegion]:
    """Burned-in text regions of display pixels, each marked identifying or not (runs OCR)."""
    words = read_words(pixels)
    ink = np.maximum(suppress_texture(tophat(pixels, True)), suppress_texture(tophat(pixels, False))) > 0
    return classify_words(words, identifiers, evidence or Evidence(), pixels.shape, ink)


def grow_to_ink(x0: int, y0: int, x1: int, y1: int, ink: NDArray[np.bool_]) -> tuple[int, int]:
    """The word box's columns grown over glyphs glued to it (a word OCR read only in part).

    Growth stops at the first gap wider than 0.4 of the text height (about a space).
    """
    rows, columns = ink.shape
    band = ink[max(0, y0):min(rows, y1)]
    if band.size == 0:
        return x0, x1
    margin = max(1, round(0.3 * (y1 - y0)))
    above = ink[max(0, y0 - margin):max(0, y0)].mean(axis=0) > 0.5 if y0 > 0 else np.zeros(columns, bool)
    below = ink[min(rows, y1):min(rows, y1 + margin)].mean(axis=0) > 0.5 if y1 < rows \
        else np.zeros(columns, bool)
    # text has background above or below it; ink on both sides is texture, not a glued glyph
    profile: NDArray[np.bool_] = np.asarray(band.any(axis=0) & ~(above & below), dtype=bool)
    gap = max(2, round(0.4 * (y1 - y0)))
    reach = 8 * (y1 - y0)  # a glued word, not a line of texture
    left, right = max(0, x0 - reach), min(columns, x1 + reach)
    while x1 < right:
        ahead = np.flatnonzero(profile[x1:min(columns, x1 + gap)])
        if ahead.size == 0:
            break
        x1 = min(right, x1 + int(ahead[-1]) + 1)
    while x0 > left:
        behind = np.flatnonzero(profile[max(0, x0 - gap):x0])
        if behind.size == 0:
            break
        x0 = max(left, max(0, x0 - gap) + int(behind[0]))
    return x0, x1


def reason_words(reason: str) -> str:
    """Plain words for a region's reason (kinds joined by commas)."""
    if reason == "text":
        return "text with no identifier recognised"
    parts = []
    for kind in reason.split(", "):
        try:
            parts.append(REASONS[PhiKind(kind)])
        except ValueError:
            parts.append(kind)
    return "; ".join(parts)
