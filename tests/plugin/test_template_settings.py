"""The template settings widget: locked settings read-only, open ones editable, choices reach the build."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from qtpy.QtWidgets import QCheckBox, QComboBox, QLineEdit

from takehome.handouts.build import build_pdf_bytes, session_from_files
from takehome.handouts.templates import SETTINGS
from takehome.plugin.template_settings import LOCK, TemplateSettings

from ..conftest import make_dataset  # noqa: TID252 (the shared fixtures module)


@pytest.fixture(autouse=True)
def no_user_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("TAKEHOME_DEPARTMENT_TEMPLATES", raising=False)


def test_locked_settings_are_read_only(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = TemplateSettings("large-print")
    qtbot.addWidget(widget)
    widget.show()
    for key in SETTINGS:
        editor = widget.editor(key)
        assert editor.isEnabled() is not widget.is_locked(key), key
    assert widget.is_locked("large_print") and widget.is_locked("images_per_page")
    assert not widget.is_locked("language")
    locked_box = widget.editor("large_print")
    assert isinstance(locked_box, QCheckBox) and locked_box.isChecked()
    assert "Set by the department" in locked_box.toolTip()
    labels = widget.row_labels()
    assert "Large print (locked)" in labels and "Language" in labels and LOCK == "(locked)"
    assert "large_print" not in widget.choices() and "images_per_page" not in widget.choices()


def test_choices_follow_edits_and_reach_the_handout(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    widget = TemplateSettings("standard")
    qtbot.addWidget(widget)
    language = widget.editor("language")
    assert isinstance(language, QComboBox)
    with qtbot.waitSignal(widget.choicesChanged, timeout=2000) as blocker:
        language.setCurrentIndex(language.findData("es"))
    assert blocker.args[0]["language"] == "es"
    per_page = widget.editor("images_per_page")
    assert isinstance(per_page, QComboBox)
    per_page.setCurrentIndex(per_page.findData(4))
    title = widget.editor("title")
    assert isinstance(title, QLineEdit)
    assert title.text() == "" and title.placeholderText() == "Los resultados de su prueba de imagen"
    qtbot.keyClicks(title, "Sus resultados (copia)")
    chosen = widget.chosen_template()
    assert chosen.language == "es" and chosen.images_per_page == 4
    path = tmp_path / "a.dcm"
    make_dataset().save_as(path, enforce_file_format=True)
    data, _, _ = build_pdf_bytes(session_from_files([path]), choices=widget.choices())
    text = pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Imagen 1 de 1" in text and "Sus resultados (copia)" in text


def test_department_lock_on_language(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    template = tmp_path / "spanish.toml"
    template.write_text('language = "es"\n[clinician]\nlocked = ["language", "title"]\n')
    widget = TemplateSettings(str(template))
    qtbot.addWidget(widget)
    assert not widget.editor("language").isEnabled() and not widget.editor("title").isEnabled()
    assert widget.chosen_template().language == "es"
    widget.set_template("standard")
    assert widget.editor("language").isEnabled()
    widget.resize(520, 420)
    widget.show()
    qtbot.waitExposed(widget)
    shot = widget.grab()
    assert not shot.isNull() and shot.width() > 200
