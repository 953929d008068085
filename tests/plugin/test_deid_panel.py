"""Redaction boxes in the real panel and the export gate, on a real ultrasound screen with burned-in text.

``examples_palette.dcm`` (pydicom's test files) shows the patient ID, the exam date and time in its
top banner. OCR runs for real (Tesseract); its result is cached by pixel content, so only the first
test pays for it.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file
from pypdf import PdfReader

from takehome.annotations.model import RedactionSource, RedactionStatus
from takehome.handouts.deid.ocr import read_words
from takehome.plugin.deid_review import DeidReviewDialog
from takehome.plugin.export import SUGGESTED_NAME

OCR_TIMEOUT = 60000


@pytest.fixture
def palette_study(tmp_path: Path) -> Path:
    folder = tmp_path / "us-study"
    folder.mkdir()
    shutil.copy(get_testdata_file("examples_palette.dcm", download=False), folder / "us.dcm")
    return folder


@pytest.fixture
def identifiers() -> tuple[str, ...]:
    ds = pydicom.dcmread(get_testdata_file("examples_palette.dcm", download=False))
    return (str(ds.PatientID), str(ds.StudyDate))


def shown_panel(make_panel, palette_study, qtbot):
    _host, panel = make_panel(palette_study)
    qtbot.waitUntil(lambda: len(panel.deid.displayed()) > 0, timeout=OCR_TIMEOUT)
    return panel


def audit_lines() -> list[dict[str, object]]:
    path = Path(os.environ["TAKEHOME_AUDIT_LOG"])
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def embedded_image(pdf: Path) -> np.ndarray:
    """The (first) key image as embedded in the PDF, as pixels."""
    page = PdfReader(pdf).pages[0]
    images = sorted(page.images, key=lambda i: i.image.width * i.image.height)
    return np.asarray(images[-1].image.convert("L"))


def test_proposed_boxes_appear_on_the_canvas(make_panel, palette_study, qtbot):
    panel = shown_panel(make_panel, palette_study, qtbot)
    boxes = panel.deid.displayed()
    redact = [b for b in boxes if b.status is RedactionStatus.REDACT]
    assert redact and all(b.source is RedactionSource.OCR for b in boxes)
    assert any(b.y < 60 and b.x < 300 and b.reason == "id" for b in redact)  # the ID in the banner
    items = [item for item in panel.canvas.viewbox.addedItems if item in
             {panel.deid.layer.item(b.id) for b in boxes}]
    assert len(items) == len(boxes) and all(item.isVisible() for item in items)
    # nothing is stored until the clinician acts: the image is not even a key image yet
    assert panel.session.key_images == ()
    grey = panel.canvas.view.grab().toImage()
    assert grey.width() > 0


def test_export_is_refused_while_text_is_undecided_then_written_redacted(
        make_panel, palette_study, qtbot, tmp_path, identifiers):
    panel = shown_panel(make_panel, palette_study, qtbot)
    qtbot.keyClick(panel.canvas.view, "K")
    out = tmp_path / SUGGESTED_NAME
    with qtbot.waitSignal(panel.deid.refused, timeout=OCR_TIMEOUT) as refused:
        panel.export_pdf(out)
    message = refused.args[0]
    assert "neither redacted nor dismissed" in message and "key image 1" in message
    assert "orange" in message and ("at the " in message or "in the middle" in message)
    assert message == panel.messages.text()
    assert "x=" not in message  # where the boxes are, in words: never pixel coordinates
    assert not out.exists() and audit_lines() == []
    stored = panel.session.key_images[0].redactions
    assert any(b.status is RedactionStatus.PENDING for b in stored)  # proposals now stored, undoable

    assert panel.deid.dismiss_undecided() > 0
    assert not any(b.status is RedactionStatus.PENDING for b in panel.session.key_images[0].redactions)
    with qtbot.waitSignal(panel.deid.review_opened, timeout=OCR_TIMEOUT) as opened:
        panel.export_pdf(out)
    dialog = opened.args[0]
    assert isinstance(dialog, DeidReviewDialog) and dialog.export_button.isEnabled()
    assert "filled" in dialog.pixels_label.text()
    with qtbot.waitSignal(panel.output.exported, timeout=OCR_TIMEOUT):
        dialog.export_button.click()
    assert out.is_file()
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    pixels = embedded_image(out)
    seen = " ".join(w.text for w in read_words(pixels))
    for value in identifiers:
        assert value not in text
        assert value not in seen.replace(" ", "")
    assert "142825" not in seen  # the ID's tail, however OCR splits it
    lines = audit_lines()
    assert len(lines) == 1 and lines[0]["action"] == "export" and lines[0]["redact_mode"] == "review"
    assert identifiers[0] not in json.dumps(lines[0])


def test_clinician_box_is_filled_in_the_export_and_undo_works(make_panel, palette_study, qtbot, tmp_path):
    panel = shown_panel(make_panel, palette_study, qtbot)
    proposed = len(panel.deid.displayed())
    with qtbot.waitSignal(panel.store.changed, timeout=5000):
        panel.deid.layer.add_box(340, 70, 220, 60)  # over the fan: what "Redact area" then a drag gives
    key = panel.session.key_images[0]  # the edit made the image a key image
    manual = [b for b in key.redactions if b.source is RedactionSource.MANUAL]
    assert len(manual) == 1 and len(key.redactions) == proposed + 1
    assert panel.autosaver.load().key_images[0].redactions == key.redactions  # autosaved at once
    qtbot.waitUntil(lambda: len(panel.deid.displayed()) == proposed + 1, timeout=5000)

    panel.store.undo_stack.undo()
    assert panel.session.key_images == ()
    qtbot.waitUntil(lambda: len(panel.deid.displayed()) == proposed, timeout=5000)
    panel.store.undo_stack.redo()
    qtbot.waitUntil(lambda: len(panel.deid.displayed()) == proposed + 1, timeout=5000)

    # move the box: one more undoable step, then undo puts it back where it was drawn
    box = manual[0]
    with qtbot.waitSignal(panel.store.changed, timeout=5000):
        panel.deid.layer.item(box.id).setPos((350, 80), finish=True)
    moved = next(b for b in panel.session.key_images[0].redactions if b.id == box.id)
    assert (moved.x, moved.y) == (350, 80)
    panel.store.undo_stack.undo()
    back = next(b for b in panel.session.key_images[0].redactions if b.id == box.id)
    assert (back.x, back.y) == (340, 70)

    panel.deid.dismiss_undecided()
    out = tmp_path / SUGGESTED_NAME
    with qtbot.waitSignal(panel.deid.review_opened, timeout=OCR_TIMEOUT) as opened:
        panel.export_pdf(out)
    with qtbot.waitSignal(panel.output.exported, timeout=OCR_TIMEOUT):
        opened.args[0].accept()
    pixels = embedded_image(out)
    rows, columns = pixels.shape
    sy, sx = rows / 350, columns / 800
    inside = pixels[int(73 * sy):int(127 * sy), int(343 * sx):int(557 * sx)]
    assert inside.max() < 16  # the bright fan under the box is filled, not outlined
    assert pixels[int(132 * sy):int(145 * sy), int(400 * sx):int(500 * sx)].max() > 40  # the fan below it
    assert pixels[int(150 * sy):int(260 * sy), 0:int(60 * sx)].max() > 200  # dismissed text stays


def test_print_goes_through_the_gate_and_is_audited(make_panel, palette_study, qtbot, tmp_path):
    from qtpy.QtPrintSupport import QPrinter

    panel = shown_panel(make_panel, palette_study, qtbot)
    qtbot.keyClick(panel.canvas.view, "K")
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    with qtbot.waitSignal(panel.deid.refused, timeout=OCR_TIMEOUT):
        panel.print_handout(printer)
    assert audit_lines() == []
    panel.deid.dismiss_undecided()
    with qtbot.waitSignal(panel.deid.review_opened, timeout=OCR_TIMEOUT) as opened:
        panel.print_handout(printer)
    with qtbot.waitSignal(panel.output.printed, timeout=OCR_TIMEOUT):
        opened.args[0].accept()
    lines = audit_lines()
    assert len(lines) == 1 and lines[0]["action"] == "print" and lines[0]["redact_mode"] == "review"


def test_redact_area_action_and_removing_a_detection_box_dismisses_it(make_panel, palette_study, qtbot):
    panel = shown_panel(make_panel, palette_study, qtbot)
    proposed = panel.deid.displayed()
    with qtbot.waitSignal(panel.store.changed, timeout=5000):
        panel.deid.redact_action.trigger()
    added = [b for b in panel.session.key_images[0].redactions if b.source is RedactionSource.MANUAL]
    assert len(added) == 1 and added[0].status is RedactionStatus.REDACT
    qtbot.waitUntil(lambda: len(panel.deid.displayed()) == len(proposed) + 1, timeout=5000)
    detected = next(b for b in panel.deid.displayed() if b.status is RedactionStatus.REDACT
                    and b.source is RedactionSource.OCR)
    menu = panel.deid.layer.item(detected.id).getMenu()
    remove = next(a for a in menu.actions() if a.text() == "Remove box")
    with qtbot.waitSignal(panel.store.changed, timeout=5000):
        remove.trigger()
    after = {b.id: b for b in panel.session.key_images[0].redactions}
    assert after[detected.id].status is RedactionStatus.DISMISSED  # the text is still there: shown as kept
    assert "dismissed" in panel.messages.text()
    qtbot.waitUntil(lambda: len(panel.deid.displayed()) == len(proposed) + 1, timeout=5000)  # no duplicate


def test_without_tesseract_export_fails_closed_with_a_clear_message(make_panel, qtbot, tmp_path, monkeypatch):
    from takehome.handouts.deid import ocr

    monkeypatch.setattr(ocr, "tessdata_dir", lambda: None)
    _host, panel = make_panel()
    qtbot.waitUntil(lambda: "could not be checked" in panel.messages.text(), timeout=10000)
    assert "Tesseract" in panel.messages.text()
    qtbot.keyClick(panel.canvas.view, "K")
    out = tmp_path / SUGGESTED_NAME
    with qtbot.waitSignal(panel.deid.refused, timeout=10000) as refused:
        panel.export_pdf(out)
    assert "Nothing was exported" in refused.args[0] and not out.exists()
    assert not panel.deid.detecting() and audit_lines() == []


def test_marking_an_image_starts_its_check(make_panel, palette_study, qtbot):
    """An image marked as a key image is checked at once, even when it is not on the canvas."""
    from takehome.annotations.model import KeyImage
    from takehome.plugin.edits import add_key_image

    ds = pydicom.dcmread(palette_study / "us.dcm")
    ds.SOPInstanceUID = pydicom.uid.generate_uid()
    ds.save_as(palette_study / "us-second.dcm")
    _host, panel = make_panel(palette_study)
    other = next(p for p in sorted(palette_study.glob("*.dcm")) if str(p) != panel.focus.file)
    ds = pydicom.dcmread(other, stop_before_pixels=True)
    marked = KeyImage(str(ds.SOPInstanceUID), str(other), int(ds.Rows), int(ds.Columns))
    with qtbot.waitSignal(panel.deid.detected, timeout=OCR_TIMEOUT,
                          check_params_cb=lambda state: state[0] == marked.sop_instance_uid):
        panel.store.edit(add_key_image(panel.session, marked), "Mark key image")
