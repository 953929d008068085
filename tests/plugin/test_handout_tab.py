"""The Handout tab: template and settings chosen in the panel reach the preview, Export PDF and Print,
locked settings cannot be changed, and the choice is autosaved with the study."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from qtpy.QtCore import QPoint, Qt
from qtpy.QtPrintSupport import QPrinter
from qtpy.QtWidgets import QCheckBox, QComboBox, QLineEdit

from takehome.plugin.jobs import wait_for_jobs

from ..conftest import FAKE_PATIENT  # noqa: TID252 (the shared fixtures module)
from .test_output import render_pdf_file


@pytest.fixture(autouse=True)
def no_user_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("TAKEHOME_DEPARTMENT_TEMPLATES", raising=False)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def body_sizes(data: bytes) -> list[float]:
    """Font size (pt) of every text run on the handout."""
    sizes: list[float] = []
    for page in PdfReader(io.BytesIO(data)).pages:
        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
            if text.strip():
                sizes.append(size * abs(tm[3]) * abs(cm[3] or 1))
        page.extract_text(visitor_text=visit)
    return sizes


def mark_two_key_images(panel, host, qtbot) -> None:  # type: ignore[no-untyped-def]
    images = host.study_images()
    qtbot.keyClick(panel.canvas.view, "K")
    host.set_current(images[1])
    qtbot.keyClick(panel.canvas.view, "K")
    assert len(panel.session.key_images) == 2


def choose(combo: QComboBox, data: object) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def test_handout_tab_lists_templates_and_shows_the_standard_one(make_panel) -> None:  # type: ignore[no-untyped-def]
    _host, panel = make_panel()
    tabs = [panel.tabs.tabText(i) for i in range(panel.tabs.count())]
    assert tabs == ["Report excerpts", "Handout", "Preview"]
    names = [panel.handout.chooser.itemData(i) for i in range(panel.handout.chooser.count())]
    assert names[0] == "standard" and {"large-print", "compact", "letter"} <= set(names)
    assert panel.handout.chooser.currentData() == "standard"
    assert "(built-in)" in panel.handout.chooser.currentText()
    assert panel.session.template is None and panel.session.choices == {}


def test_large_print_and_spanish_reach_preview_export_and_print(make_panel, qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    host, panel = make_panel()
    mark_two_key_images(panel, host, qtbot)
    with qtbot.waitSignal(panel.preview.updated, timeout=30000) as blocker:
        pass
    before = blocker.args[0].pdf
    assert "Picture 1 of 2" in pdf_text(before) and min(body_sizes(before)) < 14
    panel.show_tab(panel.handout)
    settings = panel.handout.settings
    large = settings.editor("large_print")
    assert isinstance(large, QCheckBox) and large.isEnabled() and not large.isChecked()
    qtbot.mouseClick(large, Qt.MouseButton.LeftButton, pos=QPoint(7, large.height() // 2))  # on the box
    assert large.isChecked()
    language = settings.editor("language")
    assert isinstance(language, QComboBox)
    with qtbot.waitSignal(panel.preview.updated, timeout=30000) as blocker:
        choose(language, "es")
    assert panel.session.language == "es" and panel.session.template_choices == (("large_print", True),)
    title = settings.editor("title")
    assert isinstance(title, QLineEdit)  # no title typed: the default one, in Spanish, shows greyed
    assert title.text() == "" and title.placeholderText() == "Los resultados de su prueba de imagen"
    preview = blocker.args[0].pdf
    assert "Imagen 1 de 2" in pdf_text(preview) and "Picture 1 of 2" not in pdf_text(preview)
    assert min(body_sizes(preview)) >= 14 - 1e-6  # large print everywhere (overlay labels: none drawn)
    # Export PDF: the same handout
    out = tmp_path / "handout.pdf"
    with qtbot.waitSignal(panel.output.exported, timeout=30000):
        panel.export_pdf(out)
    exported = out.read_bytes()
    assert "Imagen 1 de 2" in pdf_text(exported) and min(body_sizes(exported)) >= 14 - 1e-6
    assert len(PdfReader(out).pages) == len(PdfReader(io.BytesIO(preview)).pages)
    # Print: one picture per page gives one printed page per key image
    per_page = settings.editor("images_per_page")
    assert isinstance(per_page, QComboBox)
    choose(per_page, 1)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    with qtbot.waitSignal(panel.output.printed, timeout=30000) as printed:
        panel.print_handout(printer)
    with qtbot.waitSignal(panel.output.exported, timeout=30000):
        panel.export_pdf(tmp_path / "one-per-page.pdf")
    exported_pages = len(PdfReader(tmp_path / "one-per-page.pdf").pages)
    assert printed.args[0] == exported_pages == len(render_pdf_file(tmp_path / "printed.pdf"))
    assert exported_pages > len(PdfReader(out).pages)
    # undo takes the last setting back, and the tab shows it
    panel.store.undo_stack.undo()
    assert dict(panel.session.template_choices) == {"large_print": True}
    assert per_page.currentData() == 2


def test_locked_settings_are_read_only_in_the_panel(make_panel, qtbot) -> None:  # type: ignore[no-untyped-def]
    _host, panel = make_panel()
    qtbot.keyClick(panel.canvas.view, "K")
    choose(panel.handout.chooser, "large-print")
    assert panel.session.template == "large-print"
    settings = panel.handout.settings
    large = settings.editor("large_print")
    assert isinstance(large, QCheckBox) and large.isChecked() and not large.isEnabled()
    assert not settings.editor("images_per_page").isEnabled()
    assert "Large print (locked)" in settings.row_labels()
    qtbot.mouseClick(large, Qt.MouseButton.LeftButton, pos=QPoint(7, large.height() // 2))  # on the box
    assert large.isChecked() and "large_print" not in panel.session.choices
    assert settings.editor("language").isEnabled()
    with qtbot.waitSignal(panel.preview.updated, timeout=30000) as blocker:
        choose(settings.editor("language"), "es")
    assert min(body_sizes(blocker.args[0].pdf)) >= 14 - 1e-6
    assert panel.messages.level != "error"


def test_department_template_with_locked_language(make_panel, qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    department = tmp_path / "department"
    department.mkdir()
    (department / "clinic-es.toml").write_text('language = "es"\ndescription = "Clínica"\n'
                                                '[clinician]\nlocked = ["language"]\n', encoding="utf-8")
    monkeypatch.setenv("TAKEHOME_DEPARTMENT_TEMPLATES", str(department))
    _host, panel = make_panel()
    qtbot.keyClick(panel.canvas.view, "K")
    language = panel.handout.settings.editor("language")
    choose(language, "en")  # an English handout on the standard template first ...
    choose(panel.handout.chooser, "clinic-es")  # ... then the department's Spanish-only template
    assert "(department)" in panel.handout.chooser.currentText()
    language = panel.handout.settings.editor("language")
    assert not language.isEnabled() and language.currentData() == "es"
    assert panel.session.template == "clinic-es" and panel.session.language is None
    with qtbot.waitSignal(panel.preview.updated, timeout=30000) as blocker:
        pass
    assert "Imagen 1 de 1" in pdf_text(blocker.args[0].pdf)


def test_choice_survives_autosave_and_recreate(make_panel, qtbot, data_dir) -> None:  # type: ignore[no-untyped-def]
    _host, panel = make_panel(managed=False)
    qtbot.keyClick(panel.canvas.view, "K")
    choose(panel.handout.chooser, "compact")
    language = panel.handout.settings.editor("language")
    choose(language, "es")
    title = panel.handout.settings.editor("title")
    assert isinstance(title, QLineEdit)
    title.selectAll()
    qtbot.keyClicks(title, "Sus imagenes de hoy")
    per_page = panel.handout.settings.editor("images_per_page")
    choose(per_page, 1)
    assert panel.session.choices == {"language": "es", "images_per_page": 1}
    assert panel.session.title == "Sus imagenes de hoy"
    assert panel.store.undo_stack.count() == 5  # key image, template, language, title typing (one step), 1
    saved = json.loads(Path(panel.autosaver.path).read_text(encoding="utf-8"))
    assert saved["template"] == "compact" and saved["language"] == "es"
    assert saved["title"] == "Sus imagenes de hoy" and saved["template_choices"] == {"images_per_page": 1}
    panel.close()
    panel.deleteLater()
    wait_for_jobs()
    qtbot.wait(20)
    _host2, again = make_panel()
    assert again.session.template == "compact" and again.session.language == "es"
    assert again.handout.chooser.currentData() == "compact"
    assert again.handout.settings.editor("language").currentData() == "es"
    assert again.handout.settings.editor("title").text() == "Sus imagenes de hoy"
    assert again.handout.settings.editor("images_per_page").currentData() == 1
    with qtbot.waitSignal(again.preview.updated, timeout=30000) as blocker:
        again.preview.request(again.session)
    assert "Sus imagenes de hoy" in pdf_text(blocker.args[0].pdf)


def test_unreachable_department_folder_is_reported(make_panel, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TAKEHOME_DEPARTMENT_TEMPLATES", str(tmp_path / "network-drive" / "templates"))
    _host, panel = make_panel()
    assert "network-drive" in panel.messages.text() and "not reachable" in panel.messages.text()
    assert panel.handout.settings.template.name == "standard"  # the panel works; the build says why not
    monkeypatch.delenv("TAKEHOME_DEPARTMENT_TEMPLATES")  # the drive is back
    panel.handout.reload_button.click()
    assert panel.handout.chooser.findData("large-print") >= 0


def test_a_typed_title_is_de_identified(make_panel, qtbot) -> None:  # type: ignore[no-untyped-def]
    _host, panel = make_panel()
    qtbot.keyClick(panel.canvas.view, "K")
    title = panel.handout.settings.editor("title")
    assert isinstance(title, QLineEdit)
    with qtbot.waitSignal(panel.preview.updated, timeout=30000) as blocker:
        qtbot.keyClicks(title, f"Scans for {FAKE_PATIENT['PatientName'].split('^')[1]} "
                               f"{FAKE_PATIENT['PatientName'].split('^')[0]}")
    text = pdf_text(blocker.args[0].pdf)
    assert "Scans for" in text and "[removed]" in text
    assert "Blackwood" not in text and "Eleanor" not in text
