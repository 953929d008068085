"""Images of the open study for display: datasets read once and rendered images kept (LRU caches).

The panel and the PDF use the same pipeline (``takehome.handouts.display``), so what the clinician
sees on the canvas is what the patient gets on paper. A grey image is decoded once to its modality
values (kept), and each window is rendered from those; napari shows the values themselves. The library
is shared by the viewer and the panel and is safe to use from the read-ahead worker: an image decoded
ahead is shown at once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from pydicom.dataset import Dataset

from takehome.annotations.model import KeyImage, Point, Window
from takehome.annotations.spacing import Spacing, spacing_for
from takehome.handouts.display import DisplayImage, GreyValues, frame_count, grey_values, render, render_grey
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


RenderKey = tuple[str, int, Window | None]
ValuesKey = tuple[str, int]


class ImageLibrary:
    """Reads and renders the study's images; keeps the last ``capacity`` datasets and the last
    ``rendered`` images and the modality values of the last ``values`` grey images in memory
    (thread-safe)."""

    def __init__(self, capacity: int = 24, rendered: int = 160, values: int = 96) -> None:
        self._capacity = capacity
        self._rendered_capacity = rendered
        self._values_capacity = values
        self._datasets: OrderedDict[str, Dataset] = OrderedDict()
        self._rendered: OrderedDict[RenderKey, ShownImage] = OrderedDict()
        self._values: OrderedDict[ValuesKey, GreyValues | None] = OrderedDict()
        self._lock = threading.Lock()

    def dataset(self, file: str) -> Dataset:
        """The dataset of ``file`` (InputError with a clear message when it cannot be read)."""
        with self._lock:
            ds = self._datasets.get(file)
            if ds is not None:
                self._datasets.move_to_end(file)
                return ds
        ds = read_dataset(file)
        with self._lock:
            self._datasets[file] = ds
            while len(self._datasets) > self._capacity:
                self._datasets.popitem(last=False)
        return ds

    def cached(self, ref: ImageRef, window: Window | None = None) -> ShownImage | None:
        """The rendered image when it is in memory already (no decoding), else None."""
        key = (ref.file, ref.frame, window)
        with self._lock:
            shown = self._rendered.get(key)
            if shown is not None:
                self._rendered.move_to_end(key)
            return shown if shown is not None and shown.ref == ref else None

    def show(self, ref: ImageRef, window: Window | None = None, keep: bool = True) -> ShownImage:
        """Render ``ref`` with ``window`` (None: the header's window); ``keep=False`` for passing
        renders (a window drag) that should not push other images out of memory."""
        shown = self.cached(ref, window)
        if shown is not None:
            return shown
        ds = self._frame_dataset(ref)
        grey = self.values(ref)
        display = render(ds, ref.frame, window, path=ref.file) if grey is None else \
            render_grey(grey, window, path=ref.file)
        shown = ShownImage(ref, display, spacing_for(ds, ref.frame), str(ds.get("Modality", "") or ""))
        if not keep:
            return shown
        with self._lock:
            self._rendered[(ref.file, ref.frame, window)] = shown
            while len(self._rendered) > self._rendered_capacity:
                self._rendered.popitem(last=False)
        return shown

    def values(self, ref: ImageRef) -> GreyValues | None:
        """The modality values of a grey image (decoded once, kept); None for a colour image."""
        key = (ref.file, ref.frame)
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        grey = grey_values(self._frame_dataset(ref), ref.frame, path=ref.file)
        with self._lock:
            self._values[key] = grey
            while len(self._values) > self._values_capacity:
                self._values.popitem(last=False)
        return grey

    def has_values(self, ref: ImageRef) -> bool:
        """Whether :meth:`values` answers without decoding."""
        with self._lock:
            return (ref.file, ref.frame) in self._values

    def _frame_dataset(self, ref: ImageRef) -> Dataset:
        ds = self.dataset(ref.file)
        frames = frame_count(ds)
        if not 1 <= ref.frame <= frames:
            raise InputError(f"{ref.file}: frame {ref.frame} does not exist (the image has {frames})")
        return ds

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


_SHARED: ImageLibrary | None = None


def shared_library() -> ImageLibrary:
    """The library a host's reader and the panel share (napari), so an image is decoded once."""
    global _SHARED
    if _SHARED is None:
        _SHARED = ImageLibrary()
    return _SHARED
