"""DICOM files and folders to display stacks: one stack per series (and image size), in the core's order.

The core's scanner (:mod:`takehome.handouts.study`) finds the series and their slice order from the
headers, the same order the standalone viewer shows; the pixels come from the core's display
pipeline when napari shows a slice (:class:`LazySlices`), so the stack shows exactly what the
handout will and a large series opens at once. A grey series whose display is a linear window holds
modality values (e.g. Hounsfield units) and says which window to show them with (:class:`Windowed`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from numpy.typing import NDArray

from takehome.annotations.errors import TakehomeError
from takehome.annotations.model import Window
from takehome.annotations.spacing import SpacingSource, spacing_for
from takehome.handouts.display import grey_look
from takehome.handouts.errors import InputError
from takehome.handouts.study import Instance, Progress, SeriesScan, Skipped, scan
from takehome.plugin.host import ImageRef
from takehome.plugin.images import ImageLibrary, shared_library
from takehome.plugin.napari_host.lazy import LazySlices


@dataclass(frozen=True, slots=True)
class Windowed:
    """How napari shows a stack of modality values: the window to start with, inverted or not, and
    the values the series can hold (the range of napari's contrast slider)."""

    window: Window
    inverted: bool
    value_range: tuple[float, float]


@dataclass(frozen=True, slots=True)
class SeriesStack:
    """The pixels of one series (one image size: display pixels, or modality values napari windows),
    slice by slice, and what each slice is."""

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
    #: how napari windows the stack's modality values; None: the stack holds display pixels (colour
    #: images, a VOI LUT or a SIGMOID function), shown as they are
    windowed: Windowed | None = None

    @property
    def is_color(self) -> bool:
        return self.pixels.ndim == 4

    def first(self) -> NDArray[Any]:
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


def _windowed(instances: list[Instance], refs: tuple[ImageRef, ...],
              library: ImageLibrary) -> Windowed | None:
    """How napari windows the stack's values, when the display of the series' first, middle and last
    images is a linear window on grey values, inverted alike (a series rarely mixes displays, and
    reading every header's VOI would delay a 300-slice CT's first image by a fifth of a second);
    the window is the middle image's, where napari opens."""
    middle = refs[(len(refs) - 1) // 2]
    centre = next(inst for inst in instances if inst.sop_instance_uid == middle.sop_instance_uid)
    looks = [grey_look(inst.header, 1) for inst in (centre, instances[0], instances[-1])]
    grey = [look for look in looks if look is not None and look.linear]
    if len(grey) != len(looks) or len({look.inverted for look in grey}) != 1:
        return None
    window = grey[0].window
    if window is None:  # the core's percentile window of the image napari shows first
        try:
            values = library.values(middle)
        except TakehomeError:
            return None
        if values is None:
            return None
        window = values.default_window()
    low = min(look.value_range[0] for look in grey)
    high = max(look.value_range[1] for look in grey)
    return Windowed(window, grey[0].inverted, (low, high))


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
        windowed = _windowed(instances, refs, library) if len(shape) == 2 else None
        blank = 0.0 if windowed is None else windowed.value_range[1 if windowed.inverted else 0]
        stacks.append(SeriesStack(
            study_instance_uid=series.study_instance_uid,
            series_instance_uid=series.uid,
            name=_name(series, shape, len(groups) > 1),
            images=refs,
            pixels=LazySlices(refs, shape, library, values=windowed is not None, blank=blank),
            spacing=(float(slice_spacing or 1.0), float(row), float(column)),
            in_plane_spacing_known=in_plane is not None,
            slice_spacing_known=slice_spacing is not None,
            windowed=windowed,
        ))
    return stacks


def _positive(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def load_study(paths: Sequence[str | os.PathLike[str]], progress: Progress | None = None) -> LoadedStudy:
    """Open DICOM files and folders as stacks; raise InputError when nothing can be shown.

    Files given explicitly must be DICOM images; inside folders, files that are not DICOM images
    (reports, DICOMDIR, damaged files) are skipped and listed in :attr:`LoadedStudy.skipped`.
    Pixels are decoded when shown; an image that then cannot be decoded shows black and the panel
    says why. ``progress(done, total)`` follows the scan of the headers.
    """
    found = scan(paths, progress)
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
