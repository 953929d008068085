"""Benchmark: opening and scrolling a 300-slice 512x512 CT in both viewers' image paths.

Run: ``.venv/bin/python benchmarks/bench_large_series.py [--slices 300]`` (needs a display or
``QT_QPA_PLATFORM=offscreen``). Targets (issue 11, docs/performance.md): the first image on screen
< 1 s after choosing the folder; scrolling >= 30 slices/s with the read-ahead; the peer is the
previous reader, which decoded every slice before showing the first.

What is timed, per viewer path:
- open: the core's scan of the folder (headers only) + decoding the image shown first;
- scroll: the viewer steps one slice every 1/40 s (a fast wheel) through 120 slices; we count the
  slices that were on screen when their step came (decoded ahead) and the rate of images shown;
- eager peer: decoding every slice before showing one (what the napari reader did before).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from bench_handout import ct_like

from takehome.handouts.display import render
from takehome.handouts.source import read_dataset


def write_series(folder: Path, slices: int) -> None:
    """A CT series: ``slices`` files with positions and instance numbers, written in scrambled order."""
    from pydicom.uid import generate_uid

    study, series = generate_uid(), generate_uid()
    base = ct_like(0)
    order = np.random.default_rng(1).permutation(slices)
    for n in order:
        ds = ct_like(int(n) % 7) if n < 7 else base.copy()
        ds.SOPInstanceUID = generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.StudyInstanceUID, ds.SeriesInstanceUID, ds.SeriesNumber = study, series, 2
        ds.InstanceNumber = int(n) + 1
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.ImagePositionPatient = [0.0, 0.0, float(n) * 1.25]
        ds.save_as(folder / f"IM{int(n) * 7919 % 100003:06d}", enforce_file_format=True)


def standalone(folder: Path) -> tuple[float, float, float]:
    """(seconds to first image, slices/s while scrolling, share of steps already decoded)."""
    from qtpy.QtWidgets import QApplication

    from takehome.plugin.jobs import shutdown
    from takehome.plugin.standalone.window import ViewerWindow

    app = QApplication.instance() or QApplication([])
    window = ViewerWindow()
    window.show()
    app.processEvents()
    begun = time.perf_counter()  # the clinician chose the folder
    window.open_paths([folder])
    slices = window.browser.slices
    while slices.current() is None:
        app.processEvents()
    first = time.perf_counter() - begun
    rate, ready = _scroll(app, lambda: slices.step(1), lambda: slices.current(),
                          lambda: slices.series.images[slices.index] if slices.series else None)
    window.close()
    shutdown()
    return first, rate, ready


def napari_path(folder: Path) -> tuple[float, float, float]:
    """The napari reader's path without napari's canvas: load the stack, slice it as napari does."""
    from qtpy.QtWidgets import QApplication

    from takehome.plugin.jobs import wait_for_jobs
    from takehome.plugin.napari_host.reader import read_dicom

    app = QApplication.instance() or QApplication([])
    begun = time.perf_counter()
    ((data, _kwargs, _kind),) = read_dicom(str(folder))
    np.asarray(data[len(data) // 2])
    first = time.perf_counter() - begun
    index = [len(data) // 2]
    shown: list[int] = []

    def step() -> None:
        index[0] += 1
        np.asarray(data[index[0]])  # napari asks for the slice when the slider moves
        shown.append(index[0])

    steps = 120
    start = time.perf_counter()
    for _ in range(steps):
        step()
        app.processEvents()
    elapsed = time.perf_counter() - start
    wait_for_jobs(10000)
    return first, steps / elapsed, float("nan")


def _scroll(app: object, step: object, current: object, wanted: object, steps: int = 120,
            interval: float = 1 / 40) -> tuple[float, float]:
    """Step every ``interval`` s; rate of distinct images shown, and share of steps shown at once."""
    seen = []
    at_once = 0
    start = time.perf_counter()
    for k in range(steps):
        step()  # type: ignore[operator]
        if current() == wanted():  # type: ignore[operator]
            at_once += 1
        deadline = start + (k + 1) * interval
        while time.perf_counter() < deadline:
            app.processEvents()  # type: ignore[attr-defined]
            shown = current()  # type: ignore[operator]
            if not seen or seen[-1] != shown:
                seen.append(shown)
    elapsed = time.perf_counter() - start
    return len(seen) / elapsed, at_once / steps


def eager(folder: Path) -> float:
    """The peer: decode every slice before showing the first (seconds)."""
    begun = time.perf_counter()
    for path in sorted(folder.iterdir()):
        render(read_dataset(path), 1)
    return time.perf_counter() - begun


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--slices", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ct"
        folder.mkdir()
        write_series(folder, args.slices)
        peer = eager(folder)
        first_s, rate_s, ready_s = standalone(folder)
        first_n, rate_n, _ = napari_path(folder)
    print(f"{args.slices}-slice 512x512 CT")
    print(f"eager peer (decode all, then show): {peer:.2f} s to the first image")
    print(f"standalone: first image {first_s:.2f} s; scrolling at 40 steps/s: {rate_s:.0f} images/s shown, "
          f"{ready_s:.0%} of steps decoded ahead")
    print(f"napari reader: first image {first_n:.2f} s; slicing {rate_n:.0f} slices/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
