"""The core flow in napari, as a clinician does it, with one image on screen (napari's).

Open a series, mark two key images with K on napari's canvas, draw an arrow and a measured line with the
panel's tools on napari's canvas, label them, attach two sentences, preview, export; the PDF read back holds
both images, the labels (the line with its length) and the sentences.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from qtpy.QtCore import Qt

from takehome.annotations.model import ShapeKind
from takehome.plugin.canvas import ImageCanvas, Tool
from takehome.plugin.jobs import wait_for_jobs
from takehome.plugin.napari_host.drawings import LAYER_NAME
from takehome.plugin.napari_host.widget import DOCK_TITLE, TakehomeDockWidget
from tests.plugin.flow import attach_preview_export
from tests.plugin.napari_host.conftest import SyntheticStudy

pytestmark = pytest.mark.napari

@pytest.fixture(autouse=True)
def _no_background_jobs_left():
    yield
    wait_for_jobs()


def _no_second_image(widget: TakehomeDockWidget) -> bool:
    return not [c for c in widget.findChildren(ImageCanvas) if c.isVisible()]


def test_core_flow_in_napari(make_napari_viewer, qtbot, study: SyntheticStudy, tmp_path) -> None:
    viewer = make_napari_viewer(show=True)
    viewer.window.resize(1280, 800)
    viewer.open(str(study.folder / "series3"), plugin="takehome")
    _dock, widget = viewer.window.add_plugin_dock_widget("takehome", DOCK_TITLE)
    assert isinstance(widget, TakehomeDockWidget)
    panel = widget.panel
    canvas = viewer.window._qt_viewer.canvas.native
    for index in (1, 3):  # K on napari's canvas marks the slice on show
        viewer.dims.set_current_step(0, index)
        uid = study.axial_uids_in_position_order[index]
        qtbot.waitUntil(lambda uid=uid: panel.focus is not None and panel.focus.sop_instance_uid == uid,
                        timeout=3000)
        canvas.setFocus()
        qtbot.keyClick(canvas, "k")
    assert [k.sop_instance_uid for k in panel.session.key_images] == [
        study.axial_uids_in_position_order[1], study.axial_uids_in_position_order[3]]
    assert _no_second_image(widget)

    # on the second key image (on show): an arrow and a measured line drawn on napari's canvas, labelled
    qtbot.waitUntil(lambda: LAYER_NAME in viewer.layers, timeout=3000)
    drawings = viewer.layers[LAYER_NAME]
    for tool, (start, end), label in ((Tool.ARROW, ((40.5, 5.5), (10.5, 50.5)), "the cyst"),
                                      (Tool.LINE, ((24.5, 8.5), (24.5, 48.5)), "width")):
        panel.toolbars.tool_actions[tool].trigger()
        drawings.add_lines(np.array([[3, *start], [3, *end]]))
        qtbot.keyClicks(widget.tools.label_box, label)
        qtbot.keyClick(widget.tools.label_box, Qt.Key.Key_Return)
    overlays = panel.session.key_images[1].overlays
    assert [(o.kind, o.label) for o in overlays] == [(ShapeKind.ARROW, "the cyst"), (ShapeKind.LINE, "width")]
    shown = list(drawings.features["shown"])
    assert shown[0] == "the cyst" and re.fullmatch(r"width \(\d+(\.\d+)? mm\)", shown[1])  # as printed

    attach_preview_export(qtbot, panel, tmp_path / "handout.pdf")  # two sentences, preview, export
    assert _no_second_image(widget)
