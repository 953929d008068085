"""Burned-in text boxes reviewed on napari's canvas ("takehome redactions"), never on a second image.

The series is three copies of pydicom's ultrasound screen with the patient ID and exam date burned
into its top banner; OCR runs for real (Tesseract) and is cached by pixel content.
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.uid import generate_uid
from pypdf import PdfReader

from takehome.annotations.model import RedactionSource, RedactionStatus
from takehome.plugin.canvas import ImageCanvas
from takehome.plugin.export import SUGGESTED_NAME
from takehome.plugin.jobs import wait_for_jobs
from takehome.plugin.napari_host.redactions import LAYER_NAME, WORDS
from takehome.plugin.napari_host.widget import DOCK_TITLE, TakehomeDockWidget

pytestmark = pytest.mark.napari

OCR_TIMEOUT = 60000
COLUMNS, ROWS = 800, 350


@pytest.fixture(autouse=True)
def _no_background_jobs_left():
    yield
    wait_for_jobs()


@pytest.fixture
def text_series(tmp_path: Path) -> tuple[Path, list[str]]:
    """A folder with one three-slice series of the ultrasound screen; its SOP Instance UIDs in order."""
    folder = tmp_path / "us-series"
    folder.mkdir()
    screen = pydicom.dcmread(get_testdata_file("examples_palette.dcm", download=False))
    series, uids = generate_uid(), []
    for number in (1, 2, 3):
        ds = copy.deepcopy(screen)
        ds.SOPInstanceUID = generate_uid()
        ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
        ds.SeriesInstanceUID, ds.InstanceNumber = series, number
        ds.save_as(folder / f"us{number}.dcm", enforce_file_format=True)
        uids.append(str(ds.SOPInstanceUID))
    return folder, uids


def _docked(make_napari_viewer, qtbot, text_series, index: int):
    folder, uids = text_series
    viewer = make_napari_viewer(show=True)
    viewer.open(str(folder), plugin="takehome")
    _dock, widget = viewer.window.add_plugin_dock_widget("takehome", DOCK_TITLE)
    assert isinstance(widget, TakehomeDockWidget)
    panel = widget.panel
    _page(viewer, panel, qtbot, uids, index)
    return viewer, panel, widget, viewer.layers[LAYER_NAME]


def _page(viewer, panel, qtbot, uids: list[str], index: int) -> None:
    """Page napari to slice ``index`` and wait for its text boxes on the layer."""
    viewer.dims.set_current_step(0, index)
    qtbot.waitUntil(lambda: panel.focus is not None and panel.focus.sop_instance_uid == uids[index],
                    timeout=3000)
    qtbot.waitUntil(lambda: LAYER_NAME in viewer.layers and _on_slice(viewer.layers[LAYER_NAME], index)
                    and len(viewer.layers[LAYER_NAME].data) == len(panel.deid.displayed()) > 0,
                    timeout=OCR_TIMEOUT)


def _on_slice(layer, index: int) -> bool:
    return len(layer.data) > 0 and all(np.allclose(np.asarray(v)[:, 0], index) for v in layer.data)


def _no_second_image(widget: TakehomeDockWidget) -> bool:
    shown = [c for c in widget.findChildren(ImageCanvas) if c.isVisible()]
    return not widget.canvas.isVisible() and not shown


def _rows(layer, status: RedactionStatus, panel) -> list[int]:
    ids = {b.id for b in panel.deid.displayed() if b.status is status}
    return [row for row, box_id in enumerate(layer.features["box"]) if box_id in ids]


def _stored(panel, box_id: str):
    return next(b for image in panel.session.key_images for b in image.redactions if b.id == box_id)


def test_text_boxes_are_on_napari_on_their_slice_and_the_panel_shows_no_image(
        make_napari_viewer, qtbot, text_series) -> None:
    viewer, panel, widget, layer = _docked(make_napari_viewer, qtbot, text_series, 1)
    assert _no_second_image(widget)
    source = next(lyr for lyr in viewer.layers if widget.host.slices(lyr))
    assert viewer.layers.index(layer) == viewer.layers.index(source) + 1  # right above the image
    assert layer.opacity == 1  # black is black, as printed
    boxes = panel.deid.displayed()
    assert list(layer.features["box"]) == [b.id for b in boxes]
    for box, vertices in zip(boxes, layer.data, strict=True):  # the model's pixel edges, napari's centres
        corners = np.asarray(vertices)
        assert np.allclose(corners[:, 0], 1)
        assert np.allclose(corners[:, 1:].min(axis=0), (box.y - 0.5, box.x - 0.5))
        assert np.allclose(corners[:, 1:].max(axis=0), (box.y + box.height - 0.5, box.x + box.width - 0.5))
    statuses = {b.status for b in boxes}
    assert {RedactionStatus.REDACT, RedactionStatus.PENDING} <= statuses
    for row, box in enumerate(boxes):
        face, edge = layer.face_color[row], layer.edge_color[row]
        if box.status is RedactionStatus.REDACT:  # what the patient sees: black, with a red edge
            assert np.allclose(face, (0, 0, 0, 1)) and edge[0] > 0.9 > 0.3 > edge[1]
        elif box.status is RedactionStatus.PENDING:  # undecided: orange edge, light orange face
            assert edge[0] > 0.9 and 0.4 < edge[1] < 0.7 and 0 < face[3] < 0.5
        assert str(layer.features["shown"][row]).startswith(WORDS[box.status])
    assert layer.text.string.format == "{shown}"

    _page(viewer, panel, qtbot, text_series[1], 2)  # the next slice: its own boxes, on it
    assert set(layer.features["box"]) == {b.id for b in panel.deid.displayed()}
    assert not set(layer.features["box"]) & {b.id for b in boxes}
    assert _no_second_image(widget)


def test_deciding_selected_boxes_in_napari_is_one_undoable_edit(make_napari_viewer, qtbot,
                                                                  text_series) -> None:
    _viewer, panel, widget, layer = _docked(make_napari_viewer, qtbot, text_series, 0)
    pending = _rows(layer, RedactionStatus.PENDING, panel)
    first_id = str(layer.features["box"][pending[0]])
    layer.selected_data = {pending[0]}
    steps = panel.store.undo_stack.count()
    widget.redactions.black_out_action.trigger()
    assert _stored(panel, first_id).status is RedactionStatus.REDACT
    assert panel.store.undo_stack.count() == steps + 1
    row = list(layer.features["box"]).index(first_id)
    assert np.allclose(layer.face_color[row], (0, 0, 0, 1)) and layer.selected_data == {row}  # still selected
    widget.redactions.black_out_action.trigger()  # already black: no edit
    layer.events.data(value=layer.data, action="changed", data_indices=(row,), vertex_indices=((),))
    assert panel.store.undo_stack.count() == steps + 1  # nothing moved: no edit, no loop
    widget.redactions.keep_action.trigger()
    assert _stored(panel, first_id).status is RedactionStatus.DISMISSED
    assert panel.store.undo_stack.count() == steps + 2
    row = list(layer.features["box"]).index(first_id)
    assert layer.face_color[row][3] == 0 and str(layer.features["shown"][row]).startswith("kept visible")
    panel.toolbars.undo_action.trigger()
    assert _stored(panel, first_id).status is RedactionStatus.REDACT
    panel.toolbars.undo_action.trigger()
    assert panel.session.key_images == ()  # deciding made the image a key image: undone too
    qtbot.waitUntil(lambda: len(_rows(layer, RedactionStatus.PENDING, panel)) == len(pending), timeout=5000)
    layer.selected_data = set()
    widget.redactions.keep_action.trigger()  # nothing selected: says so, changes nothing
    assert panel.session.key_images == () and "Select text boxes" in panel.messages.text()
    assert panel.store.undo_stack.count() == steps


def test_napari_keys_decide_the_selected_boxes(make_napari_viewer, qtbot, text_series) -> None:
    viewer, panel, _widget, layer = _docked(make_napari_viewer, qtbot, text_series, 0)
    (row, *_) = _rows(layer, RedactionStatus.PENDING, panel)
    box_id = str(layer.features["box"][row])
    viewer.layers.selection.active = layer
    layer.selected_data = {row}
    canvas = viewer.window._qt_viewer.canvas.native
    canvas.setFocus()
    qtbot.keyClick(canvas, "v")
    assert _stored(panel, box_id).status is RedactionStatus.DISMISSED
    qtbot.keyClick(canvas, "b")
    assert _stored(panel, box_id).status is RedactionStatus.REDACT


def test_moving_deleting_and_drawing_boxes_in_napari(make_napari_viewer, qtbot, text_series) -> None:
    _viewer, panel, _widget, layer = _docked(make_napari_viewer, qtbot, text_series, 1)
    redact = _rows(layer, RedactionStatus.REDACT, panel)
    box_id = str(layer.features["box"][redact[0]])
    before = next(b for b in panel.deid.displayed() if b.id == box_id)
    data = [np.asarray(v) for v in layer.data]
    data[redact[0]] = data[redact[0]] + np.array([0, 1000, 7])  # dragged down past the image's edge
    layer.data = data
    layer.events.data(value=layer.data, action="changed", data_indices=(redact[0],), vertex_indices=((),))
    moved = _stored(panel, box_id)
    assert moved.status is before.status and moved.x == pytest.approx(before.x + 7)
    assert moved.y + moved.height == ROWS and moved.height < before.height + 1  # clipped to the image
    panel.toolbars.undo_action.trigger()
    assert panel.session.key_images == ()
    qtbot.waitUntil(lambda: next(b for b in panel.deid.displayed() if b.id == box_id) == before, timeout=5000)

    row = list(layer.features["box"]).index(box_id)  # a detected box deleted in napari: kept visible
    layer.selected_data = {row}
    layer.remove_selected()
    assert _stored(panel, box_id).status is RedactionStatus.DISMISSED
    assert "dismissed" in panel.messages.text()
    qtbot.waitUntil(lambda: box_id in set(layer.features["box"]), timeout=5000)  # shown as kept visible

    count = len(layer.data)
    layer.add_rectangles(np.array([[1, 99.5, 199.5], [1, 99.5, 299.5], [1, 149.5, 299.5], [1, 149.5, 199.5]]))
    (drawn,) = [b for b in panel.session.key_images[0].redactions if b.source is RedactionSource.MANUAL]
    assert drawn.status is RedactionStatus.REDACT and (drawn.x, drawn.y, drawn.width, drawn.height) == (
        200, 100, 100, 50)
    qtbot.waitUntil(lambda: len(layer.data) == count + 1, timeout=5000)
    row = list(layer.features["box"]).index(drawn.id)
    assert np.allclose(layer.face_color[row], (0, 0, 0, 1))
    layer.selected_data = {row}  # the panel's Delete removes a drawn box
    panel.toolbars.delete_action.trigger()
    assert all(b.id != drawn.id for b in panel.session.key_images[0].redactions)


def test_redact_area_and_show_redactions_use_the_napari_layer(make_napari_viewer, qtbot, text_series) -> None:
    viewer, panel, _widget, layer = _docked(make_napari_viewer, qtbot, text_series, 2)
    panel.deid.redact_action.trigger()
    (added,) = [b for b in panel.session.key_images[0].redactions if b.source is RedactionSource.MANUAL]
    assert viewer.layers.selection.active is layer and layer.mode == "select"
    qtbot.waitUntil(lambda: added.id in set(layer.features["box"]), timeout=5000)
    assert {str(layer.features["box"][row]) for row in layer.selected_data} == {added.id}  # ready to move
    assert _on_slice(layer, 2)
    panel.deid.show_action.trigger()
    assert not layer.visible
    panel.deid.show_action.trigger()
    assert layer.visible


def test_export_refuses_pages_napari_to_the_undecided_text_then_prints_it_black(
        make_napari_viewer, qtbot, text_series, tmp_path) -> None:
    viewer, panel, widget, layer = _docked(make_napari_viewer, qtbot, text_series, 0)
    uids = text_series[1]
    panel.toggle_key_image()
    _page(viewer, panel, qtbot, uids, 1)
    source = viewer.layers.selection.active
    out = tmp_path / SUGGESTED_NAME
    with qtbot.waitSignal(panel.deid.refused, timeout=OCR_TIMEOUT) as refused:
        panel.export_pdf(out)
    assert "Black out selected" in refused.args[0] and not out.exists()
    qtbot.waitUntil(lambda: panel.focus is not None and panel.focus.sop_instance_uid == uids[0], timeout=5000)
    assert viewer.dims.current_step[0] == 0 and viewer.layers.selection.active is layer
    qtbot.waitUntil(lambda: _on_slice(layer, 0) and len(_rows(layer, RedactionStatus.PENDING, panel)) > 0,
                    timeout=5000)
    assert _no_second_image(widget)
    assert source is not layer

    layer.selected_data = set(_rows(layer, RedactionStatus.PENDING, panel))
    widget.redactions.black_out_action.trigger()  # all the undecided text blacked out, in napari
    with qtbot.waitSignal(panel.deid.review_opened, timeout=OCR_TIMEOUT) as opened:
        panel.export_pdf(out)
    with qtbot.waitSignal(panel.output.exported, timeout=OCR_TIMEOUT):
        opened.args[0].accept()
    (image,) = panel.session.key_images
    page = PdfReader(out).pages[0]
    embedded = max(page.images, key=lambda i: i.image.width * i.image.height)
    pixels = np.asarray(embedded.image.convert("L"))
    sy, sx = pixels.shape[0] / ROWS, pixels.shape[1] / COLUMNS
    black = [b for b in image.redactions if b.status is RedactionStatus.REDACT]
    assert black and not any(b.status is RedactionStatus.PENDING for b in image.redactions)
    for box in black:  # every blacked-out box is black in the handout
        inside = pixels[int((box.y + 1) * sy):int((box.y + box.height - 1) * sy),
                        int((box.x + 1) * sx):int((box.x + box.width - 1) * sx)]
        assert inside.size and inside.max() < 16
