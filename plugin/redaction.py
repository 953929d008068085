"""Redaction boxes on the canvas: the clinician sees, adds, moves, resizes, dismisses or removes them.

Each :class:`~takehome.annotations.model.Redaction` is a pyqtgraph ROI in image pixel space.
Boxes to redact are drawn filled black (what the patient will see) with a red outline; dismissed
boxes are a dashed grey outline; undecided (pending) boxes a dashed orange outline. The layer
emits the new tuple of redactions after every change; the panel stores it on the key image.
:class:`BoxLayer` is what the panel needs of any such layer (this one, or a host's own, e.g. napari's);
:class:`RedactionBoxes` holds the edits both share.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Collection, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

import pyqtgraph as pg
from qtpy.QtCore import QObject, QPointF, QRectF, Qt, Signal
from qtpy.QtGui import QAction, QBrush, QColor, QPainter, QPen
from qtpy.QtWidgets import QMenu

from takehome.annotations.model import Redaction, RedactionSource, RedactionStatus

if TYPE_CHECKING:
    from qtpy.QtCore import SignalInstance

STYLE: dict[RedactionStatus, tuple[str, Qt.PenStyle, QColor | None]] = {
    RedactionStatus.REDACT: ("#ff3b30", Qt.PenStyle.SolidLine, QColor(0, 0, 0, 255)),
    RedactionStatus.DISMISSED: ("#bbbbbb", Qt.PenStyle.DashLine, None),
    RedactionStatus.PENDING: ("#ff9500", Qt.PenStyle.DashLine, QColor(255, 149, 0, 40)),
}
#: Words for the context menu and tooltips.
STATUS_WORDS = {RedactionStatus.REDACT: "Redact (fill black)",
                RedactionStatus.DISMISSED: "Dismiss (keep visible)",
                RedactionStatus.PENDING: "Undecided"}
MIN_SIZE = 2.0


class RedactionBoxItem(pg.RectROI):  # type: ignore[misc]
    """One redaction box: movable and resizable, filled when it will be redacted."""

    def __init__(self, box: Redaction, layer: RedactionLayer) -> None:
        colour, style, _ = STYLE[box.status]
        pen = QPen(QColor(colour), 2, style)
        pen.setCosmetic(True)
        super().__init__((box.x, box.y), (box.width, box.height), pen=pen, movable=True,
                         removable=True, rotatable=False, resizable=True)
        self.box = box
        self.layer = layer
        self.setZValue(20)
        self.setToolTip(f"{STATUS_WORDS[box.status]}: {box.reason or box.source.value}")
        self.sigRegionChangeFinished.connect(self._moved)
        self.sigRemoveRequested.connect(lambda _item: layer.remove(self.box.id))

    def paint(self, painter: QPainter, *args: Any) -> None:
        fill = STYLE[self.box.status][2]
        if fill is not None:
            painter.fillRect(QRectF(0, 0, self.state["size"][0], self.state["size"][1]), QBrush(fill))
        super().paint(painter, *args)

    def getMenu(self) -> QMenu:
        menu = QMenu()
        menu.setTitle("Redaction box")
        for status in (RedactionStatus.REDACT, RedactionStatus.DISMISSED):
            action = QAction(STATUS_WORDS[status], menu)
            action.setCheckable(True)
            action.setChecked(self.box.status is status)
            action.triggered.connect(lambda _=False, s=status: self.layer.set_status(self.box.id, s))
            menu.addAction(action)
        remove = QAction("Remove box", menu)
        remove.triggered.connect(lambda: self.layer.remove(self.box.id))
        menu.addAction(remove)
        self.menu = menu
        return menu

    def _moved(self, *_: object) -> None:
        x, y = (float(v) for v in self.pos())
        width, height = (float(v) for v in self.size())
        self.layer.update_geometry(self.box.id, x, y, max(MIN_SIZE, width), max(MIN_SIZE, height))


class BoxLayer(Protocol):
    """What the panel's de-identification needs of a layer showing the boxes of the image in focus."""

    #: how the clinician decides a box there (ends the gate's refusal message)
    decide_hint: str

    @property
    def changed(self) -> SignalInstance:
        """Emits the new tuple of Redaction after any edit by the clinician."""

    def redactions(self) -> tuple[Redaction, ...]: ...

    def set_image_size(self, columns: int, rows: int) -> None: ...

    def set_redactions(self, boxes: Iterable[Redaction]) -> None:
        """Show exactly ``boxes`` (no signal: this is the panel telling the layer)."""

    def set_visible(self, visible: bool) -> None: ...

    def pending(self) -> int: ...

    def add_box(self, x: float, y: float, width: float, height: float) -> Redaction: ...

    def decide_pending(self, status: RedactionStatus | str) -> int: ...


