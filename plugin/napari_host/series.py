"""DICOM files and folders to display stacks: one stack per series (and image size), sorted sensibly.

Instances are ordered along the slice normal when every instance of the series has a position and
the same orientation, otherwise by Instance Number, then file name; the frames of a multi-frame
instance follow each other in stored order. Pixels come from the core's display pipeline, so the
stack shows exactly what the handout will.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from pydicom.dataset import Dataset

from takehome.annotations.spacing import SpacingSource, spacing_for
from takehome.handouts.display import frame_count, render
from takehome.handouts.errors import InputError
from takehome.handouts.source import read_dataset
from takehome.plugin.host import ImageRef

#: File name suffixes that mark a DICOM file even without the 128-byte preamble.
DICOM_SUFFIXES = frozenset({".dcm", ".dicom", ".dic", ".ima"})
_ORIENTATION_TOLERANCE = 1e-3
_PIXEL_KEYWORDS = ("PixelData", "FloatPixelData", "DoubleFloatPixelData")


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that was not opened, and why (the message names the file)."""

    file: Path
    reason: str


@dataclass(frozen=True, slots=True)
class SeriesStack:
    """The display pixels of one series (one image size), slice by slice, and what each slice is."""

    study_instance_uid: str
    series_instance_uid: str
    name: str
    images: tuple[ImageRef, ...]
    pixels: NDArray[np.uint8]
    #: millimetres per step along (slice, row, column); 1.0 where unknown
    spacing: tuple[float, float, float]
    #: whether the in-plane (row, column) and the slice spacing come from the headers
    in_plane_spacing_known: bool
    slice_spacing_known: bool

    @property
    def is_color(self) -> bool:
        return self.pixels.ndim == 4


@dataclass(frozen=True, slots=True)
class LoadedStudy:
    """Everything opened from the given paths: the stacks, and the files left out with the reason."""

    stacks: tuple[SeriesStack, ...]
    skipped: tuple[Skipped, ...] = field(default=())


@dataclass(slots=True)
class _Instance:
    file: Path
    dataset: Dataset
    frames: list[NDArray[np.uint8]]


def has_dicom_preamble(path: Path) -> bool:
    """True when the file carries the DICOM Part 10 marker ("DICM" after the 128-byte preamble)."""
    try:
        with path.open("rb") as handle:
            handle.seek(128)
            return handle.read(4) == b"DICM"
    except OSError:
        return False


def looks_like_dicom(path: Path) -> bool:
    """Cheap test used to claim a file: a DICOM suffix or the Part 10 marker."""
    return path.suffix.lower() in DICOM_SUFFIXES or has_dicom_preamble(path)


def _is_dicomdir(path: Path) -> bool:
    return path.name.upper().startswith("DICOMDIR")


def folder_files(folder: Path) -> list[Path]:
    """Candidate DICOM files under ``folder`` (recursive, hidden entries and DICOMDIR skipped)."""
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if name.startswith(".") or _is_dicomdir(path) or not path.is_file():
                continue
            if looks_like_dicom(path):
                found.append(path)
    return found


def folder_has_dicom(folder: Path, limit: int = 2000) -> bool:
    """True when ``folder`` holds at least one file that looks like DICOM (looks at ``limit`` files)."""
    seen = 0
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            path = Path(root) / name
            if not name.startswith(".") and not _is_dicomdir(path) and looks_like_dicom(path):
                return True
            seen += 1
            if seen >= limit:
                return False
    return False


def _text(ds: Dataset, keyword: str) -> str:
    value = ds.get(keyword)
    return "" if value is None else str(value).strip()


