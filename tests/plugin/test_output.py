"""Preview, Export PDF and Print: the real PDF from the core, rendered back to pixels."""

from __future__ import annotations

import threading

import numpy as np
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader
from qtpy.QtCore import Qt
from qtpy.QtPrintSupport import QPrinter
from qtpy.QtWidgets import QPushButton

from takehome.annotations.model import Point
from takehome.plugin.canvas import Tool
from takehome.plugin.export import SUGGESTED_NAME
from takehome.plugin.jobs import Job, start_job, wait_for_jobs

from ..conftest import FAKE_PATIENT  # noqa: TID252 (the shared fixtures module)
from .mouse import drag


def yellow_pixels(rgb: np.ndarray) -> int:
    """Pixels of the arrow's colour (#ffd400): the test images themselves are grey."""
    r, g, b = (rgb[..., k].astype(int) for k in range(3))
    return int(((r > 200) & (g > 160) & (g < 235) & (b < 90)).sum())


def draw_labelled_arrow(panel, qtbot, label: str = "the cyst") -> None:
    canvas = panel.canvas
    canvas.set_tool(Tool.ARROW)
    drag(canvas.view.viewport(), canvas.image_to_widget(Point(8, 56)), canvas.image_to_widget(Point(60, 12)))
    qtbot.keyClicks(canvas.label_editor, label)
    qtbot.keyClick(canvas.label_editor, Qt.Key.Key_Return)


def render_pdf_file(path) -> list[np.ndarray]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [document[i].render(scale=100 / 72, rev_byteorder=True).to_numpy()[..., :3].copy()
                for i in range(len(document))]
    finally:
        document.close()


def test_preview_renders_the_handout_after_an_edit(make_panel, qtbot):
    _host, panel = make_panel()
    with qtbot.waitSignal(panel.preview.updated, timeout=30000) as blocker:
        draw_labelled_arrow(panel, qtbot)
    result = blocker.args[0]
    assert result.pdf.startswith(b"%PDF")
    assert len(panel.preview.page_labels) == len(result.pages) >= 1
    assert yellow_pixels(result.pages[0]) > 50
    assert "page" in panel.preview.status.text()


def test_preview_is_debounced_and_shows_only_the_newest(make_panel, qtbot):
    _host, panel = make_panel()
    seen = []
    panel.preview.updated.connect(lambda r: seen.append(r.generation))
    with qtbot.waitSignal(panel.preview.updated, timeout=30000):
        qtbot.keyClick(panel.canvas.view, "K")
        for word in ("one", "two", "three"):
            panel.excerpt_editor.report.setPlainText(word)
            panel.excerpt_editor.flush()
    wait_for_jobs()
    qtbot.wait(50)
    assert seen == [panel.preview._generation]  # one build, for the last edit


def test_export_writes_deidentified_pdf_with_the_overlay(make_panel, qtbot, tmp_path):
    _host, panel = make_panel()
    draw_labelled_arrow(panel, qtbot, "the cyst")
    panel.excerpt_editor.report.setPlainText(f"{FAKE_PATIENT['PatientName'].replace('^', ' ')} has a cyst.")
    panel.excerpt_editor.tick(0)
    panel.excerpt_editor.attach.click()
    out = tmp_path / "out" / SUGGESTED_NAME
    out.parent.mkdir()
    with qtbot.waitSignal(panel.output.exported, timeout=30000):
        panel.export_pdf(out)
    assert out.is_file()
    assert [p.name for p in out.parent.iterdir()] == [SUGGESTED_NAME]  # no temporary left behind
    pages = render_pdf_file(out)
    assert yellow_pixels(pages[0]) > 50
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    assert "the cyst" in text
    for value in ("Blackwood", "Eleanor", "MRN-4471902"):
        assert value not in text
    assert "saved" in panel.messages.text()


def test_suggested_name_has_no_identifier():
    assert SUGGESTED_NAME == "imaging-handout.pdf"


