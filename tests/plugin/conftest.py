"""Fixtures for the panel tests: a synthetic study on disk, the real panel on a real host."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from pydicom.uid import generate_uid

from ..conftest import make_dataset  # noqa: TID252 (the shared fixtures module)


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Autosaves go to a temporary folder, never the user's real data folder."""
    folder = tmp_path / "userdata"
    monkeypatch.setenv("TAKEHOME_DATA_DIR", str(folder))
    return folder


def write_study(folder: Path, *, images: int = 3, frames: int = 0, modality: str = "CT",
                spacing: tuple[float, float] | None = (0.5, 0.5)) -> list[Path]:
    """A study: one series of ``images`` 64x80 images (+ a multi-frame series when ``frames``)."""
    folder.mkdir(parents=True, exist_ok=True)
    study, series = generate_uid(), generate_uid()
    paths = []
    for number in range(1, images + 1):
        yy, xx = np.mgrid[0:64, 0:80]
        pixels = (1024 + 40 + ((xx * 3 + yy * 2 + number * 40) % 200) - 100).astype(np.uint16)
        ds = make_dataset(64, 80, modality=modality, pixels=pixels, spacing=spacing)
        ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
        ds.SeriesNumber, ds.InstanceNumber = 2, number
        path = folder / f"img{number:02d}.dcm"
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
    if frames:
        ds = make_dataset(32, 40, modality=modality, frames=frames, spacing=spacing)
        ds.StudyInstanceUID = study
        ds.SeriesNumber, ds.InstanceNumber = 3, 1
        path = folder / "cine.dcm"
        ds.save_as(path, enforce_file_format=True)
        paths.append(path)
    return paths


@pytest.fixture
def study_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "study"
    write_study(folder, frames=3)
    return folder


@pytest.fixture
def make_panel(qtbot: object, study_dir: Path) -> Iterator[Callable[..., tuple[object, object]]]:
    """``make_panel(folder=study_dir)`` -> (StandaloneHost, TakehomePanel), shown on screen."""
    from takehome.plugin.jobs import wait_for_jobs
    from takehome.plugin.panel import TakehomePanel
    from takehome.plugin.standalone import StandaloneHost, scan

    def make(folder: Path = study_dir, managed: bool = True) -> tuple[StandaloneHost, TakehomePanel]:
        """``managed=False``: the test destroys the panel itself (pytest-qt must not close it)."""
        host = StandaloneHost(scan([folder]))
        panel = TakehomePanel(host)
        if managed:
            qtbot.addWidget(panel)  # type: ignore[attr-defined]
        panel.resize(1200, 800)
        panel.show()
        qtbot.waitExposed(panel)  # type: ignore[attr-defined]
        panel.activateWindow()
        qtbot.waitUntil(panel.isActiveWindow, timeout=5000)  # type: ignore[attr-defined]
        panel.canvas.view.setFocus()
        return host, panel

    yield make
    wait_for_jobs()


@pytest.fixture
def window(qtbot):  # type: ignore[no-untyped-def]
    """The standalone viewer's window (background work finished after the test)."""
    from takehome.plugin.jobs import wait_for_jobs
    from takehome.plugin.standalone.window import ViewerWindow

    win = ViewerWindow()
    qtbot.addWidget(win)
    yield win
    wait_for_jobs()


def open_active(window, qtbot, folder: Path) -> None:  # type: ignore[no-untyped-def]
    """Open ``folder`` in the standalone viewer, shown and active (keys go to it), first image on show."""
    window.open_paths([folder])
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    slices = window.browser.slices
    qtbot.waitUntil(lambda: slices.current() is not None, timeout=5000)
