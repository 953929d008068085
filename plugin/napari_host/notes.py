"""The handout's text notes as a napari Points layer ("takehome notes") with napari's text, both ways.

Each note of a key image of the series on show is a point on its slice showing the note's text. Notes
added (a click in add mode: "Note", then the panel's label box renames it), moved or deleted with
napari's tools come back into the session as one undoable edit; undo and redo redraw the layer.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any

import numpy as np
from qtpy.QtCore import QTimer

from takehome.annotations.errors import AnnotationError
from takehome.annotations.model import KeyImage, Overlay, Point, ShapeKind
from takehome.plugin import edits
from takehome.plugin.canvas import SHAPE_COLORS
from takehome.plugin.host import ImageRef
from takehome.plugin.napari_host.host import NapariHost
from takehome.plugin.state import PanelState, key_of

LAYER_NAME = "takehome notes"
#: the text of a note added with napari's point tool, until the clinician types its own
NEW_NOTE = "Note"
#: napari puts pixel centres on whole coordinates, the model on half ones
_HALF = 0.5


class NapariNotes:
    """Keeps the "takehome notes" layer and the session's text notes of the series on show in step."""

    def __init__(self, host: NapariHost, state: PanelState) -> None:
        self._host = host
        self._state = state
        self._layer: Any | None = None
        self._source: Any | None = None
        self._writing = False
        self._creating = False
        #: the id of the note added last in napari (the panel's label box names it when none is selected)
        self.last_drawn: str | None = None
        state.changed.connect(lambda _session: self.refresh())
        state.focus_changed.connect(self._focus_changed)

    @property
    def layer(self) -> Any | None:
        return self._layer

    def close(self) -> None:
        """Take the layer off napari's canvas (the panel closes: the notes are in its session)."""
        layer, self._layer = self._layer, None
        if layer is not None and layer in self._host.viewer.layers:
            self._writing = True
            try:
                self._host.viewer.layers.remove(layer)
            finally:
                self._writing = False

    def add_mode(self) -> None:
        """Make the layer napari's active one, adding a note where the clinician clicks."""
        layer = self._layer
        if layer is not None and layer in self._host.viewer.layers:
            self._host.viewer.layers.selection.active = layer
            layer.mode = "add"

    def selected_id(self) -> str | None:
        """The id of the note selected in napari (the first, when several are)."""
        layer = self._layer
        if layer is None or not layer.selected_data or layer not in self._host.viewer.layers:
            return None
        row = min(layer.selected_data)
        value = layer.features["overlay"][row] if row < len(layer.features) else ""
        return str(value) if isinstance(value, str) and value else None

    def _focus_changed(self, _image: object) -> None:
        if self._host.source_layer() is not self._source:
            self.refresh()

    def refresh(self) -> None:
        """Show the notes of every key image of the image layer on show."""
        source = self._host.source_layer()
        if source is None or self._writing:
            return
        self._source = source
        refs = self._host.slices(source)
        points: list[tuple[float, float, float]] = []
        features: dict[str, list[Any]] = {"overlay": [], "label": [], "color": []}
        for image in self._state.session.key_images:
            ref = ImageRef(image.sop_instance_uid, image.file, image.frame)
            if ref not in refs:
                continue
            for overlay in image.overlays:
                if overlay.kind is ShapeKind.TEXT:
                    (at,) = overlay.points
                    points.append((refs.index(ref), at.y - _HALF, at.x - _HALF))
                    features["overlay"].append(overlay.id)
                    features["label"].append(overlay.label)
                    features["color"].append(overlay.color)
        if self._layer is None or self._layer not in self._host.viewer.layers:
            if not self._creating:  # not inside napari's own layer events: add the layer right after
                self._creating = True
                QTimer.singleShot(0, self._create)
            return
        layer = self._ensure_layer(source)
        self._writing = True
        try:
            layer.data = np.array(points, dtype=np.float64).reshape(-1, 3)
            layer.features = {name: np.array(values, dtype=object) for name, values in features.items()}
            layer.feature_defaults = {"overlay": "", "label": NEW_NOTE, "color": SHAPE_COLORS[ShapeKind.TEXT]}
            layer.text = {"string": "{label}", "color": "white", "anchor": "lower_left", "size": 12}
        finally:
            self._writing = False

    def _create(self) -> None:
        self._creating = False
        source = self._host.source_layer()
        if source is not None:
            self._ensure_layer(source)
            self.refresh()

    def _ensure_layer(self, source: Any) -> Any:
        viewer = self._host.viewer
        active = viewer.layers.selection.active
        if self._layer is None or self._layer not in viewer.layers:
            self._layer = viewer.add_points(name=LAYER_NAME, ndim=3, scale=tuple(source.scale), size=3,
                                            face_color="white", border_width=0)
            self._layer.events.data.connect(self._layer_changed)
            viewer.layers.selection.active = active if active is not None else source
        elif tuple(self._layer.scale) != tuple(source.scale):
            self._layer.scale = tuple(source.scale)
        return self._layer

    def _layer_changed(self, event: Any) -> None:
        action = str(getattr(event, "action", ""))
        if self._writing or not action.endswith(("added", "changed", "removed")):
            return
        with contextlib.suppress(AnnotationError):
            self._read_back()

    def _read_back(self) -> None:
        """The layer's points become the text notes of the series' key images (one undoable edit)."""
        layer, source = self._layer, self._source
        if layer is None or source is None:
            return
        refs = self._host.slices(source)
        features = layer.features
        drawn: dict[tuple[str, int], list[Overlay]] = {}
        for row, (index_at, row_at, column_at) in enumerate(np.asarray(layer.data, dtype=np.float64)):
            index = round(float(index_at))
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
        self._store(refs, drawn)

    def _store(self, refs: tuple[ImageRef, ...], drawn: dict[tuple[str, int], list[Overlay]]) -> None:
        session = self._state.session
        for ref in refs:
            image = edits.find(session, key_of(ref))
            mine = drawn.get(key_of(ref), [])
            if image is None and not mine:
                continue
            if image is None:
                image = self._state.library.key_image(ref)
            kept = [o for o in image.overlays if o.kind is not ShapeKind.TEXT]
            updated: KeyImage = replace(image, overlays=(*kept, *mine))
            if updated != image:
                session = edits.update_image(session, updated)
        if session != self._state.session:
            self._writing = True
            try:
                self._state.edit(session, "Edit notes in napari")
            finally:
                self._writing = False
        self.refresh()

