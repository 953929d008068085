"""The handout template's settings as the clinician sees them: open ones editable, locked ones read-only.

The department's template decides which settings a clinician may change (``Template.settings()``);
a locked setting shows its value greyed out, marked "(locked)", with the reason in a tooltip, so
nobody wonders why it cannot be changed. ``choices()`` is what the build takes (``choices=``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from qtpy.QtCore import Signal
from qtpy.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from takehome.annotations.errors import TakehomeError
from takehome.annotations.model import MAX_LABEL_LENGTH
from takehome.handouts.i18n import LANGUAGES
from takehome.handouts.templates import (
    IMAGES_PER_PAGE,
    ExcerptPosition,
    PageSize,
    SettingState,
    Template,
    resolve_template,
)

LOCK = "(locked)"
LOCKED_TIP = "Set by the department's template {name!r}; it cannot be changed here."

_OPTIONS: dict[str, list[tuple[str, Any]]] = {
    "language": [(f"{label} ({code})", code) for code, label in LANGUAGES.items()],
    "images_per_page": [(str(n), n) for n in IMAGES_PER_PAGE],
    "excerpt": [("below each picture", ExcerptPosition.BELOW.value),
                ("beside each picture", ExcerptPosition.BESIDE.value)],
    "page_size": [(p.value, p.value) for p in PageSize],
}
_BOOLEANS = {"large_print", "words_box", "questions"}


class TemplateSettings(QWidget):
    """A form of the template's settings; ``choicesChanged`` fires with ``choices()`` on every edit."""

    choicesChanged = Signal(dict)

    def __init__(self, template: Template | str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._template = resolve_template(template)
        self._editors: dict[str, QWidget] = {}
        self._states: dict[str, SettingState] = {}
        self._heading = QLabel()
        self._heading.setWordWrap(True)
        self._form = QFormLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self._heading)
        layout.addLayout(self._form)
        layout.addStretch(1)
        self.set_template(self._template)

    @property
    def template(self) -> Template:
        return self._template

    def set_template(self, template: Template | str | None) -> None:
        """Show another template's settings (its own values: earlier choices are dropped)."""
        self._template = resolve_template(template)
        while self._form.rowCount():
            self._form.removeRow(0)
        self._editors.clear()
        source = self._template.source.value
        self._heading.setText(f"Template: <b>{self._template.name}</b> ({source})"
                              + (f"<br>{self._template.description}" if self._template.description else ""))
        for state in self._template.settings():
            self._states[state.key] = state
            editor = self._make_editor(state)
            self._editors[state.key] = editor
            label = QLabel(f"{state.label} {LOCK}" if state.locked else state.label)
            row = QWidget()
            box = QHBoxLayout(row)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(editor, 1)
            if state.locked:
                tip = LOCKED_TIP.format(name=self._template.name)
                for widget in (label, editor, row):
                    widget.setToolTip(tip)
                box.addWidget(QLabel("set by the department"))
            self._form.addRow(label, row)
        self.choicesChanged.emit(self.choices())

    def _make_editor(self, state: SettingState) -> QWidget:
        value = state.value.value if hasattr(state.value, "value") else state.value
        editor: QWidget
        if state.key in _OPTIONS:
            combo = QComboBox()
            for text, data in _OPTIONS[state.key]:
                combo.addItem(text, data)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.currentIndexChanged.connect(self._changed)
            editor = combo
        elif state.key in _BOOLEANS:
            check = QCheckBox()
            check.setChecked(bool(value))
            check.toggled.connect(self._changed)
            editor = check
        elif state.key == "title":
            # empty unless the template sets its own title: the default shows greyed, in the chosen language
            line = QLineEdit(self._template.title or "")
            line.setPlaceholderText(str(value))
            line.setMaxLength(MAX_LABEL_LENGTH)
            line.textEdited.connect(self._changed)
            editor = line
        else:
            line = QLineEdit(str(value))
            line.textEdited.connect(self._changed)
            editor = line
        editor.setObjectName(f"setting-{state.key}")
        editor.setEnabled(not state.locked)
        return editor

    def _changed(self, *_: object) -> None:
        self._update_title_hint()
        self.choicesChanged.emit(self.choices())

    def _update_title_hint(self) -> None:
        """The default title as it will print, in the language chosen now."""
        title = self._editors.get("title")
        if isinstance(title, QLineEdit):
            with contextlib.suppress(TakehomeError):  # a clash with a lock is the build's to report
                title.setPlaceholderText(self.chosen_template().wording().title)

    def row_labels(self) -> list[str]:
        """The label of every row, as shown."""
        role = QFormLayout.ItemRole.LabelRole
        labels = []
        for i in range(self._form.rowCount()):
            item = self._form.itemAt(i, role)
            widget = item.widget() if item is not None else None
            if isinstance(widget, QLabel):
                labels.append(widget.text())
        return labels

    def is_locked(self, key: str) -> bool:
        return self._states[key].locked

    def editor(self, key: str) -> QWidget:
        return self._editors[key]

    def choices(self) -> dict[str, Any]:
        """The clinician's choices on open settings (locked ones are the template's and left out)."""
        out: dict[str, Any] = {}
        for key, editor in self._editors.items():
            if self._states[key].locked:
                continue
            if isinstance(editor, QComboBox):
                out[key] = editor.currentData()
            elif isinstance(editor, QCheckBox):
                out[key] = editor.isChecked()
            elif isinstance(editor, QLineEdit):
                text = editor.text().strip()
                if text and text != self._states[key].value:
                    out[key] = text
        return out

    def set_choices(self, choices: Mapping[str, Any]) -> None:
        """Show saved choices on the open settings (locked and unknown ones keep the template's value)."""
        for key, value in choices.items():
            editor = self._editors.get(key)
            if editor is None or self._states[key].locked or value is None:
                continue
            editor.blockSignals(True)
            try:
                if isinstance(editor, QComboBox):
                    index = editor.findData(value)
                    if index >= 0:
                        editor.setCurrentIndex(index)
                elif isinstance(editor, QCheckBox):
                    editor.setChecked(bool(value))
                elif isinstance(editor, QLineEdit):
                    editor.setText(str(value))
            finally:
                editor.blockSignals(False)
        self._update_title_hint()
        self.choicesChanged.emit(self.choices())

    def chosen_template(self) -> Template:
        """The template with the choices applied (what the handout will be built with)."""
        return self._template.with_choices(self.choices())
