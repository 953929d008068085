"""Finding burned-in text in an image and deciding which of it must not be printed.

Text lines are found from the structure of text (:mod:`takehome.handouts.deid.lines`), each line is
read by OCR (:mod:`takehome.handouts.deid.ocr`), and its words are matched against the header's
identifiers (exactly and fuzzily, tolerating OCR misreads such as O/0, l/1, S/5), identifier patterns
(dates, times, phone and record numbers, names after a cue such as "Name:" or "Dr.") and institution
names. A line holding an identifier is filled whole, with a margin. On screen modalities the text
outside the ultrasound imaging area is furniture and goes too, unless it is a technical label
(:mod:`takehome.handouts.deid.screen`). A line that looks like text on a plain background but cannot
be read is covered (fail closed); unreadable structure in texture is anatomy and stays.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PIL import Image
from pydicom.dataset import Dataset
from rapidfuzz.distance import Levenshtein

from takehome.handouts.deid.identifiers import Identifiers
from takehome.handouts.deid.lines import TextLine, find_lines, stroke_maps
from takehome.handouts.deid.ocr import Word, read_lines
from takehome.handouts.deid.phi import REASONS, PhiKind
from takehome.handouts.deid.screen import imaging_regions, institution, technical
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
        return cls(
            burned_in=str(ds.get("BurnedInAnnotation", "") or "").upper(),
            modality=str(ds.get("Modality", "") or "").upper(),
            capture_class=str(ds.get("SOPClassUID", "")).startswith(_CAPTURE_CLASS_PREFIXES),
            imaging_regions=imaging_regions(ds),
        )

    @property
    def text_expected(self) -> bool:
        """Whether this kind of image usually carries burned-in text."""
        return self.burned_in == "YES" or self.modality in TEXT_MODALITIES or self.capture_class

    def outside_imaging(self, box: tuple[int, int, int, int]) -> bool:
        """Whether most of ``box`` lies outside every ultrasound imaging region (when regions are known)."""
        if not self.imaging_regions:
            return False
        x0, y0, x1, y1 = box
        area = max(1, (x1 - x0) * (y1 - y0))
        inside = max((max(0, min(x1, r[2]) - max(x0, r[0])) * max(0, min(y1, r[3]) - max(y0, r[1]))
                      for r in self.imaging_regions), default=0)
        return inside < 0.5 * area

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
    tolerant = evidence.text_expected
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


#: Reasons for removing text that holds no recognised identifier (shown to the clinician).
SCREEN_TEXT = "screen text"
UNREADABLE = "unreadable text"
_OTHER_REASONS = {
    "text": "text with no identifier recognised",
    SCREEN_TEXT: "screen text outside the imaging area (not a technical label)",
    UNREADABLE: "text-like marks that could not be read (covered to be safe)",
    "institution": "an institution or department name",
}
#: OCR pages are scaled so that characters are this tall (px): Tesseract reads screen fonts best so.
_PAGE_HEIGHT = 22
_PAGE_BORDER = 12
#: A second reading (from the plain pixels) is taken when the first one is less sure than this.
_SURE = 75.0
#: Unreadable marks in the image area count as text only from this character height (px) on.
_MIN_HEIGHT = 7
#: Unreadable marks count as text only on a clean background: at most this share of other strokes.
_CLEAN = 0.03
#: A line of this many glyphs or fewer is little stroke evidence: its reading must make a sure word.
_FEW_GLYPHS = 3
#: How sure a short line's word must be: OCR reads anatomy edges and test patterns as two or three
#: characters at up to 85 %, real two-character labels ("2D", "OB", "Dr", "AC") at 94 % and more.
_SURE_WORD = 90.0


def reason_words(reason: str) -> str:
    """Plain words for a region's reason (kinds joined by commas)."""
    parts = []
    for kind in reason.split(", "):
        if kind in _OTHER_REASONS:
            parts.append(_OTHER_REASONS[kind])
            continue
        try:
            parts.append(REASONS[PhiKind(kind)])
        except ValueError:
            parts.append(kind)
    return "; ".join(parts)


def _grey(pixels: NDArray[np.uint8]) -> NDArray[np.uint8]:
    if pixels.ndim == 2:
        return pixels
    return np.asarray(pixels.max(axis=2), dtype=np.uint8)


