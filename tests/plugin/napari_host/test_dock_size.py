"""The panel docks beside napari's canvas, not instead of it: at 1280x800 the canvas keeps half the window."""

from __future__ import annotations

import pytest

from takehome.plugin.jobs import wait_for_jobs
from takehome.plugin.napari_host.widget import DOCK_TITLE
from tests.plugin.napari_host.conftest import SyntheticStudy

pytestmark = pytest.mark.napari


def test_the_dock_is_compact_at_1280x800(make_napari_viewer, qtbot, study: SyntheticStudy) -> None:
    viewer = make_napari_viewer(show=True)
    window = viewer.window._qt_window
    window.resize(1280, 800)
    viewer.open(str(study.folder / "series3"), plugin="takehome")
    dock, widget = viewer.window.add_plugin_dock_widget("takehome", DOCK_TITLE)
    qtbot.waitUntil(lambda: widget.panel.focus is not None, timeout=3000)
    qtbot.waitUntil(lambda: window.width() == 1280, timeout=3000)
    qtbot.wait(50)
    canvas = viewer.window._qt_viewer.canvas.native
    assert dock.width() <= 440, dock.width()
    assert canvas.width() >= window.width() / 2, (canvas.width(), window.width())
    assert widget.panel.height() <= window.height()  # nothing is cut off below
    wait_for_jobs()
