"""Benchmark: a 4-image handout with overlays against the floor (decode + window + JPEG, no PDF).

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_handout.py [--repeat N]``).
Targets (docs/performance.md): handout within 2x of the floor, < 0.5 s for 4 images on 2 cores,
< 400 KB per image page at print quality.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, UltrasoundImageStorage, generate_uid

from takehome.annotations import Excerpt, Overlay, Point, ShapeKind
from takehome.handouts.build import build_pdf_bytes, session_from_files
from takehome.handouts.display import render
from takehome.handouts.source import read_dataset


def _base(rows: int, columns: int, modality: str) -> Dataset:
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = UltrasoundImageStorage if modality == "US" else "1.2.840.10008.5.1.4.1.1.2"
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    ds.SOPInstanceUID = generate_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Modality = modality
    ds.PatientName = "Bench^Mark"
    ds.PatientID = "BENCH001"
    ds.Rows, ds.Columns = rows, columns
    return ds


def ct_like(seed: int) -> Dataset:
    """512x512 12-bit CT slice: body ellipse, organs, noise."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:512, 0:512]
    hu = np.full((512, 512), -1000.0)
    body = ((xx - 256) / 220) ** 2 + ((yy - 256) / 170) ** 2 < 1
    hu[body] = 40
    for _ in range(6):
        cx, cy, r = rng.integers(150, 360), rng.integers(150, 360), rng.integers(15, 50)
        hu[(xx - cx) ** 2 + (yy - cy) ** 2 < r**2] = rng.choice([-800, 60, 300, 900])
    hu += rng.normal(0, 12, hu.shape)
    ds = _base(512, 512, "CT")
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    ds.RescaleIntercept, ds.RescaleSlope = -1024, 1
    ds.WindowCenter, ds.WindowWidth = 40, 400
    ds.PixelSpacing = [0.7, 0.7]
    ds.PixelData = (hu + 1024).clip(0, 4095).astype(np.uint16).tobytes()
    return ds


def us_like(seed: int) -> Dataset:
    """800x600 8-bit RGB ultrasound screen: speckled sector on black."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:600, 0:800]
    angle = np.arctan2(xx - 400, yy + 40)
    radius = np.hypot(xx - 400, yy + 40)
    sector = (np.abs(angle) < 0.6) & (radius > 80) & (radius < 600)
    speckle = rng.rayleigh(45, (600, 800)) * sector
    grey = speckle.clip(0, 255).astype(np.uint8)
    ds = _base(600, 800, "US")
    ds.SamplesPerPixel, ds.PhotometricInterpretation, ds.PlanarConfiguration = 3, "RGB", 0
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.PixelData = np.stack([grey] * 3, axis=-1).tobytes()
    return ds


def make_study(folder: Path) -> list[Path]:
    paths = []
    for index, ds in enumerate([ct_like(1), ct_like(2), us_like(3), us_like(4)]):
        path = folder / f"image{index}.dcm"
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
    return paths


def handout_once(paths: list[Path], redact: str = "none") -> bytes:
    session = session_from_files([str(p) for p in paths])
    images = []
    for key in session.key_images:
        overlays = (
            Overlay(ShapeKind.ARROW, (Point(60, 60), Point(200, 200)), label="the finding"),
            Overlay(ShapeKind.LINE, (Point(250, 250), Point(320, 300)), label="size"),
            Overlay(ShapeKind.ELLIPSE, (Point(100, 300), Point(180, 360))),
        )
        images.append(replace(key, overlays=overlays, excerpts=(Excerpt("A 12 mm nodule."),)))
    data, _, _ = build_pdf_bytes(session.with_images(images), redact=redact)
    return data


def floor_once(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        pixels = render(read_dataset(path)).pixels
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format="JPEG", quality=90)
        total += len(buffer.getvalue())
    return total


def timed(function, *args, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--ocr-repeat", type=int, default=3,
                        help="repeats of the build with burned-in text detection (0 to skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_study(Path(tmp))
        handout_once(paths)  # warm up: fonts, imports
        floor_once(paths)
        floor = timed(floor_once, paths, repeat=args.repeat)
        handout = timed(handout_once, paths, repeat=args.repeat)
        size = len(handout_once(paths))
        ocr = timed(handout_once, paths, "auto", repeat=args.ocr_repeat) if args.ocr_repeat else None
    print(f"floor (decode + window + JPEG, 4 images): {floor * 1000:.0f} ms (median of {args.repeat})")
    print(f"handout PDF (4 images with overlays, --redact none): {handout * 1000:.0f} ms "
          f"(median of {args.repeat})")
    print(f"ratio handout / floor:                    {handout / floor:.2f}")
    print(f"PDF size: {size / 1024:.0f} KB in all, {size / 4 / 1024:.0f} KB per image")
    if ocr is not None:
        print(f"handout with burned-in text OCR (--redact auto): {ocr * 1000:.0f} ms "
              f"(median of {args.ocr_repeat})")


if __name__ == "__main__":
    main()
