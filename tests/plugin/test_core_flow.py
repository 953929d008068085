"""The core flow in the standalone viewer, as a clinician does it, with one image on screen.

Open a study, mark two key images, draw an arrow and a measured line with labels, attach two sentences,
preview, export; the PDF read back holds both images, the labels (the line with its length) and the
sentences.
"""

from __future__ import annotations

from qtpy.QtCore import Qt

from takehome.annotations.model import Point, ShapeKind
from takehome.plugin.canvas import ImageCanvas, Tool
from takehome.plugin.standalone.window import ViewerWindow

from .conftest import open_active, write_study
from .flow import attach_preview_export
from .mouse import drag


def _visible_canvases(window: ViewerWindow) -> list[ImageCanvas]:
    return [c for c in window.findChildren(ImageCanvas) if c.isVisible()]


def _draw(qtbot, canvas: ImageCanvas, tool: Tool, start: Point, end: Point, label: str) -> None:
    canvas.set_tool(tool)
    drag(canvas.view.viewport(), canvas.image_to_widget(start), canvas.image_to_widget(end))
    qtbot.keyClicks(canvas.label_editor, label)
    qtbot.keyClick(canvas.label_editor, Qt.Key.Key_Return)


def test_core_flow_in_the_standalone_viewer(window, qtbot, tmp_path) -> None:
    write_study(tmp_path / "study", images=5)
    window.resize(1280, 800)
    open_active(window, qtbot, tmp_path / "study")
    slices, panel = window.browser.slices, window.panel
    qtbot.waitUntil(lambda: slices.current() is not None, timeout=5000)
    canvas = slices.canvas
    assert _visible_canvases(window) == [canvas]  # one image on screen: the viewer's, which edits

    images = slices.series.images
    for index in (1, 3):  # mark two key images from the viewer (K)
        slices.show_index(index)
        qtbot.waitUntil(lambda index=index: slices.current() == images[index], timeout=5000)
        canvas.view.setFocus()
        qtbot.keyClick(canvas.view, "K")
    assert [k.sop_instance_uid for k in panel.session.key_images] == [images[1].sop_instance_uid,
                                                                      images[3].sop_instance_uid]

    # on the second key image: an arrow and a measured line, each labelled
    _draw(qtbot, canvas, Tool.ARROW, Point(8, 56), Point(60, 12), "the cyst")
    _draw(qtbot, canvas, Tool.LINE, Point(10, 30), Point(70, 30), "width")
    overlays = panel.session.key_images[1].overlays
    assert [(o.kind, o.label) for o in overlays] == [(ShapeKind.ARROW, "the cyst"), (ShapeKind.LINE, "width")]

    attach_preview_export(qtbot, panel, tmp_path / "handout.pdf")  # two sentences, preview, export
    assert _visible_canvases(window) == [canvas]
    window.grab().save(str(tmp_path / "core-flow.png"))