def _number(ds: Dataset, keyword: str) -> float | None:
    try:
        value = float(ds.get(keyword))
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _vector(value: Any, size: int) -> NDArray[np.float64] | None:
    try:
        arr = np.asarray([float(v) for v in value], dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if arr.shape != (size,) or not np.all(np.isfinite(arr)):
        return None
    return arr


def _plane_item(ds: Dataset, sequence: str) -> Dataset | None:
    """First frame's item of a plane macro for enhanced images (per-frame first, then shared)."""
    for name in ("PerFrameFunctionalGroupsSequence", "SharedFunctionalGroupsSequence"):
        groups = ds.get(name)
        if groups:
            macro = groups[0].get(sequence)
            if macro:
                item: Dataset = macro[0]
                return item
    return None


def _geometry(ds: Dataset) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """(position, orientation) of the first frame, or None when the header lacks them."""
    position = _vector(ds.get("ImagePositionPatient"), 3)
    orientation = _vector(ds.get("ImageOrientationPatient"), 6)
    if position is None:
        item = _plane_item(ds, "PlanePositionSequence")
        position = _vector(item.get("ImagePositionPatient"), 3) if item is not None else None
    if orientation is None:
        item = _plane_item(ds, "PlaneOrientationSequence")
        orientation = _vector(item.get("ImageOrientationPatient"), 6) if item is not None else None
    if position is None or orientation is None:
        return None
    return position, orientation


def _order(instances: Sequence[_Instance]) -> tuple[list[_Instance], float | None]:
    """Instances in display order, and the slice spacing in mm when the geometry gives one."""

    def fallback_key(inst: _Instance) -> tuple[float, str]:
        number = _number(inst.dataset, "InstanceNumber")
        return (number if number is not None else math.inf, inst.file.name)

    by_number = sorted(instances, key=fallback_key)
    geometries = [_geometry(inst.dataset) for inst in by_number]
    if len(by_number) < 2 or any(g is None for g in geometries):
        return by_number, None
    known = [g for g in geometries if g is not None]
    first = known[0][1]
    if any(not np.allclose(g[1], first, atol=_ORIENTATION_TOLERANCE) for g in known):
        return by_number, None
    normal = np.cross(first[:3], first[3:])
    if not np.linalg.norm(normal) > 0.5:
        return by_number, None
    distances = [float(np.dot(g[0], normal)) for g in known]
    # stable sort keeps Instance Number order among slices at the same position (e.g. phases)
    order = sorted(range(len(by_number)), key=lambda i: distances[i])
    steps = np.diff(sorted(set(round(d, 4) for d in distances)))
    spacing = float(np.median(steps)) if steps.size else None
    return [by_number[i] for i in order], (spacing if spacing and spacing > 0 else None)


def _in_plane_spacing(datasets: Iterable[Dataset]) -> tuple[float, float] | None:
    """Row and column spacing shared by all datasets (whole-image sources only), else None."""
    pairs = set()
    for ds in datasets:
        spacing = spacing_for(ds, 1)
        if spacing is None or spacing.source is SpacingSource.ULTRASOUND_REGION:
            return None
        pairs.add((round(spacing.row_mm, 6), round(spacing.column_mm, 6)))
    return pairs.pop() if len(pairs) == 1 else None


def _series_name(ds: Dataset, shape: tuple[int, ...], split: bool) -> str:
    parts = [_text(ds, "Modality"), _text(ds, "SeriesNumber"), _text(ds, "SeriesDescription")]
    name = " ".join(p for p in parts if p) or "DICOM series"
    if split:
        name += f" ({shape[0]}×{shape[1]})"
    return name


def _read_instance(path: Path) -> _Instance:
    ds = read_dataset(path)
    frames = [render(ds, frame, path=str(path)).pixels for frame in range(1, frame_count(ds) + 1)]
    for keyword in _PIXEL_KEYWORDS:  # only the header is needed from here on: free the stored pixels
        if keyword in ds:
            del ds[keyword]
    return _Instance(path, ds, frames)


def load_study(paths: Sequence[str | os.PathLike[str]]) -> LoadedStudy:
    """Open DICOM files and folders as stacks; raise InputError when nothing can be shown.

    Files given explicitly must be DICOM images; inside folders, files that are not DICOM images
    (reports, DICOMDIR, damaged files) are skipped and listed in :attr:`LoadedStudy.skipped`.
    Further copies of an instance already found (same SOP Instance UID) are left out.
    """
    if not paths:
        raise InputError("no file or folder given: choose a DICOM file or a folder of DICOM files")
    instances: list[_Instance] = []
    skipped: list[Skipped] = []
    for given in paths:
        path = Path(given).absolute()  # the panel keeps these paths: they must not depend on the cwd
        if path.is_file() and _is_dicomdir(path):
            path = path.parent  # a DICOMDIR indexes the files below its folder: open those
        if path.is_dir():
            candidates = folder_files(path)
            if not candidates:
                raise InputError(f"{path}: the folder holds no DICOM files; choose a folder of DICOM images")
            for candidate in candidates:
                try:
                    instances.append(_read_instance(candidate))
                except InputError as exc:
                    skipped.append(Skipped(candidate, str(exc)))
        elif path.is_file():
            instances.append(_read_instance(path))
        else:
            raise InputError(f"{path}: no such file or folder")
    if not instances:
        first = skipped[0].reason if skipped else "no images"
        raise InputError(
            f"none of the {len(skipped)} DICOM files found could be shown (first problem: {first}); "
            "choose a folder with DICOM images"
        )
    return LoadedStudy(_stacks(_unique(instances)), tuple(skipped))


def _unique(instances: Sequence[_Instance]) -> list[_Instance]:
    """Drop further copies of an instance (same SOP Instance UID), keeping the first file found."""
    seen: set[str] = set()
    unique = []
    for inst in instances:
        uid = _text(inst.dataset, "SOPInstanceUID")
        if uid not in seen:
            seen.add(uid)
            unique.append(inst)
    return unique


def _stacks(instances: Sequence[_Instance]) -> tuple[SeriesStack, ...]:
    groups: dict[tuple[str, str, tuple[int, ...]], list[_Instance]] = {}
    for inst in instances:
        key = (_text(inst.dataset, "StudyInstanceUID"), _text(inst.dataset, "SeriesInstanceUID"),
               inst.frames[0].shape)
        groups.setdefault(key, []).append(inst)
    shapes_per_series: dict[tuple[str, str], int] = {}
    for study, series, _shape in groups:
        shapes_per_series[(study, series)] = shapes_per_series.get((study, series), 0) + 1

    def group_key(item: tuple[tuple[str, str, tuple[int, ...]], list[_Instance]]) -> tuple[Any, ...]:
        (study, series, shape), members = item
        number = _number(members[0].dataset, "SeriesNumber")
        return (study, number if number is not None else math.inf, series, shape)

    stacks = []
    for (study, series, shape), members in sorted(groups.items(), key=group_key):
        ordered, slice_spacing = _order(members)
        refs: list[ImageRef] = []
        frames: list[NDArray[np.uint8]] = []
        for inst in ordered:
            uid = _text(inst.dataset, "SOPInstanceUID")
            for number, pixels in enumerate(inst.frames, start=1):
                refs.append(ImageRef(uid, str(inst.file), number))
                frames.append(pixels)
        in_plane = _in_plane_spacing(inst.dataset for inst in ordered)
        if slice_spacing is None and len(ordered) == 1:
            slice_spacing = _number(ordered[0].dataset, "SpacingBetweenSlices")
        spacing = (slice_spacing or 1.0, *(in_plane or (1.0, 1.0)))
        stacks.append(SeriesStack(
            study_instance_uid=study,
            series_instance_uid=series,
            name=_series_name(ordered[0].dataset, shape, shapes_per_series[(study, series)] > 1),
            images=tuple(refs),
            pixels=np.stack(frames),
            spacing=(float(spacing[0]), float(spacing[1]), float(spacing[2])),
            in_plane_spacing_known=in_plane is not None,
            slice_spacing_known=slice_spacing is not None,
        ))
    return tuple(stacks)
