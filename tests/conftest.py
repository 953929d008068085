"""Shared fixtures: synthetic DICOM images made with pydicom, and pydicom's own test files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, SecondaryCaptureImageStorage, generate_uid

FAKE_PATIENT = {
    "PatientName": "Blackwood^Eleanor^Maud",
    "PatientID": "MRN-4471902",
    "PatientBirthDate": "19470312",
    "AccessionNumber": "ACC99120734",
    "InstitutionName": "Saint Quentin Royal Infirmary",
    "ReferringPhysicianName": "Okonkwo^Chidi",
    "StudyDate": "20240605",
}


def base_dataset(sop_class: str, modality: str) -> Dataset:
    """An empty instance of ``sop_class`` with file meta and fresh study/series/instance UIDs."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = sop_class
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.Modality = modality
    return ds


def make_dataset(rows: int = 64, columns: int = 80, *, modality: str = "CT",
                 pixels: np.ndarray | None = None, spacing: tuple[float, float] | None = (0.5, 0.5),
                 color: bool = False, frames: int = 1, identifiers: bool = True) -> Dataset:
    """A small, valid image dataset with fake identifiers in its header."""
    ds = base_dataset(SecondaryCaptureImageStorage, modality)
    if identifiers:
        for key, value in FAKE_PATIENT.items():
            setattr(ds, key, value)
    ds.Rows, ds.Columns = rows, columns
    if color:
        ds.SamplesPerPixel = 3
        ds.PhotometricInterpretation = "RGB"
        ds.PlanarConfiguration = 0
        ds.BitsAllocated = ds.BitsStored = 8
        ds.HighBit = 7
        ds.PixelRepresentation = 0
        if pixels is None:
            grid = np.indices((rows, columns)).sum(axis=0) % 256
            pixels = np.stack([grid, 255 - grid, np.full_like(grid, 90)], axis=-1).astype(np.uint8)
    else:
        ds.SamplesPerPixel = 1
        ds.PhotometricInterpretation = "MONOCHROME2"
        ds.BitsAllocated = 16
        ds.BitsStored = 12
        ds.HighBit = 11
        ds.PixelRepresentation = 0
        ds.RescaleIntercept = -1024
        ds.RescaleSlope = 1
        ds.WindowCenter = 40
        ds.WindowWidth = 400
        if pixels is None:
            yy, xx = np.mgrid[0:rows, 0:columns]
            pixels = (1024 + 40 + (xx * 7 + yy * 3) % 400 - 200).astype(np.uint16)
    if frames > 1:
        ds.NumberOfFrames = frames
        pixels = np.stack([pixels] * frames)
    if spacing is not None:
        ds.PixelSpacing = list(spacing)
    ds.PixelData = np.ascontiguousarray(pixels).tobytes()
    ds.ContentDate = dt.date(2024, 6, 5).strftime("%Y%m%d")
    return ds


@pytest.fixture
def dicom_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a synthetic image to a file: ``dicom_file(name="a.dcm", **make_dataset kwargs)``."""

    def write(name: str = "image.dcm", **kwargs: object) -> Path:
        ds = make_dataset(**kwargs)  # type: ignore[arg-type]
        path = tmp_path / name
        ds.save_as(path, enforce_file_format=True)
        return path

    return write


@pytest.fixture(autouse=True)
def _audit_log_in_tmp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test's exports write their audit line to a temporary file, never the user's log."""
    path = tmp_path_factory.mktemp("audit") / "audit.log"
    monkeypatch.setenv("TAKEHOME_AUDIT_LOG", str(path))
    return path
