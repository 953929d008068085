"""The standalone viewer (takehome-viewer): series browser, slice scrolling, panel docked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from qtpy.QtCore import QPoint, QPointF, Qt
from qtpy.QtGui import QImage, QWheelEvent
from qtpy.QtWidgets import QApplication

from takehome.handouts.sample import demo_session, sample_files
from takehome.plugin.host import Host
from takehome.plugin.standalone import StandaloneHost, scan

from .conftest import open_active, write_study


def wheel(widget, down: bool = True) -> None:
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(pos, QPointF(widget.mapToGlobal(pos.toPoint())), QPoint(0, 0),
                        QPoint(0, -120 if down else 120), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_scan_groups_series_in_slice_order_and_frames(tmp_path):
    write_study(tmp_path / "s", images=4, frames=5)
    (tmp_path / "s" / "notes.txt").write_text("not dicom")
    study = scan([tmp_path / "s"])
    assert [len(s.images) for s in study.series] == [4, 5]
    first = study.series[0].images
    assert [Path(r.file).name for r in first] == ["img01.dcm", "img02.dcm", "img03.dcm", "img04.dcm"]
    assert [r.frame for r in study.series[1].images] == [1, 2, 3, 4, 5]
    assert study.skipped == ((str(tmp_path / "s" / "notes.txt"), "not a DICOM file"),)
    assert isinstance(StandaloneHost(study), Host)


def test_opens_folder_with_series_browser_and_docked_panel(window, qtbot, tmp_path):
    write_study(tmp_path / "study", images=5, frames=3)
    window.open_paths([tmp_path / "study"])
    window.show()
    qtbot.waitExposed(window)
    browser = window.browser
    assert browser.series_list.count() == 2
    qtbot.waitUntil(lambda: not browser.series_list.item(1).icon().isNull(), timeout=5000)
    assert window.dock_widget is not None and window.dock_widget.widget() is window.panel
    panel = window.panel
    slices = browser.slices
    start = slices.index

    def on_screen(index: int) -> None:  # images are decoded off the GUI thread: wait for it
        wanted = slices.series.images[index]
        qtbot.waitUntil(lambda: slices.current() == wanted, timeout=5000)

    on_screen(start)
    assert panel.focus == window.host.current_image() == slices.current()
    # the wheel pages through the series; the panel follows
    wheel(slices.graphics.viewport(), down=True)
    assert slices.index == start + 1
    on_screen(start + 1)
    assert panel.focus == slices.current()
    assert panel.canvas.shown.key == (slices.current().sop_instance_uid, slices.current().frame)
    wheel(slices.graphics.viewport(), down=False)
    assert slices.index == start
    on_screen(start)
    # the multi-frame series: frames are images to scroll through
    browser.series_list.setCurrentRow(1)
    on_screen(1)
    assert slices.current().frame == 2  # opens in the middle
    qtbot.keyClick(slices, Qt.Key.Key_Down)
    on_screen(2)
    assert slices.current().frame == 3
    assert "frame 3 of 3" in slices.caption.text()
    assert panel.focus.frame == 3


def test_opens_the_sample_study_with_the_demo_handout(window, qtbot):
    window.open_paths(sample_files(), seed=demo_session())
    window.show()
    qtbot.waitExposed(window)
    assert window.browser.series_list.count() == len(sample_files())
    assert len(window.panel.session.key_images) == 3
    with qtbot.waitSignal(window.panel.preview.updated, timeout=30000):
        window.panel.excerpt_editor.report.setPlainText("Report.")
        window.panel.excerpt_editor.flush()


def test_missing_path_and_non_dicom_folder_show_messages(window, qtbot, tmp_path):
    window.open_paths([tmp_path / "nowhere"])
    assert window.panel.messages.level == "error"
    assert "no such file or folder" in window.panel.messages.text()
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.txt").write_text("hello")
    window.open_paths([junk])
    assert window.panel.messages.level == "error"
    assert "holds no DICOM files" in window.panel.messages.text()


def test_takehome_viewer_command_runs(tmp_path):
    write_study(tmp_path / "study", images=2)
    shot = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TAKEHOME_DATA_DIR=str(tmp_path / "data"))
    code = "import sys; from takehome.plugin.standalone import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "study"), "--screenshot", str(shot)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    image = QImage(str(shot))
    assert image.width() > 800 and image.height() > 500


def test_k_in_the_viewer_and_a_thumbnail_click_keep_viewer_and_panel_together(window, qtbot, tmp_path):
    write_study(tmp_path / "study", images=6)
    open_active(window, qtbot, tmp_path / "study")
    slices, panel = window.browser.slices, window.panel
    images = slices.series.images
    for index in (1, 4):
        slices.show_index(index)
        qtbot.waitUntil(lambda index=index: slices.current() == images[index], timeout=5000)
        slices.setFocus()
        qtbot.keyClick(slices, "K")  # in the viewer, not the panel
    assert [k.sop_instance_uid for k in panel.session.key_images] == [images[1].sop_instance_uid,
                                                                      images[4].sop_instance_uid]
    strip = panel.strip
    strip.itemClicked.emit(strip.item(0))  # the first thumbnail: the viewer goes there too
    qtbot.waitUntil(lambda: slices.current() == images[1], timeout=5000)
    assert panel.focus == images[1] == window.host.current_image()
    assert strip.currentRow() == 0


def test_the_viewer_view_is_the_editing_canvas(window, qtbot, tmp_path):
    from takehome.annotations.model import Point, ShapeKind

    from .mouse import drag

    write_study(tmp_path / "study", images=4)
    open_active(window, qtbot, tmp_path / "study")
    slices, panel = window.browser.slices, window.panel
    qtbot.waitUntil(lambda: slices.current() is not None, timeout=5000)
    canvas = slices.canvas
    assert panel.canvas is canvas and not panel.isAncestorOf(canvas)  # one image on screen
    canvas.view.setFocus()
    qtbot.keyClick(canvas.view, "A")  # the panel's tool keys work on the viewer's view
    drag(canvas.view.viewport(), canvas.image_to_widget(Point(10, 12)), canvas.image_to_widget(Point(50, 40)))
    qtbot.keyClicks(canvas.label_editor, "here")
    qtbot.keyClick(canvas.label_editor, Qt.Key.Key_Return)
    (image,) = panel.session.key_images
    assert image.sop_instance_uid == slices.current().sop_instance_uid
    assert [(o.kind, o.label) for o in image.overlays] == [(ShapeKind.ARROW, "here")]
    wheel(canvas.view.viewport(), down=True)  # the wheel pages; the drawing stays with its image
    qtbot.waitUntil(lambda: slices.current() == slices.series.images[slices.index], timeout=5000)
    assert canvas.overlays == ()
    wheel(canvas.view.viewport(), down=False)
    qtbot.waitUntil(lambda: slices.current() == slices.series.images[slices.index], timeout=5000)
    assert [o.label for o in canvas.overlays] == ["here"]


def test_a_long_folder_scan_shows_its_progress(window, qtbot, tmp_path, monkeypatch):
    from takehome.plugin.standalone import window as window_module

    write_study(tmp_path / "study", images=6)
    monkeypatch.setattr(window_module, "PROGRESS_AFTER_S", 0.0)  # as if every file took long
    bar = window.browser.slices.busy
    seen: list[str] = []
    shown = window_module.ScanProgress.__call__

    def progress(self, done: int, total: int) -> None:  # type: ignore[no-untyped-def]
        shown(self, done, total)
        if not bar.isHidden():
            seen.append(bar.text())

    monkeypatch.setattr(window_module.ScanProgress, "__call__", progress)
    window.open_paths([tmp_path / "study"])
    assert seen and seen[0].startswith("Reading the study:") and seen[0].endswith(" of 6 files")
    qtbot.waitUntil(lambda: window.browser.slices.current() is not None, timeout=5000)
    assert bar.isHidden() and bar.maximum() == 0  # back to a busy bar for decoding


def test_an_image_that_takes_long_to_decode_shows_a_busy_bar(window, qtbot, tmp_path, monkeypatch):
    import threading

    write_study(tmp_path / "study", images=3)
    release = threading.Event()
    real = window.library.show

    def slow(ref, *args, **kwargs):  # type: ignore[no-untyped-def]
        release.wait(10)
        return real(ref, *args, **kwargs)

    monkeypatch.setattr(window.library, "show", slow)
    window.open_paths([tmp_path / "study"])
    slices = window.browser.slices
    qtbot.waitUntil(lambda: not slices.busy.isHidden(), timeout=5000)  # after half a second
    assert slices.busy.format() == "Loading the image…" and slices.current() is None
    release.set()
    qtbot.waitUntil(lambda: slices.current() is not None and slices.busy.isHidden(), timeout=5000)
