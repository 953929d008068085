"""The panel's one state: the session store (with its undo history) and the image in focus.

Every part of the plugin receives this object (not the panel) and talks to the others through it:
edits go through :meth:`PanelState.edit`, the image on show through :meth:`PanelState.set_focus`,
messages for the clinician through :meth:`PanelState.say`, a wish to move the viewer through
:meth:`PanelState.request_show`; the parts follow the ``changed`` and ``focus_changed`` signals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from qtpy.QtCore import QObject, Signal

from takehome.annotations.errors import AnnotationError
from takehome.annotations.model import KeyImage, Session, Window
from takehome.plugin import edits
from takehome.plugin.history import SessionHistory
from takehome.plugin.host import ImageRef
from takehome.plugin.images import ImageLibrary

Key = tuple[str, int]


def key_of(image: ImageRef) -> Key:
    return (image.sop_instance_uid, image.frame)


class PanelState(QObject):
    """The session (undoable), the image in focus, and the window of images not in the handout."""

    #: the session after any edit, undo, redo or reset
    changed = Signal(object)
    #: the image in focus (an ImageRef, or None)
    focus_changed = Signal(object)
    #: what undo/redo can do changed (after any change of the session)
    history_changed = Signal()
    #: a message for the clinician: (text, level "info" | "warning" | "error")
    message = Signal(str, str)
    #: a part wants the viewer to show this image (an ImageRef); the panel moves the host
    show_requested = Signal(object)
    #: pending typing must be committed to the session now (before anything leaves the workstation)
    flush_requested = Signal()

    def __init__(self, library: ImageLibrary | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library if library is not None else ImageLibrary()
        self.undo_stack = SessionHistory()
        self.undo_stack.subscribe(self._session_set)
        self._focus: ImageRef | None = None
        self._view_windows: dict[Key, Window | None] = {}
        #: the part of the image in the viewer's view (x, y, width, height in image pixels), None when
        #: nothing is shown; the host that draws the image sets it
        self.view_region: Callable[[], tuple[float, float, float, float] | None] = lambda: None

    # ----- talking to the clinician and the viewer -----
    def say(self, text: str, level: str = "info") -> None:
        """Show ``text`` in the panel's message bar."""
        self.message.emit(text, level)

    def error(self, text: str) -> None:
        self.message.emit(text, "error")

    def request_show(self, image: ImageRef) -> None:
        """Ask the viewer to show ``image`` (focus follows once it does)."""
        self.show_requested.emit(image)

    def flush(self) -> None:
        """Commit pending typing (the report box) to the session."""
        self.flush_requested.emit()

    # ----- the session -----
    @property
    def session(self) -> Session:
        return self.undo_stack.session

    def edit(self, after: Session, text: str, merge_key: str | None = None) -> None:
        """One undoable step named ``text`` (consecutive steps with one ``merge_key`` merge)."""
        self.undo_stack.edit(after, text, merge_key)

    def reset(self, session: Session) -> None:
        """Replace the session without an undo step (opening a study, restoring an autosave)."""
        self._view_windows.clear()
        self.undo_stack.reset(session)

    def _session_set(self, session: Session) -> None:
        self.changed.emit(session)
        self.history_changed.emit()

    # ----- the image in focus -----
    @property
    def focus(self) -> ImageRef | None:
        """The image shown now (by the viewer and the panel alike)."""
        return self._focus

    def set_focus(self, image: ImageRef | None) -> None:
        self._focus = image
        self.focus_changed.emit(image)

    def focus_key(self) -> Key | None:
        return None if self._focus is None else key_of(self._focus)

    def focus_image(self) -> KeyImage | None:
        """The key image in focus, None when the image shown is not in the handout."""
        key = self.focus_key()
        return None if key is None else edits.find(self.session, key)

    def focus_window(self) -> Window | None:
        """The window the image in focus is shown with (its key image's, else the one chosen for it)."""
        image = self.focus_image()
        if image is not None:
            return image.window
        key = self.focus_key()
        return None if key is None else self._view_windows.get(key)

    def set_view_window(self, window: Window | None) -> None:
        """The window for the image in focus while it is not a key image (not undoable)."""
        key = self.focus_key()
        if key is not None:
            self._view_windows[key] = window

    def new_key_image(self) -> KeyImage:
        """A key image for the image in focus, with the window it is shown with."""
        if self._focus is None:
            raise AnnotationError("no image is shown: choose an image in the viewer first")
        return replace(self.library.key_image(self._focus), window=self.focus_window())

    def edit_focus(self, change: Callable[[KeyImage], KeyImage], text: str,
                   merge_key: str | None = None) -> None:
        """Edit the key image in focus (making the image a key image first when it is not one)."""
        image = self.focus_image()
        if image is None:
            image = self.new_key_image()
            text = f"Mark key image; {text[:1].lower()}{text[1:]}"
        self.edit(edits.update_image(self.session, change(image)), text, merge_key)
