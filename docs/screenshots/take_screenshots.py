"""Take the standalone viewer's screenshots of docs/ from the real window at 1280x800.

Run in a real X server (or Xvfb)::

    xvfb-run -a -s "-screen 0 1280x800x24" env QT_QPA_PLATFORM=xcb .venv/bin/python \
        docs/screenshots/take_screenshots.py

Opens the standalone viewer on the bundled sample study with the demo handout, pastes a report,
waits for the real preview, and saves the window (panel with the excerpts tab, then the preview
tab) and the first preview page.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPORT = """FINDINGS:
There is a 4 cm round lesion in the right lobe of the liver with the features of a simple cyst.
The spleen and kidneys are normal. The bones of the spine look normal, with no fracture.

IMPRESSION:
1. Simple liver cyst, which is usually harmless.
2. No follow-up imaging is needed."""


def main() -> int:
    os.environ.setdefault("TAKEHOME_DATA_DIR", tempfile.mkdtemp(prefix="takehome-shots-"))
    from qtpy.QtCore import Qt  # noqa: TID251 (a plugin tool kept with the docs)
    from qtpy.QtWidgets import QApplication  # noqa: TID251

    from takehome.handouts.sample import demo_session, sample_files
    from takehome.plugin.jobs import wait_for_jobs
    from takehome.plugin.qtimage import qimage_from_pixels
    from takehome.plugin.standalone.window import ViewerWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = ViewerWindow()
    window.resize(1280, 800)
    window.open_paths(sample_files(), seed=demo_session())
    window.show()
    browser = window.browser

    def on_screen() -> None:  # the viewer decodes off the GUI thread: wait until the image is shown
        slices = browser.slices
        deadline = time.monotonic() + 20
        while slices.series is not None and slices.current() != slices.series.images[slices.index] and (
                time.monotonic() < deadline):
            app.processEvents()
            time.sleep(0.01)

    from qtpy.QtTest import QTest  # noqa: TID251 (a plugin tool kept with the docs)

    from takehome.annotations.model import Point
    from takehome.plugin.canvas import Tool

    def drag_line(start: Point, end: Point) -> None:
        """The Line tool and a drag on the viewer's view, as the clinician does it."""
        canvas = panel.canvas
        canvas.set_tool(Tool.LINE)
        viewport = canvas.view.viewport()
        a, b = canvas.image_to_widget(start), canvas.image_to_widget(end)
        QTest.mousePress(viewport, Qt.MouseButton.LeftButton, pos=a)
        for k in range(1, 9):
            QTest.qWait(15)
            QTest.mouseMove(viewport, a + (b - a) * k / 8)
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=b)

    def row_of(modality: str) -> int:
        """The series list's row of the sample study's ``modality`` series."""
        return next(row for row in range(browser.series_list.count())
                    if modality in browser.series_list.item(row).text().split())

    browser.series_list.setCurrentRow(row_of("MR"))  # the MR with the arrow
    on_screen()
    panel = window.panel
    assert panel is not None
    editor = panel.excerpt_editor
    editor.report.setPlainText(REPORT)
    editor.flush()
    editor.tick(0, 3)
    first = panel.canvas.overlays[0]
    panel.canvas.select(first.id)
    done: list[object] = []
    panel.preview.updated.connect(done.append)
    panel.preview.failed.connect(done.append)
    panel.preview.request(panel.session)
    deadline = time.monotonic() + 60
    while not done and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    wait_for_jobs()
    for _ in range(20):
        app.processEvents()
    window.grab().save(str(HERE / "standalone-viewer.png"))
    panel.show_tab(panel.preview)
    for _ in range(20):
        app.processEvents()
    window.grab().save(str(HERE / "standalone-preview.png"))
    if panel.preview.result is not None:
        qimage_from_pixels(panel.preview.result.pages[0]).save(str(HERE / "preview-page.png"))
    # drawing a line and typing its label in place (the live length stays visible)
    panel.show_tab(panel.excerpt_editor)
    browser.series_list.setCurrentRow(row_of("CT"))
    on_screen()
    canvas = panel.canvas
    drag_line(Point(40, 60), Point(88, 60))
    if canvas.label_editor is not None:
        QTest.keyClicks(canvas.label_editor, "width of the bone")
    for _ in range(10):
        app.processEvents()
    panel.grab().save(str(HERE / "panel-label-editing.png"))
    if canvas.label_editor is not None:
        QTest.keyClick(canvas.label_editor, Qt.Key.Key_Escape)
    window.close()
    return 0 if done and panel.preview.result is not None else 1


if __name__ == "__main__":
    sys.exit(main())