def _page(contrast: NDArray[np.uint8], line: TextLine, shape: tuple[int, ...],
          turn: float) -> tuple[Image.Image, tuple[int, int], float]:
    """One line as Tesseract reads it best: dark strokes on white, levelled, characters ~22 px tall."""
    x0, y0, x1, y1 = line.padded(shape, 0.2)
    crop = contrast[y0:y1, x0:x1].astype(np.float64)
    top = float(crop.max())
    floor = 0.3 * top
    ink = np.clip((crop - floor) * 255.0 / max(1.0, 0.8 * top - floor), 0, 255)
    page = Image.fromarray(np.subtract(255, ink).astype(np.uint8))
    scale = float(np.clip(_PAGE_HEIGHT / max(1.0, line.height), 1.0, 6.0))
    if scale > 1.0:
        page = page.resize((max(1, round(page.width * scale)), max(1, round(page.height * scale))),
                           Image.Resampling.BICUBIC)
    if turn:
        page = page.rotate(turn, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    framed = Image.new("L", (page.width + 2 * _PAGE_BORDER, page.height + 2 * _PAGE_BORDER), 255)
    framed.paste(page, (_PAGE_BORDER, _PAGE_BORDER))
    return framed, (x0, y0), scale


def _turns(line: TextLine) -> tuple[float, ...]:
    """Rotations (degrees, counter-clockwise) that make the line read left to right."""
    if line.angle == 0:
        return (0.0,)
    if abs(line.angle) == 90:
        return (-90.0, 90.0)
    return (-line.angle, 180.0 - line.angle)


def _to_image(words: tuple[Word, ...], line: TextLine, origin: tuple[int, int], scale: float,
              source: int) -> list[Word]:
    """Words of a line's page in image pixels (rotated lines: each word takes the line's box)."""
    if line.angle != 0:
        return [Word(line.x0, line.y0, line.x1, line.y1, w.readings, w.confidence, source=source)
                for w in words]
    x, y = origin
    return [Word(x + int((w.x0 - _PAGE_BORDER) / scale), y + int((w.y0 - _PAGE_BORDER) / scale),
                 x + math.ceil((w.x1 - _PAGE_BORDER) / scale), y + math.ceil((w.y1 - _PAGE_BORDER) / scale),
                 w.readings, w.confidence, source=source) for w in words]


def _confidence(words: Sequence[Word]) -> float:
    """How sure a reading is: the mean word confidence, weighted by letters and digits read."""
    weights = [sum(ch.isalnum() for ch in w.text) for w in words]
    if sum(weights) == 0:
        return 0.0
    return sum(w.confidence * k for w, k in zip(words, weights, strict=True)) / sum(weights)


@dataclass(frozen=True, slots=True)
class _Reading:
    """Every reading OCR made of one line (a list of words per page read)."""

    line: TextLine
    readings: tuple[tuple[Word, ...], ...]

    @property
    def confidence(self) -> float:
        return max((_confidence(r) for r in self.readings), default=0.0)

    def texts(self) -> list[str]:
        return [w.text for reading in self.readings for w in reading]

    def best(self) -> tuple[Word, ...]:
        return max(self.readings, key=_confidence, default=())


def read_text_lines(pixels: NDArray[np.uint8], lines: Sequence[TextLine],
                    maps: dict[bool, NDArray[np.uint8]]) -> list[_Reading]:
    """Read every line (``maps``: the stroke maps); lines read unsurely are read again from the pixels."""
    grey = _grey(pixels)
    plain = {True: grey, False: np.subtract(255, grey, dtype=np.uint8)}
    jobs: list[tuple[int, Image.Image, tuple[int, int], float]] = []
    for index, line in enumerate(lines):
        for turn in _turns(line):
            page, origin, scale = _page(maps[line.light], line, pixels.shape, turn)
            jobs.append((index, page, origin, scale))
    results = read_lines([page for _, page, _, _ in jobs])
    found: list[list[tuple[Word, ...]]] = [[] for _ in lines]
    for (index, _, origin, scale), words in zip(jobs, results, strict=True):
        found[index].append(tuple(_to_image(words, lines[index], origin, scale, len(found[index]))))
    for polarity in (True, False):  # the line's own polarity first, the other one if still unsure
        again = [i for i, line in enumerate(lines) if line.angle == 0
                 and max((_confidence(r) for r in found[i]), default=0.0) < _SURE]
        retry = [(i, _page(plain[lines[i].light == polarity], lines[i], pixels.shape, 0.0)) for i in again]
        for (i, (_, origin, scale)), words in zip(retry, read_lines([page for _, (page, _, _) in retry]),
                                                  strict=True):
            found[i].append(tuple(_to_image(words, lines[i], origin, scale, len(found[i]))))
    return [_Reading(line, tuple(readings)) for line, readings in zip(lines, found, strict=True)]


def _readable(reading: _Reading, evidence: Evidence) -> bool:
    best = reading.best()
    letters = sum(sum(ch.isalnum() for ch in w.text) for w in best)
    return letters >= 2 and _confidence(best) >= _MIN_TEXT_CONFIDENCE and _sure_word(reading, evidence)


def _sure_word(reading: _Reading, evidence: Evidence) -> bool:
    """Whether a line of few glyphs reads as a word, not as a chance reading of anatomy or a pattern.

    Two-character words must be sure; on images where text is expected (screens) a word of three
    characters or more is enough. Longer lines keep their reading (and fail closed when unreadable).
    """
    if reading.line.glyphs > _FEW_GLYPHS:
        return True
    for word in reading.best():
        size = sum(ch.isalnum() for ch in word.text)
        if size >= 2 and word.confidence >= _SURE_WORD:
            return True
        if size >= 3 and evidence.text_expected and word.confidence >= _MIN_TEXT_CONFIDENCE:
            return True
    return False


def judge(pixels: NDArray[np.uint8], reading: _Reading, identifiers: Identifiers, targets: Sequence[_Target],
          evidence: Evidence, maps: dict[bool, NDArray[np.uint8]]) -> TextRegion | None:
    """The region one read line becomes (identifying or not), or None when it is not text at all."""
    line = reading.line
    box = line.padded(pixels.shape)
    kinds: set[str] = set()
    for words in reading.readings:
        if words:
            kinds.update(kind.value for kind in classify_line(list(words), identifiers, targets,
                                                              evidence).values())
    texts = reading.texts()
    if not kinds and institution(texts, identifiers):
        kinds.add("institution")
    readable = _readable(reading, evidence)
    if kinds and (readable or reading.confidence >= _MIN_NOISE_CONFIDENCE):
        return TextRegion(*box, identifying=True, reason=", ".join(sorted(kinds)),
                          confidence=reading.confidence)
    furniture = evidence.text_expected and evidence.outside_imaging(line.box)
    if readable:
        if furniture and not technical(w.text for w in reading.best()):
            return TextRegion(*box, identifying=True, reason=SCREEN_TEXT, confidence=reading.confidence)
        return TextRegion(*box, identifying=False, reason="text", confidence=reading.confidence)
    if furniture or (line.glyphs >= 4 and line.height >= _MIN_HEIGHT and line.clutter <= _CLEAN):
        return TextRegion(*box, identifying=True, reason=UNREADABLE, confidence=reading.confidence)
    return None


def _worth_reading(line: TextLine, evidence: Evidence) -> bool:
    """Whether OCR should read the line: two glyphs in texture inside the image are speckle or anatomy."""
    if line.glyphs >= 3 or line.clutter <= _CLEAN:
        return True
    return evidence.text_expected and evidence.outside_imaging(line.box)


def detect_text(pixels: NDArray[np.uint8], identifiers: Identifiers,
                evidence: Evidence | None = None) -> list[TextRegion]:
    """Burned-in text regions of display pixels, each marked identifying (to fill) or not."""
    evidence = evidence or Evidence()
    maps = stroke_maps(pixels)
    lines = [line for line in find_lines(pixels, maps) if _worth_reading(line, evidence)]
    targets = _targets(identifiers)
    regions = []
    for reading in read_text_lines(pixels, lines, maps):
        region = judge(pixels, reading, identifiers, targets, evidence, maps)
        if region is not None:
            regions.append(region)
    return regions
