"""Overlay shapes on the canvas: a QGraphicsObject per Overlay, plus the geometry used to pick them.

Shapes live in image pixel coordinates (the canvas view's data space); strokes, arrow heads,
handles and labels keep a constant size on screen whatever the zoom.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from qtpy.QtCore import QPointF, QRectF, Qt
from qtpy.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF, QTransform
from qtpy.QtWidgets import QGraphicsObject, QStyleOptionGraphicsItem, QWidget

from takehome.annotations.model import Overlay, Point, ShapeKind

HANDLE_PX = 7.0
STROKE_PX = 2.0
ARROW_HEAD_PX = 14.0
LABEL_PT = 11


def is_box(kind: ShapeKind) -> bool:
    return kind in (ShapeKind.ELLIPSE, ShapeKind.RECTANGLE)


def handles(overlay: Overlay) -> list[tuple[int, int, Point]]:
    """Grab points of an overlay as (x index, y index, position).

    Dragging handle (i, j) moves ``points[i].x`` and ``points[j].y``: lines and arrows have one
    handle per end, boxes four corners.
    """
    pts = overlay.points
    if is_box(overlay.kind):
        return [(i, j, Point(pts[i].x, pts[j].y)) for i, j in ((0, 0), (1, 0), (1, 1), (0, 1))]
    return [(i, i, p) for i, p in enumerate(pts)]


def move_handle(overlay: Overlay, handle: tuple[int, int], to: Point) -> Overlay:
    """The overlay with handle ``(i, j)`` dragged to ``to``."""
    i, j = handle
    pts = [Point(p.x, p.y) for p in overlay.points]
    pts[i] = Point(to.x, pts[i].y)
    pts[j] = Point(pts[j].x, to.y)
    return Overlay(kind=overlay.kind, points=tuple(pts), label=overlay.label, color=overlay.color,
                   id=overlay.id)


def _segment_distance(p: Point, a: Point, b: Point) -> float:
    dx, dy = b.x - a.x, b.y - a.y
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2))
    return math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy))


def distance(overlay: Overlay, p: Point, text_size: tuple[float, float] = (0.0, 0.0)) -> float:
    """Distance (image pixels) from ``p`` to the drawn outline of the overlay (0 inside a text box)."""
    pts = overlay.points
    if overlay.kind in (ShapeKind.ARROW, ShapeKind.LINE):
        return _segment_distance(p, pts[0], pts[1])
    if overlay.kind is ShapeKind.TEXT:
        w, h = text_size
        x0, y0 = pts[0].x, pts[0].y
        dx = max(x0 - p.x, 0.0, p.x - (x0 + w))
        dy = max(y0 - h - p.y, 0.0, p.y - y0)
        return math.hypot(dx, dy)
    x0, y0, x1, y1 = overlay.bounds()
    if overlay.kind is ShapeKind.RECTANGLE:
        corners = [Point(x0, y0), Point(x1, y0), Point(x1, y1), Point(x0, y1)]
        return min(_segment_distance(p, corners[k], corners[(k + 1) % 4]) for k in range(4))
    cx, cy, rx, ry = (x0 + x1) / 2, (y0 + y1) / 2, max((x1 - x0) / 2, 1e-6), max((y1 - y0) / 2, 1e-6)
    # distance to an ellipse, approximated by sampling its outline (exact enough for picking)
    return min(math.hypot(p.x - (cx + rx * math.cos(t)), p.y - (cy + ry * math.sin(t)))
               for t in (k * math.pi / 90 for k in range(180)))


def outline_path(text: str, font: QFont, at: QPointF) -> QPainterPath:
    path = QPainterPath()
    path.addText(at, font, text)
    return path


class OverlayItem(QGraphicsObject):
    """Draws one overlay (and its label) in image coordinates."""

    def __init__(self, overlay: Overlay, text: str = "") -> None:
        super().__init__()
        self.overlay = overlay
        self.text = text
        self.selected = False
        self._pixel = 1.0  # image pixels per screen pixel, updated by the canvas on zoom
        self._image: QRectF | None = None  # the image's extent: labels stay inside it, as in print
        self.setZValue(10)

    def set_overlay(self, overlay: Overlay, text: str) -> None:
        self.prepareGeometryChange()
        self.overlay = overlay
        self.text = text
        self.update()

    def set_selected(self, selected: bool) -> None:
        self.selected = selected
        self.update()

    def set_pixel_size(self, pixel: float) -> None:
        if pixel > 0 and not math.isclose(pixel, self._pixel):
            self.prepareGeometryChange()
            self._pixel = pixel

    def set_image_size(self, columns: int, rows: int) -> None:
        """The size of the image the overlay is drawn on (labels are kept inside it)."""
        rect = QRectF(0, 0, columns, rows)
        if rect != self._image:
            self.prepareGeometryChange()
            self._image = rect
            self.update()

    def boundingRect(self) -> QRectF:
        x0, y0, x1, y1 = self.overlay.bounds()
        margin = self._pixel * 40
        label = self._pixel * (len(self.text) * 9 + 20)
        return QRectF(x0 - margin - label, y0 - margin - 30 * self._pixel,
                      x1 - x0 + 2 * (margin + label), y1 - y0 + 2 * margin + 60 * self._pixel)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem,
              widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        color = QColor(self.overlay.color)
        for pen_color, width in ((QColor(0, 0, 0, 170), STROKE_PX + 2), (color, STROKE_PX)):
            pen = QPen(pen_color, width)
            pen.setCosmetic(True)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            self._paint_shape(painter, pen_color)
        self._paint_label(painter, color)
        if self.selected:
            self._paint_handles(painter)

    def _paint_shape(self, painter: QPainter, color: QColor) -> None:
        pts = [QPointF(p.x, p.y) for p in self.overlay.points]
        kind = self.overlay.kind
        if kind in (ShapeKind.ARROW, ShapeKind.LINE):
            painter.drawLine(pts[0], pts[1])
            if kind is ShapeKind.ARROW:
                painter.setBrush(QBrush(color))
                painter.drawPolygon(self._arrow_head(pts[0], pts[1]))
            else:
                for end in pts:
                    painter.drawPolygon(self._tick(pts[0], pts[1], end))
        elif is_box(kind):
            x0, y0, x1, y1 = self.overlay.bounds()
            rect = QRectF(x0, y0, x1 - x0, y1 - y0)
            if kind is ShapeKind.ELLIPSE:
                painter.drawEllipse(rect)
            else:
                painter.drawRect(rect)

    def _arrow_head(self, tail: QPointF, head: QPointF) -> QPolygonF:
        angle = math.atan2(head.y() - tail.y(), head.x() - tail.x())
        size = ARROW_HEAD_PX * self._pixel
        left = QPointF(head.x() - size * math.cos(angle - 0.45), head.y() - size * math.sin(angle - 0.45))
        right = QPointF(head.x() - size * math.cos(angle + 0.45), head.y() - size * math.sin(angle + 0.45))
        return QPolygonF([head, left, right])

    def _tick(self, a: QPointF, b: QPointF, at: QPointF) -> QPolygonF:
        angle = math.atan2(b.y() - a.y(), b.x() - a.x()) + math.pi / 2
        half = 5 * self._pixel
        dx, dy = half * math.cos(angle), half * math.sin(angle)
        return QPolygonF([QPointF(at.x() - dx, at.y() - dy), QPointF(at.x() + dx, at.y() + dy)])

    def label_anchor(self) -> QPointF:
        """Where the label's baseline starts, in image coordinates."""
        pts = self.overlay.points
        kind = self.overlay.kind
        if kind is ShapeKind.TEXT:
            return QPointF(pts[0].x, pts[0].y)
        if kind is ShapeKind.ARROW:
            tail, head = pts
            below = tail.y >= head.y
            return QPointF(tail.x + 4 * self._pixel, tail.y + (16 if below else -6) * self._pixel)
        if kind is ShapeKind.LINE:
            x1, y1 = max(pts, key=lambda p: p.x).x, min(p.y for p in pts)
            return QPointF(x1 + 6 * self._pixel, y1 + 4 * self._pixel)
        x0, y0, _x1, _y1 = self.overlay.bounds()
        return QPointF(x0, y0 - 6 * self._pixel)

    def label_path(self, to_screen: QTransform) -> QPainterPath | None:
        """The label's outline in screen pixels (``to_screen`` maps image pixels there), kept inside the
        image; a line's label pushed back over its line sits above it instead. None without a label."""
        if not self.text:
            return None
        font = QFont()
        font.setPointSize(LABEL_PT if self.overlay.kind is not ShapeKind.TEXT else LABEL_PT + 2)
        font.setBold(True)
        path = outline_path(self.text, font, to_screen.map(self.label_anchor()))
        if self._image is not None:
            image = to_screen.mapRect(self._image)
            shift = _inside(path.boundingRect(), image)
            if self.overlay.kind is ShapeKind.LINE and shift.x() < 0:
                shift.setY(shift.y() - path.boundingRect().height())
                shift += _inside(path.boundingRect().translated(shift), image)
            path.translate(shift)
        return path

    def _paint_label(self, painter: QPainter, color: QColor) -> None:
        path = self.label_path(painter.transform())
        if path is None:
            return
        painter.save()
        painter.resetTransform()  # the label keeps its size in screen pixels at any zoom
        outline = QPen(QColor(0, 0, 0, 200), 3)
        outline.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.strokePath(path, outline)
        painter.fillPath(path, QBrush(color))
        painter.restore()

    def _paint_handles(self, painter: QPainter) -> None:
        painter.save()
        transform = painter.transform()
        painter.resetTransform()
        painter.setPen(QPen(QColor(0, 0, 0), 1))
        painter.setBrush(QBrush(QColor(255, 255, 255)))
        for _i, _j, point in handles(self.overlay):
            at = transform.map(QPointF(point.x, point.y))
            half = HANDLE_PX / 2
            painter.drawRect(QRectF(at.x() - half, at.y() - half, HANDLE_PX, HANDLE_PX))
        painter.restore()


def _inside(label: QRectF, image: QRectF, margin: float = 3.0) -> QPointF:
    """How far to move ``label`` so that it lies inside ``image`` (its left/top edge wins when the
    label is larger than the image)."""
    dx = dy = 0.0
    if label.right() > image.right() - margin:
        dx = image.right() - margin - label.right()
    if label.left() + dx < image.left() + margin:
        dx = image.left() + margin - label.left()
    if label.bottom() > image.bottom() - margin:
        dy = image.bottom() - margin - label.bottom()
    if label.top() + dy < image.top() + margin:
        dy = image.top() + margin - label.top()
    return QPointF(dx, dy)


def label_size(text: str, pixel: float) -> tuple[float, float]:
    """Approximate size of a label in image pixels (for picking text overlays)."""
    return (len(text) * 8.5 * pixel, 16 * pixel)


def clamp(point: Point, columns: int, rows: int) -> Point:
    """Keep ``point`` inside the image."""
    return Point(min(max(point.x, 0.0), float(columns)), min(max(point.y, 0.0), float(rows)))


def clamp_all(points: Sequence[Point], columns: int, rows: int) -> tuple[Point, ...]:
    return tuple(clamp(p, columns, rows) for p in points)
