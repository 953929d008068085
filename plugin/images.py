"""Images of the open study for display: datasets read once (small LRU cache), rendered by the core.

The panel and the PDF use the same pipeline (``takehome.handouts.display.render``), so what the
clinician sees on the canvas is what the patient gets on paper.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from pydicom.dataset import Dataset

from takehome.annotations.model import KeyImage, Point, Window
from takehome.annotations.spacing import Spacing, spacing_for
from takehome.handouts.display import DisplayImage, frame_count, render
from takehome.handouts.errors import InputError
from takehome.handouts.source import read_dataset
from takehome.plugin.host import ImageRef


@dataclass(frozen=True, slots=True)
class ShownImage:
    """An image ready for the canvas: its reference, pixels, the window used, and the pixel size."""

    ref: ImageRef
    display: DisplayImage
    spacing: Spacing | None
    modality: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.ref.sop_instance_uid, self.ref.frame)

    @property
    def is_color(self) -> bool:
        return self.display.is_color


class ImageLibrary:
    """Reads and renders the study's images; keeps the last ``capacity`` datasets in memory."""

    def __init__(self, capacity: int = 24) -> None:
        self._capacity = capacity
        self._datasets: OrderedDict[str, Dataset] = OrderedDict()

    def dataset(self, file: str) -> Dataset:
        """The dataset of ``file`` (InputError with a clear message when it cannot be read)."""
        ds = self._datasets.get(file)
        if ds is None:
            ds = read_dataset(file)
            self._datasets[file] = ds
            while len(self._datasets) > self._capacity:
                self._datasets.popitem(last=False)
        else:
            self._datasets.move_to_end(file)
        return ds

    def show(self, ref: ImageRef, window: Window | None = None) -> ShownImage:
        """Render ``ref`` with ``window`` (None: the header's window)."""
        ds = self.dataset(ref.file)
        frames = frame_count(ds)
        if not 1 <= ref.frame <= frames:
            raise InputError(f"{ref.file}: frame {ref.frame} does not exist (the image has {frames})")
        display = render(ds, ref.frame, window, path=ref.file)
        return ShownImage(ref, display, spacing_for(ds, ref.frame), str(ds.get("Modality", "") or ""))

    def spacing(self, ref: ImageRef, points: tuple[Point, ...] = ()) -> Spacing | None:
        return spacing_for(self.dataset(ref.file), ref.frame, points)

    def key_image(self, ref: ImageRef) -> KeyImage:
        """A fresh key image (no overlays) for ``ref``."""
        ds = self.dataset(ref.file)
        return KeyImage(sop_instance_uid=ref.sop_instance_uid, file=ref.file, rows=int(ds.Rows),
                        columns=int(ds.Columns), frame=ref.frame)

    def study_uid(self, ref: ImageRef) -> str | None:
        value = self.dataset(ref.file).get("StudyInstanceUID")
        return str(value) if value else None
