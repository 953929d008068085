"""A napari layer kept in step with the session's overlays of the series on show, both ways.

The session draws the layer (refresh on every change and on another series); what the clinician
draws, moves or deletes with napari's tools comes back as one undoable edit. Subclasses say which
overlays they hold, how to draw them and how to read them back.
"""

from __future__ import annotations

import contextlib
from abc import ABC, abstractmethod
from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from qtpy.QtCore import QTimer

from takehome.annotations.errors import AnnotationError
from takehome.annotations.model import KeyImage, Overlay
from takehome.plugin import edits
from takehome.plugin.host import ImageRef
from takehome.plugin.napari_host.host import NapariHost
from takehome.plugin.napari_host.owned import OwnedLayer
from takehome.plugin.state import Key, PanelState, key_of


def on_layer(vertices: NDArray[np.float64], layer: Any) -> NDArray[np.float64]:
    """(slice, row, column) vertices as ``layer`` holds them: without the slice for a single image's
    2D layer (a 3D layer there would give napari a slider that pages through nothing)."""
    return vertices[:, 3 - int(layer.ndim):]


def slice_of(vertices: NDArray[np.float64]) -> int:
    """The slice index of vertices read back from a layer (0 for a single image's 2D layer)."""
    return round(float(vertices[0, 0])) if vertices.shape[1] == 3 else 0


class SyncedLayer(OwnedLayer, ABC):
    """One takehome layer on napari's canvas and the session's overlays it shows."""

    #: the undo step's name for an edit made in napari
    edit_text = ""

    def __init__(self, host: NapariHost, state: PanelState) -> None:
        self._host = host
        self._state = state
        self._layer: Any | None = None
        self._source: Any | None = None
        self._writing = False
        self._creating = False
        #: the id of the overlay added last in napari (the panel's label box names it when none is selected)
        self.last_drawn: str | None = None
        state.changed.connect(lambda _session: self.refresh())
        state.focus_changed.connect(self._focus_changed)

    # ----- what a subclass says -----
    @abstractmethod
    def holds(self, overlay: Overlay) -> bool:
        """Whether this layer shows ``overlay``."""

    @abstractmethod
    def _add_layer(self, source: Any) -> Any:
        """Add the napari layer for ``source`` (an image layer) and return it."""

    @abstractmethod
    def _draw(self, layer: Any, source: Any, refs: tuple[ImageRef, ...]) -> None:
        """Draw the session's overlays of the slices ``refs`` of ``source`` on ``layer``."""

    @abstractmethod
    def _read(self, layer: Any, refs: tuple[ImageRef, ...]) -> dict[Key, list[Overlay]]:
        """The overlays on ``layer``, by the key of the slice they are drawn on."""

    # ----- shared -----
    def selected_id(self) -> str | None:
        """The id of the overlay selected in napari (the first, when several are)."""
        layer = self._layer
        if layer is None or not layer.selected_data or layer not in self._host.viewer.layers:
            return None
        row = min(layer.selected_data)
        value = layer.features["overlay"][row] if row < len(layer.features) else ""
        return str(value) if isinstance(value, str) and value else None

    def refresh(self) -> None:
        """Draw the overlays of every key image of the image layer on show."""
        source = self._host.source_layer()
        if source is None or self._writing:
            return
        self._source = source
        if self._layer is None or self._layer not in self._host.viewer.layers:
            if not self._creating:  # not inside napari's own layer events: add the layer right after
                self._creating = True
                QTimer.singleShot(0, self._create)
            return
        layer = self._ensure_layer(source)
        self._writing = True
        try:
            self._draw(layer, source, self._host.slices(source))
        finally:
            self._writing = False

    def _focus_changed(self, _image: object) -> None:
        # another series: its overlays (napari hands plugins a new proxy of a layer each time: ==)
        if self._host.source_layer() != self._source:
            self.refresh()

    def _create(self) -> None:
        self._creating = False
        source = self._host.source_layer()
        if source is not None:
            self._ensure_layer(source)
            self.refresh()

    def _ensure_layer(self, source: Any) -> Any:
        if self._layer is not None and self._layer in self._host.viewer.layers and (
                int(self._layer.ndim) != int(source.ndim)):  # a single image after a stack, or back
            self.close()
        if self._layer is None or self._layer not in self._host.viewer.layers:
            self._layer = self._add_layer(source)
            self._layer.events.data.connect(self._layer_changed)
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
        """The layer's overlays replace this layer's overlays of the series' key images (one edit)."""
        layer, source = self._layer, self._source
        if layer is None or source is None:
            return
        refs = self._host.slices(source)
        drawn = self._read(layer, refs)
        session = self._state.session
        for ref in refs:
            image = edits.find(session, key_of(ref))
            mine = drawn.get(key_of(ref), [])
            if image is None and not mine:
                continue
            if image is None:
                image = self._state.library.key_image(ref)
            kept = [o for o in image.overlays if not self.holds(o)]  # the other layer's stay as they are
            updated: KeyImage = replace(image, overlays=(*kept, *mine))
            if updated != image:
                session = edits.update_image(session, updated)
        if session != self._state.session:
            self._writing = True
            try:
                self._state.edit(session, self.edit_text)
            finally:
                self._writing = False
        self.refresh()  # as the session holds them (an arrow's head follows its shaft)
