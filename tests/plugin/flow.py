"""The second half of the core flow, the same in every host: attach two sentences, preview, export, and
read the PDF back."""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader
from qtpy.QtCore import Qt

from tests.plugin.test_output import render_pdf_file, yellow_pixels

REPORT = "There is a 4 cm round cyst in the right lobe of the liver. The spleen is normal. No fluid."


def attach_preview_export(qtbot, panel, out: Path) -> None:  # type: ignore[no-untyped-def]
    """Attach the report's first two sentences to the key image on show (its second), wait for the
    preview, export to ``out``; the PDF holds the arrow, the labels (the line with its length) and only
    the attached sentences."""
    editor = panel.excerpt_editor
    editor.report.setPlainText(REPORT)
    editor.flush()
    editor.tick(0, 1)
    qtbot.mouseClick(editor.attach, Qt.MouseButton.LeftButton)
    assert [e.text for e in panel.session.key_images[1].excerpts] == [
        "There is a 4 cm round cyst in the right lobe of the liver.", "The spleen is normal."]

    panel.show_tab(panel.preview)
    qtbot.waitUntil(lambda: panel.preview.result is not None
                    and panel.preview.result.generation == panel.preview._generation, timeout=60000)
    assert yellow_pixels(panel.preview.result.pages[0]) > 50

    with qtbot.waitSignal(panel.output.exported, timeout=60000):
        panel.export_pdf(out)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(out).pages)
    assert "the cyst" in text
    assert re.search(r"width \(\d+(\.\d+)? mm\)", text), text  # the line's label with its length
    assert "round cyst in the right lobe of the liver" in text and "spleen is normal" in text
    assert "No fluid" not in text  # only what was attached
    assert any(yellow_pixels(page) > 50 for page in render_pdf_file(out))
