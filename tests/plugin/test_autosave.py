"""Autosave: every edit is on disk at once; a new panel on the same study restores it."""

from __future__ import annotations

import errno
import json
import os

import pytest
from qtpy.QtCore import Qt

from takehome.annotations.errors import SessionFileError
from takehome.annotations.model import Point, Session
from takehome.annotations.session_file import load_session
from takehome.plugin import autosave
from takehome.plugin.autosave import Autosaver, data_dir, study_key
from takehome.plugin.canvas import Tool
from takehome.plugin.messages import describe_error

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
    kept = list(path.parent.glob(f"{path.stem}.damaged-*.json"))
    assert [k.read_text(encoding="utf-8") for k in kept] == ["{ not json"]
    assert kept[0].name in again.messages.text()
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


def _reopen_with(make_panel, qtbot, study_dir, content: bytes | None = None):
    """Autosave one key image, close the panel, put ``content`` in the file, open the study again."""
    _host, panel = make_panel(managed=False)
    qtbot.keyClick(panel.canvas.view, "K")
    path = panel.autosaver.path
    destroy(panel, qtbot)
    if content is not None:
        path.write_bytes(content)
    _host2, again = make_panel(study_dir)
    return path, again


HOSTILE_AUTOSAVES = {
    "5000-digit integer": b'{"schema_version": 1, "key_images": [], "title": ' + b"9" * 5000 + b"}",
    "10**400 coordinate": (b'{"schema_version": 1, "key_images": [{"sop_instance_uid": "1.2", "file": "a", '
                           b'"rows": 9, "columns": 9, "crop": {"x": 1' + b"0" * 400
                           + b', "y": 0, "width": 1, "height": 1}}]}'),
    "deep nesting": b'{"schema_version": 1, "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "not UTF-8": b"\xff\xfe{}",
}


@pytest.mark.parametrize("case", sorted(HOSTILE_AUTOSAVES))
def test_any_unreadable_autosave_is_set_aside_before_the_next_edit(case, make_panel, qtbot, study_dir):
    path, again = _reopen_with(make_panel, qtbot, study_dir, HOSTILE_AUTOSAVES[case])
    assert again.messages.level == "warning" and "could not be read" in again.messages.text()
    qtbot.keyClick(again.canvas.view, "K")  # the next edit writes a fresh autosave...
    kept = list(path.parent.glob(f"{path.stem}.damaged-*.json"))
    assert [k.read_bytes() for k in kept] == [HOSTILE_AUTOSAVES[case]]  # ...and the old one is intact


def test_a_second_damaged_autosave_never_replaces_the_first(tmp_path):
    saver = Autosaver("k", tmp_path)
    saver.path.parent.mkdir(parents=True)
    for content in ("first", "second", "third"):
        saver.path.write_text(content)
        restored = saver.restore()
        assert restored.session is None and restored.level == "warning"
    kept = sorted(p.read_text() for p in saver.path.parent.glob("k.damaged-*.json"))
    assert kept == ["first", "second", "third"]


def test_a_fifo_in_place_of_the_autosave_does_not_hang(make_panel, qtbot, study_dir):
    _host, panel = make_panel(managed=False)
    qtbot.keyClick(panel.canvas.view, "K")
    path = panel.autosaver.path
    destroy(panel, qtbot)
    path.unlink()
    os.mkfifo(path)
    _host2, again = make_panel(study_dir)
    assert "not a regular file" in again.messages.text()
    assert list(path.parent.glob(f"{path.stem}.damaged-*.json"))
    qtbot.keyClick(again.canvas.view, "K")
    assert path.is_file()


def test_a_newer_versions_autosave_is_kept_and_offered_back(make_panel, qtbot, study_dir):
    newer = b'{"schema_version": 99, "key_images": [], "title": "from the future"}'
    path, again = _reopen_with(make_panel, qtbot, study_dir, newer)
    assert again.messages.level == "warning" and "newer takehome" in again.messages.text()
    qtbot.keyClick(again.canvas.view, "K")
    assert path.read_bytes() == newer  # untouched, where the newer version looks for it
    beside = again.autosaver.path
    assert beside != path and len(load_session(beside).key_images) == 1
    _host3, third = make_panel(study_dir)  # this version finds its own work again, the newer file stays
    assert len(third.session.key_images) == 1 and path.read_bytes() == newer


def test_read_only_disk_never_claims_autosaved(make_panel, qtbot, monkeypatch):
    _host, panel = make_panel()

    def read_only(*_args):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(autosave, "save_session", read_only)
    qtbot.keyClick(panel.canvas.view, "K")
    assert len(panel.session.key_images) == 1
    assert panel.messages.level == "error" and "NOT saved" in panel.messages.text()
    assert not panel.autosaver.healthy


def test_unreadable_and_unmovable_autosave_turns_autosave_off(tmp_path, monkeypatch):
    saver = Autosaver("k", tmp_path)
    saver.path.parent.mkdir(parents=True)
    saver.path.write_text("{ damaged")

    def no_move(*_args, **_kwargs):
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr(os, "link", no_move)
    monkeypatch.setattr(os, "rename", no_move)
    restored = saver.restore()
    assert restored.level == "error" and "OFF" in restored.message
    with pytest.raises(SessionFileError, match="is off"):
        saver.save(Session())
    assert saver.path.read_text() == "{ damaged" and not saver.healthy
    assert "NOT autosaved" in describe_error(RuntimeError("boom"), autosaved=saver.healthy)
