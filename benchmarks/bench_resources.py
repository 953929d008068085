"""Benchmark: memory and time of a handout with 1, 10 and 40 key images taken from one multi-frame file.

Run: ``make bench-resources`` (or ``.venv/bin/python benchmarks/bench_resources.py [--frames 48]``).
Each build runs in a fresh interpreter; its memory is the peak traced by tracemalloc during the
build (file bytes, decoded frames, PDF: numpy and pydicom allocations are traced), next to the
process's max RSS (which includes the interpreter and libraries). The peer is the
file itself: its size on disk and its decoded size (all frames as stored samples); the target is a
peak within about 2x the decoded size at 40 key images, and time growing with the key images shown,
not with key images x file size. Also times the department glossary merge at 20,000 words.
Figures and the command are in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, RLELossless, UltrasoundMultiFrameImageStorage, generate_uid


def write_cine(path: Path, frames: int, rows: int = 600, columns: int = 800) -> int:
    """An RLE-compressed RGB ultrasound cine of ``frames`` frames; returns its decoded size in bytes."""
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID = UltrasoundMultiFrameImageStorage
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.Modality, ds.PatientName, ds.PatientID = "US", "Bench^Mark", "BENCH001"
    ds.Rows, ds.Columns, ds.NumberOfFrames = rows, columns, frames
    ds.SamplesPerPixel, ds.PhotometricInterpretation, ds.PlanarConfiguration = 3, "RGB", 0
    ds.BitsAllocated = ds.BitsStored = 8
    ds.HighBit, ds.PixelRepresentation = 7, 0
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:rows, 0:columns]
    cone = ((x - columns / 2) ** 2 + (y + rows * 0.1) ** 2) < (rows * 1.05) ** 2
    stack = np.zeros((frames, rows, columns, 3), np.uint8)
    for index in range(frames):
        speckle = rng.gamma(2.0, 40.0, (rows, columns)).clip(0, 255).astype(np.uint8)
        stack[index, ..., :] = (speckle * cone)[..., None]
    ds.PixelData = stack.tobytes()
    ds.compress(RLELossless, encoding_plugin="pydicom")
    ds.save_as(path, enforce_file_format=True)
    return int(stack.nbytes)


_CHILD = """
import json, resource, sys, time, tracemalloc
from takehome.annotations.model import KeyImage, Session
from takehome.handouts.build import build_pdf_bytes
from takehome.handouts.source import read_dataset
path, count = sys.argv[1], int(sys.argv[2])
ds = read_dataset(path)
images = tuple(KeyImage(str(ds.SOPInstanceUID), path, int(ds.Rows), int(ds.Columns), frame=n + 1)
               for n in range(count))
del ds
start = time.perf_counter()
data, info, _ = build_pdf_bytes(Session(key_images=images), redact="none")
seconds = time.perf_counter() - start
tracemalloc.start()
build_pdf_bytes(Session(key_images=images), redact="none")
traced = tracemalloc.get_traced_memory()[1]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"key_images": count, "seconds": seconds, "peak_bytes": peak, "traced_bytes": traced,
                  "pages": info.pages}))
"""


def measure(path: Path, count: int) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(count)], capture_output=True,
                          text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def baseline_rss() -> int:
    """Peak memory of an interpreter that only imports takehome (subtracted from each build's peak)."""
    code = ("import resource, takehome.handouts.build, takehome.handouts.source; "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)")
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True).stdout.strip())


def glossary_merge_seconds(words: int) -> float:
    from takehome.handouts.glossary import builtin_glossary

    additions = {f"department word {n}": f"plain words {n}" for n in range(words)}
    start = time.perf_counter()
    builtin_glossary("en").with_additions(additions)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=48, help="frames in the cine (default 48)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cine = Path(folder) / "cine.dcm"
        decoded = write_cine(cine, args.frames)
        size = cine.stat().st_size
        base = baseline_rss()
        print(f"cine: {args.frames} frames 800x600 RGB, {size / 2**20:.0f} MB on disk (RLE), "
              f"{decoded / 2**20:.0f} MB decoded; interpreter with takehome imported: {base / 2**20:.0f} MB")
        print(f"{'key images':>10} {'seconds':>8} {'build peak MB':>13} {'x decoded':>9} "
              f"{'process max RSS MB':>18} pages")
        for count in (1, 10, 40):
            row = measure(cine, min(count, args.frames))
            traced = row["traced_bytes"]
            print(f"{count:>10} {row['seconds']:>8.2f} {traced / 2**20:>13.0f} {traced / decoded:>9.2f} "
                  f"{row['peak_bytes'] / 2**20:>18.0f} {int(row['pages']):>5}")
    seconds = glossary_merge_seconds(20_000)
    print(f"glossary merge, 20,000 department words: {seconds:.3f} s")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"(this driver's own peak: {own / 1024:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
