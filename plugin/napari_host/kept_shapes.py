"""Shapes imported from the PACS that takehome cannot edit, drawn on napari's canvas ("takehome PACS shapes").

A presentation state may hold points, curves, circles and rotated ellipses that have no takehome drawing
(they are kept in ``KeyImage.read_only_shapes`` and printed as they are). napari shows them on their
slice in their colour; they are not editable: a change made with napari's tools is undone at once, with
a word in the panel. The layer exists only while the series on show has such shapes.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from qtpy.QtCore import QTimer

from takehome.annotations.model import Point, ReadOnlyShape
from takehome.plugin.host import ImageRef
from takehome.plugin.napari_host.host import NapariHost
from takehome.plugin.napari_host.owned import OwnedLayer
from takehome.plugin.napari_host.synced import on_layer
from takehome.plugin.state import PanelState

LAYER_NAME = "takehome PACS shapes"
NOT_EDITABLE = ("Shapes imported from the PACS cannot be edited in takehome; they are printed as they "
                "are. Draw your own with the panel's tools.")
#: napari puts pixel centres on whole coordinates, the model on half ones
_HALF = 0.5
#: half the size of the cross that marks a point (image pixels)
_CROSS = 3.0

Piece = tuple[str, NDArray[np.float64]]


def _rows(index: int, points: list[tuple[float, float]]) -> NDArray[np.float64]:
    """napari vertices (slice, row, column) of (x, y) image points."""
    return np.array([(index, y - _HALF, x - _HALF) for x, y in points], dtype=np.float64)


def shape_pieces(shape: ReadOnlyShape, index: int) -> list[Piece]:
    """The napari shapes (type, vertices) that draw ``shape`` on slice ``index``."""
    pts = [(p.x, p.y) for p in shape.points]
    kind = shape.graphic_type
    if kind in ("POINT", "MULTIPOINT"):
        pieces: list[Piece] = []
        for x, y in pts:
            pieces.append(("line", _rows(index, [(x - _CROSS, y), (x + _CROSS, y)])))
            pieces.append(("line", _rows(index, [(x, y - _CROSS), (x, y + _CROSS)])))
        return pieces
    if kind == "CIRCLE" and len(pts) == 2:
        (cx, cy), (ex, ey) = pts
        r = math.hypot(ex - cx, ey - cy)
        return [("ellipse", _rows(index, [(cx - r, cy - r), (cx + r, cy - r), (cx + r, cy + r),
                                          (cx - r, cy + r)]))]
    if kind == "ELLIPSE" and len(pts) == 4:
        a, b, c, d = (np.array(p) for p in pts)  # ends of the major axis, then of the minor axis
        centre, major, minor = (a + b) / 2, (b - a) / 2, (d - c) / 2
        corners = [centre - major - minor, centre + major - minor, centre + major + minor,
                   centre - major + minor]
        return [("ellipse", _rows(index, [(float(p[0]), float(p[1])) for p in corners]))]
    if len(pts) == 1:
        return shape_pieces(ReadOnlyShape("POINT", (Point(*pts[0]),), shape.label, shape.color), index)
    return [("path", _rows(index, pts))]


class NapariKeptShapes(OwnedLayer):
    """Draws the kept PACS shapes of the key images of the series on show; undoes edits made to them."""

    def __init__(self, host: NapariHost, state: PanelState) -> None:
        self._host = host
        self._state = state
        self._layer: Any | None = None
        self._drawn: tuple[tuple[int, ReadOnlyShape], ...] = ()
        self._writing = False
        self._creating = False
        state.changed.connect(lambda _session: self.refresh())
        state.focus_changed.connect(lambda _image: self.refresh())

    def _wanted(self) -> tuple[Any | None, tuple[tuple[int, ReadOnlyShape], ...]]:
        source = self._host.source_layer()
        if source is None:
            return None, ()
        refs = self._host.slices(source)
        shapes = []
        for image in self._state.session.key_images:
            ref = ImageRef(image.sop_instance_uid, image.file, image.frame)
            if ref in refs:
                shapes += [(refs.index(ref), shape) for shape in image.read_only_shapes]
        return source, tuple(shapes)

    def refresh(self) -> None:
        """Draw the shapes of the series on show (adding the layer when there are any)."""
        if self._writing:
            return
        source, shapes = self._wanted()
        layer = self._live_layer()
        if layer is not None and source is not None and int(layer.ndim) != int(source.ndim):
            self.close()  # a single image after a stack, or back: a layer with its dimensions
            layer, self._drawn = None, ()
        if shapes == self._drawn and (layer is not None or not shapes):
            return
        if layer is None:
            if shapes and not self._creating:  # not inside napari's own events: add the layer right after
                self._creating = True
                QTimer.singleShot(0, self._create)
            return
        self._writing = True
        try:
            self._draw(layer, shapes)
        finally:
            self._writing = False

    def _create(self) -> None:
        self._creating = False
        source, shapes = self._wanted()
        if source is not None and shapes and self._live_layer() is None:
            self._writing = True
            try:
                self._add_layer(source)
            finally:
                self._writing = False
            self._drawn = ()
            self.refresh()

    def _add_layer(self, source: Any) -> Any:
        viewer = self._host.viewer
        active = viewer.layers.selection.active
        layer = viewer.add_shapes(name=LAYER_NAME, ndim=int(source.ndim), scale=tuple(source.scale),
                                  edge_width=1.5,
                                  face_color="transparent")
        viewer.layers.selection.active = active if active is not None else source
        layer.events.data.connect(self._edited)
        self._layer = layer
        return layer

    def _draw(self, layer: Any, shapes: tuple[tuple[int, ReadOnlyShape], ...]) -> None:
        data, types, colours, labels = [], [], [], []
        for index, shape in shapes:
            for number, (kind, vertices) in enumerate(shape_pieces(shape, index)):
                data.append(on_layer(vertices, layer))
                types.append(kind)
                colours.append(shape.color)
                labels.append(shape.label if number == 0 else "")
        layer.data = []
        if data:
            layer.add(data, shape_type=types, edge_color=colours)
        layer.features = {"label": np.array(labels, dtype=object)}
        layer.text = {"string": "{label}", "color": "white", "anchor": "upper_left", "size": 10}
        self._drawn = shapes

    def _edited(self, event: Any) -> None:
        """An edit made with napari's tools: put the shapes back as they were imported."""
        action = str(getattr(event, "action", ""))
        if self._writing or not action.endswith(("added", "changed", "removed")):
            return
        self._drawn = ()
        self.refresh()
        self._state.say(NOT_EDITABLE, "info")
