"""The panel's shortcuts on a real X11 desktop (napari under Xvfb): each key sequence works once bound."""

from __future__ import annotations

import pytest
from qtpy.QtCore import Qt

from takehome.plugin.jobs import wait_for_jobs
from takehome.plugin.napari_host.widget import DOCK_TITLE, TakehomeDockWidget
from tests.plugin.napari_host.conftest import SyntheticStudy

pytestmark = pytest.mark.napari

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture(autouse=True)
def _no_background_jobs_left():
    yield
    wait_for_jobs()


@pytest.mark.parametrize(("key", "modifiers"), [
    (Qt.Key.Key_Z, CTRL_SHIFT),  # Linux desktops' Redo: registered twice it was ambiguous and did nothing
    (Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier),
])
def test_redo_shortcuts_redo(make_napari_viewer, qtbot, study: SyntheticStudy, key, modifiers) -> None:
    viewer = make_napari_viewer(show=True)
    viewer.open(str(study.folder / "series3"), plugin="takehome")
    _dock, widget = viewer.window.add_plugin_dock_widget("takehome", DOCK_TITLE)
    assert isinstance(widget, TakehomeDockWidget)
    panel = widget.panel
    qtbot.waitUntil(lambda: panel.focus is not None, timeout=3000)
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow, timeout=5000)
    target = panel.strip  # the panel shows no image in napari: its keys work anywhere in it
    target.setFocus()
    qtbot.keyClick(target, "K")
    assert len(panel.session.key_images) == 1
    qtbot.keyClick(target, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert panel.session.key_images == ()
    qtbot.keyClick(target, key, modifiers)
    assert len(panel.session.key_images) == 1


def test_k_on_napari_canvas_marks_the_slice_on_show(make_napari_viewer, qtbot, study: SyntheticStudy) -> None:
    viewer = make_napari_viewer(show=True)
    viewer.open(str(study.folder / "series3"), plugin="takehome")
    _dock, widget = viewer.window.add_plugin_dock_widget("takehome", DOCK_TITLE)
    panel = widget.panel
    viewer.dims.set_current_step(0, 2)
    qtbot.waitUntil(lambda: panel.focus is not None
                    and panel.focus.sop_instance_uid == study.axial_uids_in_position_order[2], timeout=3000)
    canvas = viewer.window._qt_viewer.canvas.native
    canvas.setFocus()
    qtbot.keyClick(canvas, "k")
    assert [k.sop_instance_uid for k in panel.session.key_images] == [study.axial_uids_in_position_order[2]]
    assert panel.toolbars.mark_action.isChecked()
