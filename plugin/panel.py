"""The takehome panel: the whole widget a viewer docks (canvas, key images, excerpts, preview, export).

Driven only through :class:`takehome.plugin.host.Host`. (Early skeleton: the full panel lands next.)
"""

from __future__ import annotations

from qtpy.QtWidgets import QLabel, QVBoxLayout, QWidget

from takehome.plugin.host import Host, ImageRef


class TakehomePanel(QWidget):
    """The takehome panel for one open study."""

    def __init__(self, host: Host, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("takehome-panel")
        self._host = host
        layout = QVBoxLayout(self)
        self._status = QLabel(self)
        layout.addWidget(self._status)
        host.on_current_image_changed(self._on_current_image_changed)
        self._on_current_image_changed(host.current_image())

    def _on_current_image_changed(self, ref: ImageRef | None) -> None:
        self._status.setText("No image shown" if ref is None else f"Image {ref.frame}")
