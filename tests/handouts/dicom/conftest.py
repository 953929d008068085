"""Fixtures for the DICOM tests: a small synthetic study on disk and sessions drawn on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from pydicom.uid import generate_uid

from takehome.annotations.model import Crop, Excerpt, KeyImage, Overlay, Point, Session, ShapeKind, Window
from tests.conftest import FAKE_PATIENT, make_dataset

MULTIFRAME_SC = "1.2.840.10008.5.1.4.1.1.7.3"  # Multi-frame Grayscale Word SC Image Storage


@dataclass
class Study:
    """Files of one patient's study: two grey CT slices, a colour image, a multi-frame grey image."""

    folder: Path
    ct1: Path
    ct2: Path
    colour: Path
    multiframe: Path

    @property
    def images(self) -> list[Path]:
        return [self.ct1, self.ct2, self.colour, self.multiframe]


def write_study(folder: Path) -> Study:
    folder.mkdir(parents=True, exist_ok=True)
    study_uid, ct_series = generate_uid(), generate_uid()
    paths = {}
    specs = {
        "ct1": {"rows": 64, "columns": 80},
        "ct2": {"rows": 64, "columns": 80},
        "colour": {"rows": 48, "columns": 60, "color": True, "modality": "US"},
        "multiframe": {"rows": 40, "columns": 50, "frames": 3, "modality": "XA"},
    }
    for number, (name, kwargs) in enumerate(specs.items(), start=1):
        ds = make_dataset(**kwargs)  # type: ignore[arg-type]
        ds.StudyInstanceUID = study_uid
        if name.startswith("ct"):
            ds.SeriesInstanceUID = ct_series
        ds.PatientSex = "F"
        ds.StudyTime = "101500"
        ds.StudyID = "1"
        ds.SeriesNumber = number
        ds.InstanceNumber = 1
        if name == "multiframe":
            ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = MULTIFRAME_SC
            stack = np.stack([np.full((40, 50), 1024 + 200 * f, dtype=np.uint16) for f in range(3)])
            ds.PixelData = stack.tobytes()
        path = folder / f"{name}.dcm"
        ds.save_as(path, enforce_file_format=True)
        paths[name] = path
    return Study(folder, **paths)


@pytest.fixture
def study(tmp_path: Path) -> Study:
    return write_study(tmp_path / "study")


def key(path: Path, rows: int, columns: int, frame: int = 1, **kwargs: object) -> KeyImage:
    import pydicom

    uid = str(pydicom.dcmread(path, stop_before_pixels=True).SOPInstanceUID)
    return KeyImage(sop_instance_uid=uid, file=str(path), rows=rows, columns=columns, frame=frame,
                    **kwargs)  # type: ignore[arg-type]


def drawn_session(study: Study) -> Session:
    """Every kind of overlay, windows, crops, excerpts (one naming the patient, to be scrubbed)."""
    name = FAKE_PATIENT["PatientName"].split("^")[0]
    ct1 = key(study.ct1, 64, 80, window=Window(40, 400), crop=Crop(10, 5, 50, 40), overlays=(
        Overlay(ShapeKind.ARROW, (Point(10.5, 12.25), Point(30, 40)), "the spot", "#ffd400", id="a1"),
        Overlay(ShapeKind.LINE, (Point(50, 10), Point(70.75, 30.5)), "size", "#00e5ff", id="l1"),
        Overlay(ShapeKind.ELLIPSE, (Point(60, 50), Point(20, 35)), "kidney", "#7cfc00", id="e1"),
        Overlay(ShapeKind.RECTANGLE, (Point(5, 5), Point(25, 20)), "", "#ff4fa3", id="r1"),
        Overlay(ShapeKind.TEXT, (Point(40, 60),), "Look here", "#ffffff", id="t1"),
        Overlay(ShapeKind.ARROW, (Point(79, 63), Point(80, 64)), "", "#123456", id="a2"),
    ), excerpts=(Excerpt(f"A small cyst, Mrs {name}. Harmless."),))
    ct2 = key(study.ct2, 64, 80, window=Window(300, 1500), overlays=(
        Overlay(ShapeKind.ELLIPSE, (Point(0, 0), Point(80, 64)), "whole", "#abcdef", id="e2"),))
    colour = key(study.colour, 48, 60, overlays=(
        Overlay(ShapeKind.RECTANGLE, (Point(30, 20), Point(10, 5)), "valve", "#ff0000", id="r2"),
        Overlay(ShapeKind.ARROW, (Point(50, 40), Point(45, 30)), "flow", "#00ff00", id="a3"),
    ), excerpts=(Excerpt("The heart pumps normally."),))
    frame2 = key(study.multiframe, 40, 50, frame=2, window=Window(1424, 100), overlays=(
        Overlay(ShapeKind.LINE, (Point(1, 1), Point(49, 39)), "vessel", "#ffd400", id="l2"),))
    return Session(key_images=(ct1, ct2, colour, frame2), title="Your scan")


@pytest.fixture
def session_factory() -> Callable[[Study], Session]:
    return drawn_session
