"""The panel's toolbars: tool buttons, CT window presets and the actions, each with its shortcut.

Shortcuts work while the keyboard focus is inside the panel (never stealing a host viewer's keys);
text boxes keep their letters. The actions call the panel through the small :class:`Commands`
interface and follow the undo history through the :class:`PanelState`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from qtpy.QtCore import Qt
from qtpy.QtGui import QAction, QActionGroup, QKeySequence
from qtpy.QtWidgets import QComboBox, QToolBar, QWidget

from takehome.annotations.model import Window
from takehome.plugin.canvas import ImageCanvas, Tool
from takehome.plugin.images import ShownImage
from takehome.plugin.state import PanelState

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


class Commands(Protocol):
    """What the toolbar's actions ask the panel to do."""

    def toggle_key_image(self) -> None: ...
    def crop_to_view(self) -> None: ...
    def reset_crop(self) -> None: ...
    def delete_selected(self) -> None: ...
    def export_pdf(self) -> None: ...
    def print_handout(self) -> None: ...
    def choose_window(self, window: Window | None) -> None: ...


class PanelActions:
    """Builds the panel's actions into two toolbars: ``tools_bar`` (drawing tools and window presets)
    and ``toolbar`` (key image, crop, delete, undo/redo, export, print; hosts may add more)."""

    def __init__(self, owner: QWidget, state: PanelState, canvas: ImageCanvas, commands: Commands) -> None:
        self._owner = owner
        self._state = state
        self._canvas = canvas
        self.tools_bar = QToolBar(owner)
        self.toolbar = QToolBar(owner)
        self.tool_actions: dict[Tool, QAction] = {}
        group = QActionGroup(owner)
        group.setExclusive(True)
        for tool, text, key, tip in TOOLS:
            action = self._action(text, key, tip, self._tool_setter(tool))
            action.setCheckable(True)
            group.addAction(action)
            self.tools_bar.addAction(action)
            self.tool_actions[tool] = action
        self.tool_actions[Tool.SELECT].setChecked(True)
        self.tools_bar.addSeparator()
        self.presets = QComboBox(owner)
        self.presets.setToolTip("Brightness/contrast presets (CT); right-drag on the image to adjust")
        self.presets.activated.connect(lambda index: commands.choose_window(self.presets.itemData(index)))
        self.tools_bar.addWidget(self.presets)
        self.mark_action = self._action("Key image", "K", "Add the image on show to the handout, or take "
                                        "it out", commands.toggle_key_image)
        self.mark_action.setCheckable(True)
        self.toolbar.addAction(self.mark_action)
        self.crop_action = self._action("Crop to view", "C", "Print only the part of the image in view "
                                        "(zoom and pan first)", commands.crop_to_view)
        self.toolbar.addAction(self.crop_action)
        self.uncrop_action = self._action("Full image", "Shift+C", "Print the whole image again",
                                          commands.reset_crop)
        self.toolbar.addAction(self.uncrop_action)
        self.delete_action = self._action("Delete", None, "Delete the selected drawing",
                                          commands.delete_selected)
        self.delete_action.setShortcuts(key_sequences(QKeySequence.StandardKey.Delete, "Backspace"))
        self.toolbar.addAction(self.delete_action)
        history = state.undo_stack
        self.undo_action = self._action("Undo", None, "Undo", history.undo)
        self.undo_action.setShortcuts(key_sequences(QKeySequence.StandardKey.Undo))
        self.redo_action = self._action("Redo", None, "Redo", history.redo)
        self.redo_action.setShortcuts(key_sequences(QKeySequence.StandardKey.Redo, "Ctrl+Shift+Z", "Ctrl+Y"))
        for action in (self.undo_action, self.redo_action):
            self.toolbar.addAction(action)
        state.history_changed.connect(self._history_changed)
        self._history_changed()
        self.toolbar.addSeparator()
        self.export_action = self._action("Export PDF…", "Ctrl+E", "Save the de-identified handout as a "
                                          "PDF", commands.export_pdf)
        self.print_action = self._action("Print…", None, "Print the handout", commands.print_handout)
        self.print_action.setShortcuts(key_sequences(QKeySequence.StandardKey.Print))
        self.toolbar.addAction(self.export_action)
        self.toolbar.addAction(self.print_action)
        self.escape_action = self._action("Cancel", "Escape", "Deselect", lambda: canvas.select(None))
        canvas.tool_changed.connect(self._tool_changed)

    def _action(self, text: str, shortcut: str | None, tip: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self._owner)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            tip = f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        action.setToolTip(tip)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self._owner.addAction(action)
        return action

    def _tool_setter(self, tool: Tool) -> Callable[[], None]:
        return lambda: self._canvas.set_tool(tool)

    def _history_changed(self) -> None:
        history = self._state.undo_stack
        for action, verb, can, what in ((self.undo_action, "Undo", history.can_undo(), history.undo_text()),
                                        (self.redo_action, "Redo", history.can_redo(), history.redo_text())):
            action.setEnabled(can)
            action.setToolTip(f"{verb}: {what}" if what else verb)

    def _tool_changed(self, name: str) -> None:
        action = self.tool_actions.get(Tool(name))
        if action is not None and not action.isChecked():
            action.setChecked(True)

    def follow(self, is_key_image: bool, cropped: bool) -> None:
        """Follow the image on show: whether it is a key image, and whether it is cropped."""
        self.mark_action.setChecked(is_key_image)
        self.uncrop_action.setEnabled(cropped)

    def update_presets(self, shown: ShownImage) -> None:
        """The window presets that suit ``shown`` (CT: Hounsfield presets; colour: none)."""
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