def test_export_cancel_writes_nothing(make_panel, qtbot, tmp_path):
    _host, panel = make_panel()
    qtbot.keyClick(panel.canvas.view, "K")
    wait_for_jobs()
    qtbot.waitUntil(lambda: not panel.deid.detecting(), timeout=30000)  # its result delivered too
    gate = threading.Event()
    blocker_job = Job(0, lambda job: gate.wait(10))
    start_job(blocker_job)  # keep the worker busy so the export is still queued when cancelled
    out = tmp_path / SUGGESTED_NAME
    with qtbot.waitSignal(panel.output.cancelled, timeout=30000):
        panel.export_pdf(out)
        assert panel.output.busy()
        panel.output.progress.findChild(QPushButton).click()  # the progress dialog's Cancel button
        gate.set()
    assert not out.exists()
    assert list(tmp_path.glob("*.partial")) == []
    assert "Cancelled" in panel.messages.text()


def test_export_to_unwritable_place_shows_message(make_panel, qtbot, tmp_path):
    _host, panel = make_panel()
    qtbot.keyClick(panel.canvas.view, "K")
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    with qtbot.waitSignal(panel.output.failed, timeout=30000):
        panel.export_pdf(blocked / "handout.pdf")
    assert panel.messages.level == "error"
    assert "handout.pdf" in panel.messages.text() or "a-file" in panel.messages.text()


def test_export_without_key_images_explains(make_panel, tmp_path):
    _host, panel = make_panel()
    panel.export_pdf(tmp_path / "x.pdf")
    assert "key image" in panel.messages.text()
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_print_paints_the_same_pages(make_panel, qtbot, tmp_path):
    _host, panel = make_panel()
    draw_labelled_arrow(panel, qtbot)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    target = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(target))
    with qtbot.waitSignal(panel.output.printed, timeout=30000) as blocker:
        panel.print_handout(printer)
    assert blocker.args[0] >= 1
    pages = render_pdf_file(target)
    assert len(pages) == blocker.args[0]
    assert yellow_pixels(pages[0]) > 50


def _when_modal(kind: type, act, attempts: int = 3000) -> None:
    """Run ``act(dialog)`` once a modal dialog of ``kind`` is up (gives up after ~60 s, closing it).

    The export's file dialog opens only after the handout was checked, which takes a while on a
    busy machine."""
    from qtpy.QtCore import QTimer
    from qtpy.QtWidgets import QApplication, QDialog

    def poll(left: int = attempts) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind):
            act(dialog)
        elif left > 0:
            QTimer.singleShot(20, lambda: poll(left - 1))
        else:  # never hang the suite: close whatever dialog is up, the test's asserts then fail
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, QDialog) and widget.isVisible():
                    widget.close()

    QTimer.singleShot(20, poll)


def test_export_dialog_suggests_a_name_without_identifiers(make_panel, qtbot, tmp_path):
    from qtpy.QtWidgets import QFileDialog

    _host, panel = make_panel()
    qtbot.keyClick(panel.canvas.view, "K")
    panel._export_dir = tmp_path
    seen: list[str] = []

    def answer(dialog) -> None:
        seen.append(dialog.selectedFiles()[0])
        qtbot.keyClick(dialog, Qt.Key.Key_Return)  # the Save button

    _when_modal(QFileDialog, answer)
    with qtbot.waitSignal(panel.output.exported, timeout=30000):
        panel.toolbars.export_action.trigger()
    assert seen == [str(tmp_path / SUGGESTED_NAME)]
    assert (tmp_path / SUGGESTED_NAME).is_file()


def test_print_dialog_cancelled_prints_nothing(make_panel, qtbot):
    from qtpy.QtPrintSupport import QPrintDialog

    _host, panel = make_panel()
    qtbot.keyClick(panel.canvas.view, "K")
    shown: list[bool] = []

    def close_it(dialog) -> None:
        shown.append(True)
        dialog.close()  # the window's close button: same as Cancel

    _when_modal(QPrintDialog, close_it)
    panel.toolbars.print_action.trigger()
    assert shown == [True]
    assert not panel.output.busy()


