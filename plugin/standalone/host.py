"""The standalone viewer's side of :class:`takehome.plugin.host.Host`."""

from __future__ import annotations

from collections.abc import Callable

from qtpy.QtCore import QObject, Signal
from qtpy.QtWidgets import QWidget

from takehome.plugin.host import ImageRef
from takehome.plugin.standalone.study import Study

Callback = Callable[[ImageRef | None], None]
Docker = Callable[[QWidget, str], None]
Mover = Callable[[ImageRef], None]


class StandaloneHost(QObject):
    """A Host over a scanned :class:`Study`; the viewer window calls :meth:`set_current`."""

    current_changed = Signal(object)

    def __init__(self, study: Study, docker: Docker | None = None, parent: QObject | None = None,
                 mover: Mover | None = None) -> None:
        super().__init__(parent)
        self.study = study
        self._docker = docker
        self._mover = mover
        self._callbacks: list[Callback] = []
        images = study.images
        self._current: ImageRef | None = images[0] if images else None

    def study_images(self) -> tuple[ImageRef, ...]:
        return self.study.images

    def current_image(self) -> ImageRef | None:
        return self._current

    def on_current_image_changed(self, callback: Callback) -> None:
        self._callbacks.append(callback)

    def dock(self, widget: QWidget, title: str) -> None:
        if self._docker is not None:
            self._docker(widget, title)
        else:
            widget.setWindowTitle(title)
            widget.show()

    def show_image(self, image: ImageRef) -> None:
        """Ask the viewer window to show ``image`` (without a window: show it at once)."""
        if self._mover is not None:
            self._mover(image)
        else:
            self.set_current(image)

    def set_current(self, image: ImageRef | None) -> None:
        """Show ``image``: tell the panel (and anyone listening)."""
        if image == self._current:
            return
        self._current = image
        for callback in list(self._callbacks):
            callback(image)
        self.current_changed.emit(image)
