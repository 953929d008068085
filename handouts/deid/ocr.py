"""Reading text burned into image pixels with Tesseract, tuned for small screen fonts.

Screens (ultrasound, secondary captures, endoscopy) print small light text on dark or coloured
backgrounds. Tesseract reads dark text on a light page best, so each pass isolates thin strokes
with a morphological top-hat per colour channel (light-on-dark and dark-on-light separately),
upscales, inverts and thresholds. Several passes at different scales run in parallel; their words
are merged, keeping every reading of a box (OCR misreads differ between passes).
"""

from __future__ import annotations

import hashlib
import math
import os
import shutil
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from threading import Lock

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageFilter

from takehome.handouts.errors import DeidentificationError

#: Upscaled images stay below this many pixels (large radiographs need no upscaling anyway).
_MAX_PIXELS = 6_000_000
#: Structuring element (px) of the top-hat: strokes thinner than this are kept as text.
_TOPHAT = 7
_TESSERACT_CONFIG = "--psm 11 --oem 1"
_CACHE_SIZE = 32
#: Neighbourhood (radius, px) where texture is measured; this full of strokes is noise, not text.
_DENSITY_RADIUS = 7
_TEXTURE_SHARE = 0.5
#: Stroke contrast (after doubling) below which a pixel is background: faint texture is not text.
_FAINT = 70
#: Larger images (radiographs, full-screen captures) carry larger, high-contrast text and more
#: texture: their strokes must be stronger to count (keeps OCR of a 2048x2048 radiograph ~6 s).
_LARGE_IMAGE = 1_200_000
_FAINT_LARGE = 100
#: Seconds one Tesseract pass may take before the check fails closed.
PASS_TIMEOUT = 120


@dataclass(frozen=True, slots=True)
class Pass:
    """One way of preparing the image for Tesseract."""

    scale: float
    light_text: bool  # True: light text on a darker background


DEFAULT_PASSES = (Pass(3.0, True), Pass(3.0, False))
#: Images at most this wide (px) carry the smallest screen fonts: one more pass, larger.
SMALL_IMAGE = 480
SMALL_PASS = Pass(5.0, True)


def passes_for(shape: tuple[int, ...]) -> tuple[Pass, ...]:
    """The passes an image of ``shape`` needs: both polarities, and a larger scale for small screens."""
    return DEFAULT_PASSES + ((SMALL_PASS,) if shape[1] <= SMALL_IMAGE else ())


@dataclass(frozen=True, slots=True)
class Word:
    """A word Tesseract found: its box in image pixels (x0, y0, x1, y1) and every reading of it."""

    x0: int
    y0: int
    x1: int
    y1: int
    readings: tuple[str, ...]
    confidence: float
    passes: int = 1
    source: int = 0  # which pass read it

    @property
    def text(self) -> str:
        return self.readings[0]

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    def overlap(self, other: Word) -> float:
        """Intersection over the smaller box's area."""
        ix = min(self.x1, other.x1) - max(self.x0, other.x0)
        iy = min(self.y1, other.y1) - max(self.y0, other.y0)
        if ix <= 0 or iy <= 0:
            return 0.0
        smaller = min(self.width * self.height, other.width * other.height)
        return ix * iy / max(1, smaller)


@dataclass
class _Cache:
    entries: OrderedDict[str, tuple[Word, ...]] = field(default_factory=OrderedDict)
    lock: Lock = field(default_factory=Lock)


_CACHE = _Cache()


def tesseract_available() -> bool:
    """Whether the Tesseract program can be run (pytesseract and the binary both present)."""
    try:
        import pytesseract
    except ImportError:
        return False
    command = pytesseract.pytesseract.tesseract_cmd
    return shutil.which(command) is not None or os.path.isfile(command)


def _require_tesseract() -> None:
    if not tesseract_available():
        raise DeidentificationError(
            "burned-in text cannot be checked: the Tesseract OCR program is not installed "
            "(Debian: apt-get install tesseract-ocr tesseract-ocr-eng; and pip install pytesseract). "
            "Install it, or build with --redact none to print the pixels unchecked (recorded in the "
            "audit log)")


def _channels(pixels: NDArray[np.uint8]) -> list[NDArray[np.uint8]]:
    if pixels.ndim == 2:
        return [pixels]
    return [np.ascontiguousarray(pixels[..., c]) for c in range(pixels.shape[2])]


def tophat(pixels: NDArray[np.uint8], light_text: bool, size: int = _TOPHAT) -> NDArray[np.uint8]:
    """Thin strokes brighter (or darker) than their surroundings, the strongest over colour channels."""
    strongest = np.zeros(pixels.shape[:2], dtype=np.int16)
    for channel in _channels(pixels):
        image = Image.fromarray(channel)
        if light_text:  # white top-hat: image minus its opening
            opened = image.filter(ImageFilter.MinFilter(size)).filter(ImageFilter.MaxFilter(size))
            strokes = channel.astype(np.int16) - np.asarray(opened, dtype=np.int16)
        else:  # black top-hat: closing minus image
            closed = image.filter(ImageFilter.MaxFilter(size)).filter(ImageFilter.MinFilter(size))
            strokes = np.asarray(closed, dtype=np.int16) - channel.astype(np.int16)
        np.maximum(strongest, strokes, out=strongest)
    return np.clip(strongest * 2, 0, 255).astype(np.uint8)


