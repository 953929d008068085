"""The message bar: readable under a host's dark theme, and no stale warning once a study arrives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from qtpy.QtGui import QImage
from qtpy.QtWidgets import QVBoxLayout, QWidget

from takehome.plugin.messages import MessageBar
from takehome.plugin.panel import NO_IMAGES, TakehomePanel
from takehome.plugin.standalone import StandaloneHost, Study, scan

from .conftest import write_study

#: What napari's dark theme does to every widget (white text on a dark grey)
DARK_THEME = ("QWidget { color: white; background-color: #262930; } "
              "QLabel { color: #f0f1f2; } QToolButton { color: white; }")


def _luminance(image: QImage) -> np.ndarray:
    """WCAG relative luminance (0..1) of each pixel."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())  # type: ignore[call-overload]
    rgb = data.reshape(height, image.bytesPerLine() // 4, 4)[:, :width, 2::-1].astype(float) / 255
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def test_message_text_is_dark_on_light_under_a_dark_theme(qtbot) -> None:  # type: ignore[no-untyped-def]
    host_window = QWidget()
    host_window.setStyleSheet(DARK_THEME)
    qtbot.addWidget(host_window)
    bar = MessageBar(host_window)
    QVBoxLayout(host_window).addWidget(bar)
    host_window.resize(520, 80)
    host_window.show()
    qtbot.waitExposed(host_window)
    for level in ("warning", "error", "info"):
        bar.show_message("This study has no images to show. Open a study that holds DICOM images.", level)
        qtbot.wait(10)
        label = bar.findChild(QWidget, "takehome-message-text")
        assert label is not None and label.isVisible()
        light = _luminance(bar.grab(label.geometry()).toImage())  # the label as painted on the bar
        background = float(np.median(light))
        darkest = float(light.min())
        assert background > 0.7, (level, background)  # the bar's light tint, not the theme's grey
        # glyphs are dark: contrast between text and background well above WCAG's 4.5:1
        contrast = (background + 0.05) / (darkest + 0.05)
        assert contrast > 7, (level, darkest, contrast)
        # many text pixels are dark, not white on the tint: a light theme colour fails here
        assert (light < 0.2).sum() > 50, level


def test_no_images_warning_goes_once_the_study_loads(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    host = StandaloneHost(Study(()))
    panel = TakehomePanel(host)  # docked before any study is open (napari before File > Open)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.messages.isVisible() and panel.messages.text() == NO_IMAGES
    write_study(tmp_path / "study", images=2)
    host.study = scan([tmp_path / "study"])  # the viewer opens a study: its first image is shown
    host.set_current(host.study.images[0])
    assert panel.canvas.shown is not None
    assert not panel.messages.isVisible() and panel.messages.text() == ""
    # an unrelated message is not cleared by a later reload
    panel.messages.show_message("Handout saved.", "info")
    panel.reload_study()
    assert panel.messages.text() == "Handout saved."


def test_a_longer_message_does_not_move_the_panel_below(make_panel, qtbot) -> None:  # type: ignore[no-untyped-def]
    _host, panel = make_panel()
    panel.messages.show_message("Saved.", "info")
    qtbot.wait(10)
    before = panel.canvas.mapTo(panel, panel.canvas.rect().topLeft()), panel.canvas.size()
    long = " ".join(["Export refused: key image 1 has 3 text region(s) neither redacted nor dismissed."] * 8)
    panel.messages.show_message(long, "error")
    qtbot.wait(10)
    after = panel.canvas.mapTo(panel, panel.canvas.rect().topLeft()), panel.canvas.size()
    assert after == before
    assert panel.messages.text() == long  # all of it is there (the bar scrolls), nothing cut
