"""Undoable edits: every change swaps one immutable Session snapshot for another on a QUndoStack.

The consultation model is frozen dataclasses, so an edit is just (before, after); undo puts
``before`` back. Continuous gestures (a window/level drag, typing the report) merge into one step.
"""

from __future__ import annotations

from qtpy.QtCore import QObject, Signal

try:  # Qt 6 moved QUndoStack/QUndoCommand to QtGui
    from qtpy.QtGui import QUndoCommand, QUndoStack
except ImportError:  # pragma: no cover - Qt 5 bindings
    from qtpy.QtWidgets import QUndoCommand, QUndoStack  # type: ignore[no-redef]

from takehome.annotations.model import Session


class SessionStore(QObject):
    """Holds the current Session; every edit goes through :meth:`edit` and lands on the undo stack."""

    #: Emitted with the new session after any edit, undo or redo.
    changed = Signal(object)

    def __init__(self, session: Session | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session if session is not None else Session()
        self.undo_stack = QUndoStack(self)

    @property
    def session(self) -> Session:
        return self._session

    def edit(self, after: Session, text: str, merge_key: str | None = None) -> None:
        """Make ``after`` the current session as one undoable step named ``text``.

        Consecutive edits with the same ``merge_key`` collapse into one step (one undo).
        """
        if after == self._session:
            return
        self.undo_stack.push(SnapshotCommand(self, self._session, after, text, merge_key))

    def reset(self, session: Session) -> None:
        """Replace the session without an undo step (opening a study, restoring an autosave)."""
        self.undo_stack.clear()
        self._set(session)

    def _set(self, session: Session) -> None:
        self._session = session
        self.changed.emit(session)


_MERGE_IDS: dict[str, int] = {}


def _merge_id(key: str | None) -> int:
    if key is None:
        return -1
    return _MERGE_IDS.setdefault(key, len(_MERGE_IDS) + 1)


class SnapshotCommand(QUndoCommand):
    """Swap the store's session between two snapshots."""

    def __init__(self, store: SessionStore, before: Session, after: Session, text: str,
                 merge_key: str | None) -> None:
        super().__init__(text)
        self._store = store
        self.before = before
        self.after = after
        self._id = _merge_id(merge_key)

    def id(self) -> int:
        return self._id

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SnapshotCommand) or other.id() != self._id or self._id < 0:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        self._store._set(self.after)

    def undo(self) -> None:
        self._store._set(self.before)
