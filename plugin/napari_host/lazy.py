"""A series' display pixels for napari, decoded when napari shows a slice and read ahead from there.

napari slices its layer data with ``data[index]``; the first image of a large series is therefore
on screen after one decode, not after the whole series, and the images that follow in the direction
of travel are decoded on the images worker meanwhile (into the library the panel shares).
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
    """An array-like (slice, row, column[, rgb]) of uint8 display pixels, decoded slice by slice."""

    dtype = np.dtype(np.uint8)

    def __init__(self, images: tuple[ImageRef, ...], image_shape: tuple[int, ...],
                 library: ImageLibrary) -> None:
        self.images = images
        self.shape: tuple[int, ...] = (len(images), *image_shape)
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

    def image(self, index: int, read_ahead: bool = True) -> NDArray[np.uint8]:
        """The pixels of slice ``index`` (black when the image cannot be decoded: the panel says why)."""
        ref = self.images[index]
        try:
            pixels = self._library.show(ref).display.pixels
        except TakehomeError:
            pixels = np.zeros(self.shape[1:], dtype=np.uint8)
        if pixels.shape != self.shape[1:]:
            pixels = np.zeros(self.shape[1:], dtype=np.uint8)
        if read_ahead:
            self._read_ahead(index)
        return pixels

    def _read_ahead(self, index: int) -> None:
        step = 1 if index >= self._last else -1
        self._last = index
        todo = [ref for ref in around(self.images, index, step) if self._library.cached(ref) is None]
        if self._job is not None and not self._job.done:
            self._job.cancel()
        self._job = None
        if todo:
            self._job = decode_job(self._library, todo)
            start_job(self._job, Lane.IMAGES)

    def __getitem__(self, key: Any) -> NDArray[np.uint8]:
        parts = key if isinstance(key, tuple) else (key,)
        first, rest = (parts[0], parts[1:]) if parts else (slice(None), ())
        if isinstance(first, int | np.integer):
            index = int(first) + (len(self) if int(first) < 0 else 0)
            return np.asarray(self.image(index)[rest], dtype=np.uint8)
        indices = np.arange(len(self))[first]
        stack = np.stack([self.image(int(i), read_ahead=False) for i in np.atleast_1d(indices)])
        if np.ndim(indices) == 0:
            return np.asarray(stack[0][rest], dtype=np.uint8)
        return np.asarray(stack[(slice(None), *rest)], dtype=np.uint8)

    def __array__(self, dtype: Any = None, copy: Any = None) -> NDArray[Any]:
        stack = self[:]
        return stack if dtype is None else stack.astype(dtype)
