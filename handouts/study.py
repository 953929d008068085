"""A study on disk: its image files grouped into series, each in slice order (headers only, no Qt).

The one scanner both viewers use, so that they show a series in the same order. Slices are ordered
by their position along the slice normal when every instance of the series has a position and the
same orientation, then by Instance Number, then by file name; the frames of a multi-frame instance
follow each other in stored order. A DICOMDIR opens the files it lists. Files that are not DICOM
images are skipped with the reason; further copies of an instance (same SOP Instance UID) too.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pydicom
from numpy.typing import NDArray
from pydicom.dataset import Dataset

from takehome.handouts.errors import InputError

#: File name suffixes that mark a DICOM file even without the 128-byte preamble.
DICOM_SUFFIXES = frozenset({".dcm", ".dicom", ".dic", ".ima"})
#: A folder with more files than this is not one study: the clinician is asked to choose a study.
MAX_FILES = 20000
#: Objects with Rows/Columns that are not images to show (segmentations, parametric maps).
NOT_IMAGES = frozenset({"1.2.840.10008.5.1.4.1.1.66.4", "1.2.840.10008.5.1.4.1.1.30"})
_ORIENTATION_TOLERANCE = 1e-3
_LAST = 1 << 30
_DEFER_BYTES = 4096
_PIXEL_KEYWORDS = ("PixelData", "FloatPixelData", "DoubleFloatPixelData")


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that was left out, and why (the reason names the file)."""

    file: Path
    reason: str