class RedactionBoxes(QObject):
    """The boxes of the shown image and the clinician's edits of them; a subclass draws them."""

    #: the new tuple of Redaction after any change
    changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._boxes: tuple[Redaction, ...] = ()
        self._bounds: tuple[int, int] | None = None  # (columns, rows)

    # ----- state -----
    def redactions(self) -> tuple[Redaction, ...]:
        return self._boxes

    def set_image_size(self, columns: int, rows: int) -> None:
        self._bounds = (columns, rows)

    def set_redactions(self, boxes: Iterable[Redaction]) -> None:
        """Show exactly ``boxes`` (no signal: this is the panel telling the layer)."""
        self._boxes = tuple(boxes)
        self._draw()

    @abstractmethod
    def _draw(self) -> None:
        """Draw ``self._boxes`` (each layer its own way)."""

    def pending(self) -> int:
        return sum(1 for b in self._boxes if b.status is RedactionStatus.PENDING)

    # ----- edits (each emits ``changed``) -----
    def add_box(self, x: float, y: float, width: float, height: float) -> Redaction:
        """A new box drawn by the clinician, to be redacted."""
        x, y, width, height = self.clip(x, y, width, height)
        box = Redaction(x, y, width, height, status=RedactionStatus.REDACT, source=RedactionSource.MANUAL,
                        reason="drawn by the clinician")
        self._commit((*self._boxes, box))
        return box

    def set_status(self, box_id: str, status: RedactionStatus | str) -> None:
        self.decide({box_id}, status)

    def decide(self, box_ids: Collection[str], status: RedactionStatus | str) -> int:
        """Set the boxes ``box_ids`` to ``status`` (one change); how many changed."""
        status = RedactionStatus(status)
        changed = [b.id for b in self._boxes if b.id in box_ids and b.status is not status]
        if changed:
            self._commit(tuple(replace(b, status=status) if b.id in changed else b for b in self._boxes))
        return len(changed)

    def decide_pending(self, status: RedactionStatus | str) -> int:
        """Set every undecided box to ``status`` (e.g. dismiss all remaining); how many changed."""
        return self.decide({b.id for b in self._boxes if b.status is RedactionStatus.PENDING}, status)

    def remove(self, box_id: str) -> None:
        self._commit(tuple(b for b in self._boxes if b.id != box_id))

    def clip(self, x: float, y: float, width: float, height: float) -> tuple[float, float, float, float]:
        """(x, y, width, height) inside the image, at least MIN_SIZE pixels each way."""
        if self._bounds is None:
            return x, y, max(MIN_SIZE, width), max(MIN_SIZE, height)
        columns, rows = self._bounds
        x0, y0 = min(max(0.0, x), columns - MIN_SIZE), min(max(0.0, y), rows - MIN_SIZE)
        x1 = min(float(columns), max(x0 + MIN_SIZE, x + width))
        y1 = min(float(rows), max(y0 + MIN_SIZE, y + height))
        return x0, y0, x1 - x0, y1 - y0

    def _commit(self, boxes: tuple[Redaction, ...]) -> None:
        self.set_redactions(boxes)
        self.changed.emit(self._boxes)


class RedactionLayer(RedactionBoxes):
    """All redaction boxes of the shown image as ROIs on a takehome canvas."""

    decide_hint = ("Right-click each orange box to redact or dismiss it (or press Keep undecided text "
                   "to leave them all visible)")

    def __init__(self, viewbox: pg.ViewBox, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.viewbox = viewbox
        self._items: dict[str, RedactionBoxItem] = {}
        self._visible = True

    def item(self, box_id: str) -> RedactionBoxItem:
        return self._items[box_id]

    def _draw(self) -> None:
        for item in self._items.values():
            self.viewbox.removeItem(item)
        self._items = {}
        for box in self._boxes:
            item = RedactionBoxItem(box, self)
            item.setVisible(self._visible)
            self.viewbox.addItem(item)
            self._items[box.id] = item

    def set_visible(self, visible: bool) -> None:
        self._visible = visible
        for item in self._items.values():
            item.setVisible(visible)

    def update_geometry(self, box_id: str, x: float, y: float, width: float, height: float) -> None:
        x, y, width, height = self.clip(x, y, width, height)
        current = next((b for b in self._boxes if b.id == box_id), None)
        if current is None or (current.x, current.y, current.width, current.height) == (x, y, width, height):
            return
        moved = replace(current, x=x, y=y, width=width, height=height)
        self._boxes = tuple(moved if b.id == box_id else b for b in self._boxes)
        self._items[box_id].box = moved  # the item is where the mouse left it: no rebuild
        self.changed.emit(self._boxes)

    def box_at(self, point: QPointF) -> Redaction | None:
        """The topmost box containing ``point`` (image pixels)."""
        for box in reversed(self._boxes):
            if box.x <= point.x() <= box.x + box.width and box.y <= point.y() <= box.y + box.height:
                return box
        return None
