"""Real mouse gestures for the canvas tests (press, several moves with the button held, release).

Moves are spaced like a real mouse's (pyqtgraph drops move events closer than 10 ms apart).
"""

from __future__ import annotations

from qtpy.QtCore import QEvent, QPoint, QPointF, Qt
from qtpy.QtGui import QMouseEvent
from qtpy.QtTest import QTest
from qtpy.QtWidgets import QApplication, QWidget


def _send(widget: QWidget, kind: QEvent.Type, pos: QPoint, button: Qt.MouseButton,
          buttons: Qt.MouseButton) -> None:
    local = QPointF(pos)
    event = QMouseEvent(kind, local, QPointF(widget.mapToGlobal(pos)), button, buttons,
                        Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def drag(widget: QWidget, start: QPoint, end: QPoint, button: Qt.MouseButton = Qt.MouseButton.LeftButton,
         steps: int = 8, interval_ms: int = 15) -> None:
    """Press at ``start``, move in ``steps`` to ``end`` with the button held, release."""
    QTest.qWait(interval_ms)
    _send(widget, QEvent.Type.MouseButtonPress, start, button, button)
    for k in range(1, steps + 1):
        QTest.qWait(interval_ms)
        pos = QPoint(start.x() + (end.x() - start.x()) * k // steps,
                     start.y() + (end.y() - start.y()) * k // steps)
        _send(widget, QEvent.Type.MouseMove, pos, Qt.MouseButton.NoButton, button)
    _send(widget, QEvent.Type.MouseButtonRelease, end, button, Qt.MouseButton.NoButton)
    QApplication.processEvents()


def click(widget: QWidget, pos: QPoint, button: Qt.MouseButton = Qt.MouseButton.LeftButton,
          double: bool = False) -> None:
    _send(widget, QEvent.Type.MouseButtonPress, pos, button, button)
    _send(widget, QEvent.Type.MouseButtonRelease, pos, button, Qt.MouseButton.NoButton)
    if double:
        _send(widget, QEvent.Type.MouseButtonDblClick, pos, button, button)
        _send(widget, QEvent.Type.MouseButtonRelease, pos, button, Qt.MouseButton.NoButton)
    QApplication.processEvents()
