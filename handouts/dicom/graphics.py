"""Overlays as presentation state graphic and text objects, and back.

Coordinates: takehome's image pixel space and DICOM's PIXEL annotation units are the same (origin at
the top-left corner of the top-left pixel, (Columns, Rows) at the bottom-right corner of the last
pixel), so points are written unchanged. Each overlay is one graphic group labelled
``takehome <kind>`` whose description is the overlay's id, which lets takehome read its own objects
back exactly; objects from other software are mapped shape by shape.

Encoding (DICOM has no arrow): arrow = POLYLINE shaft (tail, head) + POLYLINE head (wing, tip, wing)
+ the label as a text object anchored at the tip with a visible anchor point; line = POLYLINE;
ellipse = ELLIPSE (major then minor axis end points); rectangle = closed POLYLINE (5 points); text =
a text object. Labels are text objects anchored to their shape. Colours are CIELab in the line and
text style sequences.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from highdicom.color import CIELabColor
from highdicom.pr import GraphicGroup, GraphicObject, TextObject
from pydicom.dataset import Dataset

from takehome.annotations.model import (
    DEFAULT_COLOR,
    MAX_LABEL_LENGTH,
    READ_ONLY_GRAPHIC_TYPES,
    Overlay,
    Point,
    ReadOnlyShape,
    ShapeKind,
)

GROUP_PREFIX = "takehome "
#: Arrow head wings: length relative to the image's larger side, and angle to the shaft.
HEAD_FRACTION = 0.03
HEAD_ANGLE = math.radians(25)
LINE_THICKNESS = 2.0
#: highdicom refuses a backslash in text values; it is written as the fullwidth reverse solidus.
BACKSLASH = "\uff3c"


@dataclass(frozen=True, slots=True)
class ImageGeometry:
    """The size of the image the objects are drawn on, and the displayed area for DISPLAY units."""

    columns: int
    rows: int
    #: Displayed area (x0, y0, x1, y1) in pixel space; DISPLAY units are fractions of it.
    area: tuple[float, float, float, float] | None = None

    def clamp(self, x: float, y: float) -> Point:
        return Point(min(max(x, 0.0), float(self.columns)), min(max(y, 0.0), float(self.rows)))

    @property
    def text_height(self) -> float:
        """A legible text box height in pixels for this image."""
        return float(min(max(min(self.columns, self.rows) * 0.05, 10.0), 48.0))


@dataclass(slots=True)
class EncodedOverlay:
    """The DICOM objects for one overlay (or kept read-only shape)."""

    group: GraphicGroup
    graphics: list[GraphicObject] = field(default_factory=list)
    texts: list[TextObject] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- out


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _lab_value(color: str) -> list[int]:
    return list(CIELabColor.from_rgb(*_rgb(color)).value)


def _no_shadow(style: Dataset) -> None:
    style.ShadowStyle = "OFF"
    style.ShadowOffsetX = 0.0
    style.ShadowOffsetY = 0.0
    style.ShadowColorCIELabValue = [0, 32896, 32896]  # black
    style.ShadowOpacity = 0.0


def _line_style(obj: Dataset, color: str) -> None:
    style = Dataset()
    style.PatternOnColorCIELabValue = _lab_value(color)
    style.PatternOnOpacity = 1.0
    style.LineThickness = LINE_THICKNESS
    style.LineDashingStyle = "SOLID"
    _no_shadow(style)
    obj.LineStyleSequence = [style]


def _text_style(obj: Dataset, color: str) -> None:
    style = Dataset()
    style.FontName = "Helvetica"
    style.FontNameType = "ISO_32000"
    style.CSSFontName = "sans-serif"
    style.TextColorCIELabValue = _lab_value(color)
    style.HorizontalAlignment = "LEFT"
    style.VerticalAlignment = "BOTTOM"
    _no_shadow(style)
    style.Underlined = "N"
    style.Bold = "N"
    style.Italic = "N"
    obj.TextStyleSequence = [style]


def _graphic(kind: str, points: Sequence[Point], color: str, group: GraphicGroup, *,
             filled: bool = False) -> GraphicObject:
    data = np.array([[p.x, p.y] for p in points], dtype=np.float64)
    obj = GraphicObject(graphic_type=kind, graphic_data=data, units="PIXEL", is_filled=filled,
                        graphic_group=group)
    _line_style(obj, color)
    return obj


def _text_box(geometry: ImageGeometry, text: str, x: float, y: float) -> tuple[float, float, float, float]:
    """A box for ``text`` whose bottom-left corner is near (x, y), moved and cut to fit the image."""
    height = min(geometry.text_height, float(geometry.rows))
    width = min(max(len(text), 1) * height * 0.55, float(geometry.columns))
    left = min(max(x, 0.0), geometry.columns - width)
    bottom = min(max(y, height), float(geometry.rows))
    return left, bottom - height, left + width, bottom


def _text(text: str, geometry: ImageGeometry, box: tuple[float, float, float, float], anchor: Point,
          visible: bool, color: str, group: GraphicGroup) -> TextObject:
    obj = TextObject(text_value=text.replace("\\", BACKSLASH), units="PIXEL", bounding_box=box,
                     anchor_point=(anchor.x, anchor.y), anchor_point_visible=visible,
                     text_justification="LEFT", graphic_group=group)
    _text_style(obj, color)
    return obj


def arrow_head(tail: Point, head: Point, geometry: ImageGeometry) -> tuple[Point, Point, Point] | None:
    """The head polyline (wing, tip, wing) of an arrow, inside the image; None for a zero-length arrow."""
    dx, dy = head.x - tail.x, head.y - tail.y
    length = math.hypot(dx, dy)
    if length < 1e-6:
        return None
    size = min(max(geometry.columns, geometry.rows) * HEAD_FRACTION, length * 0.6)
    size = max(size, min(3.0, length))
    back = math.atan2(-dy, -dx)
    wings = [geometry.clamp(head.x + size * math.cos(back + s * HEAD_ANGLE),
                            head.y + size * math.sin(back + s * HEAD_ANGLE)) for s in (1, -1)]
    return wings[0], head, wings[1]


def _ellipse_axes(a: Point, b: Point) -> list[Point]:
    """ELLIPSE points: major axis end points, then minor; each axis keeps the corners' order."""
    cx, cy = (a.x + b.x) / 2, (a.y + b.y) / 2
    horizontal = [Point(a.x, cy), Point(b.x, cy)]
    vertical = [Point(cx, a.y), Point(cx, b.y)]
    if abs(b.x - a.x) >= abs(b.y - a.y):
        return horizontal + vertical
    return vertical + horizontal


