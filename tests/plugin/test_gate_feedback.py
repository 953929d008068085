"""What the clinician sees around the export gate: the refusal goes once fixed, the review dialog only
when something will be removed, and its button names what happens (Export or Print)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from pydicom.data import get_testdata_file
from qtpy.QtPrintSupport import QPrinter

from takehome.annotations.model import RedactionStatus
from takehome.plugin.deid_review import DeidReviewDialog

OCR_TIMEOUT = 60000


@pytest.fixture
def palette_study(tmp_path: Path) -> Path:
    """An ultrasound screen whose top banner shows the patient ID and the exam date (burned-in text)."""
    import shutil

    folder = tmp_path / "us-study"
    folder.mkdir()
    shutil.copy(get_testdata_file("examples_palette.dcm", download=False), folder / "us.dcm")
    return folder


def _refused_panel(make_panel, palette_study, qtbot, tmp_path):
    _host, panel = make_panel(palette_study)
    qtbot.waitUntil(lambda: len(panel.deid.displayed()) > 0, timeout=OCR_TIMEOUT)
    qtbot.keyClick(panel.canvas.view, "K")
    with qtbot.waitSignal(panel.deid.refused, timeout=OCR_TIMEOUT) as refused:
        panel.export_pdf(tmp_path / "handout.pdf")
    assert panel.messages.isVisible() and panel.messages.text() == refused.args[0]
    return panel


def test_the_refusal_goes_once_every_box_is_decided(make_panel, palette_study, qtbot, tmp_path) -> None:
    panel = _refused_panel(make_panel, palette_study, qtbot, tmp_path)
    assert panel.deid.dismiss_undecided() > 0
    assert not panel.messages.isVisible()
    panel.store.undo_stack.undo()  # undecided again: nothing claims it is fixed, the bar stays hidden
    assert not panel.messages.isVisible()


def test_the_refusal_stays_while_a_box_is_undecided(make_panel, palette_study, qtbot, tmp_path) -> None:
    panel = _refused_panel(make_panel, palette_study, qtbot, tmp_path)
    panel.store.edit(replace(panel.session, report_text="Liver normal."), "Edit report text")
    assert panel.messages.isVisible() and "neither redacted nor dismissed" in panel.messages.text()


def test_no_review_dialog_when_nothing_will_be_removed(make_panel, palette_study, qtbot, tmp_path) -> None:
    panel = _refused_panel(make_panel, palette_study, qtbot, tmp_path)
    image = panel.session.key_images[0]
    kept = tuple(replace(box, status=RedactionStatus.DISMISSED) for box in image.redactions)
    panel.store.edit(panel.session.replace_image(0, replace(image, redactions=kept)), "Keep all")
    opened: list[object] = []
    panel.deid.review_opened.connect(opened.append)
    out = tmp_path / "handout.pdf"
    with qtbot.waitSignal(panel.output.exported, timeout=OCR_TIMEOUT):
        panel.export_pdf(out)
    assert out.is_file() and opened == []


def test_the_review_dialog_button_says_print_when_printing(make_panel, palette_study, qtbot,
                                                           tmp_path) -> None:
    panel = _refused_panel(make_panel, palette_study, qtbot, tmp_path)
    panel.deid.dismiss_undecided()  # the ID stays proposed for redaction: there is something to review
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    with qtbot.waitSignal(panel.deid.review_opened, timeout=OCR_TIMEOUT) as opened:
        panel.print_handout(printer)
    dialog = opened.args[0]
    assert isinstance(dialog, DeidReviewDialog)
    assert dialog.export_button.text() == "Print"
    dialog.reject()
