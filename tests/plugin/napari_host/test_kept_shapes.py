"""Shapes imported from the PACS without a takehome equivalent, on napari's canvas, not editable."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest
from pydicom.uid import generate_uid

from takehome.annotations.model import Point, ReadOnlyShape
from takehome.handouts.dicom.header import evidence_view
from takehome.plugin.jobs import wait_for_jobs
from takehome.plugin.napari_host.kept_shapes import LAYER_NAME, NOT_EDITABLE, shape_pieces
from takehome.plugin.napari_host.widget import DOCK_TITLE
from tests.plugin.napari_host.conftest import SyntheticStudy


@pytest.fixture(autouse=True)
def _no_background_jobs_left():
    yield
    wait_for_jobs()


def _gsps_beside(study: SyntheticStudy, index: int) -> None:
    """Another viewer's presentation state on the slice ``index``: a curve, a point, a rotated ellipse."""
    from highdicom.pr import (
        GraphicAnnotation,
        GraphicLayer,
        GraphicObject,
        GrayscaleSoftcopyPresentationState,
    )

    path = study.axial_files_in_position_order[index]
    image = evidence_view(pydicom.dcmread(path))
    layer = GraphicLayer("OTHER", order=1)
    graphics = [GraphicObject("INTERPOLATED", np.array([[5.0, 5.0], [30.0, 10.0], [50.0, 40.0]]), "PIXEL"),
                GraphicObject("POINT", np.array([[40.0, 20.0]]), "PIXEL"),
                GraphicObject("ELLIPSE", np.array([[10.0, 10.0], [30.0, 30.0], [25.0, 15.0], [15.0, 25.0]]),
                              "PIXEL")]
    state = GrayscaleSoftcopyPresentationState(
        referenced_images=[image], series_instance_uid=generate_uid(), series_number=70,
        sop_instance_uid=generate_uid(), instance_number=1, manufacturer="Other viewer",
        manufacturer_model_name="v", software_versions="1", device_serial_number="1",
        content_label="OTHER", graphic_layers=[layer],
        graphic_annotations=[GraphicAnnotation([image], layer, graphic_objects=graphics)])
    state.save_as(path.parent / "other-gsps.dcm", enforce_file_format=True)


def test_shape_pieces_keep_the_geometry() -> None:
    ellipse = ReadOnlyShape("ELLIPSE", (Point(10, 10), Point(30, 30), Point(25, 15), Point(15, 25)))
    ((kind, vertices),) = shape_pieces(ellipse, 2)
    assert kind == "ellipse" and np.allclose(vertices[:, 0], 2)
    centre = vertices[:, 1:].mean(axis=0) + 0.5  # napari's pixel centres are whole, the model's half
    assert np.allclose(centre, (20, 20))
    sides = np.linalg.norm(np.diff(vertices[:, 1:], axis=0, append=vertices[:1, 1:]), axis=1)
    assert np.allclose(sorted(sides), sorted([np.hypot(20, 20)] * 2 + [np.hypot(10, 10)] * 2))  # rotated 45°
    point = shape_pieces(ReadOnlyShape("POINT", (Point(4, 6),)), 0)
    assert [kind for kind, _ in point] == ["line", "line"]  # a cross
    circle = shape_pieces(ReadOnlyShape("CIRCLE", (Point(10, 10), Point(13, 14))), 1)
    assert circle[0][0] == "ellipse" and np.ptp(circle[0][1][:, 2]) == pytest.approx(10)


@pytest.mark.napari
def test_imported_shapes_are_drawn_on_napari_and_not_editable(make_napari_viewer, qtbot,
                                                               study: SyntheticStudy) -> None:
    _gsps_beside(study, 2)
    viewer = make_napari_viewer(show=True)
    viewer.open(str(study.folder / "series3"), plugin="takehome")
    _dock, widget = viewer.window.add_plugin_dock_widget("takehome", DOCK_TITLE)
    panel = widget.panel
    viewer.dims.set_current_step(0, 2)
    qtbot.waitUntil(lambda: panel.focus is not None
                    and panel.focus.sop_instance_uid == study.axial_uids_in_position_order[2], timeout=3000)
    panel.toggle_key_image()  # the PACS drew on an image the clinician chose
    qtbot.waitUntil(panel.dicom.import_action.isEnabled, timeout=5000)
    assert LAYER_NAME not in viewer.layers  # nothing to show yet: no empty layer
    panel.dicom.import_action.trigger()
    qtbot.waitUntil(lambda: LAYER_NAME in viewer.layers, timeout=3000)
    layer = viewer.layers[LAYER_NAME]
    assert list(layer.shape_type) == ["path", "line", "line", "ellipse"]
    assert all(np.allclose(np.asarray(v)[:, 0], 2) for v in layer.data)  # on the slice they belong to
    session = panel.session
    moved = [np.asarray(v) + np.array([0, 5, 5]) for v in layer.data]
    layer.data = moved
    layer.events.data(value=layer.data, action="changed", data_indices=(0,), vertex_indices=((),))
    assert panel.session == session  # nothing changed in the handout
    assert np.allclose(np.asarray(layer.data[0])[0, 1:], (4.5, 4.5))  # put back where the PACS had it
    assert panel.messages.text() == NOT_EDITABLE
    viewer.dims.set_current_step(0, 0)  # another slice of the series: the shapes stay on theirs
    assert len(layer.data) == 4
    panel.toolbars.undo_action.trigger()  # the import: the shapes go
    qtbot.waitUntil(lambda: len(layer.data) == 0, timeout=3000)
    widget.close_panel()
    assert LAYER_NAME not in viewer.layers
