"""Benchmark: opening and scrolling a 300-slice 512x512 CT in both viewers' image paths.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_large_series.py [--slices 300]
[--busy]`` (``--busy`` keeps the other core busy with a spinning process for the run). Targets
(issue 11, docs/performance.md): the first image on screen < 1 s after choosing the folder;
scrolling >= 30 slices/s with the read-ahead; the peer is the previous reader, which decoded every
slice before showing the first.

What is timed, per viewer path:
- standalone: from choosing the folder to the first image *painted* by the view (the core's scan of
  the folder, the panel opening the study, one decode, the paint); then a wheel stepping one slice
  every 1/40 s (and, in a fresh viewer, every 1/60 s) through 120 slices: the distinct images
  painted per second, and the share of steps whose image was already decoded when the step came;
- napari reader: the scan + the slice napari shows first, then slicing as napari does;
- eager peer: decoding every slice before showing one (what the napari reader did before).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from bench_handout import ct_like

from takehome.handouts.display import render
from takehome.handouts.source import read_dataset

#: the wheel rates measured in the standalone viewer (steps per second)
WHEELS = (40, 60)


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


class Painted:
    """When the view finished painting an image, and which one: what the clinician sees."""

    def __init__(self, canvas: Any) -> None:
        self.log: list[tuple[float, object]] = []
        item = canvas.image_item
        paint = item.paint

        def painted(_item: object, painter: object, *args: object) -> None:
            paint(painter, *args)
            self.log.append((time.perf_counter(), canvas.shown.key if canvas.shown is not None else None))

        item.paint = types.MethodType(painted, item)

    def first(self) -> float | None:
        return next((at for at, key in self.log if key is not None), None)

    def distinct(self, since: float) -> int:
        keys = [key for at, key in self.log if at >= since and key is not None]
        return sum(1 for k, key in enumerate(keys) if k == 0 or keys[k - 1] != key)


def standalone(folder: Path, wheel: int) -> tuple[float, float, float]:
    """A fresh viewer: (seconds to the first image painted, images painted per second while the wheel
    steps ``wheel`` times a second, share of steps decoded ahead)."""
    from qtpy.QtWidgets import QApplication

    from takehome.plugin.jobs import shutdown
    from takehome.plugin.standalone.window import ViewerWindow

    app = QApplication.instance() or QApplication([])
    window = ViewerWindow()
    window.show()
    app.processEvents()
    slices = window.browser.slices
    painted = Painted(slices.canvas)
    begun = time.perf_counter()  # the clinician chose the folder
    window.open_paths([folder])
    while painted.first() is None:
        app.processEvents()
        if time.perf_counter() - begun > 60:
            raise SystemExit("the first image was not painted within a minute")
    first = (painted.first() or begun) - begun
    start = time.perf_counter()
    elapsed, ready = _scroll(app, lambda: slices.step(1), slices.current,
                             lambda: slices.series.images[slices.index] if slices.series else None,
                             interval=1 / wheel)
    rate = painted.distinct(start) / elapsed
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


def _scroll(app: Any, step: Callable[[], None], current: Callable[[], object],
            wanted: Callable[[], object], steps: int = 120, interval: float = 1 / 40) -> tuple[float, float]:
    """Step every ``interval`` s, handling events in between: (seconds taken, share of steps whose
    image was on screen at once, i.e. decoded ahead)."""
    at_once = 0
    start = time.perf_counter()
    for k in range(steps):
        step()
        if current() == wanted():
            at_once += 1
        deadline = start + (k + 1) * interval
        while time.perf_counter() < deadline:
            app.processEvents()
    return time.perf_counter() - start, at_once / steps


@contextmanager
def busy_core(enabled: bool, seconds: float = 600) -> Iterator[None]:
    """A process spinning on the other core for the run (stops itself after ``seconds``)."""
    if not enabled:
        yield
        return
    spin = subprocess.Popen([sys.executable, "-c",
                             f"import time\nend = time.time() + {seconds}\nwhile time.time() < end: pass"])
    try:
        yield
    finally:
        spin.terminate()
        spin.wait(10)


def eager(folder: Path) -> float:
    """The peer: decode every slice before showing the first (seconds)."""
    begun = time.perf_counter()
    for path in sorted(folder.iterdir()):
        render(read_dataset(path), 1)
    return time.perf_counter() - begun


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--slices", type=int, default=300)
    parser.add_argument("--busy", action="store_true", help="keep the other core busy meanwhile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, busy_core(args.busy):
        folder = Path(tmp) / "ct"
        folder.mkdir()
        write_series(folder, args.slices)
        peer = eager(folder)
        runs = {wheel: standalone(folder, wheel) for wheel in WHEELS}
        first_n, rate_n, _ = napari_path(folder)
        load = os.getloadavg()[0]
    print(f"{args.slices}-slice 512x512 CT; {os.cpu_count()} cores, load {load:.2f}"
          f"{', the other core kept busy' if args.busy else ''}")
    print(f"eager peer (decode all, then show): {peer:.2f} s to the first image")
    for wheel, (first, rate, ready) in runs.items():
        print(f"standalone: first image painted {first:.2f} s; wheel at {wheel} steps/s: {rate:.0f} images/s "
              f"painted, {ready:.0%} of steps decoded ahead")
    print(f"napari reader: first image {first_n:.2f} s; slicing {rate_n:.0f} slices/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
