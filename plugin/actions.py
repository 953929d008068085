"""The panel's toolbar: tool buttons, CT window presets and the actions, each with its shortcut.

Shortcuts work while the keyboard focus is inside the panel (never stealing a host viewer's keys);
text boxes keep their letters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from qtpy.QtCore import Qt
from qtpy.QtGui import QAction, QActionGroup, QKeySequence
from qtpy.QtWidgets import QComboBox

from takehome.annotations.model import Window
from takehome.plugin.canvas import Tool
from takehome.plugin.images import ShownImage

if TYPE_CHECKING:
    from qtpy.QtWidgets import QToolBar

    from takehome.plugin.canvas import ImageCanvas
    from takehome.plugin.commands import SessionStore


#: Window presets for CT, in Hounsfield units (centre, width).
CT_PRESETS: dict[str, Window] = {
    "Soft tissue": Window(40, 400),
    "Lung": Window(-600, 1500),
    "Bone": Window(400, 1800),
    "Brain": Window(40, 80),
}

#: Tool, button text, shortcut, tooltip.
TOOLS: tuple[tuple[Tool, str, str, str], ...] = (
    (Tool.SELECT, "Select", "V", "Select, move and resize drawings; drag empty space to pan"),
    (Tool.CONTRAST, "Contrast", "W", "Drag to change brightness (up/down) and contrast (left/right)"),
    (Tool.ARROW, "Arrow", "A", "Drag from the label's place to what it points at"),
    (Tool.LINE, "Line", "L", "Drag to measure; the length shows in mm when the image knows its scale"),
    (Tool.ELLIPSE, "Circle", "E", "Drag a box around the area to circle"),
    (Tool.RECTANGLE, "Box", "R", "Drag a box around the area"),
    (Tool.TEXT, "Text", "T", "Click where the note goes, type it, press Enter"),
)


def key_sequences(*keys: QKeySequence.StandardKey | str) -> list[QKeySequence]:
    """Every platform binding of ``keys``, each once: a sequence registered twice on an action is
    ambiguous to Qt and then does nothing (Linux binds Redo to Ctrl+Shift+Z already)."""
    found: list[QKeySequence] = []
    for key in keys:
        bindings = (QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey)
                    else [QKeySequence(key)])
        found.extend(b for b in bindings if not b.isEmpty() and b not in found)
    return found


class ToolbarMixin:
    """Builds the panel's actions; mixed into :class:`takehome.plugin.panel.TakehomePanel`."""

    canvas: ImageCanvas
    store: SessionStore
    tools_bar: QToolBar  # row 1: drawing tools and window presets
    toolbar: QToolBar  # row 2: key image, crop, delete, undo/redo, export, print (hosts may add more)

    if TYPE_CHECKING:  # provided by the panel (a QWidget)
        def toggle_key_image(self) -> None: ...
        def crop_to_view(self) -> None: ...
        def reset_crop(self) -> None: ...
        def delete_selected(self) -> None: ...
        def export_pdf(self, path: Any = None) -> None: ...
        def print_handout(self, printer: Any = None) -> None: ...
        def _preset_chosen(self, index: int) -> None: ...
        def addAction(self, action: QAction) -> None: ...

    def _action(self, text: str, shortcut: QKeySequence | str | None, tip: str,
                slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            tip = f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(tip)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.tool_actions: dict[Tool, QAction] = {}
        group = QActionGroup(self)
        group.setExclusive(True)
        for tool, text, key, tip in TOOLS:
            action = self._action(text, key, tip, lambda t=tool: self.canvas.set_tool(t))
            action.setCheckable(True)
            group.addAction(action)
            self.tools_bar.addAction(action)
            self.tool_actions[tool] = action
        self.tool_actions[Tool.SELECT].setChecked(True)
        self.tools_bar.addSeparator()
        self.presets = QComboBox(self)
        self.presets.setToolTip("Brightness/contrast presets (CT); right-drag on the image to adjust")
        self.presets.activated.connect(self._preset_chosen)
        self.tools_bar.addWidget(self.presets)
        self.mark_action = self._action("Key image", "K", "Add the image on the canvas to the handout, "
                                        "or take it out", self.toggle_key_image)
        self.mark_action.setCheckable(True)
        self.toolbar.addAction(self.mark_action)
        self.crop_action = self._action("Crop to view", "C", "Print only the part of the image in view "
                                        "(zoom and pan first)", self.crop_to_view)
        self.toolbar.addAction(self.crop_action)
        self.uncrop_action = self._action("Full image", "Shift+C", "Print the whole image again",
                                          self.reset_crop)
        self.toolbar.addAction(self.uncrop_action)
        self.delete_action = self._action("Delete", QKeySequence.StandardKey.Delete,
                                          "Delete the selected drawing", self.delete_selected)
        self.delete_action.setShortcuts(key_sequences(QKeySequence.StandardKey.Delete, "Backspace"))
        self.toolbar.addAction(self.delete_action)
        stack = self.store.undo_stack
        self.undo_action = self._action("Undo", QKeySequence.StandardKey.Undo, "Undo", stack.undo)
        self.redo_action = self._action("Redo", QKeySequence.StandardKey.Redo, "Redo", stack.redo)
        self.undo_action.setShortcuts(key_sequences(QKeySequence.StandardKey.Undo))
        self.redo_action.setShortcuts(key_sequences(QKeySequence.StandardKey.Redo, "Ctrl+Shift+Z", "Ctrl+Y"))
        for action, can, text in ((self.undo_action, stack.canUndoChanged, stack.undoTextChanged),
                                  (self.redo_action, stack.canRedoChanged, stack.redoTextChanged)):
            action.setEnabled(False)
            can.connect(action.setEnabled)
            verb = action.text()
            text.connect(lambda what, a=action, v=verb: a.setToolTip(f"{v}: {what}" if what else v))
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.export_action = self._action("Export PDF…", "Ctrl+E", "Save the de-identified handout as a "
                                          "PDF", lambda: self.export_pdf())
        self.print_action = self._action("Print…", QKeySequence.StandardKey.Print, "Print the handout",
                                         lambda: self.print_handout())
        self.toolbar.addAction(self.export_action)
        self.toolbar.addAction(self.print_action)
        self.escape_action = self._action("Cancel", "Escape", "Deselect", lambda: self.canvas.select(None))

    def _tool_changed(self, name: str) -> None:
        action = self.tool_actions.get(Tool(name))
        if action is not None and not action.isChecked():
            action.setChecked(True)

    def _update_presets(self, shown: ShownImage) -> None:
        self.presets.clear()
        if shown.is_color:
            self.presets.addItem("Colour image", None)
            self.presets.setEnabled(False)
            return
        self.presets.setEnabled(True)
        self.presets.addItem("Window: as stored", None)
        if shown.modality.upper() == "CT":
            for name, window in CT_PRESETS.items():
                self.presets.addItem(f"{name} ({window.center:g}/{window.width:g})", window)

