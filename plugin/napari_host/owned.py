"""What every takehome layer on napari's canvas shares: the layer it added, and taking it away quietly."""

from __future__ import annotations

from typing import Any

from takehome.plugin.napari_host.host import NapariHost


class OwnedLayer:
    """A napari layer a takehome component adds; ``_writing`` is set while it changes the layer itself,
    so that its own handlers ignore the events that causes. Subclasses set the three attributes."""

    _host: NapariHost
    _layer: Any | None
    _writing: bool

    @property
    def layer(self) -> Any | None:
        """The napari layer (None until it is made)."""
        return self._layer

    def _live_layer(self) -> Any | None:
        """The layer while it is in napari's layer list (the clinician may have deleted it)."""
        layer = self._layer
        return layer if layer is not None and layer in self._host.viewer.layers else None

    def close(self) -> None:
        """Take the layer off napari's canvas (what it showed stays in the session)."""
        layer, self._layer = self._live_layer(), None
        if layer is not None:
            self._writing = True
            try:
                self._host.viewer.layers.remove(layer)
            finally:
                self._writing = False
