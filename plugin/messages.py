"""The panel's message bar: clear, dismissible messages instead of tracebacks or frozen dialogs.

The bar has one height whatever the message (longer ones scroll), so the panel below never jumps.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from qtpy.QtCore import Qt, Signal
from qtpy.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QToolButton, QWidget

from takehome.annotations.errors import TakehomeError

#: (background, text, border) per level: dark text on a light tint, readable under any theme
_COLOURS = {
    "error": ("#fde2e1", "#5c0b07", "#e0a19c"),
    "warning": ("#fff4d6", "#4a3700", "#e3c77a"),
    "info": ("#e3f0fc", "#0b2e4f", "#9cc1e0"),
}


def _style(level: str) -> str:
    """The bar's style sheet; the text widgets are styled by name so that a host application's
    style sheet (napari's dark theme sets ``QWidget { color: … }``) cannot make them unreadable."""
    background, text, border = _COLOURS.get(level, _COLOURS["info"])
    return (f"QFrame#takehome-message {{background:{background};color:{text};"
            f"border:1px solid {border};border-radius:4px;}}"
            f"QLabel#takehome-message-text, QToolButton#takehome-message-close, "
            f"QScrollArea#takehome-message-scroll, QWidget#qt_scrollarea_viewport "
            f"{{color:{text};background:transparent;border:none;}}")

#: lines of text the bar shows at once (more scroll)
VISIBLE_LINES = 3


class MessageBar(QFrame):
    """One message at a time, with its severity; hidden when there is nothing to say."""

    shown = Signal(str, str)  # (level, text)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("takehome-message")
        self._label = QLabel(self)
        self._label.setObjectName("takehome-message-text")
        self._label.setWordWrap(True)
        self._label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._label.setTextInteractionFlags(self._label.textInteractionFlags()
                                            | self._label.textInteractionFlags().TextSelectableByMouse)
        scroll = QScrollArea(self)
        scroll.setObjectName("takehome-message-scroll")
        scroll.setWidget(self._label)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFixedHeight(self._label.fontMetrics().lineSpacing() * VISIBLE_LINES + 4)
        close = QToolButton(self)
        close.setObjectName("takehome-message-close")
        close.setText("✕")
        close.setToolTip("Dismiss")
        close.setAutoRaise(True)
        close.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(scroll, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.level = ""
        self.hide()

    def text(self) -> str:
        return self._label.text()

    def show_message(self, text: str, level: str = "info") -> None:
        self.level = level
        self._label.setText(text)
        self.setStyleSheet(_style(level))
        self.show()
        self.shown.emit(level, text)

    def error(self, text: str) -> None:
        self.show_message(text, "error")

    def clear(self) -> None:
        self.level = ""
        self._label.clear()
        self.hide()


F = TypeVar("F", bound=Callable[..., Any])


def describe_error(exc: BaseException, *, autosaved: bool = True) -> str:
    """A one-paragraph message for the clinician (project errors already say what and what to do).

    ``autosaved`` False (the autosave is failing or off) drops the reassurance that work is saved.
    """
    if isinstance(exc, TakehomeError):
        return str(exc)
    if isinstance(exc, MemoryError):
        return "Not enough memory for this image or handout; close other studies and try again."
    saved = ("Your work is autosaved" if autosaved else
             "Your work is NOT autosaved (see the earlier message): export the handout before closing")
    return (f"Something unexpected went wrong ({type(exc).__name__}: {exc}). {saved}; "
            "please report this problem.")


def guarded(method: F) -> F:
    """Run a panel slot; any error becomes a message in the panel's bar instead of a traceback."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            autosaver = getattr(self, "autosaver", None)
            self.messages.error(describe_error(exc, autosaved=autosaver is None or autosaver.healthy))
            return None

    return wrapper  # type: ignore[return-value]
