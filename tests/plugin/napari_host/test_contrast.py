"""napari's contrast is the handout's window: HU layers, both ways, presets, scroll + K, colour left alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from takehome.annotations.model import Window
from takehome.handouts.display import grey_values, render
from takehome.handouts.source import read_dataset
from takehome.plugin.actions import CT_PRESETS
from takehome.plugin.export import SUGGESTED_NAME
from takehome.plugin.jobs import wait_for_jobs
from takehome.plugin.napari_host import metadata
from takehome.plugin.napari_host.widget import DOCK_TITLE, TakehomeDockWidget
from takehome.plugin.state import key_of
from tests.plugin.napari_host.conftest import SyntheticStudy
from tests.plugin.test_deid_panel import embedded_image

pytestmark = pytest.mark.napari

#: the synthetic CT's header window (40/400) as napari's contrast limits
HEADER_LIMITS = (-160.0, 240.0)


@pytest.fixture(autouse=True)
def _no_background_jobs_left():
    yield
    wait_for_jobs()


def _docked(make_napari_viewer, qtbot, study: SyntheticStudy, slice_index: int):
    viewer = make_napari_viewer(show=True)
    (layer,) = viewer.open(str(study.folder / "series3"), plugin="takehome")
    _dock, widget = viewer.window.add_plugin_dock_widget("takehome", DOCK_TITLE)
    assert isinstance(widget, TakehomeDockWidget)
    _page(qtbot, viewer, widget, study, slice_index)
    return viewer, layer, widget


def _page(qtbot, viewer, widget: TakehomeDockWidget, study: SyntheticStudy, index: int) -> None:
    viewer.dims.set_current_step(0, index)
    uid = study.axial_uids_in_position_order[index]
    panel = widget.panel
    qtbot.waitUntil(lambda: panel.focus is not None and panel.focus.sop_instance_uid == uid, timeout=3000)


def _drag(viewer, layer, end: tuple[float, float], steps: int = 12) -> None:
    """What napari's contrast slider does while the clinician drags its handles: many small changes."""
    slider = viewer.window._qt_viewer.controls.widgets[layer]._contrast_limits_control.contrast_limits_slider
    start = np.asarray(layer.contrast_limits, dtype=float)
    for t in np.linspace(0, 1, steps)[1:]:
        slider.setValue(tuple(start + (np.asarray(end) - start) * t))


def test_a_ct_series_opens_as_hounsfield_units_with_the_header_window(make_napari_viewer, qtbot,
                                                                      study: SyntheticStudy) -> None:
    _viewer, layer, _widget = _docked(make_napari_viewer, qtbot, study, 0)
    grey = grey_values(read_dataset(study.axial_files_in_position_order[0]))
    assert grey is not None and grey.look.window == Window(40, 400)
    np.testing.assert_array_equal(np.asarray(layer.data[0]), grey.values)  # HU, not display pixels
    assert float(np.asarray(layer.data[0]).min()) == -50.0
    assert tuple(layer.contrast_limits) == HEADER_LIMITS and layer.colormap.name == "gray"
    # the slider spans what a 12-bit CT can hold, from the header: napari scanned no slice for it
    assert tuple(layer.contrast_limits_range) == (-1024.0, 3071.0)
    assert metadata.value_range(layer.metadata) == (-1024.0, 3071.0)


def test_napari_contrast_changes_the_key_image_window_as_one_undo_step(make_napari_viewer, qtbot,
                                                                       study: SyntheticStudy) -> None:
    viewer, layer, widget = _docked(make_napari_viewer, qtbot, study, 2)
    panel, store = widget.panel, widget.panel.store
    panel.toggle_key_image()  # marked with the window on screen: the header's
    assert store.focus_image() is not None and store.focus_image().window == Window(40, 400)
    steps = store.undo_stack.count()
    _drag(viewer, layer, (-100.0, 100.0))
    qtbot.waitUntil(lambda: store.focus_image().window == Window(0, 200), timeout=3000)
    _drag(viewer, layer, (-50.0, 150.0))  # a second drag on the same image: the same step
    qtbot.waitUntil(lambda: store.focus_image().window == Window(50, 200), timeout=3000)
    assert store.undo_stack.count() == steps + 1
    assert store.undo_stack.undo_text() == "Change brightness/contrast"
    store.undo_stack.undo()
    assert store.focus_image().window == Window(40, 400)
    assert tuple(layer.contrast_limits) == pytest.approx(HEADER_LIMITS)  # napari follows the undo
    store.undo_stack.redo()
    assert tuple(layer.contrast_limits) == pytest.approx((-50.0, 150.0))
    assert store.undo_stack.count() == steps + 1  # napari following undo/redo made no edit


def test_an_edit_during_a_drag_does_not_snap_napari_back(make_napari_viewer, qtbot,
                                                         study: SyntheticStudy) -> None:
    from dataclasses import replace

    viewer, layer, widget = _docked(make_napari_viewer, qtbot, study, 2)
    store = widget.panel.store
    widget.panel.toggle_key_image()
    _drag(viewer, layer, (0.0, 300.0))
    store.edit(replace(store.session, report_text="Findings."), "Edit report text")  # before the drag rests
    assert tuple(layer.contrast_limits) == pytest.approx((0.0, 300.0))
    qtbot.waitUntil(lambda: store.focus_image().window == Window(150, 300), timeout=3000)
    assert tuple(layer.contrast_limits) == pytest.approx((0.0, 300.0))


