"""A series' pixels for napari, decoded when napari shows a slice and read ahead from there.

napari slices its layer data with ``data[index]``; the first image of a large series is therefore
on screen after one decode, not after the whole series, and the images that follow in the direction
of travel are decoded on the images worker meanwhile (into the library the panel shares). A grey
series whose window napari can show holds modality values (napari's contrast limits are the
window); any other series holds the core's 8-bit display pixels.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from takehome.annotations.errors import TakehomeError
from takehome.plugin.host import ImageRef
from takehome.plugin.images import ImageLibrary
from takehome.plugin.jobs import Job, Lane, start_job
from takehome.plugin.readahead import around, decode_job


class LazySlices:
    """An array-like (slice, row, column[, rgb]), decoded slice by slice: uint8 display pixels, or
    (``values``) float32 modality values, such as Hounsfield units."""

    def __init__(self, images: tuple[ImageRef, ...], image_shape: tuple[int, ...],
                 library: ImageLibrary, values: bool = False, blank: float = 0.0) -> None:
        """``blank``: the value of a slice that cannot be decoded (black: the panel says why)."""
        self.images = images
        self.shape: tuple[int, ...] = (len(images), *image_shape)
        self.values = values
        self.dtype: np.dtype[Any] = np.dtype(np.float32 if values else np.uint8)
        self._blank = blank
        self._library = library
        self._last = 0
        self._job: Job | None = None

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    def __len__(self) -> int:
        return self.shape[0]

    def image(self, index: int, read_ahead: bool = True) -> NDArray[Any]:
        """The pixels (or values) of slice ``index``; ``blank`` when the image cannot be decoded."""
        pixels = self._decoded(self.images[index])
        if pixels is None or pixels.shape != self.shape[1:]:
            pixels = np.full(self.shape[1:], self._blank, dtype=self.dtype)
        if read_ahead:
            self._read_ahead(index)
        return np.asarray(pixels, dtype=self.dtype)

    def _decoded(self, ref: ImageRef) -> NDArray[Any] | None:
        try:
            if self.values:
                grey = self._library.values(ref)
                return None if grey is None else grey.values
            return self._library.show(ref).display.pixels
        except TakehomeError:
            return None

    def _cached(self, ref: ImageRef) -> bool:
        return self._library.has_values(ref) if self.values else self._library.cached(ref) is not None

    def _read_ahead(self, index: int) -> None:
        step = 1 if index >= self._last else -1
        self._last = index
        todo = [ref for ref in around(self.images, index, step) if not self._cached(ref)]
        if self._job is not None and not self._job.done:
            self._job.cancel()
        self._job = None
        if todo:
            self._job = decode_job(self._library, todo, values=self.values)
            start_job(self._job, Lane.IMAGES)

    def __getitem__(self, key: Any) -> NDArray[Any]:
        parts = key if isinstance(key, tuple) else (key,)
        first, rest = (parts[0], parts[1:]) if parts else (slice(None), ())
        if isinstance(first, int | np.integer):
            index = int(first) + (len(self) if int(first) < 0 else 0)
            return np.asarray(self.image(index)[rest], dtype=self.dtype)
        indices = np.arange(len(self))[first]
        stack = np.stack([self.image(int(i), read_ahead=False) for i in np.atleast_1d(indices)])
        if np.ndim(indices) == 0:
            return np.asarray(stack[0][rest], dtype=self.dtype)
        return np.asarray(stack[(slice(None), *rest)], dtype=self.dtype)

    def __array__(self, dtype: Any = None, copy: Any = None) -> NDArray[Any]:
        stack = self[:]
        return stack if dtype is None else stack.astype(dtype)
