"""Embedding a key image at print resolution: cropped, resampled, JPEG or Flate as suits it."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray
from PIL import Image
from reportlab import rl_config
from reportlab.lib.utils import ImageReader

# Binary image streams: ASCII85 would make every image 25% larger and is slow in pure Python.
rl_config.useA85 = 0

PRINT_DPI = 300
JPEG_QUALITY = 90
#: Images with at most this many distinct colours (screens, diagrams) compress losslessly.
_FLATE_MAX_COLOURS = 64


class Encoding(StrEnum):
    """How the pixels are compressed inside the PDF (the PDF filter names)."""

    JPEG = "DCTDecode"
    FLATE = "FlateDecode"


@dataclass(frozen=True, slots=True)
class EmbeddedImage:
    """How an image was embedded: its filter and pixel size (facts only, no pixels)."""

    encoding: Encoding
    width_px: int
    height_px: int


def choose_encoding(pixels: NDArray[np.uint8]) -> Encoding:
    """Flate for images with few colours (sharp text and flat areas), JPEG for photographic ones."""
    image = Image.fromarray(np.ascontiguousarray(pixels))
    # getcolors gives up (None) past the limit, so this stays fast on photographic images
    few = image.getcolors(maxcolors=_FLATE_MAX_COLOURS) is not None
    return Encoding.FLATE if few else Encoding.JPEG


def prepare_image(pixels: NDArray[np.uint8], region: tuple[int, int, int, int],
                  width_pt: float, height_pt: float, dpi: int = PRINT_DPI,
                  ) -> tuple[ImageReader, EmbeddedImage]:
    """Cut ``region`` out of ``pixels``, shrink it to ``dpi`` at the printed size, encode it once.

    The reader is for one ``drawImage`` and must not be kept: reportlab caches decoded pixels in it."""
    x0, y0, x1, y1 = region
    part = np.ascontiguousarray(pixels[y0:y1, x0:x1])
    image = Image.fromarray(part, mode="RGB" if part.ndim == 3 else "L")
    target_w = max(1, math.ceil(width_pt / 72 * dpi))
    target_h = max(1, math.ceil(height_pt / 72 * dpi))
    if image.width > target_w * 1.05 or image.height > target_h * 1.05:
        image = image.resize((min(image.width, target_w), min(image.height, target_h)),
                             Image.Resampling.LANCZOS)
    encoding = choose_encoding(part)
    facts = EmbeddedImage(encoding, image.width, image.height)
    if encoding is Encoding.FLATE:
        return ImageReader(image), facts  # reportlab deflates the pixels itself: encoded once
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    buffer.seek(0)
    return ImageReader(buffer), facts  # the JPEG goes into the PDF as it is
