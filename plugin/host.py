"""The one small interface between the takehome panel and a DICOM viewer (standalone, napari, …).

A host adapter implements :class:`Host`; the panel never touches the viewer any other way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from qtpy.QtWidgets import QWidget


@dataclass(frozen=True, slots=True)
class ImageRef:
    """An image the viewer shows: instance UID, its file, and the frame (1-based)."""

    sop_instance_uid: str
    file: str
    frame: int = 1


@runtime_checkable
class Host(Protocol):
    """What the panel needs from a viewer."""

    def study_images(self) -> Sequence[ImageRef]:
        """Every image (instance and frame) of the open study, in the viewer's order."""
        ...

    def current_image(self) -> ImageRef | None:
        """The image shown now, or None when nothing is shown."""
        ...

    def on_current_image_changed(self, callback: Callable[[ImageRef | None], None]) -> None:
        """Call ``callback`` whenever the shown image changes (page, slice, frame, layer)."""
        ...

    def show_image(self, image: ImageRef) -> None:
        """Move the viewer to ``image`` (one of :meth:`study_images`), so that the viewer and the
        panel show the same image; the change comes back through the callback."""
        ...

    def dock(self, widget: QWidget, title: str) -> None:
        """Put the panel into the viewer's window."""
        ...