# ----- a department called "Radiology", patients whose names are ordinary words ---------------

def radiology_study(folder, name: str):
    import pydicom

    from .conftest import write_study

    paths = write_study(folder, images=1)
    for path in paths:
        ds = pydicom.dcmread(path)
        ds.PatientName = name
        ds.InstitutionalDepartmentName = "Radiology"
        ds.save_as(path, enforce_file_format=True)
    return folder


def attach_excerpt(panel, text: str) -> None:
    """The excerpt on the key image, as one undoable edit (the report box's own tests drive typing)."""
    from dataclasses import replace

    from takehome.annotations.model import Excerpt

    panel.store.edit_focus(lambda image: replace(image, excerpts=(Excerpt(text),)), "Edit excerpts")
    assert panel.session.key_images[0].excerpts


@pytest.mark.parametrize("name", ["Page^Will", "White^Scan", "Long^May", "May^Wall"])
def test_a_radiology_study_of_a_patient_named_like_a_word_exports_from_the_panel(
        name, make_panel, qtbot, tmp_path, monkeypatch):
    from qtpy.QtWidgets import QFileDialog

    asked: list[str] = []

    def save_as(_parent, _title, suggested, _filter):
        asked.append(suggested)
        return suggested, _filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)  # the real dialog: see the test above
    _host, panel = make_panel(radiology_study(tmp_path / "radiology", name))
    qtbot.keyClick(panel.canvas.view, "K")
    surname = name.split("^")[0]
    attach_excerpt(panel, f"Mr {surname} has a 2 cm cyst in the liver.")
    panel._export_dir = tmp_path
    with qtbot.waitSignal(panel.deid.review_opened, timeout=60000) as opened:
        panel.toolbars.export_action.trigger()  # the check runs first; the file dialog comes after the review
    assert asked == []  # no file dialog before the check and the review
    with qtbot.waitSignal(panel.output.exported, timeout=60000):
        opened.args[0].export_button.click()
    assert asked == [str(tmp_path / SUGGESTED_NAME)]
    text = "\n".join(page.extract_text() for page in PdfReader(tmp_path / SUGGESTED_NAME).pages)
    assert "has a 2 cm cyst in the liver." in text and f"Mr {surname}" not in text
    assert "radiology report" in text and "Page 1 of 1" in text
    assert "saved" in panel.messages.text()


def test_a_refusal_comes_before_the_file_dialog_and_names_the_place(make_panel, qtbot, tmp_path,
                                                                     monkeypatch):
    """Text that would reach the file unscrubbed (scrubbing switched off here) is refused as the
    clinician types (the preview) and again at Export, before any file dialog, by its place."""
    from qtpy.QtWidgets import QFileDialog

    import takehome.handouts.prepare as prepare
    from takehome.handouts.deid import ScrubResult

    dialogs: list[object] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (dialogs.append(args), ("", ""))[1])

    monkeypatch.setattr(prepare, "scrub_text", lambda text, *_args, **_kw: ScrubResult(text, ()))
    _host, panel = make_panel(radiology_study(tmp_path / "radiology", "Page^Will"))
    qtbot.keyClick(panel.canvas.view, "K")
    with qtbot.waitSignal(panel.preview.failed, timeout=60000) as typed:
        attach_excerpt(panel, "Mr Page has a cyst.")
    assert "excerpt 1 of picture 1 holds a header identifier (name)" in typed.args[0]
    assert "cannot be made" in panel.messages.text()
    with qtbot.waitSignal(panel.deid.review_opened, timeout=60000) as opened:
        panel.toolbars.export_action.trigger()
    with qtbot.waitSignal(panel.output.failed, timeout=60000) as failed:
        opened.args[0].export_button.click()
    message = failed.args[0]
    assert "excerpt 1 of picture 1 holds a header identifier (name)" in message
    assert "Mr Page" not in message and "x=" not in message
    qtbot.wait(100)
    assert dialogs == [] and not (tmp_path / SUGGESTED_NAME).exists()
