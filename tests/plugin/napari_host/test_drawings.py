"""The handout's drawings as napari shapes ("takehome drawings"): both ways, with the panel's undo."""

from __future__ import annotations

import numpy as np
import pytest
from qtpy.QtCore import Qt

from takehome.annotations.model import Point, ShapeKind
from takehome.plugin.canvas import Tool
from takehome.plugin.jobs import wait_for_jobs
from takehome.plugin.napari_host.drawings import LAYER_NAME
from takehome.plugin.napari_host.widget import DOCK_TITLE, TakehomeDockWidget
from tests.plugin.mouse import drag
from tests.plugin.napari_host.conftest import SyntheticStudy

pytestmark = pytest.mark.napari


@pytest.fixture(autouse=True)
def _no_background_jobs_left():
    yield
    wait_for_jobs()


def _docked(make_napari_viewer, qtbot, study: SyntheticStudy, slice_index: int):
    viewer = make_napari_viewer(show=True)
    viewer.open(str(study.folder / "series3"), plugin="takehome")
    _dock, widget = viewer.window.add_plugin_dock_widget("takehome", DOCK_TITLE)
    assert isinstance(widget, TakehomeDockWidget)
    panel = widget.panel
    viewer.dims.set_current_step(0, slice_index)
    uid = study.axial_uids_in_position_order[slice_index]
    qtbot.waitUntil(lambda: panel.focus is not None and panel.focus.sop_instance_uid == uid, timeout=3000)
    qtbot.waitUntil(lambda: LAYER_NAME in viewer.layers, timeout=3000)
    return viewer, panel


def test_a_panel_drawing_appears_on_napari_and_follows_undo(make_napari_viewer, qtbot,
                                                             study: SyntheticStudy) -> None:
    viewer, panel = _docked(make_napari_viewer, qtbot, study, 3)
    canvas = panel.canvas
    canvas.set_tool(Tool.LINE)
    drag(canvas.view.viewport(), canvas.image_to_widget(Point(10, 20)), canvas.image_to_widget(Point(40, 20)))
    qtbot.keyClicks(canvas.label_editor, "width")
    qtbot.keyClick(canvas.label_editor, Qt.Key.Key_Return)
    layer = viewer.layers[LAYER_NAME]
    (line,) = panel.session.key_images[0].overlays
    assert list(layer.shape_type) == ["line"] and list(layer.features["label"]) == ["width"]
    (shown,) = layer.features["shown"]
    assert shown.startswith("width (") and shown.endswith(" mm)")  # the measured length, as printed
    vertices = np.asarray(layer.data[0])
    assert np.allclose(vertices[:, 0], 3)  # on its slice only
    expected = [(p.y - 0.5, p.x - 0.5) for p in line.points]
    assert np.allclose(vertices[:, 1:], expected)
    panel.toolbars.undo_action.trigger()  # the label
    assert list(layer.features["label"]) == [""]
    panel.toolbars.undo_action.trigger()  # the drawing (and the key image): gone from napari
    assert panel.session.key_images == () and len(layer.data) == 0
    panel.toolbars.redo_action.trigger()
    assert len(layer.data) == 1


def test_shapes_drawn_or_moved_in_napari_come_back_as_one_undoable_edit(make_napari_viewer, qtbot,
                                                                         study: SyntheticStudy) -> None:
    viewer, panel = _docked(make_napari_viewer, qtbot, study, 2)
    layer = viewer.layers[LAYER_NAME]
    layer.add_rectangles(np.array([[2, 5, 6], [2, 5, 30], [2, 25, 30], [2, 25, 6]], dtype=float))
    (image,) = panel.session.key_images  # drawing in napari made the slice a key image
    assert image.sop_instance_uid == study.axial_uids_in_position_order[2]
    (box,) = image.overlays
    assert box.kind is ShapeKind.RECTANGLE and box.points == (Point(6.5, 5.5), Point(30.5, 25.5))
    moved = [np.asarray(layer.data[0]) + np.array([0, 4, 0])]
    layer.data = moved
    layer.events.data(value=layer.data, action="changed", data_indices=(0,), vertex_indices=((),))
    (box,) = panel.session.key_images[0].overlays
    assert box.points == (Point(6.5, 9.5), Point(30.5, 29.5))
    panel.toolbars.undo_action.trigger()
    assert panel.session.key_images[0].overlays[0].points == (Point(6.5, 5.5), Point(30.5, 25.5))
    assert np.allclose(np.asarray(layer.data[0])[:, 1].min(), 5)
