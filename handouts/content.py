"""What a handout shows, already de-identified: the only input the PDF layer ever receives."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from takehome.annotations.model import Crop, Overlay, Window
from takehome.annotations.spacing import Spacing
from takehome.handouts.glossary import GlossaryEntry
from takehome.handouts.legend.orientation import Orientation


@dataclass(frozen=True, slots=True)
class HandoutImage:
    """One key image ready to print: display pixels, the visible region, shapes and their words.

    ``labels[i]`` is the printed text of ``overlays[i]`` (scrubbed, with a line's length added).
    """

    pixels: NDArray[np.uint8]
    crop: Crop | None
    overlays: tuple[Overlay, ...]
    labels: tuple[str, ...]
    caption: str
    excerpts: tuple[str, ...]
    spacing: Spacing | None = None
    #: Edge letters (L/R, A/P, H/F) from the header, and the plain sentence on how to read the view.
    orientation: Orientation | None = None
    reading: str = ""
    #: The window the grey pixels were printed with (None for colour).
    window: Window | None = None

    def __post_init__(self) -> None:
        if len(self.labels) != len(self.overlays):
            raise ValueError("labels: one label per overlay is required")
        if self.pixels.dtype != np.uint8 or self.pixels.ndim not in (2, 3):
            raise ValueError("pixels: expected uint8 rows x columns (x 3)")

    @property
    def region(self) -> tuple[int, int, int, int]:
        """The visible pixel region (x0, y0, x1, y1), whole pixels."""
        rows, columns = self.pixels.shape[:2]
        if self.crop is None:
            return 0, 0, columns, rows
        x0 = max(0, int(np.floor(self.crop.x)))
        y0 = max(0, int(np.floor(self.crop.y)))
        x1 = min(columns, int(np.ceil(self.crop.x + self.crop.width)))
        y1 = min(rows, int(np.ceil(self.crop.y + self.crop.height)))
        return x0, y0, max(x1, x0 + 1), max(y1, y0 + 1)


@dataclass(frozen=True, slots=True)
class HandoutContent:
    """The whole handout: a title, the key images in order, and the glossary words found."""

    title: str
    images: tuple[HandoutImage, ...]
    #: Glossary words found in the excerpts ("Words in your report"), and the handout's language.
    words: tuple[GlossaryEntry, ...] = ()
    language: str = "en"