def encode_overlay(overlay: Overlay, group_id: int, geometry: ImageGeometry) -> EncodedOverlay:
    """Graphic and text objects of one overlay, grouped under ``group_id``."""
    group = GraphicGroup(group_id, f"{GROUP_PREFIX}{overlay.kind.value}",
                         description=overlay.id.replace("\\", BACKSLASH))
    encoded = EncodedOverlay(group)
    label = overlay.label.strip()
    color = overlay.color
    h = geometry.text_height
    kind = overlay.kind
    if kind is ShapeKind.TEXT:
        (p,) = overlay.points
        encoded.texts.append(_text(overlay.label, geometry, _text_box(geometry, overlay.label, p.x, p.y),
                                   p, False, color, group))
        return encoded
    a, b = overlay.points[0], overlay.points[1]
    if kind is ShapeKind.ARROW:
        encoded.graphics.append(_graphic("POLYLINE", (a, b), color, group))
        head = arrow_head(a, b, geometry)
        if head is not None:
            encoded.graphics.append(_graphic("POLYLINE", head, color, group))
        if label:
            # the words sit beyond the tail, the visible anchor line leads to the tip
            y = a.y - 4 if a.y < b.y else a.y + h + 4
            box = _text_box(geometry, label, a.x - len(label) * h * 0.275, y)
            encoded.texts.append(_text(label, geometry, box, b, True, color, group))
        return encoded
    if kind is ShapeKind.LINE:
        encoded.graphics.append(_graphic("POLYLINE", (a, b), color, group))
        anchor = Point((a.x + b.x) / 2, (a.y + b.y) / 2)
    elif kind is ShapeKind.ELLIPSE:
        encoded.graphics.append(_graphic("ELLIPSE", _ellipse_axes(a, b), color, group))
        anchor = Point((a.x + b.x) / 2, max(a.y, b.y))
    else:  # rectangle
        corners = (a, Point(b.x, a.y), b, Point(a.x, b.y), a)
        encoded.graphics.append(_graphic("POLYLINE", corners, color, group))
        anchor = Point((a.x + b.x) / 2, max(a.y, b.y))
    if label:
        x0, y1 = min(a.x, b.x), max(a.y, b.y)
        if kind is ShapeKind.LINE:
            x0, y1 = anchor.x + 6, anchor.y + h + 6
        elif y1 + h + 4 > geometry.rows:
            y1 = min(a.y, b.y) - h - 4  # no room below the shape: above it
        else:
            y1 = y1 + h + 4
        box = _text_box(geometry, label, x0, y1)
        encoded.texts.append(_text(label, geometry, box, anchor, False, color, group))
    return encoded


