"""Bad input shows a clear message in the panel: never a traceback, never a frozen viewer."""

from __future__ import annotations

from pathlib import Path

from qtpy.QtCore import Qt

from takehome.annotations.model import Point
from takehome.plugin.canvas import Tool

from ..conftest import make_dataset  # noqa: TID252 (the shared fixtures module)
from .mouse import drag


def test_empty_study_says_so(qtbot):
    from takehome.plugin.panel import TakehomePanel
    from takehome.plugin.standalone import StandaloneHost, Study

    panel = TakehomePanel(StandaloneHost(Study(())))  # docked before any study is open
    qtbot.addWidget(panel)
    assert panel.messages.level == "warning"
    assert "no images" in panel.messages.text()
    assert panel.canvas.shown is None
    panel.toggle_key_image()  # K with nothing shown: a message, no exception
    assert "No image is shown" in panel.messages.text()


def test_undecodable_image_shows_message(make_panel, qtbot, tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    ds = make_dataset(64, 80)
    ds.PixelData = ds.PixelData[: len(ds.PixelData) // 3]  # truncated pixel data
    ds.save_as(folder / "broken.dcm", enforce_file_format=True)
    _host, panel = make_panel(folder)
    assert panel.messages.level == "error"
    assert "broken.dcm" in panel.messages.text()
    assert panel.canvas.shown is None
    # the panel stays usable
    qtbot.keyClick(panel.canvas.view, "A")
    assert panel.canvas.tool is Tool.ARROW


def test_file_vanishing_under_the_panel_shows_message(make_panel, qtbot, study_dir):
    host, panel = make_panel()
    qtbot.keyClick(panel.canvas.view, "K")
    second = host.study_images()[1]
    Path(second.file).unlink()
    host.set_current(second)
    assert panel.messages.level == "error"
    assert "no such file" in panel.messages.text()
    # drawing is refused quietly (no image on the canvas), earlier work is intact
    panel.canvas.set_tool(Tool.LINE)
    drag(panel.canvas.view.viewport(), panel.canvas.image_to_widget(Point(1, 1)),
         panel.canvas.image_to_widget(Point(20, 20)))
    assert len(panel.session.key_images) == 1


def test_preview_failure_is_reported_in_the_panel(make_panel, qtbot, study_dir):
    host, panel = make_panel()
    with qtbot.waitSignal(panel.preview.updated, timeout=30000):
        qtbot.keyClick(panel.canvas.view, "K")
    Path(host.study_images()[0].file).unlink()
    with qtbot.waitSignal(panel.preview.failed, timeout=30000) as blocker:
        panel.excerpt_editor.report.setPlainText("Anything.")
        panel.excerpt_editor.flush()
    assert "missing" in blocker.args[0] or "no such file" in blocker.args[0]
    assert "could not be built" in panel.preview.status.text()


def test_label_editor_escape_is_not_stolen_by_shortcuts(make_panel, qtbot):
    _host, panel = make_panel()
    canvas = panel.canvas
    canvas.set_tool(Tool.TEXT)
    from .mouse import click

    click(canvas.view.viewport(), canvas.image_to_widget(Point(10, 10)))
    qtbot.keyClicks(canvas.label_editor, "KALVERT")  # tool shortcut letters go into the text
    assert canvas.tool is Tool.TEXT
    qtbot.keyClick(canvas.label_editor, Qt.Key.Key_Return)
    assert panel.session.key_images[0].overlays[0].label == "KALVERT"
