"""The handout's drawings as napari shapes ("takehome drawings"): both ways, with the panel's undo."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from qtpy.QtCore import Qt

from takehome.annotations.model import Overlay, Point, Redaction, ShapeKind
from takehome.plugin.canvas import ImageCanvas, Tool
from takehome.plugin.jobs import wait_for_jobs
from takehome.plugin.napari_host.drawings import LAYER_NAME
from takehome.plugin.napari_host.notes import LAYER_NAME as NOTES_LAYER
from takehome.plugin.napari_host.notes import NEW_NOTE
from takehome.plugin.napari_host.redactions import LAYER_NAME as REDACTIONS_LAYER
from takehome.plugin.napari_host.widget import DOCK_TITLE, TakehomeDockWidget
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
    return viewer, panel, widget


def _label(qtbot, widget: TakehomeDockWidget, text: str) -> None:
    qtbot.keyClicks(widget.tools.label_box, text)
    qtbot.keyClick(widget.tools.label_box, Qt.Key.Key_Return)


def test_the_panel_shows_no_second_image_in_napari(make_napari_viewer, qtbot, study: SyntheticStudy) -> None:
    viewer, panel, widget = _docked(make_napari_viewer, qtbot, study, 1)
    assert panel.canvas is widget.canvas and not panel.canvas.isVisible()
    assert [c for c in panel.findChildren(ImageCanvas) if c.isVisible()] == []
    assert NOTES_LAYER in viewer.layers


def test_a_panel_line_is_drawn_on_napari_and_follows_undo(make_napari_viewer, qtbot,
                                                          study: SyntheticStudy) -> None:
    viewer, panel, widget = _docked(make_napari_viewer, qtbot, study, 3)
    panel.toolbars.tool_actions[Tool.LINE].trigger()
    layer = viewer.layers[LAYER_NAME]
    assert viewer.layers.selection.active is layer and layer.mode == "add_line"
    layer.add_lines(np.array([[3, 19.5, 9.5], [3, 19.5, 39.5]]))
    _label(qtbot, widget, "width")
    (line,) = panel.session.key_images[0].overlays
    assert line.kind is ShapeKind.LINE and line.points == (Point(10, 20), Point(40, 20))
    assert list(layer.shape_type) == ["line"] and list(layer.features["label"]) == ["width"]
    (shown,) = layer.features["shown"]
    assert shown.startswith("width (") and shown.endswith(" mm)")  # the measured length, as printed
    vertices = np.asarray(layer.data[0])
    assert np.allclose(vertices[:, 0], 3)  # on its slice only
    panel.toolbars.undo_action.trigger()  # the label
    assert list(layer.features["label"]) == [""]
    panel.toolbars.undo_action.trigger()  # the drawing (and the key image): gone from napari
    assert panel.session.key_images == () and len(layer.data) == 0
    panel.toolbars.redo_action.trigger()
    assert len(layer.data) == 1


def test_an_arrow_is_drawn_with_its_head_as_one_drawing(make_napari_viewer, qtbot,
                                                         study: SyntheticStudy) -> None:
    viewer, panel, widget = _docked(make_napari_viewer, qtbot, study, 2)
    panel.toolbars.tool_actions[Tool.ARROW].trigger()
    layer = viewer.layers[LAYER_NAME]
    layer.add_lines(np.array([[2, 30.5, 5.5], [2, 10.5, 35.5]]))  # from the label's place to the tip
    _label(qtbot, widget, "the cyst")
    (arrow,) = panel.session.key_images[0].overlays
    assert arrow.kind is ShapeKind.ARROW and arrow.label == "the cyst"
    assert arrow.points == (Point(6, 31), Point(36, 11))
    assert list(layer.shape_type) == ["path"]
    path = np.asarray(layer.data[0])[:, 1:]
    tip = np.array([10.5, 35.5])
    assert len(path) == 5 and np.allclose(path[1], tip) and np.allclose(path[3], tip)
    for side in (path[2], path[4]):  # the head's sides go back from the tip towards the tail
        back = np.dot(side - tip, path[0] - tip) / np.linalg.norm(path[0] - tip)
        assert 0 < back < np.linalg.norm(path[0] - tip) / 2
    assert not np.allclose(path[2], path[4])
    moved = [np.asarray(layer.data[0]) + np.array([0, 2, 3])]  # napari's select tool moves it whole
    layer.data = moved
    layer.events.data(value=layer.data, action="changed", data_indices=(0,), vertex_indices=((),))
    (arrow,) = panel.session.key_images[0].overlays
    assert arrow.points == (Point(9, 33), Point(39, 13)) and arrow.label == "the cyst"
    assert len(panel.session.key_images[0].overlays) == 1 and len(layer.data) == 1
    layer.selected_data = {0}
    assert widget.tools.label_box.text() == "the cyst"  # the selected drawing's label, ready to edit
    panel.toolbars.delete_action.trigger()  # the panel's Delete removes what is selected in napari
    assert panel.session.key_images[0].overlays == () and len(layer.data) == 0
    panel.toolbars.undo_action.trigger()
    assert len(layer.data) == 1 and list(layer.features["label"]) == ["the cyst"]


def test_text_notes_are_napari_text_both_ways(make_napari_viewer, qtbot, study: SyntheticStudy) -> None:
    viewer, panel, widget = _docked(make_napari_viewer, qtbot, study, 4)
    qtbot.waitUntil(lambda: NOTES_LAYER in viewer.layers, timeout=3000)
    notes = viewer.layers[NOTES_LAYER]
    panel.toolbars.tool_actions[Tool.TEXT].trigger()
    assert viewer.layers.selection.active is notes and notes.mode == "add"
    notes.add(np.array([[4, 11.5, 7.5]]))  # a click on napari's canvas in add mode
    (note,) = panel.session.key_images[0].overlays
    assert note.kind is ShapeKind.TEXT and note.points == (Point(8, 12),) and note.label == NEW_NOTE
    _label(qtbot, widget, "drink water before the scan")
    assert panel.session.key_images[0].overlays[0].label == "drink water before the scan"
    assert list(notes.features["label"]) == ["drink water before the scan"]
    assert notes.text.string.format == "{label}"
    notes.data = np.array([[4, 21.5, 7.5]])
    notes.events.data(value=notes.data, action="changed", data_indices=(0,), vertex_indices=((),))
    (note,) = panel.session.key_images[0].overlays
    assert note.points == (Point(8, 22),) and note.label == "drink water before the scan"
    panel.toolbars.undo_action.trigger()
    assert np.allclose(notes.data, [[4, 11.5, 7.5]])
    panel.toolbars.undo_action.trigger()
    assert list(notes.features["label"]) == [NEW_NOTE]
    viewer.dims.set_current_step(0, 1)  # another slice of the series: the note stays on its own
    assert np.allclose(np.asarray(notes.data)[:, 0], 4)


def test_drawings_of_a_restored_session_are_drawn_on_napari(make_napari_viewer, qtbot,
                                                             study: SyntheticStudy) -> None:
    viewer, panel, _widget = _docked(make_napari_viewer, qtbot, study, 0)
    focus = panel.focus
    assert focus is not None
    image = replace(panel.store.new_key_image(), overlays=(
        Overlay(ShapeKind.ARROW, (Point(5, 5), Point(20, 20)), label="here"),
        Overlay(ShapeKind.TEXT, (Point(30, 10),), label="a note")))
    panel.store.edit(replace(panel.session, key_images=(image,)), "Open the saved study")
    qtbot.waitUntil(lambda: NOTES_LAYER in viewer.layers, timeout=3000)
    assert list(viewer.layers[LAYER_NAME].features["label"]) == ["here"]
    assert list(viewer.layers[NOTES_LAYER].features["label"]) == ["a note"]


def test_shapes_drawn_or_moved_in_napari_come_back_as_one_undoable_edit(make_napari_viewer, qtbot,
                                                                         study: SyntheticStudy) -> None:
    viewer, panel, _widget = _docked(make_napari_viewer, qtbot, study, 2)
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


def test_crop_to_view_prints_the_part_in_napari_view(make_napari_viewer, qtbot,
                                                     study: SyntheticStudy) -> None:
    viewer, panel, _widget = _docked(make_napari_viewer, qtbot, study, 1)
    panel.toggle_key_image()
    camera = viewer.scene.camera
    source = viewer.layers.selection.active
    centre = source.data_to_world([1, 23.5, 15.5])  # zoomed in on the upper left part of the slice
    camera.center = tuple(float(v) for v in centre[-2:])
    camera.zoom = max(viewer.canvas.size) / (20 * min(source.scale[-2:]))
    panel.toolbars.crop_action.trigger()
    crop = panel.session.key_images[0].crop
    assert crop is not None and crop.width < 64 and crop.height < 48
    assert abs(crop.x + crop.width / 2 - 16) < 1 and abs(crop.y + crop.height / 2 - 24) < 1
    camera.zoom = min(viewer.canvas.size) / (200 * max(source.scale[-2:]))  # the whole slice in view
    panel.toolbars.crop_action.trigger()
    assert panel.session.key_images[0].crop is None


def test_text_boxes_to_review_are_on_napari_and_never_on_a_second_image(make_napari_viewer, qtbot,
                                                                        study: SyntheticStudy) -> None:
    viewer, panel, widget = _docked(make_napari_viewer, qtbot, study, 2)
    image = replace(panel.store.new_key_image(), redactions=(Redaction(4, 4, 20, 8),))
    panel.store.edit(replace(panel.session, key_images=(image,)), "Redact a box")
    qtbot.waitUntil(lambda: REDACTIONS_LAYER in viewer.layers
                    and len(viewer.layers[REDACTIONS_LAYER].data) == 1, timeout=3000)
    assert np.allclose(np.asarray(viewer.layers[REDACTIONS_LAYER].data[0])[:, 0], 2)
    assert len(panel.deid.displayed()) == 1 and not widget.canvas.isVisible()
    panel.toolbars.undo_action.trigger()
    qtbot.waitUntil(lambda: len(viewer.layers[REDACTIONS_LAYER].data) == 0, timeout=3000)
    assert [c for c in widget.findChildren(ImageCanvas) if c.isVisible()] == []


def test_a_single_image_gets_no_slider_and_its_drawings_come_back(make_napari_viewer, qtbot,
                                                                   tmp_path) -> None:
    """A one-image series is a 2D layer: the takehome layers are 2D too, so napari shows no slider
    that pages through nothing, and what is drawn there lands on that image."""
    from tests.conftest import make_dataset

    make_dataset(48, 64).save_as(tmp_path / "one.dcm", enforce_file_format=True)
    viewer = make_napari_viewer(show=True)
    viewer.open(str(tmp_path / "one.dcm"), plugin="takehome")
    _dock, widget = viewer.window.add_plugin_dock_widget("takehome", DOCK_TITLE)
    panel = widget.panel
    qtbot.waitUntil(lambda: LAYER_NAME in viewer.layers and NOTES_LAYER in viewer.layers, timeout=3000)
    assert viewer.dims.ndim == 2 and all(layer.ndim == 2 for layer in viewer.layers)
    panel.toolbars.tool_actions[Tool.LINE].trigger()
    viewer.layers[LAYER_NAME].add_lines(np.array([[19.5, 9.5], [19.5, 39.5]]))
    _label(qtbot, widget, "width")
    (line,) = panel.session.key_images[0].overlays
    assert line.points == (Point(10, 20), Point(40, 20)) and line.label == "width"
    panel.toolbars.tool_actions[Tool.TEXT].trigger()
    widget.notes.layer.add(np.array([[30.5, 5.5]]))
    notes = [o for o in panel.session.key_images[0].overlays if o.kind is ShapeKind.TEXT]
    assert [n.points for n in notes] == [(Point(6, 31),)]
    panel.toolbars.undo_action.trigger()
    assert len(viewer.layers[NOTES_LAYER].data) == 0 and len(viewer.layers[LAYER_NAME].data) == 1
    assert viewer.dims.ndim == 2
