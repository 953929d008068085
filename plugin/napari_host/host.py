"""The napari host: the takehome :class:`~takehome.plugin.host.Host` over a napari viewer.

The shown image is the slice under napari's current dims position of the active layer when the
reader made it and it has a slice there, else of the top-most visible takehome layer that has one
(so adding a shapes or points layer does not take the image away from the panel, and a short cine
paged past its end gives way to the series still drawn). The study is that layer's study.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
from qtpy.QtWidgets import QWidget

from takehome.plugin.host import ImageRef
from takehome.plugin.napari_host import metadata

if TYPE_CHECKING:
    import napari

Callback = Callable[[ImageRef | None], None]


def plane_shape(layer: Any) -> tuple[int, int]:
    """(rows, columns) of an image layer's slices (a colour layer's last axis is its channels)."""
    shape = np.shape(layer.data)
    rows, columns = shape[-3:-1] if getattr(layer, "rgb", False) else shape[-2:]
    return int(rows), int(columns)


class NapariHost:
    """Implements :class:`takehome.plugin.host.Host` for a napari viewer."""

    def __init__(self, viewer: napari.Viewer) -> None:
        self._viewer = viewer
        self._callbacks: list[Callback] = []
        self._connected = False
        self._last: ImageRef | None = None

    @property
    def viewer(self) -> napari.Viewer:
        return self._viewer

    # -- Host -----------------------------------------------------------------------------------
    def study_images(self) -> tuple[ImageRef, ...]:
        """The images of every takehome layer of the shown study, in layer order (bottom first)."""
        source = self._source_layer()
        if source is None:
            return ()
        study = metadata.study_uid(source.metadata)
        seen: set[tuple[str, int]] = set()
        refs: list[ImageRef] = []
        for layer in self._viewer.layers:
            if metadata.study_uid(layer.metadata) != study:
                continue
            for ref in self._slices(layer):
                key = (ref.sop_instance_uid, ref.frame)
                if key not in seen:
                    seen.add(key)
                    refs.append(ref)
        return tuple(refs)

    def current_image(self) -> ImageRef | None:
        """The slice of the takehome layer under the current dims position, or None."""
        for layer in self._candidate_layers():
            refs = self._slices(layer)
            index = self._slice_index(layer, len(refs))
            if index is not None:
                return refs[index]
        return None

    def on_current_image_changed(self, callback: Callback) -> None:
        """Call ``callback`` when the layer, slice or displayed axes change what is shown."""
        if not self._connected:
            self._last = self.current_image()
            self._connect()
        self._callbacks.append(callback)

    def show_image(self, image: ImageRef) -> None:
        """Make the takehome layer holding ``image`` the active, visible one and page to it."""
        for layer in reversed(self._viewer.layers):
            refs = self._slices(layer)
            if image not in refs:
                continue
            layer.visible = True
            self._viewer.layers.selection.active = layer
            if int(layer.ndim) == 3:
                dims = self._viewer.dims
                axis = dims.ndim - 3
                world = layer.data_to_world([refs.index(image), 0, 0])
                dims.set_point(axis, float(world[0]))
            return

    def dock(self, widget: QWidget, title: str) -> None:
        """Dock ``widget`` on the right of napari's main window."""
        self._viewer.window.add_dock_widget(widget, name=title, area="right")

    def source_layer(self) -> Any | None:
        """The takehome image layer whose slice is shown (else the first candidate), or None."""
        return self._source_layer()

    def visible_region(self) -> tuple[float, float, float, float] | None:
        """The part of the shown slice in napari's view: (x, y, width, height) in image pixels, or None."""
        layer = self._source_layer()
        if layer is None or self._viewer.dims.ndisplay != 2:
            return None
        camera = self._viewer.scene.camera
        height, width = self._viewer.canvas.size
        centre_y, centre_x = (float(v) for v in camera.center[-2:])
        half_y, half_x = height / camera.zoom / 2, width / camera.zoom / 2
        point = list(self._viewer.dims.point)
        corners = []
        for y, x in ((centre_y - half_y, centre_x - half_x), (centre_y + half_y, centre_x + half_x)):
            point[-2:] = [y, x]
            row, column = (float(v) for v in layer.world_to_data(point[-int(layer.ndim):])[-2:])
            corners.append((column + 0.5, row + 0.5))  # napari's pixel centres are whole, the model's half
        rows, columns = plane_shape(layer)
        x0, x1 = max(0.0, min(c[0] for c in corners)), min(float(columns), max(c[0] for c in corners))
        y0, y1 = max(0.0, min(c[1] for c in corners)), min(float(rows), max(c[1] for c in corners))
        if x1 - x0 < 1 or y1 - y0 < 1:
            return None
        return x0, y0, x1 - x0, y1 - y0

    def slices(self, layer: Any) -> tuple[ImageRef, ...]:
        """The images of a takehome image layer, slice by slice (empty for other layers)."""
        return self._slices(layer)

    # -- lifecycle ------------------------------------------------------------------------------
    def close(self) -> None:
        """Stop following the viewer (called when the panel goes away)."""
        if not self._connected:
            return
        for emitter in self._emitters():
            emitter.disconnect(self._changed)
        self._connected = False
        self._callbacks.clear()

    # -- internals ------------------------------------------------------------------------------
    def _emitters(self) -> list[Any]:
        layers, dims = self._viewer.layers, self._viewer.dims
        return [layers.selection.events.active, layers.events.inserted, layers.events.removed,
                layers.events.reordered, dims.events.current_step, dims.events.order,
                dims.events.ndisplay]

    def _connect(self) -> None:
        for emitter in self._emitters():
            emitter.connect(self._changed)
        self._connected = True

    def _changed(self, event: object = None) -> None:
        current = self.current_image()
        if current == self._last:
            return
        self._last = current
        for callback in list(self._callbacks):
            callback(current)

    def _candidate_layers(self) -> list[Any]:
        """Takehome layers in the order they claim to be "shown": the active one, then top-most first."""
        active = self._viewer.layers.selection.active
        layers = [active] if active is not None and self._slices(active) else []
        layers += [layer for layer in reversed(self._viewer.layers)
                   if layer is not active and layer.visible and self._slices(layer)]
        return layers

    def _source_layer(self) -> Any | None:
        """The layer whose slice is shown, else the first candidate (for the study when none is)."""
        candidates = self._candidate_layers()
        for layer in candidates:
            if self._slice_index(layer, len(self._slices(layer))) is not None:
                return layer
        return candidates[0] if candidates else None

    @staticmethod
    def _slices(layer: Any) -> tuple[ImageRef, ...]:
        """The layer's slices when it is a takehome image layer whose shape matches its metadata."""
        refs = metadata.images(getattr(layer, "metadata", None))
        if not refs:
            return ()
        ndim = int(layer.ndim)
        if ndim == 2:
            return refs if len(refs) == 1 else ()
        if ndim == 3 and int(np.shape(layer.data)[0]) == len(refs):
            return refs
        return ()

    def _slice_index(self, layer: Any, count: int) -> int | None:
        if int(layer.ndim) == 2:
            return 0
        dims = self._viewer.dims
        axis = dims.ndim - int(layer.ndim)  # the world axis that is the layer's slice axis
        if axis < 0 or axis in dims.displayed:
            return None  # the slices are not paged through (3D view or a reformatted plane)
        position = float(layer.world_to_data(dims.point)[0])
        index = round(position)
        return index if 0 <= index < count else None