def encode_read_only(shape: ReadOnlyShape, group_id: int, geometry: ImageGeometry) -> EncodedOverlay:
    """A kept read-only shape written back as it was imported."""
    group = GraphicGroup(group_id, f"{GROUP_PREFIX}kept", description="imported shape")
    encoded = EncodedOverlay(group)
    points = [geometry.clamp(p.x, p.y) for p in shape.points]
    filled = shape.filled and (shape.graphic_type in ("CIRCLE", "ELLIPSE") or points[0] == points[-1])
    if shape.graphic_type != "POINT" or len(points) == 1:
        encoded.graphics.append(_graphic(shape.graphic_type, points, shape.color, group, filled=filled))
    if shape.label.strip():
        box = _text_box(geometry, shape.label, points[0].x, points[0].y + geometry.text_height + 4)
        encoded.texts.append(_text(shape.label, geometry, box, points[0], False, shape.color, group))
    return encoded


# ----------------------------------------------------------------------------------------------- in


@dataclass(frozen=True, slots=True)
class DecodedGraphics:
    """What one image's graphic annotations become: editable overlays and kept read-only shapes."""

    overlays: tuple[Overlay, ...] = ()
    read_only_shapes: tuple[ReadOnlyShape, ...] = ()


def _color(obj: Dataset, sequence: str, keyword: str) -> str:
    try:
        value = obj[sequence][0][keyword].value
        r, g, b = CIELabColor.from_dicom_value([int(v) for v in value]).to_rgb(clip=True)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return DEFAULT_COLOR
    return f"#{r:02x}{g:02x}{b:02x}"


def _number(value: float) -> float:
    return round(float(value), 3)


def _points(values: Iterable[float], units: str, geometry: ImageGeometry) -> list[Point]:
    flat = [float(v) for v in values]
    pairs = list(zip(flat[0::2], flat[1::2], strict=False))
    if units == "DISPLAY":
        x0, y0, x1, y1 = geometry.area or (0.0, 0.0, float(geometry.columns), float(geometry.rows))
        pairs = [(x0 + x * (x1 - x0), y0 + y * (y1 - y0)) for x, y in pairs]
    return [geometry.clamp(_number(x), _number(y)) for x, y in pairs]


def _label(text: object) -> str:
    value = str(text or "").replace(BACKSLASH, "\\").strip()
    return value[:MAX_LABEL_LENGTH]


def _graphic_points(obj: Dataset, geometry: ImageGeometry) -> list[Point]:
    units = str(obj.get("GraphicAnnotationUnits", "PIXEL"))
    values = obj.get("GraphicData") or []
    return _points(values if isinstance(values, Sequence) else [values], units, geometry)


def _anchor(obj: Dataset, geometry: ImageGeometry) -> Point | None:
    if "AnchorPoint" not in obj:
        return None
    return _points(obj.AnchorPoint, str(obj.get("AnchorPointAnnotationUnits", "PIXEL")), geometry)[0]


