"""Finding the images of a study on disk: DICOM files grouped into series, in slice order (no Qt)."""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydicom
from pydicom.errors import InvalidDicomError

from takehome.handouts.errors import InputError
from takehome.plugin.host import ImageRef

MAX_FILES = 20000


@dataclass(frozen=True, slots=True)
class Series:
    """One series of the study: its images (every frame of every instance) in display order."""

    uid: str
    number: int | None
    description: str
    modality: str
    images: tuple[ImageRef, ...]

    @property
    def title(self) -> str:
        number = f"Series {self.number}" if self.number is not None else "Series"
        parts = [number, self.modality, self.description]
        return " · ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class Study:
    """What was found: the series, and the files skipped (with why)."""

    series: tuple[Series, ...]
    skipped: tuple[tuple[str, str], ...] = field(default=())

    @property
    def images(self) -> tuple[ImageRef, ...]:
        return tuple(ref for series in self.series for ref in series.images)


def _files(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(Path(root) / n for n in sorted(names)
                             if not n.startswith(".") and n.upper() != "DICOMDIR")
                if len(found) > MAX_FILES:
                    raise InputError(f"{path}: more than {MAX_FILES} files; open one study's folder")
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return found


def _header(path: Path) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pydicom.dcmread(path, stop_before_pixels=True)


def _number(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return None


def _position(ds: Any) -> float:
    """Where the slice is along its normal (for sorting), NaN when unknown."""
    try:
        orientation = [float(v) for v in ds.ImageOrientationPatient]
        position = [float(v) for v in ds.ImagePositionPatient]
        row, col = orientation[:3], orientation[3:]
        normal = (row[1] * col[2] - row[2] * col[1], row[2] * col[0] - row[0] * col[2],
                  row[0] * col[1] - row[1] * col[0])
        return sum(n * p for n, p in zip(normal, position, strict=True))
    except (AttributeError, TypeError, ValueError, IndexError):
        return math.nan


def scan(paths: Iterable[str | os.PathLike[str]]) -> Study:
    """Read the headers of every file under ``paths``; keep the images, grouped by series."""
    groups: dict[str, dict[str, Any]] = {}
    skipped: list[tuple[str, str]] = []
    for path in _files(list(paths)):
        try:
            ds = _header(path)
        except InvalidDicomError:
            skipped.append((str(path), "not a DICOM file"))
            continue
        except Exception as exc:
            skipped.append((str(path), f"unreadable ({type(exc).__name__})"))
            continue
        if "Rows" not in ds or "Columns" not in ds or "SOPInstanceUID" not in ds:
            skipped.append((str(path), "holds no image"))
            continue
        series_uid = str(ds.get("SeriesInstanceUID") or f"file:{path.parent}")
        group = groups.setdefault(series_uid, {
            "number": _number(ds.get("SeriesNumber")),
            "description": str(ds.get("SeriesDescription") or ""),
            "modality": str(ds.get("Modality") or ""),
            "entries": [],
        })
        frames = max(1, _number(ds.get("NumberOfFrames")) or 1)
        instance = _number(ds.get("InstanceNumber"))
        group["entries"].append((instance if instance is not None else 1 << 30, _position(ds), str(path),
                                 str(ds.SOPInstanceUID), frames))
    series = []
    for uid, group in groups.items():
        entries = sorted(group["entries"], key=lambda e: (e[0], 0.0 if math.isnan(e[1]) else e[1], e[2]))
        refs = tuple(ImageRef(sop, file, frame) for _n, _p, file, sop, frames in entries
                     for frame in range(1, frames + 1))
        series.append(Series(uid, group["number"], group["description"], group["modality"], refs))
    series.sort(key=lambda s: (s.number if s.number is not None else 1 << 30, s.title))
    return Study(tuple(series), tuple(skipped))
