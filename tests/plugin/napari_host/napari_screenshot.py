"""Screenshot of napari with the takehome panel docked (docs/screenshots/napari-panel.png).

Run in a real X server (or Xvfb)::

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python -m tests.plugin.napari_host.napari_screenshot \
        docs/screenshots/napari-panel.png docs/screenshots/napari-preview.png \
        docs/screenshots/napari-redactions.png

It writes a synthetic CT-like series (a phantom; no real patient), opens it with the takehome reader,
docks the panel from the Plugins menu entry, marks two slices (K), draws a labelled arrow
a measured line and a note on napari's canvas with the panel's tools and label box, attaches report
sentences, and grabs the whole window (then, if a second path is given, again with the Preview tab
showing the handout). A third path: a screen with fake identifiers burned into its banner, after
Export was refused for its undecided text, with one box kept visible and one undecided
(napari-redactions.png).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from pydicom.uid import generate_uid

from tests.conftest import make_dataset

REPORT = ("There is a simple cyst in the left kidney, about 2 cm across. It has thin walls and clear fluid. "
          "This is a common finding and needs no treatment. No other abnormality is seen.")


def phantom(slice_index: int, size: int = 256) -> np.ndarray:
    """Stored values (HU + 1024) of a body-like phantom slice: fat, soft tissue, spine, kidneys, a cyst."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float64)
    c = size / 2

    def ellipse(cx: float, cy: float, rx: float, ry: float) -> np.ndarray:
        return ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2 <= 1

    hu = np.full((size, size), -1000.0)
    hu[ellipse(c, c, 118, 92)] = -90  # subcutaneous fat
    hu[ellipse(c, c, 108, 82)] = 45  # soft tissue
    hu[ellipse(c, c + 45, 20, 18)] = 700  # vertebral body
    hu[ellipse(c, c + 45, 12, 10)] = 250
    hu[ellipse(c - 55, c + 25, 22, 30)] = 150  # kidneys (enhancing)
    hu[ellipse(c + 55, c + 25, 22, 30)] = 150
    hu[ellipse(c + 10, c - 30, 45, 30)] = 60  # liver-ish
    radius = max(0.0, 14 - abs(slice_index - 6) * 3)
    if radius:
        hu[ellipse(c + 62, c + 12, radius, radius)] = 5  # the cyst, largest on slice 7
    rng = np.random.default_rng(slice_index)
    hu += rng.normal(0, 8, hu.shape)
    return np.clip(hu + 1024, 0, 4095).astype(np.uint16)


def write_series(folder: Path, slices: int = 12) -> None:
    study, series = generate_uid(), generate_uid()
    for i in range(slices):
        ds = make_dataset(256, 256, pixels=phantom(i), spacing=(0.8, 0.8), identifiers=False)
        ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
        ds.SeriesNumber, ds.SeriesDescription = 2, "Abdomen (phantom)"
        ds.InstanceNumber = i + 1
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.ImagePositionPatient = [-102.4, -102.4, -5.0 * i]
        ds.save_as(folder / f"slice{i:02d}.dcm", enforce_file_format=True)


def burned_screen(folder: Path) -> None:
    """One 512x512 phantom screen with the fake patient's name, ID and date burned into a banner."""
    from PIL import Image, ImageDraw, ImageFont

    from tests.conftest import FAKE_PATIENT

    banner = Image.new("L", (512, 512), 0)
    draw = ImageDraw.Draw(banner)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 20)
    family, given = str(FAKE_PATIENT["PatientName"]).split("^")[:2]
    draw.text((12, 10), f"{family.upper()}, {given}", fill=255, font=font)
    draw.text((330, 10), "05/06/2024", fill=255, font=font)
    draw.text((12, 478), "C5-2  MI 0.9", fill=255, font=font)
    draw.text((330, 478), "GAIN 52  DR 60", fill=255, font=font)
    text = np.asarray(banner) > 127
    pixels = np.kron(phantom(6), np.ones((2, 2), dtype=np.uint16))
    pixels[:48] = pixels[468:] = 0
    pixels[text] = 4095
    ds = make_dataset(512, 512, pixels=pixels, spacing=(0.4, 0.4))
    ds.SeriesNumber, ds.SeriesDescription, ds.InstanceNumber = 5, "Screen (phantom)", 1
    ds.save_as(folder / "screen.dcm", enforce_file_format=True)


