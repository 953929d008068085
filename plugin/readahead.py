"""Decoding images off the GUI thread, with read-ahead: the viewer asks for an image and gets it at
once when it was decoded ahead, else a signal when the images worker has it.

One job decodes the wanted image, then the next few in the direction of travel; a new request
cancels the read-ahead still running (between two images), so scrolling never waits for images it
has left behind.
"""

from __future__ import annotations

from collections.abc import Sequence

from qtpy.QtCore import QObject, Signal

from takehome.annotations.errors import TakehomeError
from takehome.plugin.host import ImageRef
from takehome.plugin.images import ImageLibrary, ShownImage
from takehome.plugin.jobs import Job, Lane, start_job

#: images decoded ahead of the one shown, in the direction of travel (and a few behind)
AHEAD = 12
BEHIND = 3


def around(images: Sequence[ImageRef], index: int, step: int) -> list[ImageRef]:
    """The images to decode after ``images[index]``: ahead in the direction of travel, then behind."""
    ahead = [index + step * k for k in range(1, AHEAD + 1)]
    behind = [index - step * k for k in range(1, BEHIND + 1)]
    return [images[i] for i in ahead + behind if 0 <= i < len(images)]


def decode_job(library: ImageLibrary, todo: Sequence[ImageRef], wanted: ImageRef | None = None,
               generation: int = 0, values: bool = False) -> Job:
    """A job decoding ``todo`` into ``library`` in order (cancellable between two images); it reports
    ``progress(1, 1, "")`` once ``wanted`` is decoded, ``progress(0, 0, problem)`` when it cannot be.
    ``values``: keep the grey images' modality values only (napari windows them itself)."""

    def work(job: Job) -> None:
        for ref in todo:
            job.check()
            try:
                if values:
                    library.values(ref)
                else:
                    library.show(ref)
            except TakehomeError as exc:
                if ref == wanted:
                    job.report(0, 0, str(exc))
                continue
            if ref == wanted:
                job.report(1, 1, "")

    return Job(generation, work)


class ReadAhead(QObject):
    """Decodes a series' images on the images worker into the shared :class:`ImageLibrary`."""

    #: an image asked for is decoded (ImageRef)
    ready = Signal(object)
    #: an image asked for cannot be shown (ImageRef, message)
    failed = Signal(object, str)

    def __init__(self, library: ImageLibrary, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._job: Job | None = None
        self._generation = 0

    def request(self, images: Sequence[ImageRef], index: int, direction: int = 1) -> ShownImage | None:
        """``images[index]`` when decoded already (then read ahead from there), else None and
        :attr:`ready` once it is; either way the images around it are decoded next."""
        wanted = images[index]
        shown = self._library.cached(wanted)
        order = around(images, index, 1 if direction >= 0 else -1)
        if self._job is not None:
            self._job.cancel()
        self._generation += 1
        todo = [ref for ref in ([] if shown is not None else [wanted]) + order
                if self._library.cached(ref) is None]
        if todo:
            self._start(wanted if shown is None else None, todo)
        return shown

    def cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self._job = None

    def _start(self, wanted: ImageRef | None, todo: list[ImageRef]) -> None:
        generation = self._generation
        job = decode_job(self._library, todo, wanted, generation)

        def progress(done: int, _total: int, problem: str) -> None:
            if generation != self._generation or wanted is None:
                return
            if done:
                self.ready.emit(wanted)
            else:
                self.failed.emit(wanted, problem)

        job.signals.progress.connect(progress)
        self._job = job
        start_job(job, Lane.IMAGES)
