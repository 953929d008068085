"""Synthetic DICOM studies on disk for the napari host tests (made with tests/conftest.py's make_dataset)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from pydicom.uid import generate_uid

from tests.conftest import make_dataset


@dataclass(frozen=True)
class SyntheticStudy:
    """A study folder: an axial series written in scrambled order, a multi-frame instance, clutter."""

    folder: Path
    study_uid: str
    axial_series_uid: str
    #: the axial series' files in head-to-foot order of their slice position (what the stack must show)
    axial_files_in_position_order: tuple[Path, ...]
    axial_uids_in_position_order: tuple[str, ...]
    cine_file: Path
    cine_uid: str
    cine_frames: int


def _write(ds: object, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, enforce_file_format=True)  # type: ignore[attr-defined]


def write_study(folder: Path, *, slices: int = 5, cine_frames: int = 4) -> SyntheticStudy:
    study_uid = generate_uid()
    series_uid = generate_uid()
    # file names and instance numbers deliberately disagree with the slice positions
    z_positions = [30.0, -10.0, 10.0, 50.0, -30.0][:slices]
    files: list[tuple[float, Path, str]] = []
    for i, z in enumerate(z_positions):
        yy, xx = np.mgrid[0:48, 0:64]
        # each slice has its own brightness, a function of its position, to check the pixel order
        pixels = (1024 + 40 + int(z) * 3 + (xx + yy) % 20).astype(np.uint16)
        ds = make_dataset(48, 64, pixels=pixels, spacing=(0.7, 0.6))
        ds.StudyInstanceUID = study_uid
        ds.SeriesInstanceUID = series_uid
        ds.SeriesNumber = 3
        ds.SeriesDescription = "Axial"
        ds.InstanceNumber = slices - i
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.ImagePositionPatient = [-20.0, -15.0, z]
        path = folder / "series3" / f"IM{i:04d}"  # no suffix, as scanners often write them
        _write(ds, path)
        files.append((z, path, str(ds.SOPInstanceUID)))
    files.sort()
    cine = make_dataset(32, 40, frames=cine_frames, modality="US", color=True, spacing=None)
    cine.StudyInstanceUID = study_uid
    cine.SeriesNumber = 7
    cine.InstanceNumber = 1
    cine_path = folder / "cine.dcm"
    _write(cine, cine_path)
    (folder / "README.txt").write_text("Exported by a PACS. Not an image.\n")
    (folder / ".DS_Store").write_bytes(b"\0" * 200)
    return SyntheticStudy(
        folder=folder,
        study_uid=study_uid,
        axial_series_uid=series_uid,
        axial_files_in_position_order=tuple(p for _, p, _ in files),
        axial_uids_in_position_order=tuple(u for _, _, u in files),
        cine_file=cine_path,
        cine_uid=str(cine.SOPInstanceUID),
        cine_frames=cine_frames,
    )


@pytest.fixture
def study(tmp_path: Path) -> SyntheticStudy:
    return write_study(tmp_path / "study")
