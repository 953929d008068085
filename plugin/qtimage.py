"""Numpy pixels to Qt images, and small thumbnails with their overlays drawn on."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray
from qtpy.QtCore import QPointF, QRectF, Qt
from qtpy.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPixmap

from takehome.annotations.model import Overlay, ShapeKind


def qimage_from_pixels(pixels: NDArray[np.uint8]) -> QImage:
    """A QImage that owns a copy of 8-bit grey (HxW) or RGB (HxWx3) pixels."""
    data = np.ascontiguousarray(pixels, dtype=np.uint8)
    height, width = data.shape[:2]
    if data.ndim == 2:
        image = QImage(data.data, width, height, data.strides[0], QImage.Format.Format_Grayscale8)
    else:
        image = QImage(data.data, width, height, data.strides[0], QImage.Format.Format_RGB888)
    return image.copy()  # detach from the numpy buffer


def thumbnail(pixels: NDArray[np.uint8], overlays: Iterable[Overlay] = (), size: int = 96,
              badge: str = "") -> QPixmap:
    """A square thumbnail (image fitted, letterboxed in black) with the overlays' shapes drawn."""
    image = qimage_from_pixels(pixels)
    canvas = QPixmap(size, size)
    canvas.fill(QColor("#000000"))
    scale = min(size / image.width(), size / image.height())
    width, height = image.width() * scale, image.height() * scale
    ox, oy = (size - width) / 2, (size - height) / 2
    painter = QPainter(canvas)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.drawImage(QRectF(ox, oy, width, height), image)
    for overlay in overlays:
        pen = QPen(QColor(overlay.color), 1.6)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        pts = [QPointF(ox + p.x * scale, oy + p.y * scale) for p in overlay.points]
        if overlay.kind in (ShapeKind.ARROW, ShapeKind.LINE):
            painter.drawLine(pts[0], pts[1])
            if overlay.kind is ShapeKind.ARROW:
                painter.setBrush(QBrush(QColor(overlay.color)))
                painter.drawEllipse(pts[1], 2.0, 2.0)
        elif overlay.kind is ShapeKind.TEXT:
            painter.fillRect(QRectF(pts[0].x(), pts[0].y() - 4, 14, 4), QColor(overlay.color))
        else:
            rect = QRectF(pts[0], pts[1]).normalized()
            if overlay.kind is ShapeKind.ELLIPSE:
                painter.drawEllipse(rect)
            else:
                painter.drawRect(rect)
    if badge:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(QColor(0, 0, 0, 180)))
        painter.drawRoundedRect(QRectF(2, 2, 8 + 7 * len(badge), 16), 3, 3)
        painter.setPen(QPen(QColor("#ffffff")))
        painter.drawText(QRectF(2, 2, 8 + 7 * len(badge), 16), Qt.AlignmentFlag.AlignCenter, badge)
    painter.end()
    return canvas
