"""The panel's drawing tools and label box drawing on napari's canvas (the takehome layers).

Choosing Arrow, Line, Circle or Box in the panel makes "takehome drawings" napari's active layer in
the mode that draws it; Text makes "takehome notes" active, adding a note where the clinician clicks;
Select selects drawings there; Contrast gives the image layer back (napari's pan and zoom). The label
box shows and names the drawing or note selected in napari, else the one drawn last, as one undoable edit;
Delete removes the drawings, notes and text boxes selected there (a detected text box is kept visible).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from qtpy.QtWidgets import QLineEdit, QWidget

from takehome.annotations.errors import AnnotationError
from takehome.annotations.model import Overlay, Session, ShapeKind
from takehome.plugin import edits
from takehome.plugin.canvas import Tool
from takehome.plugin.napari_host.drawings import LAYER_NAME as DRAWINGS_LAYER
from takehome.plugin.napari_host.drawings import NapariDrawings
from takehome.plugin.napari_host.host import NapariHost
from takehome.plugin.napari_host.notes import LAYER_NAME as NOTES_LAYER
from takehome.plugin.napari_host.notes import NEW_NOTE, NapariNotes
from takehome.plugin.napari_host.redactions import NapariRedactions
from takehome.plugin.state import PanelState

_KINDS = {Tool.ARROW: ShapeKind.ARROW, Tool.LINE: ShapeKind.LINE, Tool.ELLIPSE: ShapeKind.ELLIPSE,
          Tool.RECTANGLE: ShapeKind.RECTANGLE}


def relabelled(session: Session, overlay_id: str, label: str) -> Session:
    """``session`` with the drawing ``overlay_id`` labelled ``label`` (unchanged when it is not there)."""
    for image in session.key_images:
        for overlay in image.overlays:
            if overlay.id == overlay_id:
                named: Overlay = replace(overlay, label=label)
                return edits.update_image(session, edits.upsert_overlay(image, named))
    return session


class NapariTools:
    """Routes the panel's tool choice and label box to the takehome layers on napari's canvas."""

    def __init__(self, host: NapariHost, state: PanelState, drawings: NapariDrawings,
                 notes: NapariNotes, redactions: NapariRedactions, parent: QWidget) -> None:
        """The dock connects the panel's tool choice to :meth:`use_tool` and its Delete to
        :meth:`delete_selected`."""
        self._host = host
        self._state = state
        self._drawings = drawings
        self._notes = notes
        self._redactions = redactions
        self.label_box = QLineEdit(parent)
        self.label_box.setObjectName("takehome-label-box")
        self.label_box.setPlaceholderText("Label of the selected or last drawing, Enter")
        self.label_box.setToolTip("Type the label or note text for the drawing selected on napari's "
                                  "canvas (else the one drawn last) and press Enter")
        self.label_box.returnPressed.connect(self.apply_label)
        host.viewer.layers.events.inserted.connect(self._layer_inserted)

    def _layer_inserted(self, event: Any) -> None:
        layer = getattr(event, "value", None)  # inserted while add_shapes/add_points runs: known by name
        if layer is not None and layer.name in (DRAWINGS_LAYER, NOTES_LAYER):
            layer.selected_data.events.items_changed.connect(self._selection_changed)

    def _selection_changed(self, _event: object = None) -> None:
        """Show the label of the drawing selected in napari in the box, ready to edit."""
        if self.label_box.hasFocus():
            return
        overlay_id = self._drawings.selected_id() or self._notes.selected_id()
        labels = [o.label for image in self._state.session.key_images for o in image.overlays
                  if o.id == overlay_id]
        self.label_box.setText(labels[0] if labels and labels[0] != NEW_NOTE else "")
        self.label_box.selectAll()  # typing replaces it

    def delete_selected(self) -> None:
        """The panel's Delete: what is selected on napari's takehome layers (one undoable edit each)."""
        for layer in (self._drawings.layer, self._notes.layer, self._redactions.layer):
            if layer is not None and layer in self._host.viewer.layers and layer.selected_data:
                layer.remove_selected()

    def use_tool(self, name: str) -> None:
        """Make napari draw what the panel's tool ``name`` draws."""
        tool = Tool(name)
        if tool is Tool.TEXT:
            self._notes.add_mode()
        elif tool is Tool.CONTRAST:
            source = self._host.source_layer()
            if source is not None:
                self._host.viewer.layers.selection.active = source
                source.mode = "pan_zoom"
        else:
            self._drawings.draw(_KINDS.get(tool))

    def target(self) -> str | None:
        """The drawing the label box names: selected in napari, else the one drawn last."""
        layers: list[NapariDrawings | NapariNotes] = [self._drawings, self._notes]
        if self._host.viewer.layers.selection.active is self._notes.layer:
            layers.reverse()
        for found in [layer.selected_id() for layer in layers] + [layer.last_drawn for layer in layers]:
            if found is not None:
                return found
        return None

    def apply_label(self) -> None:
        """Label the target drawing with the box's text (one undoable edit)."""
        overlay_id = self.target()
        if overlay_id is None:
            self._state.say("Draw or select a drawing on the image first.", "warning")
            return
        try:
            session = relabelled(self._state.session, overlay_id, self.label_box.text().strip())
        except AnnotationError as exc:
            self._state.say(str(exc), "warning")
            return
        if session != self._state.session:
            self._state.edit(session, "Label drawing")
        self.label_box.clear()
