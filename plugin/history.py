"""The session store: the current Session and its undo history, without Qt.

The consultation model is frozen dataclasses, so an edit is just (before, after); undo puts
``before`` back. Continuous gestures (a window/level drag, typing the report) merge into one step.
Listeners are called after every change, with the new session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from takehome.annotations.model import Session

Listener = Callable[[Session], None]


@dataclass(frozen=True, slots=True)
class Step:
    """One undoable edit: the session before and after, its name, and its merge key."""

    before: Session
    after: Session
    text: str
    merge_key: str | None = None


class SessionHistory:
    """Holds the current Session; every edit goes through :meth:`edit` and can be undone."""

    def __init__(self, session: Session | None = None) -> None:
        self._session = session if session is not None else Session()
        self._done: list[Step] = []
        self._undone: list[Step] = []
        self._listeners: list[Listener] = []

    @property
    def session(self) -> Session:
        return self._session

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(session)`` after every edit, undo, redo and reset."""
        self._listeners.append(listener)

    def edit(self, after: Session, text: str, merge_key: str | None = None) -> None:
        """Make ``after`` the current session as one undoable step named ``text``.

        Consecutive edits with the same ``merge_key`` collapse into one step (one undo).
        """
        if after == self._session:
            return
        last = self._done[-1] if self._done else None
        if merge_key is not None and last is not None and last.merge_key == merge_key and not self._undone:
            self._done[-1] = Step(last.before, after, last.text, merge_key)
        else:
            self._done.append(Step(self._session, after, text, merge_key))
        self._undone.clear()
        self._set(after)

    def undo(self) -> None:
        if self._done:
            step = self._done.pop()
            self._undone.append(step)
            self._set(step.before)

    def redo(self) -> None:
        if self._undone:
            step = self._undone.pop()
            self._done.append(step)
            self._set(step.after)

    def reset(self, session: Session) -> None:
        """Replace the session and forget the history (opening a study, restoring an autosave)."""
        self._done.clear()
        self._undone.clear()
        self._set(session)

    def can_undo(self) -> bool:
        return bool(self._done)

    def can_redo(self) -> bool:
        return bool(self._undone)

    def undo_text(self) -> str:
        return self._done[-1].text if self._done else ""

    def redo_text(self) -> str:
        return self._undone[-1].text if self._undone else ""

    def count(self) -> int:
        """How many steps can be undone."""
        return len(self._done)

    def _set(self, session: Session) -> None:
        self._session = session
        for listener in list(self._listeners):
            listener(session)