@dataclass(frozen=True, slots=True)
class Instance:
    """One image file of a study: what it is and where it lies (header values only)."""

    path: Path
    sop_instance_uid: str
    study_instance_uid: str
    series_instance_uid: str
    rows: int
    columns: int
    samples_per_pixel: int
    frames: int
    instance_number: int | None
    #: (position, orientation) of the first frame, None when the header lacks them
    position: tuple[float, ...] | None
    orientation: tuple[float, ...] | None
    header: Dataset = field(repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class SeriesScan:
    """One series: its instances in display order and, when the geometry gives it, the slice spacing."""

    uid: str
    study_instance_uid: str
    number: int | None
    description: str
    modality: str
    instances: tuple[Instance, ...]
    slice_spacing_mm: float | None = None

    @property
    def frames(self) -> tuple[tuple[Instance, int], ...]:
        """Every image of the series in display order: (instance, 1-based frame)."""
        return tuple((inst, frame) for inst in self.instances for frame in range(1, inst.frames + 1))

    @property
    def title(self) -> str:
        number = f"Series {self.number}" if self.number is not None else "Series"
        return " · ".join(p for p in (number, self.modality, self.description) if p)


@dataclass(frozen=True, slots=True)
class StudyScan:
    """What was found under the given paths: the series in order, and the files left out."""

    series: tuple[SeriesScan, ...]
    #: DICOM files (by name or content) that hold no image to show or could not be read
    skipped: tuple[Skipped, ...] = ()
    #: other files of the folders (reports, notes): not DICOM
    ignored: tuple[Path, ...] = ()


def has_dicom_preamble(path: Path) -> bool:
    """True when the file carries the DICOM Part 10 marker ("DICM" after the 128-byte preamble)."""
    try:
        with path.open("rb") as handle:
            return handle.read(132)[128:132] == b"DICM"
    except OSError:
        return False


def looks_like_dicom(path: Path) -> bool:
    """Cheap test used to claim a file: a DICOM suffix or the Part 10 marker."""
    return path.suffix.lower() in DICOM_SUFFIXES or has_dicom_preamble(path)


def is_dicomdir(path: Path) -> bool:
    return path.name.upper().startswith("DICOMDIR")


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(root) / name


def folder_files(folder: Path) -> list[Path]:
    """Every file under ``folder`` except hidden ones and DICOMDIRs (InputError past MAX_FILES)."""
    found: list[Path] = []
    for path in _walk(folder):
        if not is_dicomdir(path) and path.is_file():
            found.append(path)
            if len(found) > MAX_FILES:
                raise InputError(f"{folder}: more than {MAX_FILES} files; open one study's folder")
    return found


def folder_has_dicom(folder: Path, limit: int = 2000) -> bool:
    """True when ``folder`` holds a file that looks like DICOM (looks at ``limit`` files at most)."""
    for seen, path in enumerate(_walk(folder)):
        if seen >= limit:
            return False
        if not is_dicomdir(path) and looks_like_dicom(path):
            return True
    return False


def dicomdir_files(path: Path) -> list[Path]:
    """The files a DICOMDIR lists, in its order (InputError naming the file when it cannot be read)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            records = pydicom.dcmread(path).DirectoryRecordSequence
    except Exception as exc:
        raise InputError(f"{path}: not a readable DICOMDIR ({type(exc).__name__}); open its folder "
                         "instead") from None
    files = []
    for record in records:
        parts = record.get("ReferencedFileID")
        if parts:
            parts = [parts] if isinstance(parts, str) else list(parts)
            files.append(path.parent.joinpath(*(str(p) for p in parts)))
    return list(dict.fromkeys(files))


def read_header(path: Path) -> Dataset:
    """The header of ``path``, large values (the pixels) left on disk until asked for (InputError
    saying why it cannot be read)."""
    forced = not has_dicom_preamble(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ds = pydicom.dcmread(path, defer_size=_DEFER_BYTES, force=forced)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    except Exception as exc:
        raise InputError(f"{path}: not a readable DICOM file ({type(exc).__name__})") from None
    if forced and "SOPClassUID" not in ds:  # without the DICM marker, only a real header counts
        raise InputError(f"{path}: not a readable DICOM file (no DICOM header)")
    return ds


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return None


def _vector(value: object, size: int) -> tuple[float, ...] | None:
    try:
        numbers = tuple(float(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        return None
    if len(numbers) != size or not all(math.isfinite(n) for n in numbers):
        return None
    return numbers


def _plane_item(ds: Dataset, sequence: str) -> Dataset | None:
    """First frame's item of a plane macro of an enhanced image (per-frame first, then shared)."""
    for name in ("PerFrameFunctionalGroupsSequence", "SharedFunctionalGroupsSequence"):
        groups = ds.get(name)
        if groups:
            macro = groups[0].get(sequence)
            if macro:
                item: Dataset = macro[0]
                return item
    return None


def _geometry(ds: Dataset) -> tuple[tuple[float, ...] | None, tuple[float, ...] | None]:
    position = _vector(ds.get("ImagePositionPatient"), 3)
    orientation = _vector(ds.get("ImageOrientationPatient"), 6)
    if position is None:
        item = _plane_item(ds, "PlanePositionSequence")
        position = _vector(item.get("ImagePositionPatient"), 3) if item is not None else None
    if orientation is None:
        item = _plane_item(ds, "PlaneOrientationSequence")
        orientation = _vector(item.get("ImageOrientationPatient"), 6) if item is not None else None
    return position, orientation


def _text(ds: Dataset, keyword: str) -> str:
    value = ds.get(keyword)
    return "" if value is None else str(value).strip()


def instance_of(path: Path, ds: Dataset) -> Instance | None:
    """The image ``ds`` read from ``path`` describes, or None when it is not an image to show."""
    if "Rows" not in ds or "Columns" not in ds or "SOPInstanceUID" not in ds:
        return None
    if not any(keyword in ds for keyword in _PIXEL_KEYWORDS):
        return None
    if _text(ds, "SOPClassUID") in NOT_IMAGES:
        return None
    position, orientation = _geometry(ds)
    return Instance(
        path=path,
        sop_instance_uid=_text(ds, "SOPInstanceUID"),
        study_instance_uid=_text(ds, "StudyInstanceUID"),
        series_instance_uid=_text(ds, "SeriesInstanceUID") or f"file:{path.parent}",
        rows=_int(ds.get("Rows")) or 0,
        columns=_int(ds.get("Columns")) or 0,
        samples_per_pixel=_int(ds.get("SamplesPerPixel")) or 1,
        frames=max(1, _int(ds.get("NumberOfFrames")) or 1),
        instance_number=_int(ds.get("InstanceNumber")),
        position=position,
        orientation=orientation,
        header=ds,
    )


def slice_order(instances: Sequence[Instance]) -> tuple[list[Instance], float | None]:
    """``instances`` in display order, and the slice spacing in mm when the geometry gives one."""
    by_number = sorted(instances, key=lambda i: (
        i.instance_number if i.instance_number is not None else _LAST, i.path.name, str(i.path)))
    if len(by_number) < 2 or any(i.position is None or i.orientation is None for i in by_number):
        return by_number, None
    first = np.asarray(by_number[0].orientation, dtype=np.float64)
    if any(not np.allclose(np.asarray(i.orientation), first, atol=_ORIENTATION_TOLERANCE) for i in by_number):
        return by_number, None
    normal: NDArray[np.float64] = np.cross(first[:3], first[3:])
    if not np.linalg.norm(normal) > 0.5:
        return by_number, None
    distances = [float(np.dot(np.asarray(i.position), normal)) for i in by_number]
    # a stable sort keeps the Instance Number order among slices at one position (e.g. phases)
    order = sorted(range(len(by_number)), key=lambda k: distances[k])
    steps = np.diff(sorted({round(d, 4) for d in distances}))
    spacing = float(np.median(steps)) if steps.size else None
    return [by_number[k] for k in order], (spacing if spacing and spacing > 0 else None)


def _candidates(paths: Sequence[str | os.PathLike[str]]) -> Iterator[tuple[Path, bool]]:
    """(file, given explicitly) for every path; folders and DICOMDIRs expand to their files."""
    for raw in paths:
        path = Path(raw).expanduser().absolute()  # kept in sessions: must not depend on the cwd
        if path.is_file() and is_dicomdir(path):
            yield from ((p, False) for p in dicomdir_files(path))
        elif path.is_dir():
            files = folder_files(path)
            if not any(looks_like_dicom(p) for p in files):
                raise InputError(f"{path}: the folder holds no DICOM files; choose a folder of DICOM images")
            yield from ((p, False) for p in files)
        elif path.is_file():
            yield path, True
        else:
            raise InputError(f"{path}: no such file or folder")


def scan(paths: Iterable[str | os.PathLike[str]], *,
         progress: Callable[[int, int], None] | None = None) -> StudyScan:
    """Read the headers of every file under ``paths``; the images grouped by series, in order.

    A file given explicitly must be a DICOM image (InputError otherwise); inside folders, other files
    (damaged files, KOS and presentation states; reports) are listed in :attr:`StudyScan.skipped`
    (:attr:`StudyScan.ignored`). ``progress(n, total)`` is called as the n-th file is read (a
    viewer's progress bar).
    """
    given = list(paths)
    if not given:
        raise InputError("no file or folder given: choose a DICOM file or a folder of DICOM files")
    instances: dict[str, Instance] = {}
    skipped: list[Skipped] = []
    ignored: list[Path] = []
    candidates = list(_candidates(given))
    for done, (path, explicit) in enumerate(candidates, 1):
        if progress is not None:
            progress(done, len(candidates))
        if not path.is_file():
            skipped.append(Skipped(path, f"{path}: listed in the DICOMDIR but missing"))
            continue
        if not explicit and not looks_like_dicom(path):
            ignored.append(path)
            continue
        try:
            found = instance_of(path, read_header(path))
        except InputError as exc:
            if explicit:
                raise
            skipped.append(Skipped(path, str(exc)))
            continue
        if found is None:
            if explicit:
                raise InputError(f"{path}: holds no image to show; choose a DICOM image file")
            skipped.append(Skipped(path, f"{path}: holds no image to show"))
        elif found.sop_instance_uid not in instances:
            instances[found.sop_instance_uid] = found
    return StudyScan(_series(instances.values()), tuple(skipped), tuple(ignored))


def _series(instances: Iterable[Instance]) -> tuple[SeriesScan, ...]:
    groups: dict[tuple[str, str], list[Instance]] = {}
    for inst in instances:
        groups.setdefault((inst.study_instance_uid, inst.series_instance_uid), []).append(inst)
    series = []
    for (study, uid), members in groups.items():
        ordered, spacing = slice_order(members)
        header = ordered[0].header
        series.append(SeriesScan(uid, study, _int(header.get("SeriesNumber")),
                                 _text(header, "SeriesDescription"), _text(header, "Modality"),
                                 tuple(ordered), spacing))
    series.sort(key=lambda s: (s.study_instance_uid, s.number if s.number is not None else _LAST, s.title,
                               s.uid))
    return tuple(series)
