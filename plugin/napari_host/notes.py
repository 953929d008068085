"""The handout's text notes as a napari Points layer ("takehome notes") with napari's text, both ways.

Each note of a key image of the series on show is a point on its slice showing the note's text. Notes
added (a click in add mode: "Note", then the panel's label box renames it), moved or deleted with
napari's tools come back into the session as one undoable edit; undo and redo redraw the layer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from takehome.annotations.model import Overlay, Point, ShapeKind
from takehome.plugin.canvas import SHAPE_COLORS
from takehome.plugin.host import ImageRef
from takehome.plugin.napari_host.synced import SyncedLayer, on_layer, slice_of
from takehome.plugin.state import Key, key_of

LAYER_NAME = "takehome notes"
#: the text of a note added with napari's point tool, until the clinician types its own
NEW_NOTE = "Note"
#: napari puts pixel centres on whole coordinates, the model on half ones
_HALF = 0.5


class NapariNotes(SyncedLayer):
    """Keeps the "takehome notes" layer and the session's text notes of the series on show in step."""

    edit_text = "Edit notes in napari"

    def holds(self, overlay: Overlay) -> bool:
        return overlay.kind is ShapeKind.TEXT

    def add_mode(self) -> None:
        """Make the layer napari's active one, adding a note where the clinician clicks."""
        layer = self._layer
        if layer is not None and layer in self._host.viewer.layers:
            self._host.viewer.layers.selection.active = layer
            layer.mode = "add"

    def _add_layer(self, source: Any) -> Any:
        viewer = self._host.viewer
        active = viewer.layers.selection.active
        layer = viewer.add_points(name=LAYER_NAME, ndim=int(source.ndim), scale=tuple(source.scale), size=3,
                                  face_color="white", border_width=0)
        viewer.layers.selection.active = active if active is not None else source
        return layer

    def _draw(self, layer: Any, source: Any, refs: tuple[ImageRef, ...]) -> None:
        points: list[tuple[float, float, float]] = []
        features: dict[str, list[Any]] = {"overlay": [], "label": [], "color": []}
        for image in self._state.session.key_images:
            ref = ImageRef(image.sop_instance_uid, image.file, image.frame)
            if ref not in refs:
                continue
            for overlay in image.overlays:
                if self.holds(overlay):
                    (at,) = overlay.points
                    points.append((refs.index(ref), at.y - _HALF, at.x - _HALF))
                    features["overlay"].append(overlay.id)
                    features["label"].append(overlay.label)
                    features["color"].append(overlay.color)
        layer.data = on_layer(np.array(points, dtype=np.float64).reshape(-1, 3), layer)
        layer.features = {name: np.array(values, dtype=object) for name, values in features.items()}
        layer.feature_defaults = {"overlay": "", "label": NEW_NOTE, "color": SHAPE_COLORS[ShapeKind.TEXT]}
        layer.text = {"string": "{label}", "color": "white", "anchor": "lower_left", "size": 12}

    def _read(self, layer: Any, refs: tuple[ImageRef, ...]) -> dict[Key, list[Overlay]]:
        features = layer.features
        drawn: dict[Key, list[Overlay]] = {}
        for row, at in enumerate(np.asarray(layer.data, dtype=np.float64)):
            index, row_at, column_at = slice_of(at[None, :]), at[-2], at[-1]
            if not 0 <= index < len(refs):
                continue
            overlay_id, label, color = (features[name][row] if row < len(features) else None
                                        for name in ("overlay", "label", "color"))
            known = overlay_id if isinstance(overlay_id, str) and overlay_id else None
            text = label if isinstance(label, str) and label.strip() else NEW_NOTE
            at = Point(float(column_at) + _HALF, float(row_at) + _HALF)
            note = Overlay(ShapeKind.TEXT, (at,), label=text,
                           color=color if isinstance(color, str) else SHAPE_COLORS[ShapeKind.TEXT],
                           **({"id": known} if known else {}))
            if known is None:
                self.last_drawn = note.id
            drawn.setdefault(key_of(refs[index]), []).append(note)
        return drawn
