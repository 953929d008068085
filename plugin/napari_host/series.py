"""DICOM files and folders to display stacks: one stack per series (and image size), in the core's order.

The core's scanner (:mod:`takehome.handouts.study`) finds the series and their slice order from the
headers, the same order the standalone viewer shows; the pixels come from the core's display
pipeline when napari shows a slice (:class:`LazySlices`), so the stack shows exactly what the
handout will and a large series opens at once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from takehome.annotations.spacing import SpacingSource, spacing_for
from takehome.handouts.errors import InputError
from takehome.handouts.study import Instance, SeriesScan, Skipped, scan
from takehome.plugin.host import ImageRef
from takehome.plugin.images import ImageLibrary, shared_library
from takehome.plugin.napari_host.lazy import LazySlices


@dataclass(frozen=True, slots=True)
class SeriesStack:
    """The display pixels of one series (one image size), slice by slice, and what each slice is."""

    study_instance_uid: str
    series_instance_uid: str
    name: str
    images: tuple[ImageRef, ...]
    pixels: LazySlices
    #: millimetres per step along (slice, row, column); 1.0 where unknown
    spacing: tuple[float, float, float]
    #: whether the in-plane (row, column) and the slice spacing come from the headers
    in_plane_spacing_known: bool
    slice_spacing_known: bool

    @property
    def is_color(self) -> bool:
        return self.pixels.ndim == 4

    def first(self) -> NDArray[np.uint8]:
        """The first image's pixels (a one-image series is shown as a plain 2D image)."""
        return self.pixels.image(0, read_ahead=False)


@dataclass(frozen=True, slots=True)
class LoadedStudy:
    """Everything opened from the given paths: the stacks, and the files left out with the reason."""

    stacks: tuple[SeriesStack, ...]
    skipped: tuple[Skipped, ...] = field(default=())


_GREY = ("MONOCHROME1", "MONOCHROME2")


def _display_shape(inst: Instance) -> tuple[int, ...]:
    """The shape of the instance's display pixels, from its header (colour images render to RGB)."""
    grey = str(inst.header.get("PhotometricInterpretation", "MONOCHROME2")).strip().upper() in _GREY
    return (inst.rows, inst.columns) if grey else (inst.rows, inst.columns, 3)


def _in_plane_spacing(instances: Iterable[Instance]) -> tuple[float, float] | None:
    """Row and column spacing shared by all instances (whole-image sources only), else None."""
    pairs = set()
    for inst in instances:
        spacing = spacing_for(inst.header, 1)
        if spacing is None or spacing.source is SpacingSource.ULTRASOUND_REGION:
            return None
        pairs.add((round(spacing.row_mm, 6), round(spacing.column_mm, 6)))
    return pairs.pop() if len(pairs) == 1 else None


def _name(series: SeriesScan, shape: tuple[int, ...], split: bool) -> str:
    parts = [series.modality, "" if series.number is None else str(series.number), series.description]
    name = " ".join(p for p in parts if p) or "DICOM series"
    return f"{name} ({shape[0]}×{shape[1]})" if split else name


def _stacks(series: SeriesScan, library: ImageLibrary) -> list[SeriesStack]:
    """The series' instances, one stack per image size, in the scanner's order (nothing decoded yet)."""
    groups: dict[tuple[int, ...], list[Instance]] = {}
    for inst in series.instances:
        groups.setdefault(_display_shape(inst), []).append(inst)
    stacks = []
    for shape, instances in groups.items():
        refs = tuple(ImageRef(inst.sop_instance_uid, str(inst.path), number)
                     for inst in instances for number in range(1, inst.frames + 1))
        slice_spacing = series.slice_spacing_mm
        if slice_spacing is None and len(instances) == 1:
            slice_spacing = _positive(instances[0].header.get("SpacingBetweenSlices"))
        in_plane = _in_plane_spacing(instances)
        row, column = in_plane or (1.0, 1.0)
        stacks.append(SeriesStack(
            study_instance_uid=series.study_instance_uid,
            series_instance_uid=series.uid,
            name=_name(series, shape, len(groups) > 1),
            images=refs,
            pixels=LazySlices(refs, shape, library),
            spacing=(float(slice_spacing or 1.0), float(row), float(column)),
            in_plane_spacing_known=in_plane is not None,
            slice_spacing_known=slice_spacing is not None,
        ))
    return stacks


def _positive(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def load_study(paths: Sequence[str | os.PathLike[str]]) -> LoadedStudy:
    """Open DICOM files and folders as stacks; raise InputError when nothing can be shown.

    Files given explicitly must be DICOM images; inside folders, files that are not DICOM images
    (reports, DICOMDIR, damaged files) are skipped and listed in :attr:`LoadedStudy.skipped`.
    Pixels are decoded when shown; an image that then cannot be decoded shows black and the panel
    says why.
    """
    found = scan(paths)
    skipped = list(found.skipped)
    library = shared_library()
    stacks = [stack for series in found.series for stack in _stacks(series, library)]
    if not stacks:
        first = skipped[0].reason if skipped else "no images"
        raise InputError(
            f"none of the {len(skipped)} DICOM files found could be shown (first problem: {first}); "
            "choose a folder with DICOM images"
        )
    return LoadedStudy(tuple(stacks), tuple(skipped))
