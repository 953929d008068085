"""The key image strip: the handout's images in order, as thumbnails with their overlays.

Drag a thumbnail to reorder (or Ctrl+Left/Right), Delete or the context menu removes it, a click
shows it on the canvas.
"""

from __future__ import annotations

from collections.abc import Sequence

from qtpy.QtCore import QModelIndex, QPoint, QSize, Qt, Signal
from qtpy.QtGui import QIcon, QKeyEvent, QPixmap
from qtpy.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QMenu, QWidget

from takehome.annotations.model import KeyImage

_KEY_ROLE = Qt.ItemDataRole.UserRole


class KeyImageStrip(QListWidget):
    """Thumbnails of the key images, in handout order."""

    #: the new order of key images, as (instance UID, frame) keys
    reordered = Signal(list)
    #: a key image the clinician removed from the handout
    remove_requested = Signal(tuple)
    #: a key image the clinician clicked
    activated = Signal(tuple)

    def __init__(self, parent: QWidget | None = None, thumb: int = 88) -> None:
        super().__init__(parent)
        self.setObjectName("takehome-strip")
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setIconSize(QSize(thumb, thumb))
        self.setSpacing(3)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setFixedHeight(thumb + 28)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._context_menu)
        self.setToolTip("Key images, in handout order: drag to reorder, Delete to remove")
        self._updating = False
        self.model().rowsMoved.connect(self._rows_moved)
        self.itemClicked.connect(self._clicked)

    def keys(self) -> list[tuple[str, int]]:
        items = (self.item(row) for row in range(self.count()))
        return [(str(key[0]), int(key[1])) for item in items if item is not None
                for key in [item.data(_KEY_ROLE)]]

    def set_images(self, images: Sequence[tuple[KeyImage, QPixmap]], current: tuple[str, int] | None) -> None:
        """Show ``images`` (each with its thumbnail) and highlight ``current``."""
        self._updating = True
        try:
            self.clear()
            for number, (image, pixmap) in enumerate(images, start=1):
                item = QListWidgetItem(QIcon(pixmap), "")
                item.setData(_KEY_ROLE, image.key)
                frame = f", frame {image.frame}" if image.frame > 1 else ""
                shapes = len(image.overlays)
                item.setToolTip(f"Key image {number}{frame}: {shapes} drawing(s), "
                                f"{len(image.excerpts)} excerpt(s)")
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsDragEnabled)
                self.addItem(item)
                if image.key == current:
                    item.setSelected(True)
                    self.setCurrentItem(item)
        finally:
            self._updating = False

    def select(self, key: tuple[str, int] | None) -> None:
        """Highlight the key image ``key`` (the image on show); nothing when it is not a key image."""
        self._updating = True
        try:
            self.clearSelection()
            for row in range(self.count()):
                item = self.item(row)
                if item is not None and tuple(item.data(_KEY_ROLE)) == key:
                    item.setSelected(True)
                    self.setCurrentItem(item)
                    self.scrollToItem(item)
        finally:
            self._updating = False

    def move_current(self, step: int) -> None:
        row = self.currentRow()
        target = row + step
        if row < 0 or not (0 <= target < self.count()):
            return
        keys = self.keys()
        keys.insert(target, keys.pop(row))
        self.reordered.emit(keys)

    def remove_current(self) -> None:
        item = self.currentItem()
        if item is not None:
            self.remove_requested.emit(tuple(item.data(_KEY_ROLE)))

    def keyPressEvent(self, event: QKeyEvent | None) -> None:
        if event is None:
            return
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove_current()
        elif ctrl and event.key() == Qt.Key.Key_Left:
            self.move_current(-1)
        elif ctrl and event.key() == Qt.Key.Key_Right:
            self.move_current(1)
        else:
            super().keyPressEvent(event)

    def _rows_moved(self, *_: QModelIndex | int) -> None:
        if not self._updating:
            self.reordered.emit(self.keys())

    def _clicked(self, item: QListWidgetItem) -> None:
        self.activated.emit(tuple(item.data(_KEY_ROLE)))

    def _context_menu(self, pos: QPoint) -> None:
        item = self.itemAt(pos)
        if item is None:
            return
        self.setCurrentItem(item)
        menu = QMenu(self)
        menu.addAction("Move left", lambda: self.move_current(-1))
        menu.addAction("Move right", lambda: self.move_current(1))
        menu.addSeparator()
        menu.addAction("Remove from handout", self.remove_current)
        menu.exec(self.viewport().mapToGlobal(pos))