def main(out: str, preview_out: str = "", redactions_out: str = "") -> None:
    work = Path(tempfile.mkdtemp(prefix="takehome-napari-shot-"))
    os.environ.setdefault("TAKEHOME_DATA_DIR", str(work / "userdata"))
    folder = work / "study"
    folder.mkdir()
    write_series(folder)

    import napari
    from qtpy.QtCore import Qt
    from qtpy.QtTest import QTest
    from qtpy.QtWidgets import QApplication

    from takehome.annotations.model import Point
    from takehome.plugin.canvas import Tool
    from takehome.plugin.jobs import wait_for_jobs
    from takehome.plugin.napari_host.drawings import LAYER_NAME
    from takehome.plugin.napari_host.widget import DOCK_TITLE

    def settle(rounds: int = 20) -> None:
        for _ in range(rounds):
            QApplication.processEvents()

    viewer = napari.Viewer(show=True, title="napari — takehome")
    window = viewer.window._qt_window
    window.resize(1280, 800)
    viewer.open(str(folder), plugin="takehome")
    _dock, widget = viewer.window.add_plugin_dock_widget("takehome", DOCK_TITLE)
    viewer.dims.set_current_step(0, 2)  # an overview slice first: the first of two key images
    settle()
    widget.panel.toggle_key_image()
    viewer.dims.set_current_step(0, 6)  # the slice where the cyst is largest
    settle()
    panel = widget.panel
    panel.toggle_key_image()
    settle()
    drawings = viewer.layers[LAYER_NAME]

    def draw(tool: Tool, start: Point, end: Point, label: str) -> None:
        """The panel's tool, then the drag on napari's canvas (as napari adds it), then the label box."""
        panel.toolbars.tool_actions[tool].trigger()
        drawings.add_lines(np.array([[6, start.y - 0.5, start.x - 0.5], [6, end.y - 0.5, end.x - 0.5]]))
        box = widget.tools.label_box
        QTest.keyClicks(box, label)
        QTest.keyClick(box, Qt.Key.Key_Return)
        settle()

    draw(Tool.ARROW, Point(118, 50), Point(181, 125), "the cyst")
    draw(Tool.LINE, Point(176, 140), Point(204, 140), "")  # a measured line shows its length
    panel.toolbars.tool_actions[Tool.TEXT].trigger()  # a note: a click on napari's canvas, then its text
    widget.notes.layer.add(np.array([[6, 225.5, 60.5]]))
    QTest.keyClicks(widget.tools.label_box, "Kidneys: both normal size")
    QTest.keyClick(widget.tools.label_box, Qt.Key.Key_Return)
    panel.toolbars.tool_actions[Tool.SELECT].trigger()
    viewer.layers.selection.active = viewer.layers[0]
    editor = panel.excerpt_editor
    editor.report.setPlainText(REPORT)
    editor.flush()
    editor.tick(0, 2)
    QTest.mouseClick(editor.attach, Qt.MouseButton.LeftButton)
    viewer.reset_view()
    settle()
    wait_for_jobs()
    settle(40)
    grab(window, out)
    print(f"{out}: key images: {len(panel.session.key_images)}")
    if preview_out:
        panel.show_tab(panel.preview)
        deadline = time.monotonic() + 60
        while not panel.preview.page_labels and time.monotonic() < deadline:
            settle()
            time.sleep(0.05)
        wait_for_jobs()
        settle(40)
        grab(window, preview_out)
        print(f"{preview_out}: preview pages: {len(panel.preview.page_labels)}")
    wait_for_jobs()
    if redactions_out:  # in the same window (napari does not open a second viewer cleanly)
        viewer.window.remove_dock_widget(widget)
        viewer.layers.clear()
        screen = work / "screen"
        screen.mkdir()
        burned_screen(screen)
        redactions_shot(viewer, screen, redactions_out, settle)
    viewer.close()


def redactions_shot(viewer: Any, folder: Path, out: str, settle: Callable[..., None]) -> None:
    """napari after Export was refused: the burned-in text boxes on napari's canvas, one kept visible and
    one still undecided."""
    from takehome.annotations.model import RedactionStatus
    from takehome.plugin.jobs import wait_for_jobs
    from takehome.plugin.napari_host.widget import DOCK_TITLE

    window = viewer.window._qt_window
    viewer.open(str(folder), plugin="takehome")
    _dock, widget = viewer.window.add_plugin_dock_widget("takehome", DOCK_TITLE)
    panel = widget.panel
    deadline = time.monotonic() + 60
    while not panel.deid.displayed() and time.monotonic() < deadline:
        settle()
        time.sleep(0.05)
    panel.toggle_key_image()
    panel.export_pdf(Path(tempfile.mkdtemp()) / "handout.pdf")  # refused: undecided text
    while panel.deid.detecting() and time.monotonic() < deadline:
        settle()
        time.sleep(0.05)
    settle()
    layer = widget.redactions.layer
    boxes = panel.deid.displayed()
    pending = [row for row, box in enumerate(boxes) if box.status is RedactionStatus.PENDING]
    if len(pending) > 1:  # one left undecided (orange)
        layer.selected_data = {pending[-1]}
        widget.redactions.keep_action.trigger()  # one box decided: kept visible (grey)
        layer.selected_data = set()
    viewer.reset_view()
    wait_for_jobs()
    settle(40)
    grab(window, out)
    print(f"{out}: boxes: {sorted(b.status.value for b in panel.deid.displayed())}")


def grab(window: object, out: str) -> None:
    image = window.grab()  # type: ignore[attr-defined]
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    if not image.save(out):
        raise SystemExit(f"{out}: could not write the screenshot")


if __name__ == "__main__":
    main(*(sys.argv[1:4] if len(sys.argv) > 1 else ["docs/screenshots/napari-panel.png"]))
