"""Reading burned-in text with Tesseract, in process (tesserocr): the model loads once per worker.

Two uses: :func:`read_lines` reads the candidate text lines :mod:`takehome.handouts.deid.lines`
found (one short single-line page each, in parallel on every core, cached by the crop's content so
that a cine's frames and a series' shared screen furniture are read once); :func:`read_words` sweeps
a whole image for any legible word (the check that a redacted image shows nothing any more).
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from takehome.handouts.deid.lines import strokes
from takehome.handouts.errors import DeidentificationError

if TYPE_CHECKING:
    import tesserocr

#: Where Debian and other distributions put Tesseract's models (``TESSDATA_PREFIX`` wins).
_TESSDATA = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
             "/usr/share/tessdata", "/usr/local/share/tessdata")
_CACHE_SIZE = 4096
#: Characters Tesseract may read on screens (no exotic symbols: they are speckle, not text).
_WHITELIST = ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
              ".,:;-_/\\()[]#%+*=<>'\"&@^|!?~ ")
#: Words less tall than this (image px) are not legible text (Tesseract guesses letters in speckle).
_LEGIBLE_HEIGHT = 5
#: Upscaled sweep pages stay below this many pixels.
_MAX_SWEEP_PIXELS = 8_000_000


@dataclass(frozen=True, slots=True)
class Word:
    """A word Tesseract read: its box (x0, y0, x1, y1, in the page it was read from) and readings."""

    x0: int
    y0: int
    x1: int
    y1: int
    readings: tuple[str, ...]
    confidence: float
    passes: int = 1
    source: int = 0  # which reading of the line (or sweep pass) it comes from

    @property
    def text(self) -> str:
        return self.readings[0]

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @property
    def width(self) -> int:
        return self.x1 - self.x0


def tessdata_dir() -> Path | None:
    """The folder holding Tesseract's English model, or None."""
    candidates = [os.environ["TESSDATA_PREFIX"]] if os.environ.get("TESSDATA_PREFIX") else []
    for folder in (*candidates, *_TESSDATA):
        if (Path(folder) / "eng.traineddata").is_file():
            return Path(folder)
    return None


def tesseract_available() -> bool:
    """Whether OCR can run: tesserocr installed and Tesseract's English model found."""
    try:
        import tesserocr  # noqa: F401
    except ImportError:
        return False
    return tessdata_dir() is not None


def _require_tesseract() -> Path:
    folder = tessdata_dir()
    if folder is None or not tesseract_available():
        raise DeidentificationError(
            "burned-in text cannot be checked: Tesseract OCR is not installed (Debian: apt-get install "
            "tesseract-ocr-eng; and pip install tesserocr; or set TESSDATA_PREFIX to the folder holding "
            "eng.traineddata). Install it, or build with --redact none to print the pixels unchecked "
            "(recorded in the audit log)")
    return folder


class _Engines(threading.local):
    """One Tesseract engine per thread and page layout (loading the model is the slow part)."""

    def __init__(self) -> None:
        self.apis: dict[int, tesserocr.PyTessBaseAPI] = {}


_ENGINES = _Engines()
_POOL_LOCK = threading.Lock()
_POOL: list[ThreadPoolExecutor] = []
_CACHE: OrderedDict[str, tuple[Word, ...]] = OrderedDict()
_CACHE_LOCK = threading.Lock()
#: Pages read earlier, by size: the same furniture on another frame is matched by content (cine).
_LAYOUT: dict[tuple[int, int, int], list[tuple[NDArray[np.uint8], tuple[Word, ...]]]] = {}
_LAYOUT_DEPTH = 16
#: Mean grey-level difference (0-255) below which two pages show the same text.
_SAME_PAGE = 3.0


def _engine(psm: int) -> tesserocr.PyTessBaseAPI:
    import tesserocr

    api = _ENGINES.apis.get(psm)
    if api is None:
        folder = _require_tesseract()
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one core per worker: the workers use them all
        try:
            api = tesserocr.PyTessBaseAPI(path=str(folder), lang="eng", psm=psm, oem=tesserocr.OEM.LSTM_ONLY)
        except RuntimeError as exc:
            raise DeidentificationError(
                f"burned-in text cannot be checked: Tesseract could not load its model from {folder} "
                f"({exc}); nothing was written") from None
        api.SetVariable("tessedit_char_whitelist", _WHITELIST)
        _ENGINES.apis[psm] = api
    return api


def _pool() -> ThreadPoolExecutor:
    """The OCR workers: one per core, kept for the life of the process (models stay loaded)."""
    with _POOL_LOCK:
        if not _POOL:
            _POOL.append(ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1),
                                            thread_name_prefix="takehome-ocr"))
        return _POOL[0]


