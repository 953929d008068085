"""The takehome dock widget in a real napari viewer: loaded through npe2, follows napari, marks key images."""

from __future__ import annotations

import numpy as np
import pytest
from qtpy.QtCore import Qt

from takehome.annotations.model import ShapeKind
from takehome.plugin.canvas import Tool
from takehome.plugin.jobs import wait_for_jobs
from takehome.plugin.napari_host.drawings import LAYER_NAME
from takehome.plugin.napari_host.redactions import LAYER_NAME as REDACTIONS_LAYER
from takehome.plugin.napari_host.widget import DOCK_TITLE, TakehomeDockWidget, open_panel
from takehome.plugin.panel import TakehomePanel
from tests.plugin.napari_host.conftest import SyntheticStudy

pytestmark = pytest.mark.napari


@pytest.fixture(autouse=True)
def _no_background_jobs_left():
    yield
    wait_for_jobs()


def _dock(viewer) -> TakehomeDockWidget:
    _dock_widget, widget = viewer.window.add_plugin_dock_widget("takehome", DOCK_TITLE)
    assert isinstance(widget, TakehomeDockWidget)
    assert isinstance(widget.panel, TakehomePanel)
    return widget


def _press_k(qtbot, panel: TakehomePanel) -> None:
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow, timeout=5000)
    panel.canvas.view.setFocus()
    qtbot.keyClick(panel.canvas.view, "K")


def test_panel_docks_from_the_plugins_menu_and_follows_the_slider(make_napari_viewer, qtbot,
                                                                   study: SyntheticStudy) -> None:
    viewer = make_napari_viewer(show=True)
    viewer.open(str(study.folder / "series3"), plugin="takehome")
    widget = _dock(viewer)
    panel = widget.panel
    slider = viewer.window._qt_viewer.dims.slider_widgets[0].slider
    for index in (0, 4, 2):
        slider.setValue(index)
        uid = study.axial_uids_in_position_order[index]
        qtbot.waitUntil(lambda uid=uid: panel.focus is not None and panel.focus.sop_instance_uid == uid,
                        timeout=3000)
        assert panel.focus.file == str(study.axial_files_in_position_order[index])
    assert panel.canvas.shown is not None and not panel.canvas.isVisible()  # one image on screen: napari's


def test_marking_key_images_in_napari_lands_in_the_panel_session(make_napari_viewer, qtbot,
                                                                  study: SyntheticStudy) -> None:
    viewer = make_napari_viewer(show=True)
    widget = _dock(viewer)  # docked before any study is open: it picks the study up when it appears
    panel = widget.panel
    layers = {layer.name: layer for layer in viewer.open(str(study.folder), plugin="takehome")}

    viewer.layers.selection.active = layers["CT 3 Axial"]
    viewer.dims.set_current_step(0, 3)
    qtbot.waitUntil(lambda: panel.focus is not None
                    and panel.focus.sop_instance_uid == study.axial_uids_in_position_order[3], timeout=3000)
    _press_k(qtbot, panel)
    viewer.layers.selection.active = layers["US 7"]
    viewer.dims.set_current_step(0, 1)
    qtbot.waitUntil(lambda: panel.focus is not None and panel.focus.sop_instance_uid == study.cine_uid,
                    timeout=3000)
    _press_k(qtbot, panel)
    # draw a labelled arrow on the cine frame: the panel's Arrow tool, napari's canvas, the label box
    panel.toolbars.tool_actions[Tool.ARROW].trigger()
    drawings = viewer.layers[LAYER_NAME]
    assert viewer.layers.selection.active is drawings and drawings.mode == "add_line"
    drawings.add_lines(np.array([[1, 27.5, 3.5], [1, 5.5, 29.5]]))
    qtbot.keyClicks(widget.tools.label_box, "the cyst")
    qtbot.keyClick(widget.tools.label_box, Qt.Key.Key_Return)

    keys = panel.session.key_images
    assert [(k.sop_instance_uid, k.file, k.frame) for k in keys] == [
        (study.axial_uids_in_position_order[3], str(study.axial_files_in_position_order[3]), 1),
        (study.cine_uid, str(study.cine_file), 2),
    ]
    assert [(o.kind, o.label) for o in keys[1].overlays] == [(ShapeKind.ARROW, "the cyst")]
    assert panel.session.study_instance_uid == study.study_uid


def test_open_panel_from_python_and_close_it(make_napari_viewer, qtbot, study: SyntheticStudy) -> None:
    viewer = make_napari_viewer()
    viewer.open(str(study.folder / "series3"), plugin="takehome")
    widget = open_panel(viewer)
    assert DOCK_TITLE in viewer.window.dock_widgets
    seen = []
    widget.host.on_current_image_changed(seen.append)
    viewer.dims.set_current_step(0, 0)
    assert len(seen) == 1
    qtbot.waitUntil(lambda: LAYER_NAME in viewer.layers, timeout=3000)
    viewer.window.remove_dock_widget(widget)  # what the dock's close button does
    assert not widget.panel.isVisible()
    assert [layer.name for layer in viewer.layers if layer.name.startswith("takehome")] == []
    viewer.dims.set_current_step(0, 1)  # the closed panel is not called any more
    assert len(seen) == 1


def test_reopening_the_panel_draws_the_saved_drawings_again(make_napari_viewer, qtbot,
                                                            study: SyntheticStudy) -> None:
    viewer = make_napari_viewer()
    viewer.open(str(study.folder / "series3"), plugin="takehome")
    viewer.dims.set_current_step(0, 2)
    widget = open_panel(viewer)
    qtbot.waitUntil(lambda: widget.panel.focus is not None and LAYER_NAME in viewer.layers, timeout=3000)
    widget.tools.use_tool(Tool.ARROW.value)
    viewer.layers[LAYER_NAME].add_lines(np.array([[2, 30.5, 5.5], [2, 10.5, 35.5]]))
    assert len(widget.panel.session.key_images) == 1
    viewer.window.remove_dock_widget(widget)  # closing saves the session
    again = open_panel(viewer)  # the study's autosave is restored: its arrow is on napari's canvas again
    qtbot.waitUntil(lambda: LAYER_NAME in viewer.layers and len(viewer.layers[LAYER_NAME].data) == 1,
                    timeout=3000)
    assert [o.kind for o in again.panel.session.key_images[0].overlays] == [ShapeKind.ARROW]
    takehome = [LAYER_NAME, "takehome notes", REDACTIONS_LAYER]  # once each, not a stale copy beside
    qtbot.waitUntil(lambda: sorted(layer.name for layer in viewer.layers if layer.name.startswith("takehome"))
                    == takehome, timeout=3000)
