"""The napari widget contribution: the takehome panel, driven by a :class:`NapariHost`.

The panel shows no image of its own: its tools draw on napari's canvas (the "takehome drawings" and
"takehome notes" layers) and burned-in text boxes are reviewed there too ("takehome redactions").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from qtpy.QtCore import QEvent
from qtpy.QtWidgets import QToolBar, QVBoxLayout, QWidget

from takehome.plugin.canvas import ImageCanvas
from takehome.plugin.images import shared_library
from takehome.plugin.napari_host.drawings import NapariDrawings
from takehome.plugin.napari_host.host import NapariHost
from takehome.plugin.napari_host.kept_shapes import NapariKeptShapes
from takehome.plugin.napari_host.notes import NapariNotes
from takehome.plugin.napari_host.redactions import NapariRedactions
from takehome.plugin.napari_host.tools import NapariTools
from takehome.plugin.panel import TakehomePanel
from takehome.plugin.state import PanelState

if TYPE_CHECKING:
    import napari

#: Title of the dock widget in napari's window and Plugins menu.
DOCK_TITLE = "Take-home handout"
#: how to draw in napari, under the panel's tools
DRAW_HINT = "Draw on napari's image with the tools above; labels: the box above, Enter."
#: napari's key for "mark the image on show as a key image" (the panel's own K)
MARK_KEY = "K"


class TakehomeDockWidget(QWidget):
    """What napari docks: the takehome panel following this viewer's layers and slices.

    napari passes the viewer by the ``napari_viewer`` parameter name.
    """

    def __init__(self, napari_viewer: napari.Viewer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("takehome-napari-dock")
        self.host = NapariHost(napari_viewer)
        self.canvas = ImageCanvas(self)  # never shown: napari's canvas is the one drawn on
        self.canvas.setVisible(False)
        made: list[NapariRedactions] = []

        def boxes(state: PanelState) -> NapariRedactions:  # burned-in text boxes on napari's canvas
            made.append(NapariRedactions(self.host, state, self))
            return made[-1]

        self.panel = TakehomePanel(self.host, self, library=shared_library(),  # decoded once, for both
                                   canvas=self.canvas, hint=DRAW_HINT, redactions=boxes)
        (redactions,) = made
        self.redactions = redactions
        self.panel.deid.boxes_to_see.connect(redactions.activate)
        self.panel.store.view_region = self.host.visible_region  # crop to napari's view
        self.drawings = NapariDrawings(self.host, self.panel.store)
        self.notes = NapariNotes(self.host, self.panel.store)
        self.kept_shapes = NapariKeptShapes(self.host, self.panel.store)  # imported, not editable
        self.tools = NapariTools(self.host, self.panel.store, self.drawings, self.notes, redactions, self)
        self.panel.canvas.tool_changed.connect(self.tools.use_tool)
        strip, tools = self.panel.strip, self.tools
        self.panel.toolbars.delete_action.triggered.connect(  # with the strip in focus: the key image
            lambda _checked=False: None if strip.hasFocus() else tools.delete_selected())
        self.drawings.refresh()
        self.notes.refresh()
        self.kept_shapes.refresh()
        panel_layout = self.panel.layout()
        assert isinstance(panel_layout, QVBoxLayout)
        panel_layout.insertWidget(2, self.tools.label_box)  # under the panel's tool buttons
        self.decide_bar = QToolBar(self)  # deciding the text boxes selected on napari's canvas
        self.decide_bar.addAction(redactions.black_out_action)
        self.decide_bar.addAction(redactions.keep_action)
        panel_layout.insertWidget(3, self.decide_bar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.panel, 1)
        self._docked = False
        host = self.host
        # the lambda holds the host, not this widget, so the viewer stops calling into a dead panel
        self.destroyed.connect(lambda *_: host.close())
        self._viewer = napari_viewer
        panel = self.panel

        def mark(_viewer: object) -> None:  # K on napari's canvas marks the slice on show, as in the panel
            panel.toggle_key_image()

        napari_viewer.bind_key(MARK_KEY, mark, overwrite=True)

    def event(self, event: QEvent) -> bool:
        """When napari takes the widget out of its dock (the dock's close button), close the panel."""
        if event.type() == QEvent.Type.ParentChange:
            if self.parent() is not None:
                self._docked = True
            elif self._docked:
                self._docked = False
                self.close_panel()
        return super().event(event)

    def close_panel(self) -> None:
        """Save pending work, stop background work and stop following the viewer."""
        self._viewer.bind_key(MARK_KEY, None, overwrite=True)
        self.host.close()
        self.panel.close()
        self.drawings.close()
        self.notes.close()
        self.kept_shapes.close()
        self.redactions.close()


def open_panel(viewer: napari.Viewer) -> TakehomeDockWidget:
    """Open the takehome panel in ``viewer`` from Python (what the Plugins menu entry does)."""
    widget = TakehomeDockWidget(viewer)
    widget.host.dock(widget, DOCK_TITLE)
    return widget
