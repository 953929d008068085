"""Benchmark: the burned-in text check side by side with Presidio, and the de-identified build vs the floor.

Run: ``.venv/bin/pip install -e '.[bench]'`` once, then ``.venv/bin/python benchmarks/bench_burnedin.py``.
The images are bench_handout.py's four (two 512x512 CT slices, two 800x600 RGB ultrasound screens),
with a patient banner and technical labels burned into the ultrasound screens, as on a real device.

Targets (docs/performance.md): the check takes no longer than Presidio's DicomImageRedactorEngine on
the same images, and the whole de-identified ``takehome build`` (one process, as a clinician runs it)
stays within 3x the floor process (Python decoding, windowing and JPEG-encoding the same images). The
in-process figures are printed too. Presidio's NER model is not needed to time its OCR
and redaction: its analyzer runs on a blank spaCy English pipeline (its pattern recognizers and the
header deny list still run; only the statistical name recogniser finds nothing).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pydicom
from PIL import Image, ImageDraw, ImageFont
from pydicom.dataset import Dataset

sys.path.insert(0, str(Path(__file__).parent))
from bench_handout import ct_like, floor_once, handout_once, us_like

from takehome.handouts.deid import Identifiers
from takehome.handouts.deid.ocr import forget_readings
from takehome.handouts.deid.pixels import Evidence, detect_text
from takehome.handouts.display import render

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def with_screen_text(ds: Dataset) -> Dataset:
    """The ultrasound screen with a banner (name, ID, date, time, institution) and technical labels."""
    pixels = ds.pixel_array.copy()
    image = Image.fromarray(pixels)
    draw = ImageDraw.Draw(image)
    small, large = ImageFont.truetype(FONT, 13), ImageFont.truetype(FONT, 16)
    draw.text((8, 6), "BENCH, MARK", font=large, fill=(255, 255, 255))
    draw.text((200, 6), "BENCH001", font=large, fill=(255, 255, 255))
    draw.text((560, 6), "12/03/2024 14:32:07", font=small, fill=(255, 255, 255))
    draw.text((8, 30), "Saint Quentin Royal Infirmary", font=small, fill=(200, 200, 200))
    for row, label in enumerate(("C5-1", "MI 0.9", "TIS 0.4", "Gain 54%", "Depth 16 cm")):
        draw.text((700, 80 + 18 * row), label, font=small, fill=(220, 220, 220))
    ds.PixelData = np.asarray(image).tobytes()
    ds.InstitutionName = "Saint Quentin Royal Infirmary"
    ds.PatientName = "Bench^Mark"
    return ds


def make_study(folder: Path) -> list[Path]:
    paths = []
    for index, ds in enumerate([ct_like(1), ct_like(2), with_screen_text(us_like(3)),
                                with_screen_text(us_like(4))]):
        path = folder / f"image{index}.dcm"
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
    return paths


def check_once(paths: list[Path]) -> int:
    """takehome's check of every image, cold (no cached readings): regions found."""
    forget_readings()
    found = 0
    for path in paths:
        ds = pydicom.dcmread(path)
        pixels = render(ds).pixels
        found += len(detect_text(pixels, Identifiers.from_dataset(ds), Evidence.from_dataset(ds)))
    return found


def presidio_engine() -> Callable[[list[Path]], int]:
    """Presidio's DicomImageRedactorEngine on a blank spaCy pipeline (no NER model download)."""
    import spacy
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_image_redactor import DicomImageRedactorEngine, ImageAnalyzerEngine

    nlp = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "blank"}])
    nlp.nlp = {"en": spacy.blank("en")}
    analyzer = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
    engine = DicomImageRedactorEngine(image_analyzer_engine=ImageAnalyzerEngine(analyzer_engine=analyzer))

    def redact(paths: list[Path]) -> int:
        for path in paths:
            engine.redact(pydicom.dcmread(path), fill="contrast", use_metadata=True)
        return len(paths)

    return redact


def build_once(paths: list[Path]) -> bytes:
    forget_readings()
    return handout_once(paths, "auto")


FLOOR_PROCESS = """
import io, sys
from PIL import Image
from takehome.handouts.display import render
from takehome.handouts.source import read_dataset
for path in sys.argv[1:]:
    Image.fromarray(render(read_dataset(path)).pixels).save(io.BytesIO(), format="JPEG", quality=90)
"""


def floor_process(paths: list[Path]) -> None:
    """The floor as a process: start Python, decode + window + JPEG-encode the images."""
    subprocess.run([sys.executable, "-c", FLOOR_PROCESS, *map(str, paths)], check=True)


def build_process(paths: list[Path]) -> None:
    """``takehome build`` as a clinician runs it: one process, de-identified (--redact auto)."""
    out = paths[0].parent / "handout.pdf"
    command = [str(Path(sys.executable).parent / "takehome"), "build", *map(str, paths), "--out", str(out)]
    subprocess.run(command, check=True, capture_output=True,
                   env={**os.environ, "TAKEHOME_AUDIT_LOG": str(paths[0].parent / "audit.log")})


def timed(function: Callable[[list[Path]], object], paths: list[Path], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function(paths)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        paths = make_study(Path(tmp))
        handout_once(paths)  # warm up: imports, fonts
        check_once(paths)  # warm up: the OCR workers load their model once per process
        floor = timed(floor_once, paths, args.repeat)
        check = timed(check_once, paths, args.repeat)
        build = timed(build_once, paths, args.repeat)
        floor_run = timed(floor_process, paths, args.repeat)
        build_run = timed(build_process, paths, args.repeat)
        try:
            presidio = presidio_engine()
        except ImportError:
            presidio = None
        if presidio is not None:
            presidio(paths)  # warm up
            peer = timed(presidio, paths, args.repeat)
    print(f"load average at start: {load:.1f} (2 cores)")
    print(f"floor (decode + window + JPEG, 4 images):      {floor * 1000:7.0f} ms")
    print(f"takehome burned-in text check, 4 images (cold): {check * 1000:7.0f} ms")
    if presidio is not None:
        print(f"Presidio DicomImageRedactorEngine, 4 images:   {peer * 1000:7.0f} ms  "
              f"(takehome / Presidio {check / peer:.2f})")
    else:
        print("Presidio DicomImageRedactorEngine: not installed (pip install -e '.[bench]')")
    print(f"de-identified build in process (--redact auto):  {build * 1000:6.0f} ms  "
          f"(build / in-process floor {build / floor:.1f}x)")
    print(f"floor process (python + decode + window + JPEG): {floor_run * 1000:6.0f} ms")
    print(f"takehome build process (--redact auto):           {build_run * 1000:6.0f} ms  "
          f"(build / floor {build_run / floor_run:.1f}x)")
    print(f"medians of {args.repeat} runs")


if __name__ == "__main__":
    main()
