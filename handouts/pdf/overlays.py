"""Overlays drawn as vector graphics over the embedded image, with labels that stay legible in print.

Every stroke gets a casing under the coloured line and every label an outline, black for bright
colours and white for dark ones (whichever contrasts more, at least 4.5:1), so shapes read on bright
and dark parts of the image and in greyscale print alike. Colours that would print as
similar greys are told apart by line style: each distinct colour on an image gets its own dash
pattern (solid, dashed, dotted, dash-dot), the gaps showing the dark casing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from reportlab.lib.colors import Color, HexColor
from reportlab.pdfgen.canvas import Canvas

from takehome.annotations.model import Overlay, Point, ShapeKind
from takehome.handouts.pdf.contrast import outline_for

LINE_WIDTH = 1.6
CASING_WIDTH = 3.4
LABEL_SIZE = 9.0
#: Labels are never printed smaller than this (points), whatever the layout.
MIN_LABEL_SIZE = 8.0
#: Dash patterns (on, off in points) for the 1st, 2nd, ... distinct colour of an image: solid, dashed,
#: dotted, dash-dot. Round caps lengthen each dash by the line width, so gaps are drawn wider.
DASHES: tuple[tuple[float, ...], ...] = ((), (6.0, 5.0), (0.1, 4.0), (8.0, 4.0, 0.1, 4.0))
LABEL_OUTLINE = 2.4
ARROW_HEAD = 9.0


@dataclass(frozen=True, slots=True)
class ImageFrame:
    """Where the visible image region lies on the page: pixel (x, y) -> page points."""

    left: float
    bottom: float
    width: float
    height: float
    region: tuple[int, int, int, int]

    @property
    def scale(self) -> float:
        x0, _, x1, _ = self.region
        return self.width / (x1 - x0)

    def to_page(self, point: Point) -> tuple[float, float]:
        x0, y0, _, _ = self.region
        return (self.left + (point.x - x0) * self.scale,
                self.bottom + self.height - (point.y - y0) * self.scale)


def line_styles(overlays: tuple[Overlay, ...]) -> dict[str, tuple[float, ...]]:
    """The dash pattern of each distinct colour, in order of first appearance (cycling)."""
    styles: dict[str, tuple[float, ...]] = {}
    for overlay in overlays:
        key = overlay.color.lower()
        if key not in styles:
            styles[key] = DASHES[len(styles) % len(DASHES)]
    return styles


def draw_overlays(canvas: Canvas, frame: ImageFrame, overlays: tuple[Overlay, ...],
                  labels: tuple[str, ...], font: str, label_size: float = LABEL_SIZE) -> None:
    """Draw every overlay and its label, clipped to the image."""
    size = max(label_size, MIN_LABEL_SIZE)
    styles = line_styles(tuple(o for o in overlays if o.kind is not ShapeKind.TEXT))
    canvas.saveState()
    clip = canvas.beginPath()
    clip.rect(frame.left, frame.bottom, frame.width, frame.height)
    canvas.clipPath(clip, stroke=0, fill=0)
    for overlay in overlays:
        if overlay.kind is not ShapeKind.TEXT:
            colour = HexColor(overlay.color)
            _stroke_shape(canvas, frame, overlay, outline_for(colour), CASING_WIDTH)
            canvas.saveState()
            dash = styles[overlay.color.lower()]
            if dash:
                canvas.setDash(list(dash), 0)
            _stroke_shape(canvas, frame, overlay, colour, LINE_WIDTH)
            canvas.restoreState()
    for overlay, label in zip(overlays, labels, strict=True):
        if label:
            x, y, anchor = _label_position(frame, overlay, label, font, size)
            draw_label(canvas, x, y, label, HexColor(overlay.color), font, anchor, size)
    canvas.restoreState()


def _stroke_shape(canvas: Canvas, frame: ImageFrame, overlay: Overlay, colour: Color,
                  width: float) -> None:
    canvas.setStrokeColor(colour)
    canvas.setFillColor(colour)
    canvas.setLineWidth(width)
    canvas.setLineCap(1)
    canvas.setLineJoin(1)
    (ax, ay) = frame.to_page(overlay.points[0])
    if overlay.kind in (ShapeKind.LINE, ShapeKind.ARROW):
        (bx, by) = frame.to_page(overlay.points[1])
        if overlay.kind is ShapeKind.ARROW:
            _arrow(canvas, ax, ay, bx, by, casing=width > LINE_WIDTH)
        else:
            canvas.line(ax, ay, bx, by)
            _end_ticks(canvas, ax, ay, bx, by)
    elif overlay.kind is ShapeKind.RECTANGLE:
        (bx, by) = frame.to_page(overlay.points[1])
        canvas.rect(min(ax, bx), min(ay, by), abs(bx - ax), abs(by - ay), stroke=1, fill=0)
    elif overlay.kind is ShapeKind.ELLIPSE:
        (bx, by) = frame.to_page(overlay.points[1])
        canvas.ellipse(ax, ay, bx, by, stroke=1, fill=0)


def _arrow(canvas: Canvas, ax: float, ay: float, bx: float, by: float, *, casing: bool) -> None:
    """Shaft from tail (a) to head (b), with a filled head whose tip touches b."""
    length = math.hypot(bx - ax, by - ay)
    if length < 1e-6:
        return
    ux, uy = (bx - ax) / length, (by - ay) / length
    head = min(ARROW_HEAD, length * 0.6)
    base_x, base_y = bx - ux * head, by - uy * head
    canvas.line(ax, ay, base_x + ux * 0.5, base_y + uy * 0.5)
    half = head * 0.45
    path = canvas.beginPath()
    path.moveTo(bx, by)
    path.lineTo(base_x - uy * half, base_y + ux * half)
    path.lineTo(base_x + uy * half, base_y - ux * half)
    path.close()
    canvas.drawPath(path, stroke=1 if casing else 0, fill=1)


def _end_ticks(canvas: Canvas, ax: float, ay: float, bx: float, by: float) -> None:
    """Short perpendicular ticks at both ends, as on a ruler, to show what is measured."""
    length = math.hypot(bx - ax, by - ay)
    if length < 1e-6:
        return
    px, py = -(by - ay) / length * 3.5, (bx - ax) / length * 3.5
    for x, y in ((ax, ay), (bx, by)):
        canvas.line(x - px, y - py, x + px, y + py)


def _label_position(frame: ImageFrame, overlay: Overlay, label: str,
                    font: str, size: float = LABEL_SIZE) -> tuple[float, float, str]:
    """A page position for the label, kept inside the image, and its alignment."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    width = stringWidth(label, font, size)
    pts = [frame.to_page(p) for p in overlay.points]
    if overlay.kind is ShapeKind.TEXT:
        x, y = pts[0]
    elif overlay.kind is ShapeKind.ARROW:
        (ax, ay), (bx, by) = pts
        # beyond the tail, away from the head: the arrow leads from its words to the finding
        x = ax - width / 2
        y = ay + 4 if ay >= by else ay - size - 2
    elif overlay.kind is ShapeKind.LINE:
        (ax, ay), (bx, by) = pts
        x = (ax + bx) / 2 + 6
        y = (ay + by) / 2 + 6
    else:
        (ax, ay), (bx, by) = pts
        x = min(ax, bx)
        y = max(ay, by) + 4
        if y + size > frame.bottom + frame.height:
            y = min(ay, by) - size - 2
    margin = 3.0
    x = min(max(x, frame.left + margin), frame.left + frame.width - width - margin)
    y = min(max(y, frame.bottom + margin), frame.bottom + frame.height - size - margin)
    return x, y, "left"


def draw_label(canvas: Canvas, x: float, y: float, text: str, colour: Color, font: str,
               anchor: str = "left", size: float = LABEL_SIZE) -> None:
    """Text with an outline (black or white, see :func:`outline_for`) drawn under a coloured fill,
    readable on any background."""
    canvas.saveState()
    canvas.setLineJoin(1)
    canvas.setLineWidth(LABEL_OUTLINE)
    for mode in (1, 0):  # 1: stroke only (the outline), 0: fill only (the letters)
        canvas.saveState()  # the render mode is graphics state: scope it to this pass
        t = canvas.beginText()
        t.setFont(font, size)
        t.setTextRenderMode(mode)
        t.setStrokeColor(outline_for(colour))
        t.setFillColor(colour)
        t.setTextOrigin(x, y)
        t.textOut(text)
        canvas.drawText(t)
        canvas.restoreState()
    canvas.restoreState()
