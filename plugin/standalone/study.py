"""The study the standalone viewer shows: the core's scan (series in slice order) as the panel's ImageRefs."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from takehome.handouts.study import SeriesScan
from takehome.handouts.study import scan as scan_study
from takehome.plugin.host import ImageRef


@dataclass(frozen=True, slots=True)
class Series:
    """One series of the study: its images (every frame of every instance) in display order."""

    uid: str
    number: int | None
    description: str
    modality: str
    images: tuple[ImageRef, ...]
    title: str


@dataclass(frozen=True, slots=True)
class Study:
    """What was found: the series, and the files skipped (file, why)."""

    series: tuple[Series, ...]
    skipped: tuple[tuple[str, str], ...] = field(default=())

    @property
    def images(self) -> tuple[ImageRef, ...]:
        return tuple(ref for series in self.series for ref in series.images)


def series_of(scanned: SeriesScan) -> Series:
    refs = tuple(ImageRef(inst.sop_instance_uid, str(inst.path), frame) for inst, frame in scanned.frames)
    return Series(scanned.uid, scanned.number, scanned.description, scanned.modality, refs, scanned.title)


def scan(paths: Iterable[str | os.PathLike[str]], *,
         progress: Callable[[int, int], None] | None = None) -> Study:
    """The images under ``paths`` grouped by series, in slice order (InputError when unreadable);
    ``progress(n, total)`` as the n-th file is read."""
    found = scan_study(paths, progress=progress)
    skipped = [(str(path), "not a DICOM file") for path in found.ignored]
    skipped.extend((str(s.file), s.reason) for s in found.skipped)
    return Study(tuple(series_of(s) for s in found.series), tuple(skipped))