def test_a_panel_preset_changes_napari_contrast(make_napari_viewer, qtbot, study: SyntheticStudy) -> None:
    _viewer, layer, widget = _docked(make_napari_viewer, qtbot, study, 1)
    presets = widget.panel.toolbars.presets
    lung = next(i for i in range(presets.count()) if presets.itemData(i) == CT_PRESETS["Lung"])
    presets.activated.emit(lung)  # an image not in the handout: its view window
    assert tuple(layer.contrast_limits) == pytest.approx((-1350.0, 150.0))
    assert widget.panel.store.focus_window() == CT_PRESETS["Lung"]
    widget.panel.toggle_key_image()
    assert widget.panel.store.focus_image().window == CT_PRESETS["Lung"]
    bone = next(i for i in range(presets.count()) if presets.itemData(i) == CT_PRESETS["Bone"])
    presets.activated.emit(bone)  # a key image: an undoable edit, napari follows
    assert tuple(layer.contrast_limits) == pytest.approx((-500.0, 1300.0))
    assert widget.panel.store.focus_image().window == CT_PRESETS["Bone"]
    presets.activated.emit(0)  # "as stored": the header window again
    assert widget.panel.store.focus_image().window is None
    assert tuple(layer.contrast_limits) == pytest.approx(HEADER_LIMITS)


def test_scrolling_keeps_napari_contrast_and_k_stores_the_window_on_screen(make_napari_viewer, qtbot,
                                                                           study: SyntheticStudy) -> None:
    viewer, layer, widget = _docked(make_napari_viewer, qtbot, study, 0)
    store = widget.panel.store
    _drag(viewer, layer, (-20.0, 180.0))
    _page(qtbot, viewer, widget, study, 3)  # at once, while the drag's window may still be pending
    assert tuple(layer.contrast_limits) == pytest.approx((-20.0, 180.0))
    assert store.focus_window() == Window(80, 200)
    viewer.window._qt_viewer.canvas.native.setFocus()
    widget.panel.toggle_key_image()  # K in napari
    marked = store.focus_image()
    assert marked is not None and marked.window == Window(80, 200)
    wait_for_jobs()
    qtbot.waitUntil(lambda: widget.contrast._pending is None, timeout=3000)
    assert [image.window for image in store.session.key_images] == [Window(80, 200)]
    # elsewhere napari's contrast changes again; paging back to the key image shows its window
    _page(qtbot, viewer, widget, study, 1)
    layer.contrast_limits = (0.0, 100.0)
    _page(qtbot, viewer, widget, study, 3)
    assert tuple(layer.contrast_limits) == pytest.approx((-20.0, 180.0))
    assert [image.window for image in store.session.key_images] == [Window(80, 200)]


def test_a_colour_series_is_left_alone(make_napari_viewer, qtbot, study: SyntheticStudy) -> None:
    viewer = make_napari_viewer(show=True)
    (layer,) = viewer.open(str(study.cine_file), plugin="takehome")
    _dock, widget = viewer.window.add_plugin_dock_widget("takehome", DOCK_TITLE)
    store = widget.panel.store
    qtbot.waitUntil(lambda: store.focus is not None, timeout=3000)
    assert layer.rgb and np.asarray(layer.data[0]).dtype == np.uint8
    assert metadata.value_range(layer.metadata) is None
    widget.panel.toggle_key_image()
    steps = store.undo_stack.count()
    layer.contrast_limits = (10, 200)
    qtbot.waitUntil(lambda: not widget.contrast._timer.isActive(), timeout=3000)
    assert store.undo_stack.count() == steps and store.focus_image().window is None
    assert not widget.panel.toolbars.presets.isEnabled()


def test_the_exported_handout_prints_the_window_set_in_napari(make_napari_viewer, qtbot, tmp_path: Path,
                                                              study: SyntheticStudy) -> None:
    viewer, layer, widget = _docked(make_napari_viewer, qtbot, study, 4)
    store = widget.panel.store
    widget.panel.toggle_key_image()
    _drag(viewer, layer, (150.0, 260.0))
    qtbot.waitUntil(lambda: store.focus_image().window == Window(205, 110), timeout=3000)
    out = tmp_path / SUGGESTED_NAME
    with qtbot.waitSignal(widget.panel.output.exported, timeout=60000):
        widget.panel.export_pdf(out)
    printed = embedded_image(out).astype(float)
    path = study.axial_files_in_position_order[4]
    ds = read_dataset(path)
    # what napari shows: its limits over the layer's values, as grey levels
    values = np.asarray(layer.data[4], dtype=float)
    on_screen = np.clip((values - 150.0) / 110.0, 0, 1) * 255
    by_header = render(ds).pixels.astype(float)

    def like(pixels: np.ndarray) -> float:
        resized = Image.fromarray(pixels.astype(np.uint8)).resize(printed.shape[::-1], Image.NEAREST)
        return float(np.abs(np.asarray(resized, dtype=float) - printed).mean())

    assert like(on_screen) < 6 < like(by_header)
    assert key_of(store.focus) == (ds.SOPInstanceUID, 1)
