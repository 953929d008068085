"""Screens are furniture plus an image: what screen text may stay, and where the image is.

On screen modalities (ultrasound, captures, endoscopy) the text outside the imaging area is the
device's furniture: patient banner, institution, operator, clock. It is removed by default, except
technical labels on a small allow-list (acoustic output, probe, depth, gain, frequency, frame rate,
modes, measurements and their units, a few anatomy and orientation words). Institution names and
their abbreviations are recognised wherever they appear, also when the header does not name them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydicom.dataset import Dataset

from takehome.annotations.model import Crop
from takehome.handouts.deid.identifiers import Identifiers
from takehome.handouts.deid.text import fold


def _words(text: str) -> frozenset[str]:
    """The words of a whitespace-separated list."""
    return frozenset(text.split())


#: Technical screen labels (whole tokens, case-insensitive): safety indices, modes, settings.
_TECHNICAL_WORDS = _words("""
mi tis tib tic tib/tis ti 2d 3d 4d thi pw cw cf cfm pd pdi mmode m-mode b-mode bmode color colour doppler
depth gain gn g dr dyn dynamic freq frequency frq res gen pen persist per pers map fr fps hz khz mhz db
cm mm m s ms sec mps cm/s m/s bpm prf wf wall filter sv angle zoom focus foc lvl level ac ac% asc sri
cri xbeam speckle spk hd harm harmonic cine frame fr/s tgc power pwr dist area vol vel hr rr
abd obs ob gyn card vasc msk sm parts small thy thyroid renal liver kidney rt lt left right sag trans
transverse long longitudinal ax axial cor coronal prox mid dist distal node lymph gb cbd spleen pancreas
bladder uterus ovary testis aorta ivc carotid cca ica eca jugular breast neck heart general
lv rv la ra mv tv av pv ant post sup inf med lat upper lower lobe pole
""")
#: A probe name (C5-1, L12-5, 6C1, 9L4, S5-1, EC9-5), a measurement or a number with a unit.
_TECHNICAL_TOKEN = re.compile(
    r"^(?:[a-z]{1,3}\d{1,2}(?:-\d{1,2})?[a-z]{0,2}|\d{1,2}[a-z]{1,2}\d{0,2}|"
    r"[a-z]{0,2}[-+*]?\d+(?:[.,]\d+)?(?:%|cm|mm|hz|khz|mhz|db|fps|s|ms|bpm|cm/s|m/s|x)?|"
    r"\d+(?:/\d+)+|[a-z]{1,4}\d{1,3}|\d{1,3}[a-z]{1,4}|[a-z]{1,2}-[a-z]{1,2})$")
_AS_DIGITS = str.maketrans({"i": "1", "l": "1", "|": "1", "o": "0"})
_TOKEN = re.compile(r"[\w%./*+-]+")
#: Words that make a line an institution or department name (any language written in Latin letters).
_INSTITUTION_WORDS = _words("""
hospital hosp hospitals hopital krankenhaus ziekenhuis ospedale clinic clinics clinique klinik kliniken
klinikum clinica infirmary medical med ctr center centre centro healthcare health university univ
universitat universite institute institut dept department dep radiology radiologie imaging practice
surgery trust nhs foundation memorial baptist methodist presbyterian general regional royal saint st
""")
#: Of these, the words that never stand alone as a technical or anatomy label.
_INSTITUTION_SURE = _INSTITUTION_WORDS - {"general", "med", "st", "saint", "royal", "regional", "health",
                                          "imaging", "surgery", "practice", "dep", "foundation"}
_SMALL_WORDS = frozenset({"of", "the", "and", "des", "de", "du", "la", "le", "les", "der", "die", "das",
                          "für", "fur", "van", "von", "y", "et", "und"})


def imaging_regions(ds: Dataset) -> tuple[tuple[int, int, int, int], ...]:
    """The ultrasound regions holding image data (x0, y0, x1, y1, exclusive ends), from the header."""
    regions = []
    for region in ds.get("SequenceOfUltrasoundRegions") or []:
        try:
            box = (int(region.RegionLocationMinX0), int(region.RegionLocationMinY0),
                   int(region.RegionLocationMaxX1) + 1, int(region.RegionLocationMaxY1) + 1)
        except (AttributeError, TypeError, ValueError):
            continue
        if box[2] > box[0] and box[3] > box[1]:
            regions.append(box)
    return tuple(regions)


def imaging_bounds(ds: Dataset, shape: tuple[int, ...]) -> tuple[int, int, int, int] | None:
    """The box around every ultrasound imaging region, clipped to an image of ``shape``, or None."""
    regions = imaging_regions(ds)
    if not regions:
        return None
    rows, columns = shape[:2]
    x0, y0 = max(0, min(r[0] for r in regions)), max(0, min(r[1] for r in regions))
    x1, y1 = min(columns, max(r[2] for r in regions)), min(rows, max(r[3] for r in regions))
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def imaging_crop(ds: Dataset, shape: tuple[int, ...]) -> Crop | None:
    """The crop that prints only the imaging area of an ultrasound screen (None: no regions in the header)."""
    bounds = imaging_bounds(ds, shape)
    if bounds is None:
        return None
    x0, y0, x1, y1 = bounds
    return Crop(x0, y0, x1 - x0, y1 - y0)


def tokens(text: str) -> list[str]:
    """The folded word tokens of a line's text."""
    return _TOKEN.findall(fold(text))


def _allowed(token: str) -> bool:
    if token in _TECHNICAL_WORDS or _TECHNICAL_TOKEN.match(token):
        return True
    if token[:1] in "hm" and token[1:] in _TECHNICAL_WORDS:  # harmonic/multi variants: HGen, HPen, MRes
        return True
    digits = token.translate(_AS_DIGITS)  # OCR read 11cm as "iicm", 0.5 as "o.5"
    return digits != token and any(ch.isdigit() for ch in digits) and bool(_TECHNICAL_TOKEN.match(digits))


def technical(texts: Iterable[str]) -> bool:
    """Whether every token of the line is a technical label, a number or a measurement (allow-list)."""
    found = [t.strip(".,:;") for text in texts for t in tokens(text)]
    found = [t for t in found if t]
    return bool(found) and all(_allowed(t) for t in found)


def _acronyms(identifiers: Identifiers) -> set[str]:
    """Initials of the header's institution-like phrases ("Mercy Valley Hospital" -> "mvh")."""
    found = set()
    for phrase in identifiers.phrases:
        words = [w for w in re.findall(r"[a-z]+", fold(phrase)) if w not in _SMALL_WORDS]
        if len(words) >= 2:
            found.add("".join(w[0] for w in words))
    return {a for a in found if len(a) >= 3}


def institution(texts: Iterable[str], identifiers: Identifiers) -> bool:
    """Whether the line names an institution or department (a name word, or the header's initials)."""
    found = [t.strip(".,:;").replace(".", "") for text in texts for t in tokens(text)]
    if any(t in _INSTITUTION_SURE for t in found):
        return True
    acronyms = _acronyms(identifiers)
    return any(t in acronyms for t in found) or sum(t in _INSTITUTION_WORDS for t in found) >= 2
