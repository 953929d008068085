"""The panel inside a real napari (dark theme): readable messages, and no stale "no images" warning."""

from __future__ import annotations

import numpy as np
import pytest
from qtpy.QtWidgets import QWidget

from takehome.plugin.jobs import wait_for_jobs
from takehome.plugin.napari_host.widget import DOCK_TITLE, TakehomeDockWidget
from takehome.plugin.panel import NO_IMAGES
from tests.plugin.napari_host.conftest import SyntheticStudy
from tests.plugin.test_messages import _luminance

pytestmark = pytest.mark.napari


@pytest.fixture(autouse=True)
def _no_background_jobs_left():
    yield
    wait_for_jobs()


def test_warning_is_readable_and_goes_when_the_study_opens(make_napari_viewer, qtbot,
                                                           study: SyntheticStudy) -> None:
    viewer = make_napari_viewer(show=True)
    viewer.theme = "dark"
    _dock, widget = viewer.window.add_plugin_dock_widget("takehome", DOCK_TITLE)
    assert isinstance(widget, TakehomeDockWidget)
    panel = widget.panel
    bar = panel.messages
    qtbot.waitUntil(bar.isVisible, timeout=3000)
    assert bar.text() == NO_IMAGES
    label = bar.findChild(QWidget, "takehome-message-text")
    qtbot.waitUntil(lambda: label.width() > 50, timeout=3000)
    light = _luminance(bar.grab(label.geometry()).toImage())
    background, darkest = float(np.median(light)), float(light.min())
    assert background > 0.7 and (background + 0.05) / (darkest + 0.05) > 7, (background, darkest)
    assert (light < 0.2).sum() > 50  # dark glyphs on the light tint, under napari's white-text theme
    viewer.open(str(study.folder / "series3"), plugin="takehome")
    qtbot.waitUntil(lambda: panel.focus is not None, timeout=3000)
    assert panel.canvas.shown is not None
    assert not bar.isVisible() and bar.text() == ""
