"""The Qt-free session store: undo, redo, merged gestures, reset, listeners."""

from __future__ import annotations

from dataclasses import replace

from takehome.annotations.model import Session
from takehome.plugin.history import SessionHistory


def test_undo_redo_and_merged_typing() -> None:
    seen: list[Session] = []
    history = SessionHistory()
    history.subscribe(seen.append)
    start = history.session
    history.edit(replace(start, title="A"), "Title")
    for text in ("Liver", "Liver normal", "Liver normal."):  # typing: one step
        history.edit(replace(history.session, report_text=text), "Edit report text", "report")
    assert history.count() == 2 and history.undo_text() == "Edit report text"
    history.edit(history.session, "Nothing")  # no change: no step, no notification
    assert history.count() == 2 and len(seen) == 4
    history.undo()
    assert history.session == replace(start, title="A") and history.can_redo()
    history.undo()
    assert history.session == start and not history.can_undo()
    history.redo()
    history.redo()
    assert history.session.report_text == "Liver normal." and not history.can_redo()
    history.undo()
    history.edit(replace(history.session, title="B"), "Title")  # a new edit drops what was undone
    assert not history.can_redo() and history.redo_text() == ""
    assert seen[-1] is history.session


def test_reset_forgets_the_history() -> None:
    history = SessionHistory()
    history.edit(replace(history.session, title="A"), "Title")
    history.reset(Session())
    assert history.session == Session() and not history.can_undo() and history.count() == 0
