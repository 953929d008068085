"""Autosave: every edit is on disk at once; a new panel on the same study restores it."""

from __future__ import annotations

import json

from qtpy.QtCore import Qt

from takehome.annotations.model import Point
from takehome.annotations.session_file import load_session
from takehome.plugin.autosave import Autosaver, data_dir, study_key
from takehome.plugin.canvas import Tool

from .mouse import drag


def destroy(panel, qtbot) -> None:
    """Delete the panel's Qt object (as a host closing its dock does) and wait until it is gone."""
    gone: list[bool] = []
    panel.destroyed.connect(lambda *_: gone.append(True))
    panel.deleteLater()
    qtbot.waitUntil(lambda: bool(gone), timeout=5000)


def test_edits_survive_destroying_the_panel(make_panel, qtbot, study_dir):
    _host, panel = make_panel(managed=False)
    canvas = panel.canvas
    canvas.set_tool(Tool.ELLIPSE)
    with qtbot.waitSignal(panel.autosaved, timeout=5000) as saved:
        drag(canvas.view.viewport(), canvas.image_to_widget(Point(10, 10)),
             canvas.image_to_widget(Point(40, 30)))
    qtbot.keyClicks(canvas.label_editor, "the cyst")
    qtbot.keyClick(canvas.label_editor, Qt.Key.Key_Return)
    panel.excerpt_editor.report.setPlainText("A small cyst. Nothing else.")
    panel.excerpt_editor.flush()
    path = saved.args[0]
    on_disk = load_session(path)
    assert on_disk == panel.session  # already saved: nothing waits for a clean exit
    before = panel.session
    # the viewer goes away without any goodbye (no close event, no flush)
    destroy(panel, qtbot)
    del panel
    _host2, again = make_panel(study_dir)
    assert again.session == before
    assert again.session.key_images[0].overlays[0].label == "the cyst"
    assert again.canvas.overlays == before.key_images[0].overlays
    assert "Restored" in again.messages.text()
    # undo history starts fresh, the work itself is there
    assert not again.toolbars.undo_action.isEnabled()


def test_autosave_file_name_carries_no_identifier(make_panel, qtbot):
    host, panel = make_panel()
    qtbot.keyClick(panel.canvas.view, "K")
    name = panel.autosaver.path.name
    assert name.endswith(".json") and len(name) == len("0" * 32 + ".json")
    uid = host.study_images()[0].sop_instance_uid
    assert uid not in str(panel.autosaver.path)
    assert study_key("1.2.3", []) == study_key("1.2.3", ["9.9"])
    assert study_key(None, ["1.2", "1.3"]) == study_key(None, ["1.3", "1.2"])


def test_data_dir_override(monkeypatch, tmp_path):
    monkeypatch.setenv("TAKEHOME_DATA_DIR", str(tmp_path / "x"))
    assert data_dir() == tmp_path / "x"
    monkeypatch.delenv("TAKEHOME_DATA_DIR")
    assert data_dir().name == "takehome"


def test_damaged_autosave_is_set_aside_with_a_message(make_panel, qtbot, study_dir):
    _host, panel = make_panel(managed=False)
    qtbot.keyClick(panel.canvas.view, "K")
    path = panel.autosaver.path
    destroy(panel, qtbot)
    path.write_text("{ not json", encoding="utf-8")
    _host2, again = make_panel(study_dir)
    assert again.messages.level == "warning"
    assert "could not be read" in again.messages.text()
    assert again.session.key_images == ()
    assert path.with_suffix(".damaged.json").read_text(encoding="utf-8") == "{ not json"
    assert json.loads(path.read_text(encoding="utf-8"))["key_images"] == []


def test_failed_autosave_write_shows_message_and_keeps_the_edit(make_panel, qtbot, data_dir):
    _host, panel = make_panel()
    sessions = panel.autosaver.path.parent
    sessions.mkdir(parents=True, exist_ok=True)
    for child in sessions.iterdir():
        child.unlink()
    sessions.rmdir()
    sessions.write_text("a file where the folder should be")
    qtbot.keyClick(panel.canvas.view, "K")
    assert len(panel.session.key_images) == 1
    assert panel.messages.level == "error"
    assert "autosave" in panel.messages.text()


def test_autosaver_roundtrip(tmp_path):
    saver = Autosaver("k", tmp_path)
    assert saver.load() is None
    assert saver.set_aside() is None
