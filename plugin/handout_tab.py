"""The panel's "Handout" tab: the template the handout follows and the settings it lets clinicians change.

Templates are listed by name from every source (built-in, the user's folder, the department's folder;
same name: department beats user beats built-in). The tab only *reports* edits (``edited``); the panel
stores them in the session, so they are undoable, autosaved and used by the preview, Export PDF and
Print alike (the core's ``choose_template`` reads them from the session).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any

from qtpy.QtCore import Signal
from qtpy.QtWidgets import QComboBox, QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from takehome.annotations.errors import TakehomeError
from takehome.annotations.model import Session
from takehome.handouts.templates import DEFAULT_TEMPLATE, TemplateSource, available, load_template_file
from takehome.handouts.templates.sources import builtin_folder
from takehome.plugin.template_settings import TemplateSettings

_SOURCE_NAMES = {TemplateSource.BUILTIN: "built-in", TemplateSource.USER: "yours",
                 TemplateSource.DEPARTMENT: "department"}


def _same(current: Any, value: Any) -> bool:
    if isinstance(current, Enum):
        current = current.value
    return bool(current == value)


class HandoutTab(QWidget):
    """Template chooser plus the chosen template's settings (locked ones read-only)."""

    #: (template name, the choices that differ from the template's own values, language and title
    #: included: the panel keeps those two in ``Session.language`` and ``Session.title``)
    edited = Signal(str, dict)
    #: a clear message when a template cannot be listed or loaded
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._quiet = False
        self._name = DEFAULT_TEMPLATE
        self.chooser = QComboBox(self)
        self.chooser.setObjectName("handout-template")
        self.chooser.setToolTip("The department's templates set the look and the text every handout must "
                                "carry; some settings below may be locked by them.")
        self.reload_button = QPushButton("Reload templates", self)
        self.reload_button.setToolTip("Look again for templates in your folder and the department's folder.")
        self.reload_button.clicked.connect(self.reload_templates)
        # the built-in file, not a look-up by name: an unreachable department folder must not stop the panel
        self.settings = TemplateSettings(load_template_file(builtin_folder() / f"{DEFAULT_TEMPLATE}.toml",
                                                            TemplateSource.BUILTIN), self)
        self._listed = False
        intro = QLabel("The handout follows this template. Greyed-out settings are fixed by the department.",
                       self)
        intro.setWordWrap(True)
        top = QFormLayout()
        top.addRow("Template", self.chooser)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.reload_button)
        layout.addWidget(self.settings, 1)
        self.chooser.currentIndexChanged.connect(self._template_chosen)
        self.settings.choicesChanged.connect(self._settings_changed)

    @property
    def template_name(self) -> str:
        return self._name

    def reload_templates(self) -> None:
        """List the templates again (a department folder may have changed or come back online)."""
        try:
            entries = available()
        except TakehomeError as exc:  # e.g. the department folder is configured but not reachable
            self.failed.emit(f"The template list could not be read: {exc}")
            entries = {}
        self._listed = True
        quiet, self._quiet = self._quiet, True
        try:
            self.chooser.clear()
            for name in sorted(entries, key=lambda n: (n != DEFAULT_TEMPLATE, n)):
                self.chooser.addItem(f"{name} ({_SOURCE_NAMES[entries[name].source]})", name)
            self._select(self._name)
        finally:
            self._quiet = quiet

    def show_session(self, session: Session) -> None:
        """Show the template and the choices saved in ``session`` (without reporting an edit)."""
        if not self._listed:  # first call: listing may fail, and ``failed`` is connected by now
            self.reload_templates()
        name = session.template or DEFAULT_TEMPLATE
        saved = dict(session.choices)
        if session.title.strip():
            saved["title"] = session.title.strip()
        if name == self._name and self.changed_choices() == saved:
            return
        quiet, self._quiet = self._quiet, True
        try:
            self._select(name)
            if name != self._name:
                self._load(name)
            shown = {state.key: state.value.value if isinstance(state.value, Enum) else state.value
                     for state in self.settings.template.settings()}  # the template's own values ...
            shown["title"] = self.settings.template.title or ""  # (empty: the default title, translated)
            shown.update(saved)  # ... with the clinician's choices on top (undo goes back too)
            self.settings.set_choices(shown)
        finally:
            self._quiet = quiet

    def changed_choices(self) -> dict[str, Any]:
        """The shown choices that differ from the template's own values."""
        template = self.settings.template
        return {key: value for key, value in self.settings.choices().items()
                if not _same(template.setting_value(key), value)}

    def _select(self, name: str) -> None:
        index = self.chooser.findData(name)
        if index < 0:  # saved with a template that is not listed now: keep showing its name
            self.chooser.addItem(f"{name} (not found)", name)
            index = self.chooser.count() - 1
        self.chooser.setCurrentIndex(index)

    def _load(self, name: str) -> bool:
        try:
            self.settings.set_template(name)
        except TakehomeError as exc:
            self.failed.emit(f"The handout template {name!r} cannot be used: {exc}. Choose another template "
                             "in the Handout tab.")
            return False
        finally:
            self._name = name
        return True

    def _template_chosen(self, index: int) -> None:
        name = self.chooser.itemData(index)
        if self._quiet or not isinstance(name, str) or name == self._name:
            return
        language = self.changed_choices().get("language")
        quiet, self._quiet = self._quiet, True
        try:
            loaded = self._load(name)
            if loaded and language is not None and not self.settings.is_locked("language"):
                self.settings.set_choices({"language": language})  # the patient's language stays
        finally:
            self._quiet = quiet
        self.edited.emit(name, self.changed_choices() if loaded else {})

    def _settings_changed(self, _choices: Mapping[str, Any]) -> None:
        if not self._quiet:
            self.edited.emit(self._name, self.changed_choices())