def _box(obj: Dataset, geometry: ImageGeometry) -> tuple[Point, Point] | None:
    if "BoundingBoxTopLeftHandCorner" not in obj or "BoundingBoxBottomRightHandCorner" not in obj:
        return None
    units = str(obj.get("BoundingBoxAnnotationUnits", "PIXEL"))
    top_left = _points(obj.BoundingBoxTopLeftHandCorner, units, geometry)[0]
    bottom_right = _points(obj.BoundingBoxBottomRightHandCorner, units, geometry)[0]
    return top_left, bottom_right


def _is_rectangle(points: Sequence[Point]) -> bool:
    if len(points) != 5 or points[0] != points[4]:
        return False
    a, b, c, d = points[:4]
    return ((a.y == b.y and b.x == c.x and c.y == d.y and d.x == a.x)
            or (a.x == b.x and b.y == c.y and c.x == d.x and d.y == a.y))


def _ellipse_corners(points: Sequence[Point]) -> tuple[Point, Point] | None:
    """The two bounding-box corners of an axis-aligned ELLIPSE, in the order takehome wrote them."""
    first, second = points[0:2], points[2:4]

    def flat(pair: Sequence[Point], along_x: bool) -> bool:
        a, b = pair
        return abs(a.y - b.y) <= 0.01 if along_x else abs(a.x - b.x) <= 0.01

    if flat(first, True) and flat(second, False):
        horizontal, vertical = first, second
    elif flat(second, True) and flat(first, False):
        horizontal, vertical = second, first
    else:
        return None  # rotated: not a takehome ellipse
    return Point(horizontal[0].x, vertical[0].y), Point(horizontal[1].x, vertical[1].y)


def _graphic_overlay(obj: Dataset, geometry: ImageGeometry) -> Overlay | ReadOnlyShape | None:
    """One graphic object from any software: a takehome shape when it has one, else kept read-only."""
    kind = str(obj.get("GraphicType", "")).upper()
    points = _graphic_points(obj, geometry)
    color = _color(obj, "LineStyleSequence", "PatternOnColorCIELabValue")
    if not points:
        return None
    if kind == "POLYLINE" and len(points) == 2:
        return Overlay(ShapeKind.LINE, tuple(points), color=color)
    if kind == "POLYLINE" and _is_rectangle(points):
        return Overlay(ShapeKind.RECTANGLE, (points[0], points[2]), color=color)
    if kind == "ELLIPSE" and len(points) == 4:
        corners = _ellipse_corners(points)
        if corners is not None:
            return Overlay(ShapeKind.ELLIPSE, corners, color=color)
    if kind == "CIRCLE" and len(points) == 2:
        centre, edge = points
        radius = math.hypot(edge.x - centre.x, edge.y - centre.y)
        return Overlay(ShapeKind.ELLIPSE, (geometry.clamp(centre.x - radius, centre.y - radius),
                                           geometry.clamp(centre.x + radius, centre.y + radius)), color=color)
    if kind not in READ_ONLY_GRAPHIC_TYPES:
        return None
    return ReadOnlyShape(kind, tuple(points), color=color, filled=str(obj.get("GraphicFilled", "N")) == "Y")


def _text_overlay(obj: Dataset, geometry: ImageGeometry) -> Overlay | None:
    """A text object from any software: an arrow when its anchor point is visible, else text."""
    label = _label(obj.get("UnformattedTextValue", ""))
    if not label:
        return None
    color = _color(obj, "TextStyleSequence", "TextColorCIELabValue")
    anchor = _anchor(obj, geometry)
    box = _box(obj, geometry)
    if anchor is not None and box is not None and str(obj.get("AnchorPointVisibility", "N")) == "Y":
        tail = Point((box[0].x + box[1].x) / 2, (box[0].y + box[1].y) / 2)
        return Overlay(ShapeKind.ARROW, (tail, anchor), label=label, color=color)
    if anchor is not None:
        return Overlay(ShapeKind.TEXT, (anchor,), label=label, color=color)
    if box is not None:
        return Overlay(ShapeKind.TEXT, (Point(box[0].x, box[1].y),), label=label, color=color)
    return None


