"""The handout's drawings as a napari Shapes layer ("takehome drawings"), kept in step both ways.

Lines, arrows (a path: the shaft, then the two sides of its head), circles and boxes of the key images
of the series on show are drawn on napari's own canvas, each on its slice, with its label. Shapes
moved, reshaped, deleted or drawn with napari's tools come back into the session as one undoable edit;
undo and redo in the panel redraw the layer. Text notes are the "takehome notes" layer (notes.py).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from takehome.annotations.errors import TakehomeError
from takehome.annotations.model import DEFAULT_COLOR, Overlay, Point, ShapeKind
from takehome.annotations.spacing import line_length
from takehome.plugin.canvas import SHAPE_COLORS
from takehome.plugin.host import ImageRef
from takehome.plugin.napari_host.host import NapariHost, plane_shape
from takehome.plugin.napari_host.synced import SyncedLayer, on_layer, slice_of
from takehome.plugin.state import Key, PanelState, key_of

LAYER_NAME = "takehome drawings"
_TYPES = {ShapeKind.LINE: "line", ShapeKind.ARROW: "path", ShapeKind.ELLIPSE: "ellipse",
          ShapeKind.RECTANGLE: "rectangle"}
_KINDS = {"line": ShapeKind.LINE, "path": ShapeKind.ARROW, "ellipse": ShapeKind.ELLIPSE,
          "rectangle": ShapeKind.RECTANGLE}
#: napari's mode that draws each kind (an arrow: a line that becomes an arrow)
_MODES = {ShapeKind.LINE: "add_line", ShapeKind.ARROW: "add_line", ShapeKind.ELLIPSE: "add_ellipse",
          ShapeKind.RECTANGLE: "add_rectangle"}
#: napari puts pixel centres on whole coordinates, the model on half ones
_HALF = 0.5
#: an arrow's head: its sides' angle to the shaft (radians), its length as parts of the shaft and image
_HEAD_ANGLE = 0.45
_HEAD_OF_SHAFT = 0.3
_HEAD_OF_IMAGE = 0.04


def arrow_path(tail: Point, tip: Point, extent: float) -> list[tuple[float, float]]:
    """(row, column) of an arrow drawn as one path: tail, tip, one side of the head, tip, the other
    side; the head is a fraction of the shaft, at most a small part of the image (``extent`` pixels)."""
    length = math.hypot(tip.x - tail.x, tip.y - tail.y)
    angle = math.atan2(tip.y - tail.y, tip.x - tail.x)
    size = min(_HEAD_OF_SHAFT * length, max(2.0, _HEAD_OF_IMAGE * extent))
    sides = [(tip.y - size * math.sin(angle + turn), tip.x - size * math.cos(angle + turn))
             for turn in (-_HEAD_ANGLE, _HEAD_ANGLE)]
    return [(tail.y, tail.x), (tip.y, tip.x), sides[0], (tip.y, tip.x), sides[1]]


def _vertices(overlay: Overlay, index: int, extent: float) -> NDArray[np.float64]:
    """The napari vertices (slice, row, column) of ``overlay`` drawn on slice ``index``."""
    if overlay.kind in (ShapeKind.ELLIPSE, ShapeKind.RECTANGLE):
        x0, y0, x1, y1 = overlay.bounds()
        corners = [(y0, x0), (y0, x1), (y1, x1), (y1, x0)]
    elif overlay.kind is ShapeKind.ARROW:
        corners = arrow_path(overlay.points[0], overlay.points[1], extent)
    else:
        corners = [(p.y, p.x) for p in overlay.points]
    return np.array([(index, row - _HALF, col - _HALF) for row, col in corners], dtype=np.float64)


def _overlay(kind: ShapeKind, vertices: NDArray[np.float64], label: str, color: str,
             overlay_id: str | None) -> Overlay:
    points = [Point(float(col) + _HALF, float(row) + _HALF) for row, col in vertices[:, -2:]]
    if kind in (ShapeKind.ELLIPSE, ShapeKind.RECTANGLE):
        xs, ys = [p.x for p in points], [p.y for p in points]
        points = [Point(min(xs), min(ys)), Point(max(xs), max(ys))]
    elif kind is ShapeKind.ARROW:  # tail and tip come first (a path drawn in napari: its first segment)
        points = points[:2]
    else:
        points = [points[0], points[-1]]
    extra = {"id": overlay_id} if overlay_id else {}
    return Overlay(kind, tuple(points), label=label, color=color, **extra)


class NapariDrawings(SyncedLayer):
    """Keeps the "takehome drawings" layer and the session's drawings of the series on show in step."""

    edit_text = "Edit drawings in napari"

    def __init__(self, host: NapariHost, state: PanelState) -> None:
        self._new_kind = ""
        super().__init__(host, state)

    def holds(self, overlay: Overlay) -> bool:
        return overlay.kind in _TYPES

    def draw(self, kind: ShapeKind | None) -> None:
        """Make the layer napari's active one, in the mode that draws ``kind`` (None: select shapes).

        An arrow is drawn as a line (drag from the label's place to what it points at) and comes back
        as an arrow with its head."""
        layer = self._layer
        if layer is None or layer not in self._host.viewer.layers:
            return
        self._new_kind = kind.value if kind is ShapeKind.ARROW else ""
        defaults = dict(layer.feature_defaults.iloc[0]) if len(layer.feature_defaults) else {}
        layer.feature_defaults = {**defaults, "kind": self._new_kind}
        self._host.viewer.layers.selection.active = layer
        layer.mode = "select" if kind is None else _MODES[kind]

    def _describe(self, ref: ImageRef, overlay: Overlay) -> str:
        """The label as printed: a line's with its length (in mm when the image knows its scale)."""
        if overlay.kind is not ShapeKind.LINE:
            return overlay.label
        try:
            length = line_length(overlay, self._state.library.spacing(ref, overlay.points))
        except TakehomeError:
            return overlay.label
        return f"{overlay.label} ({length})" if overlay.label.strip() else str(length)

    def _add_layer(self, source: Any) -> Any:
        viewer = self._host.viewer
        layer = viewer.add_shapes(name=LAYER_NAME, ndim=int(source.ndim), scale=tuple(source.scale),
                                  edge_width=2,
                                  face_color="transparent")
        viewer.layers.selection.active = source  # the panel keeps following the image layer
        return layer

    def _draw(self, layer: Any, source: Any, refs: tuple[ImageRef, ...]) -> None:
        extent = float(max(plane_shape(source)))
        data: list[NDArray[np.float64]] = []
        types: list[str] = []
        features: dict[str, list[Any]] = {"overlay": [], "kind": [], "label": [], "color": [], "shown": []}
        for image in self._state.session.key_images:
            ref = ImageRef(image.sop_instance_uid, image.file, image.frame)
            if ref not in refs:
                continue
            for overlay in image.overlays:
                if self.holds(overlay):
                    data.append(on_layer(_vertices(overlay, refs.index(ref), extent), layer))
                    types.append(_TYPES[overlay.kind])
                    features["overlay"].append(overlay.id)
                    features["kind"].append(overlay.kind.value)
                    features["label"].append(overlay.label)
                    features["color"].append(overlay.color)
                    features["shown"].append(self._describe(ref, overlay))
        layer.data = []
        if data:
            layer.add(data, shape_type=types, edge_color=features["color"])
        layer.features = {name: np.array(values, dtype=object) for name, values in features.items()}
        layer.feature_defaults = {"overlay": "", "kind": self._new_kind, "label": "",
                                  "color": DEFAULT_COLOR, "shown": ""}
        layer.text = {"string": "{shown}", "color": "white", "anchor": "upper_left", "size": 10}

    def _read(self, layer: Any, refs: tuple[ImageRef, ...]) -> dict[Key, list[Overlay]]:
        features = layer.features
        drawn: dict[Key, list[Overlay]] = {}
        for row, (vertices, shape_type) in enumerate(zip(layer.data, layer.shape_type, strict=True)):
            kind = _KINDS.get(str(shape_type))
            if kind is not None and row < len(features) and features["kind"][row] == ShapeKind.ARROW.value:
                kind = ShapeKind.ARROW if kind in (ShapeKind.LINE, ShapeKind.ARROW) else kind
            index = slice_of(np.asarray(vertices))
            if kind is None or not 0 <= index < len(refs):
                continue
            overlay_id = features["overlay"][row] if row < len(features) else None
            label = features["label"][row] if row < len(features) else ""
            color = features["color"][row] if row < len(features) else DEFAULT_COLOR
            known = overlay_id if isinstance(overlay_id, str) and overlay_id else None
            overlay = _overlay(kind, np.asarray(vertices), str(label) if isinstance(label, str) else "",
                               str(color) if known and isinstance(color, str) else SHAPE_COLORS[kind], known)
            if known is None:
                self.last_drawn = overlay.id
            drawn.setdefault(key_of(refs[index]), []).append(overlay)
        return drawn
