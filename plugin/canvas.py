"""The key-image canvas (pyqtgraph): the image with its window, zoom/pan, and the overlay tools.

Mouse: left-drag draws with the current tool (or moves/resizes in Select, pans on empty space),
right-drag adjusts window/level (also left-drag with the Contrast tool), wheel zooms. Double-click
a shape to edit its label in place. The canvas never edits the session itself: it emits what the
clinician did and the panel turns that into undoable edits.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from enum import StrEnum
from typing import Any

import numpy as np
import pyqtgraph as pg
from qtpy.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from qtpy.QtGui import QBrush, QColor, QKeyEvent, QPainterPath, QPen
from qtpy.QtWidgets import QGraphicsPathItem, QLineEdit, QVBoxLayout, QWidget

from takehome.annotations.model import DEFAULT_COLOR, Crop, Overlay, Point, ShapeKind, Window
from takehome.plugin.images import ShownImage
from takehome.plugin.items import (
    HANDLE_PX,
    OverlayItem,
    clamp,
    clamp_all,
    distance,
    handles,
    label_size,
    move_handle,
)

PICK_PX = 7.0
MIN_SHAPE_PX = 3.0


class Tool(StrEnum):
    """What a left-drag or click on the canvas does."""

    SELECT = "select"
    CONTRAST = "contrast"
    ARROW = "arrow"
    LINE = "line"
    ELLIPSE = "ellipse"
    RECTANGLE = "rectangle"
    TEXT = "text"


_DRAWN = {Tool.ARROW: ShapeKind.ARROW, Tool.LINE: ShapeKind.LINE, Tool.ELLIPSE: ShapeKind.ELLIPSE,
          Tool.RECTANGLE: ShapeKind.RECTANGLE}

#: Default colour per shape (bright, distinct, readable on grey images).
SHAPE_COLORS = {ShapeKind.ARROW: DEFAULT_COLOR, ShapeKind.LINE: "#00e5ff", ShapeKind.ELLIPSE: "#7cfc00",
                ShapeKind.RECTANGLE: "#ff4fa3", ShapeKind.TEXT: "#ffffff"}


class _ViewBox(pg.ViewBox):  # type: ignore[misc]
    """A ViewBox that lets the canvas handle drags and clicks first."""

    def __init__(self, canvas: ImageCanvas) -> None:
        super().__init__(invertY=True, lockAspect=True, enableMenu=False)
        self._canvas = canvas

    def mouseDragEvent(self, ev: Any, axis: Any = None) -> None:
        if not self._canvas._drag_event(ev):
            super().mouseDragEvent(ev, axis)

    def mouseClickEvent(self, ev: Any) -> None:
        if not self._canvas._click_event(ev):
            super().mouseClickEvent(ev)

    def wheelEvent(self, ev: Any, axis: Any = None) -> None:
        step = self._canvas.wheel_steps
        if step is None or ev.modifiers() & Qt.KeyboardModifier.ControlModifier:
            super().wheelEvent(ev, axis)  # zoom
            return
        delta = ev.delta() if hasattr(ev, "delta") else ev.angleDelta().y()
        step(-1 if delta > 0 else 1)
        ev.accept()


class _LabelEditor(QLineEdit):
    """In-place label editor: Enter keeps the text, Escape cancels, leaving it keeps the text."""

    finished = Signal(bool)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._done = False
        self.setPlaceholderText("Type a label, Enter")
        self.setMinimumWidth(180)

    def event(self, event: QEvent) -> bool:
        # keep Escape/Enter/Delete for the editor, not the panel's shortcuts
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(
                event, QKeyEvent) and event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_Return,
                                                      Qt.Key.Key_Enter, Qt.Key.Key_Delete,
                                                      Qt.Key.Key_Backspace):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._finish(True)
            return
        if event.key() == Qt.Key.Key_Escape:
            self._finish(False)
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: Any) -> None:
        super().focusOutEvent(event)
        self._finish(True)

    def _finish(self, keep: bool) -> None:
        if not self._done:
            self._done = True
            self.finished.emit(keep)


class ImageCanvas(QWidget):
    """Shows one image with its overlays and turns mouse gestures into overlay/window edits."""

    #: (overlay, description): a new or changed overlay the panel should store.
    overlay_committed = Signal(object, str)
    #: (overlay id): the clinician deleted an overlay.
    overlay_deleted = Signal(str)
    #: a window/level drag in progress (Window); then its final value once.
    window_changing = Signal(object)
    window_committed = Signal(object)
    #: overlay id or None
    selection_changed = Signal(object)
    tool_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = pg.GraphicsView(self)
        self.view.setBackground("#101010")
        self.viewbox = _ViewBox(self)
        self.view.setCentralItem(self.viewbox)
        self.image_item = pg.ImageItem(axisOrder="row-major")
        self.viewbox.addItem(self.image_item)
        self.crop_item = QGraphicsPathItem()
        self.crop_item.setBrush(QBrush(QColor(0, 0, 0, 150)))
        crop_pen = QPen(QColor("#ffffff"), 1, Qt.PenStyle.DashLine)
        crop_pen.setCosmetic(True)
        self.crop_item.setPen(crop_pen)
        self.crop_item.setZValue(5)
        self.crop_item.setVisible(False)
        self.viewbox.addItem(self.crop_item)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.setMinimumSize(240, 200)
        self._shown: ShownImage | None = None
        self._pixels: np.ndarray[Any, Any] | None = None  # the array the image item holds
        self._overlays: tuple[Overlay, ...] = ()
        self._items: dict[str, OverlayItem] = {}
        self._selected: str | None = None
        self._tool = Tool.SELECT
        self._drag: dict[str, Any] | None = None
        self._preview: OverlayItem | None = None
        self.label_editor: _LabelEditor | None = None
        self.describe: Callable[[Overlay], str] = lambda overlay: overlay.label
        #: when set, the wheel pages through a series (Ctrl+wheel zooms) instead of zooming
        self.wheel_steps: Callable[[int], None] | None = None
        self.viewbox.sigRangeChanged.connect(self._update_pixel_size)
        self.viewbox.sigResized.connect(self._update_pixel_size)

    # ----- state -----
    @property
    def tool(self) -> Tool:
        return self._tool

    def set_tool(self, tool: Tool | str) -> None:
        self._tool = Tool(tool)
        self._cancel_drag()
        cursor = Qt.CursorShape.ArrowCursor if self._tool is Tool.SELECT else (
            Qt.CursorShape.SizeAllCursor if self._tool is Tool.CONTRAST else Qt.CursorShape.CrossCursor)
        self.view.viewport().setCursor(cursor)
        self.tool_changed.emit(self._tool.value)

    @property
    def shown(self) -> ShownImage | None:
        return self._shown

    @property
    def overlays(self) -> tuple[Overlay, ...]:
        return self._overlays

    @property
    def selected_id(self) -> str | None:
        return self._selected

    def set_image(self, shown: ShownImage | None, overlays: tuple[Overlay, ...] = ()) -> None:
        """Show ``shown`` (None clears); the view is reset only when the image itself changes."""
        same = shown is not None and self._shown is not None and shown.key == self._shown.key
        self._shown = shown
        if shown is None:
            self.image_item.clear()
            self._pixels = None
        else:
            if shown.display.pixels is not self._pixels:  # the panel sets it again as it follows: once
                self._pixels = shown.display.pixels
                # 8-bit pixels as they are (no levels): drawn as Grayscale8/RGB888, no colour table
                self.image_item.setImage(np.ascontiguousarray(self._pixels), autoLevels=False, levels=None)
            if not same:
                self.viewbox.setRange(xRange=(0, shown.display.columns), yRange=(0, shown.display.rows),
                                      padding=0.02)
        if not same:
            self._close_editor(False)
            self._selected = None
        self.set_overlays(overlays if shown is not None else ())

    def set_crop(self, crop: Crop | None) -> None:
        """Shade what lies outside the printed part of the image (None: the whole image prints)."""
        if crop is None or self._shown is None:
            self.crop_item.setVisible(False)
            return
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.OddEvenFill)
        path.addRect(QRectF(0, 0, self._shown.display.columns, self._shown.display.rows))
        path.addRect(QRectF(crop.x, crop.y, crop.width, crop.height))
        self.crop_item.setPath(path)
        self.crop_item.setVisible(True)

    def visible_region(self) -> tuple[float, float, float, float] | None:
        """The part of the image in view: (x, y, width, height) in image pixels, None if none."""
        if self._shown is None:
            return None
        (x0, x1), (y0, y1) = self.viewbox.viewRange()
        columns, rows = self._shown.display.columns, self._shown.display.rows
        x0, x1 = max(0.0, min(x0, x1)), min(float(columns), max(x0, x1))
        y0, y1 = max(0.0, min(y0, y1)), min(float(rows), max(y0, y1))
        if x1 - x0 < 1 or y1 - y0 < 1:
            return None
        return x0, y0, x1 - x0, y1 - y0

    def set_overlays(self, overlays: tuple[Overlay, ...]) -> None:
        """Synchronise the drawn shapes with ``overlays``."""
        self._overlays = tuple(overlays)
        wanted = {o.id: o for o in self._overlays}
        for overlay_id in list(self._items):
            if overlay_id not in wanted:
                self.viewbox.removeItem(self._items.pop(overlay_id))
        pixel = self.pixel_size()
        for overlay in self._overlays:
            item = self._items.get(overlay.id)
            if item is None:
                item = OverlayItem(overlay, self.describe(overlay))
                item.set_pixel_size(pixel)
                self._items[overlay.id] = item
                self.viewbox.addItem(item)
            else:
                item.set_overlay(overlay, self.describe(overlay))
            if self._shown is not None:
                item.set_image_size(self._shown.display.columns, self._shown.display.rows)
        if self._selected not in wanted:
            self._selected = None
        for overlay_id, item in self._items.items():
            item.set_selected(overlay_id == self._selected)

    def select(self, overlay_id: str | None) -> None:
        if overlay_id is not None and overlay_id not in self._items:
            overlay_id = None
        if overlay_id == self._selected:
            return
        self._selected = overlay_id
        for key, item in self._items.items():
            item.set_selected(key == overlay_id)
        self.selection_changed.emit(overlay_id)

    def overlay(self, overlay_id: str | None) -> Overlay | None:
        return next((o for o in self._overlays if o.id == overlay_id), None)

    def item(self, overlay_id: str) -> OverlayItem:
        """The graphics item drawing the overlay ``overlay_id`` (KeyError when it is not shown)."""
        return self._items[overlay_id]

    def delete_selected(self) -> bool:
        """Delete the selected overlay (False when nothing is selected)."""
        if self._selected is None:
            return False
        overlay_id = self._selected
        self.select(None)
        self.overlay_deleted.emit(overlay_id)
        return True

    # ----- coordinates -----
    def pixel_size(self) -> float:
        """Image pixels per screen pixel at the current zoom."""
        size = self.viewbox.viewPixelSize()[0]
        return float(size) if size and math.isfinite(size) and size > 0 else 1.0

    def image_to_widget(self, point: Point) -> QPoint:
        """Position in the view's viewport (where mouse events go) of an image point."""
        scene = self.viewbox.mapViewToScene(QPointF(point.x, point.y))
        widget: QPoint = self.view.mapFromScene(scene)
        return widget

    def _to_image(self, pos: QPointF) -> Point:
        view = self.viewbox.mapToView(pos)
        return Point(view.x(), view.y())

    def _update_pixel_size(self, *_: object) -> None:
        pixel = self.pixel_size()
        for item in self._items.values():
            item.set_pixel_size(pixel)
        if self._preview is not None:
            self._preview.set_pixel_size(pixel)

    # ----- picking -----
    def _pick(self, point: Point) -> str | None:
        pixel = self.pixel_size()
        best: tuple[float, str] | None = None
        for overlay in reversed(self._overlays):
            size = label_size(overlay.label, pixel)
            d = distance(overlay, point, size)
            if d <= PICK_PX * pixel and (best is None or d < best[0]):
                best = (d, overlay.id)
        return None if best is None else best[1]

    def _pick_handle(self, point: Point) -> tuple[int, int] | None:
        overlay = self.overlay(self._selected)
        if overlay is None:
            return None
        reach = (HANDLE_PX + 3) * self.pixel_size()
        for i, j, at in handles(overlay):
            if abs(at.x - point.x) <= reach and abs(at.y - point.y) <= reach:
                return (i, j)
        return None

    # ----- mouse -----
    def _bounds(self) -> tuple[int, int]:
        assert self._shown is not None
        return self._shown.display.columns, self._shown.display.rows

    def _drag_event(self, ev: Any) -> bool:
        if self._shown is None or self.label_editor is not None:
            return False
        if ev.isStart():
            self._drag = self._start_drag(ev)
        drag = self._drag
        if drag is None:
            return False
        ev.accept()
        mode = drag["mode"]
        if mode == "pan":
            if ev.isFinish():
                self._drag = None
            return False
        if mode == "window":
            self._window_drag(ev, drag)
        else:
            self._shape_drag(ev, drag)
        if ev.isFinish():
            self._drag = None
        return True

    def _start_drag(self, ev: Any) -> dict[str, Any] | None:
        button = ev.button()
        if button == Qt.MouseButton.RightButton or (
                button == Qt.MouseButton.LeftButton and self._tool is Tool.CONTRAST):
            window = self._shown.display.window if self._shown is not None else None
            if window is None:
                return {"mode": "none"}
            return {"mode": "window", "start": window}
        if button != Qt.MouseButton.LeftButton:
            return None
        columns, rows = self._bounds()
        start = clamp(self._to_image(ev.buttonDownPos()), columns, rows)
        if self._tool in _DRAWN:
            kind = _DRAWN[self._tool]
            overlay = Overlay(kind=kind, points=(start, start), color=SHAPE_COLORS[kind])
            self._preview = OverlayItem(overlay, "")
            self._preview.set_pixel_size(self.pixel_size())
            self.viewbox.addItem(self._preview)
            return {"mode": "draw", "overlay": overlay}
        if self._tool is Tool.SELECT:
            handle = self._pick_handle(start)
            if handle is not None:
                return {"mode": "handle", "handle": handle, "overlay": self.overlay(self._selected)}
            picked = self._pick(start)
            if picked is not None:
                self.select(picked)
                return {"mode": "move", "overlay": self.overlay(picked), "start": start}
            return {"mode": "pan"}
        return {"mode": "none"}

    def _window_drag(self, ev: Any, drag: dict[str, Any]) -> None:
        start: Window = drag["start"]
        delta = ev.screenPos() - ev.buttonDownScreenPos()
        width = max(1.0, start.width * math.exp(delta.x() / 200.0))
        center = start.center + delta.y() * start.width / 300.0  # drag up: brighter
        window = Window(center, width)
        self.window_changing.emit(window)
        if ev.isFinish():
            self.window_committed.emit(window)

    def _shape_drag(self, ev: Any, drag: dict[str, Any]) -> None:
        mode = drag["mode"]
        overlay: Overlay | None = drag.get("overlay")
        if overlay is None:
            return
        columns, rows = self._bounds()
        here = clamp(self._to_image(ev.pos()), columns, rows)
        if mode == "draw":
            changed = replace(overlay, points=(overlay.points[0], here))
        elif mode == "handle":
            changed = move_handle(overlay, drag["handle"], here)
        elif mode == "move":
            start: Point = drag["start"]
            x0, y0, x1, y1 = overlay.bounds()
            dx = min(max(here.x - start.x, -x0), columns - x1)
            dy = min(max(here.y - start.y, -y0), rows - y1)
            changed = overlay.moved(dx, dy)
        else:
            return
        changed = replace(changed, points=clamp_all(changed.points, columns, rows))
        if mode == "draw":
            assert self._preview is not None
            self._preview.set_overlay(changed, self.describe(changed) if changed.kind is ShapeKind.LINE
                                      else "")
        else:
            item = self._items.get(changed.id)
            if item is not None:
                item.set_overlay(changed, self.describe(changed))
        if not ev.isFinish():
            return
        if mode == "draw":
            self._remove_preview()
            a, b = changed.points
            if math.hypot(b.x - a.x, b.y - a.y) < MIN_SHAPE_PX * self.pixel_size():
                return
            self.overlay_committed.emit(changed, f"Draw {changed.kind.value}")
            self.select(changed.id)
            self.edit_label(changed.id, new=changed)
        elif changed != overlay:
            verb = "Resize" if mode == "handle" else "Move"
            self.overlay_committed.emit(changed, f"{verb} {changed.kind.value}")

    def _click_event(self, ev: Any) -> bool:
        if self._shown is None:
            return False
        if ev.button() != Qt.MouseButton.LeftButton:
            return bool(ev.button() == Qt.MouseButton.RightButton)
        ev.accept()
        columns, rows = self._bounds()
        point = clamp(self._to_image(ev.pos()), columns, rows)
        if self.label_editor is not None:
            self._close_editor(True)
            return True
        if self._tool is Tool.TEXT:
            self.edit_label(None, at=point)
            return True
        picked = self._pick(point)
        self.select(picked)
        if ev.double() and picked is not None:
            self.edit_label(picked)
        return True

    def _cancel_drag(self) -> None:
        self._drag = None
        self._remove_preview()

    def _remove_preview(self) -> None:
        if self._preview is not None:
            self.viewbox.removeItem(self._preview)
            self._preview = None

    # ----- label editing -----
    def edit_label(self, overlay_id: str | None, *, at: Point | None = None,
                   new: Overlay | None = None) -> QLineEdit:
        """Open the in-place editor for an overlay's label, or for a new text note at ``at``."""
        self._close_editor(True)
        overlay = new if new is not None else self.overlay(overlay_id)
        editor = _LabelEditor(self.view.viewport())
        if overlay is not None:
            editor.setText(overlay.label)
            item = self._items.get(overlay.id)
            anchor = item.label_anchor() if item is not None else QPointF(overlay.points[0].x,
                                                                           overlay.points[0].y)
            target = Point(anchor.x(), anchor.y())
        else:
            editor.setPlaceholderText("Type the note, Enter")
            target = at if at is not None else Point(0, 0)
        pos = self.image_to_widget(target)
        # just below the label's place, so the shape and its live length stay visible
        viewport = self.view.viewport()
        height = editor.sizeHint().height()
        top = pos.y() + 8 if pos.y() + 8 + height <= viewport.height() else pos.y() - height - 20
        editor.move(max(0, min(pos.x(), viewport.width() - editor.width())), max(0, top))
        editor.finished.connect(lambda keep: self._editor_done(editor, keep, overlay, target))
        self.label_editor = editor
        editor.show()
        editor.setFocus(Qt.FocusReason.OtherFocusReason)
        return editor

    def _close_editor(self, keep: bool) -> None:
        if self.label_editor is not None:
            self.label_editor._finish(keep)

    def _editor_done(self, editor: _LabelEditor, keep: bool, overlay: Overlay | None, at: Point) -> None:
        text = editor.text().strip()
        if self.label_editor is editor:
            self.label_editor = None
        editor.hide()
        editor.deleteLater()
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        if not keep or self._shown is None:
            return
        if overlay is None:
            if text:
                note = Overlay(kind=ShapeKind.TEXT, points=(at,), label=text,
                               color=SHAPE_COLORS[ShapeKind.TEXT])
                self.overlay_committed.emit(note, "Add text note")
                self.select(note.id)
            return
        if overlay.kind is ShapeKind.TEXT and not text:
            return
        if text != overlay.label and self.overlay(overlay.id) is not None:
            self.overlay_committed.emit(replace(overlay, label=text), "Edit label")