def _own_overlay(kind: str, overlay_id: str, graphics: Sequence[Dataset], texts: Sequence[Dataset],
                 geometry: ImageGeometry) -> Overlay | None:
    """A takehome-written group read back exactly, or None when it was changed beyond recognition."""
    try:
        shape = ShapeKind(kind)
    except ValueError:
        return None
    label = _label(texts[0].get("UnformattedTextValue", "")) if texts else ""
    ident = {"id": overlay_id} if overlay_id else {}
    if shape is ShapeKind.TEXT:
        if len(texts) != 1 or graphics:
            return None
        anchor = _anchor(texts[0], geometry)
        if anchor is None or not label:
            return None
        return Overlay(shape, (anchor,), label=label,
                       color=_color(texts[0], "TextStyleSequence", "TextColorCIELabValue"), **ident)
    if not graphics:
        return None
    first = graphics[0]
    points = _graphic_points(first, geometry)
    color = _color(first, "LineStyleSequence", "PatternOnColorCIELabValue")
    graphic_type = str(first.get("GraphicType", ""))
    corners: tuple[Point, Point] | None = None
    if shape in (ShapeKind.ARROW, ShapeKind.LINE) and graphic_type == "POLYLINE" and len(points) == 2:
        corners = (points[0], points[1])
    elif shape is ShapeKind.ELLIPSE and graphic_type == "ELLIPSE" and len(points) == 4:
        corners = _ellipse_corners(points)
    elif shape is ShapeKind.RECTANGLE and graphic_type == "POLYLINE" and _is_rectangle(points):
        corners = (points[0], points[2])
    if corners is None:
        return None
    return Overlay(shape, corners, label=label, color=color, **ident)


def decode_graphics(annotations: Sequence[Dataset], groups: dict[int, tuple[str, str]],
                    geometry: ImageGeometry) -> DecodedGraphics:
    """Overlays and read-only shapes of the Graphic Annotation items that reference one image.

    ``groups`` maps a Graphic Group ID to its (label, description).
    """
    overlays: list[Overlay] = []
    kept: list[ReadOnlyShape] = []
    own: dict[int, tuple[list[Dataset], list[Dataset]]] = {}
    loose_graphics: list[Dataset] = []
    loose_texts: list[Dataset] = []
    for item in annotations:
        for obj in item.get("GraphicObjectSequence", []):
            group = obj.get("GraphicGroupID")
            if group is not None and groups.get(int(group), ("", ""))[0].startswith(GROUP_PREFIX):
                own.setdefault(int(group), ([], []))[0].append(obj)
            else:
                loose_graphics.append(obj)
        for obj in item.get("TextObjectSequence", []):
            group = obj.get("GraphicGroupID")
            if group is not None and groups.get(int(group), ("", ""))[0].startswith(GROUP_PREFIX):
                own.setdefault(int(group), ([], []))[1].append(obj)
            else:
                loose_texts.append(obj)
    for group_id in sorted(own):
        label, description = groups[group_id]
        graphics, texts = own[group_id]
        kind = label[len(GROUP_PREFIX):]
        overlay = None
        if kind != "kept":
            ident = description.replace(BACKSLASH, "\\").strip()[:64]
            overlay = _own_overlay(kind, ident, graphics, texts, geometry)
        if overlay is not None:
            overlays.append(overlay)
        elif kind == "kept" and graphics:
            decoded = _graphic_overlay(graphics[0], geometry)
            shape_label = _label(texts[0].get("UnformattedTextValue", "")) if texts else ""
            if isinstance(decoded, ReadOnlyShape):
                kept.append(ReadOnlyShape(decoded.graphic_type, decoded.points, shape_label,
                                          decoded.color, decoded.filled))
            elif decoded is not None:
                overlays.append(Overlay(decoded.kind, decoded.points, shape_label, decoded.color))
        else:  # changed by other software: read its objects one by one
            loose_graphics.extend(graphics)
            loose_texts.extend(texts)
    for obj in loose_graphics:
        decoded = _graphic_overlay(obj, geometry)
        if isinstance(decoded, Overlay):
            overlays.append(decoded)
        elif decoded is not None:
            kept.append(decoded)
    for obj in loose_texts:
        text = _text_overlay(obj, geometry)
        if text is not None:
            overlays.append(text)
    return DecodedGraphics(tuple(overlays), tuple(kept))
