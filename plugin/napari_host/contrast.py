"""napari's contrast and the handout's window, kept in step both ways (layers of modality values).

On a takehome layer of modality values (a grey series whose display is a linear window), napari's
contrast limits are the window the handout prints: (centre - width/2, centre + width/2). Changing
them in napari (the layer controls' slider, its popup, auto-contrast) sets the window of the image
in focus: an undoable edit of a key image (consecutive changes are one step), else the window it is
shown with. A key image brought into focus, undo/redo and the panel's presets set napari's limits.
An image not in the handout is shown with napari's contrast as it stands (scrolling keeps it), so
marking it stores exactly the window on screen. Layers of display pixels (colour images, a VOI LUT,
a SIGMOID function) are left alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from qtpy.QtCore import QTimer

from takehome.annotations.errors import AnnotationError, TakehomeError
from takehome.annotations.model import Window
from takehome.plugin import edits
from takehome.plugin.host import ImageRef
from takehome.plugin.napari_host import metadata
from takehome.plugin.napari_host.host import NapariHost
from takehome.plugin.napari_host.reader import window_limits
from takehome.plugin.state import Key, PanelState, key_of

#: napari emits a contrast event per mouse move: the window is stored once the drag rests this long
DEBOUNCE_MS = 150
#: the undo step's name
EDIT_TEXT = "Change brightness/contrast"


def limits_window(limits: Any) -> Window:
    """The window napari's contrast limits show (a width below one value is widened to one)."""
    low, high = (float(v) for v in limits)
    return Window((low + high) / 2, max(high - low, 1.0))


class NapariContrast:
    """Keeps napari's contrast limits and the window of the image in focus in step."""

    def __init__(self, host: NapariHost, state: PanelState) -> None:
        self._host = host
        self._state = state
        self._writing = False
        self._pending: tuple[Key, Window] | None = None
        self._layers: list[Any] = []
        self._timer = QTimer(state)  # goes with the panel's state: never fires into a deleted one
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.commit)
        state.host_window = self.window_on_screen
        state.changed.connect(self._session_changed)
        state.focus_changed.connect(self._focus_changed)
        state.view_window_changed.connect(self._view_window_changed)
        layers = host.viewer.layers
        layers.events.inserted.connect(self._layers_changed)
        layers.events.removed.connect(self._layers_changed)
        self._layers_changed()
        self.show_focus_window()

    # ----- session -> napari -----
    def window_on_screen(self, image: ImageRef) -> Window | None:
        """The window napari shows ``image`` with, when a layer of modality values shows it."""
        layer = self._layer_showing(image)
        try:
            return None if layer is None else limits_window(layer.contrast_limits)
        except AnnotationError:
            return None  # limits beyond any modality value: the window chosen in the panel stands

    def show_focus_window(self) -> None:
        """napari shows a key image in focus with its window (None: the image's own), unless a change
        made in napari is still to be stored for it (napari's limits are the newer)."""
        focus, image = self._state.focus, self._state.focus_image()
        if focus is None or image is None or self._writing:
            return
        if self._pending is not None and self._pending[0] == key_of(focus):
            return
        self._show(focus, image.window)

    def _session_changed(self, _session: object) -> None:
        self.show_focus_window()

    def _focus_changed(self, _image: object) -> None:
        self.show_focus_window()

    def _view_window_changed(self, key: Key, window: Window | None) -> None:
        focus = self._state.focus
        if focus is not None and key == key_of(focus) and not self._writing:
            self._show(focus, window)  # a preset for an image not in the handout

    def _show(self, image: ImageRef, window: Window | None) -> None:
        layer = self._layer_showing(image)
        if layer is None:
            return
        if window is None:
            window = self._own_window(image)
            if window is None:
                return
        limits = window_limits(window)
        if np.allclose(layer.contrast_limits, limits):
            return
        self._writing = True
        try:
            layer.contrast_limits = limits
        finally:
            self._writing = False

    def _own_window(self, image: ImageRef) -> Window | None:
        """The window the core shows ``image`` with when none is chosen (header, else percentiles)."""
        try:
            grey = self._state.library.values(image)
        except TakehomeError:
            return None
        return None if grey is None else grey.default_window()

    # ----- napari -> session -----
    def _limits_changed(self, event: Any) -> None:
        focus = self._state.focus
        if self._writing or focus is None:
            return
        layer = self._layer_showing(focus)
        if layer is None or layer != event.source:  # napari hands plugins proxies of its layers
            return
        try:
            window = limits_window(layer.contrast_limits)
        except AnnotationError:
            return  # limits beyond any modality value: not a window to print
        self._pending = (key_of(focus), window)
        self._timer.start()

    def commit(self) -> None:
        """Store the window last set in napari for the image it was set on (the end of a drag)."""
        self._timer.stop()
        pending, self._pending = self._pending, None
        if pending is None:
            return
        key, window = pending
        session = self._state.session
        image = edits.find(session, key)
        self._writing = True
        try:
            if image is not None:
                self._state.edit(edits.update_image(session, edits.set_window(image, window)), EDIT_TEXT,
                                 merge_key=f"napari-contrast {key[0]} {key[1]}")
            else:
                self._state.set_view_window(window, key)
        finally:
            self._writing = False

    # ----- layers -----
    def _layer_showing(self, image: ImageRef) -> Any | None:
        """The layer of modality values on show, when ``image`` is one of its slices."""
        layer = self._host.source_layer()
        if layer is None or metadata.value_range(layer.metadata) is None:
            return None
        return layer if image in self._host.slices(layer) else None

    def _layers_changed(self, _event: object = None) -> None:
        """Follow the contrast of each layer of modality values; its slider spans the series' values."""
        present = list(self._host.viewer.layers)
        self._layers = [layer for layer in self._layers if layer in present]
        for layer in present:
            span = metadata.value_range(layer.metadata)
            if span is None or layer in self._layers or not self._host.slices(layer):
                continue
            self._writing = True
            try:
                low, high = layer.contrast_limits
                layer.contrast_limits_range = (min(span[0], low), max(span[1], high))
            finally:
                self._writing = False
            layer.events.contrast_limits.connect(self._limits_changed)
            self._layers.append(layer)

    def close(self) -> None:
        """Store a change still pending and stop following napari (the panel closes)."""
        self.commit()
        if self._state.host_window == self.window_on_screen:
            self._state.host_window = None
        self._state.changed.disconnect(self._session_changed)
        self._state.focus_changed.disconnect(self._focus_changed)
        self._state.view_window_changed.disconnect(self._view_window_changed)
        layers = self._host.viewer.layers
        layers.events.inserted.disconnect(self._layers_changed)
        layers.events.removed.disconnect(self._layers_changed)
        for layer in self._layers:
            layer.events.contrast_limits.disconnect(self._limits_changed)
        self._layers.clear()