def _recognise(page: Image.Image, psm: int) -> tuple[Word, ...]:
    """Every word Tesseract reads on ``page`` (boxes in page pixels)."""
    import tesserocr

    api = _engine(psm)
    api.SetImage(page)
    api.Recognize()
    words = []
    iterator = api.GetIterator()
    level = tesserocr.RIL.WORD
    if iterator is not None:
        for item in tesserocr.iterate_level(iterator, level):
            if item.Empty(level):
                continue
            text = (item.GetUTF8Text(level) or "").strip()
            box = item.BoundingBox(level)
            if text and box is not None:
                x0, y0, x1, y1 = box
                words.append(Word(x0, y0, x1, y1, (text,), float(item.Confidence(level))))
    api.Clear()
    return tuple(words)


def _similar_page(page: NDArray[np.uint8], size: tuple[int, int, int]) -> tuple[Word, ...] | None:
    """The reading of an earlier page of the same size that differs from ``page`` only by noise.

    A cine's frames (and a series' screens) repeat their furniture, but lossy compression makes the
    pixels differ slightly from frame to frame: a mean difference below a few grey levels is the same text.
    """
    for earlier, words in reversed(_LAYOUT.get(size, ())):
        if float(np.abs(earlier.astype(np.int16) - page).mean()) <= _SAME_PAGE:
            return words
    return None


def _cached_recognise(page: Image.Image, psm: int) -> tuple[Word, ...]:
    digest = hashlib.blake2b(page.tobytes() + repr((page.size, page.mode, psm)).encode(),
                             digest_size=20).hexdigest()
    pixels = np.asarray(page.convert("L"), dtype=np.uint8)
    size = (page.width, page.height, psm)
    with _CACHE_LOCK:
        if digest in _CACHE:
            _CACHE.move_to_end(digest)
            return _CACHE[digest]
        similar = _similar_page(pixels, size)
        if similar is not None:
            return similar
    words = _recognise(page, psm)
    with _CACHE_LOCK:
        _CACHE[digest] = words
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
        pages = _LAYOUT.setdefault(size, [])
        pages.append((pixels, words))
        del pages[:-_LAYOUT_DEPTH]
    return words


def forget_readings() -> None:
    """Empty the reading cache (benchmarks time cold checks)."""
    with _CACHE_LOCK:
        _CACHE.clear()
        _LAYOUT.clear()


def read_lines(pages: Sequence[Image.Image]) -> list[tuple[Word, ...]]:
    """The words of each single-line page (dark text on white), read in parallel and cached."""
    import tesserocr

    _require_tesseract()
    if not pages:
        return []
    psm = int(tesserocr.PSM.SINGLE_LINE)
    try:
        return list(_pool().map(lambda page: _cached_recognise(page, psm), pages))
    except DeidentificationError:
        raise
    except Exception as exc:  # fail closed: text that could not be read is never printed unchecked
        raise DeidentificationError(
            f"burned-in text could not be checked: Tesseract failed ({type(exc).__name__}); "
            "nothing was written") from None


def sweep_page(pixels: NDArray[np.uint8], light: bool, scale: float) -> tuple[Image.Image, float]:
    """A whole image as Tesseract reads it best: strokes of one polarity, dark on white, upscaled."""
    contrast = np.clip(strokes(pixels, light).astype(np.int16) * 2, 0, 255).astype(np.uint8)
    rows, columns = contrast.shape
    scale = max(1.0, min(scale, math.sqrt(_MAX_SWEEP_PIXELS / max(1, rows * columns))))
    page = Image.fromarray(np.subtract(255, contrast, dtype=np.uint8))
    if scale > 1.0:
        page = page.resize((round(columns * scale), round(rows * scale)), Image.Resampling.BICUBIC)
    return page, scale


def read_words(pixels: NDArray[np.uint8], scale: float = 3.0) -> tuple[Word, ...]:
    """Every word legible anywhere in ``pixels`` (both polarities, upscaled; boxes in image pixels).

    The independent check of a redacted image: sparse-text page layout over the whole image.
    """
    import tesserocr

    _require_tesseract()
    psm = int(tesserocr.PSM.SPARSE_TEXT)
    pages = [sweep_page(pixels, light, scale) for light in (True, False)]
    results = list(_pool().map(lambda item: _cached_recognise(item[0], psm), pages))
    words = []
    for source, ((_, used), found) in enumerate(zip(pages, results, strict=True)):
        for w in found:
            if (w.y1 - w.y0) / used < _LEGIBLE_HEIGHT:  # speckle read as letters: too small to be legible
                continue
            words.append(Word(math.floor(w.x0 / used), math.floor(w.y0 / used), math.ceil(w.x1 / used),
                              math.ceil(w.y1 / used), w.readings, w.confidence, source=source))
    return tuple(sorted(words, key=lambda w: (w.y0, w.x0)))


def read_page(page: Image.Image) -> tuple[Word, ...]:
    """Every word Tesseract reads on a rendered page (automatic page layout; boxes in page pixels)."""
    import tesserocr

    _require_tesseract()
    return _cached_recognise(page.convert("L"), int(tesserocr.PSM.AUTO))