def suppress_texture(strokes: NDArray[np.uint8], faint: int | None = None) -> NDArray[np.uint8]:
    """``strokes`` with faint strokes and dense texture (speckle, noise, busy anatomy) blanked.

    Text is sparse strokes on a background: where more than a share of a pixel's neighbourhood is
    strokes, it is texture, which holds no legible text and makes Tesseract slow and noisy.
    """
    if faint is None:
        faint = _FAINT_LARGE if strokes.size > _LARGE_IMAGE else _FAINT
    out = np.where(strokes >= faint, strokes, 0).astype(np.uint8)
    ink = Image.fromarray(np.where(out > 0, 255, 0).astype(np.uint8))
    density = np.asarray(ink.filter(ImageFilter.BoxBlur(_DENSITY_RADIUS)), dtype=np.float64) / 255.0
    out[density > _TEXTURE_SHARE] = 0
    return out


def preprocess(pixels: NDArray[np.uint8], step: Pass) -> tuple[Image.Image, float]:
    """The page Tesseract reads for one pass (dark text on white) and the scale used."""
    strokes = suppress_texture(tophat(pixels, step.light_text))
    rows, columns = strokes.shape
    scale = min(step.scale, math.sqrt(_MAX_PIXELS / max(1, rows * columns)))
    scale = max(scale, 1.0)
    image = Image.fromarray(np.subtract(255, strokes, dtype=np.uint8))
    if scale > 1.0:
        image = image.resize((round(columns * scale), round(rows * scale)), Image.Resampling.BICUBIC)
    return image, scale


def _run_pass(pixels: NDArray[np.uint8], step: Pass, source: int = 0) -> list[Word]:
    import pytesseract

    image, scale = preprocess(pixels, step)
    try:
        data = pytesseract.image_to_data(image, lang="eng", config=_TESSERACT_CONFIG,
                                         output_type=pytesseract.Output.DICT, timeout=PASS_TIMEOUT)
    except RuntimeError as exc:  # pytesseract's timeout
        raise DeidentificationError(
            f"burned-in text could not be checked: OCR took longer than {PASS_TIMEOUT} s on an image "
            f"of {pixels.shape[1]}x{pixels.shape[0]} px; nothing was written") from exc
    except (pytesseract.TesseractError, OSError) as exc:
        raise DeidentificationError(
            f"burned-in text could not be checked: Tesseract failed ({type(exc).__name__}); "
            "nothing was written") from None
    words = []
    for index, text in enumerate(data["text"]):
        text = text.strip()
        if not text:
            continue
        left, top = data["left"][index] / scale, data["top"][index] / scale
        width, height = data["width"][index] / scale, data["height"][index] / scale
        words.append(Word(math.floor(left), math.floor(top), math.ceil(left + width),
                          math.ceil(top + height), (text,), float(data["conf"][index]), source=source))
    return words


def merge_words(passes: Sequence[Sequence[Word]]) -> tuple[Word, ...]:
    """One word per box over all passes, with every distinct reading (best-confidence first)."""
    merged: list[Word] = []
    for words in passes:
        for word in words:
            for index, known in enumerate(merged):
                if known.overlap(word) >= 0.6:
                    readings = tuple(dict.fromkeys(
                        (known.readings + word.readings) if known.confidence >= word.confidence
                        else (word.readings + known.readings)))
                    merged[index] = Word(min(known.x0, word.x0), min(known.y0, word.y0),
                                         max(known.x1, word.x1), max(known.y1, word.y1), readings,
                                         max(known.confidence, word.confidence), known.passes + 1)
                    break
            else:
                merged.append(word)
    return tuple(sorted(merged, key=lambda w: (w.y0, w.x0)))


def read_words(pixels: NDArray[np.uint8], passes: Sequence[Pass] | None = None) -> tuple[Word, ...]:
    """Every word each pass reads in ``pixels`` (``Word.source`` says which; cached by content).

    Passes are kept apart: each is one consistent reading of the image (its words never overlap);
    :func:`merge_words` joins them where one box per place is wanted.
    """
    _require_tesseract()
    passes = passes_for(pixels.shape) if passes is None else tuple(passes)
    digest = hashlib.sha256(pixels.tobytes() + repr((pixels.shape, tuple(passes))).encode()).hexdigest()
    with _CACHE.lock:
        if digest in _CACHE.entries:
            _CACHE.entries.move_to_end(digest)
            return _CACHE.entries[digest]
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # parallel passes, not threads within one
    with ThreadPoolExecutor(max_workers=max(1, min(len(passes), os.cpu_count() or 1))) as pool:
        results = list(pool.map(lambda item: _run_pass(pixels, item[1], item[0]), enumerate(passes)))
    words = tuple(sorted((w for result in results for w in result), key=lambda w: (w.source, w.y0, w.x0)))
    with _CACHE.lock:
        _CACHE.entries[digest] = words
        while len(_CACHE.entries) > _CACHE_SIZE:
            _CACHE.entries.popitem(last=False)
    return words
