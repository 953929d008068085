"""Drawing on the real canvas with real mouse gestures: shapes land at the right image coordinates."""

from __future__ import annotations

import pytest
from qtpy.QtCore import QPoint, QPointF, QRectF, Qt

from takehome.annotations.model import Point, ShapeKind, Window
from takehome.plugin.canvas import Tool

from .mouse import click, drag

TOLERANCE = 0.6  # image pixels: one screen pixel is ~0.2 image pixels at this zoom


def close(a: Point, b: Point) -> bool:
    return abs(a.x - b.x) <= TOLERANCE and abs(a.y - b.y) <= TOLERANCE


def draw(panel, tool: Tool, a: Point, b: Point) -> None:
    panel.canvas.set_tool(tool)
    canvas = panel.canvas
    drag(canvas.view.viewport(), canvas.image_to_widget(a), canvas.image_to_widget(b))


def overlays(panel):
    return panel.session.key_images[0].overlays if panel.session.key_images else ()


@pytest.mark.parametrize(("key", "kind"), [("A", ShapeKind.ARROW), ("L", ShapeKind.LINE),
                                           ("E", ShapeKind.ELLIPSE), ("R", ShapeKind.RECTANGLE)])
def test_drag_draws_shape_at_image_coordinates_and_label_is_typed(make_panel, qtbot, key, kind):
    _host, panel = make_panel()
    canvas = panel.canvas
    canvas.view.setFocus()
    qtbot.keyClick(canvas.view, key)  # the tool's shortcut
    assert canvas.tool.value == kind.value
    a, b = Point(10, 12), Point(52, 41)
    drag(canvas.view.viewport(), canvas.image_to_widget(a), canvas.image_to_widget(b))
    # drawing on an image that is not yet a key image makes it one
    assert len(panel.session.key_images) == 1
    (overlay,) = overlays(panel)
    assert overlay.kind is kind
    assert close(overlay.points[0], a) and close(overlay.points[1], b), overlay.points
    editor = canvas.label_editor
    assert editor is not None and editor.isVisible()
    qtbot.keyClicks(editor, "the cyst")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert overlays(panel)[0].label == "the cyst"
    assert canvas.label_editor is None


def test_text_tool_click_places_note(make_panel, qtbot):
    _host, panel = make_panel()
    canvas = panel.canvas
    canvas.set_tool(Tool.TEXT)
    click(canvas.view.viewport(), canvas.image_to_widget(Point(20, 30)))
    editor = canvas.label_editor
    assert editor is not None
    qtbot.keyClicks(editor, "Heart pumping normally")
    qtbot.keyClick(editor, Qt.Key.Key_Enter)
    (note,) = overlays(panel)
    assert note.kind is ShapeKind.TEXT and note.label == "Heart pumping normally"
    assert close(note.points[0], Point(20, 30))


def test_escape_leaves_shape_unlabelled_and_empty_note_is_dropped(make_panel, qtbot):
    _host, panel = make_panel()
    canvas = panel.canvas
    draw(panel, Tool.ARROW, Point(5, 5), Point(30, 30))
    qtbot.keyClicks(canvas.label_editor, "typed then cancelled")
    qtbot.keyClick(canvas.label_editor, Qt.Key.Key_Escape)
    assert overlays(panel)[0].label == ""
    canvas.set_tool(Tool.TEXT)
    click(canvas.view.viewport(), canvas.image_to_widget(Point(40, 40)))
    qtbot.keyClick(canvas.label_editor, Qt.Key.Key_Return)
    assert len(overlays(panel)) == 1


def test_line_shows_live_length_in_mm(make_panel, qtbot):
    _host, panel = make_panel()
    canvas = panel.canvas
    draw(panel, Tool.LINE, Point(10, 10), Point(50, 10))  # 40 px at 0.5 mm/px
    qtbot.keyClicks(canvas.label_editor, "size")
    qtbot.keyClick(canvas.label_editor, Qt.Key.Key_Return)
    (line,) = overlays(panel)
    text = canvas._items[line.id].text
    assert text.startswith("size (") and text.endswith(" mm)")
    assert abs(float(text.split("(")[1].split()[0]) - 20.0) <= 0.4


def test_tiny_drag_draws_nothing(make_panel):
    _host, panel = make_panel()
    canvas = panel.canvas
    canvas.set_tool(Tool.RECTANGLE)
    start = canvas.image_to_widget(Point(20, 20))
    drag(canvas.view.viewport(), start, start + type(start)(1, 0))
    assert panel.session.key_images == ()


def test_select_move_resize_delete_with_undo_redo(make_panel, qtbot):
    _host, panel = make_panel()
    canvas = panel.canvas
    draw(panel, Tool.RECTANGLE, Point(10, 10), Point(30, 30))
    qtbot.keyClick(canvas.label_editor, Qt.Key.Key_Escape)
    qtbot.keyClick(canvas.view, "V")
    assert canvas.tool is Tool.SELECT
    viewport = canvas.view.viewport()
    # move: grab the left edge, drag by (+10, +5)
    drag(viewport, canvas.image_to_widget(Point(10, 20)), canvas.image_to_widget(Point(20, 25)))
    (moved,) = overlays(panel)
    assert close(moved.points[0], Point(20, 15)) and close(moved.points[1], Point(40, 35))
    # resize: drag the bottom-right corner handle
    drag(viewport, canvas.image_to_widget(Point(40, 35)), canvas.image_to_widget(Point(60, 50)))
    (resized,) = overlays(panel)
    assert close(resized.points[0], Point(20, 15)) and close(resized.points[1], Point(60, 50))
    # delete the selected shape with the Delete key
    assert canvas.selected_id == resized.id
    qtbot.keyClick(canvas.view, Qt.Key.Key_Delete)
    assert overlays(panel) == ()
    # undo three times: delete, resize, move
    for expected in (resized, moved):
        qtbot.keyClick(canvas.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert overlays(panel) == (expected,)
    panel.toolbars.undo_action.trigger()
    assert close(overlays(panel)[0].points[0], Point(10, 10))
    panel.toolbars.undo_action.trigger()  # the drawing itself (which also marked the key image)
    assert panel.session.key_images == ()
    for _ in range(4):
        panel.toolbars.redo_action.trigger()
    assert overlays(panel) == ()
    assert canvas.overlays == ()


def test_double_click_edits_label_in_place(make_panel, qtbot):
    _host, panel = make_panel()
    canvas = panel.canvas
    draw(panel, Tool.ARROW, Point(10, 40), Point(40, 10))
    qtbot.keyClicks(canvas.label_editor, "old")
    qtbot.keyClick(canvas.label_editor, Qt.Key.Key_Return)
    canvas.set_tool(Tool.SELECT)
    click(canvas.view.viewport(), canvas.image_to_widget(Point(25, 25)), double=True)
    editor = canvas.label_editor
    assert editor is not None and editor.text() == "old"
    editor.selectAll()
    qtbot.keyClicks(editor, "the spot")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert overlays(panel)[0].label == "the spot"
    panel.toolbars.undo_action.trigger()
    assert overlays(panel)[0].label == "old"


def test_window_level_drag_and_presets(make_panel, qtbot):
    _host, panel = make_panel()
    canvas = panel.canvas
    qtbot.keyClick(canvas.view, "K")
    assert len(panel.session.key_images) == 1
    assert panel.session.key_images[0].window is None
    before = canvas.image_item.image.copy()
    viewport = canvas.view.viewport()
    drag(viewport, canvas.image_to_widget(Point(40, 30)), canvas.image_to_widget(Point(60, 20)),
         button=Qt.MouseButton.RightButton)
    window = panel.session.key_images[0].window
    assert window is not None and window.width > 400 and window.center < 40  # right: wider, up: brighter
    assert (canvas.image_item.image != before).any()
    # a CT preset
    presets = panel.toolbars.presets
    index = next(i for i in range(presets.count()) if presets.itemText(i).startswith("Lung"))
    presets.activated.emit(index)
    assert panel.session.key_images[0].window == Window(-600, 1500)
    panel.toolbars.undo_action.trigger()
    assert panel.session.key_images[0].window == window


def test_mark_key_image_shortcut_toggles(make_panel, qtbot):
    _host, panel = make_panel()
    qtbot.keyClick(panel.canvas.view, "K")
    assert len(panel.session.key_images) == 1
    assert panel.toolbars.mark_action.isChecked()
    qtbot.keyClick(panel.canvas.view, "K")
    assert panel.session.key_images == ()
    qtbot.keyClick(panel.canvas.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(panel.session.key_images) == 1


def test_crop_to_view_prints_what_is_zoomed(make_panel, qtbot):
    _host, panel = make_panel()
    canvas = panel.canvas
    canvas.viewbox.setRange(xRange=(32, 44), yRange=(20, 32), padding=0)
    qtbot.wait(10)
    x, y, width, height = canvas.visible_region()
    assert width < 80 and height < 64  # zoomed in
    qtbot.keyClick(canvas.view, "C")
    (image,) = panel.session.key_images  # cropping marks the key image
    crop = image.crop
    assert crop is not None
    assert abs(crop.x - x) <= 0.1 and abs(crop.y - y) <= 0.1
    assert abs(crop.width - width) <= 0.2 and abs(crop.height - height) <= 0.2
    assert canvas.crop_item.isVisible()
    qtbot.keyClick(canvas.view, "C", Qt.KeyboardModifier.ShiftModifier)
    assert panel.session.key_images[0].crop is None
    assert not canvas.crop_item.isVisible()
    panel.toolbars.undo_action.trigger()
    assert panel.session.key_images[0].crop == crop
    # the whole image in view: no crop
    canvas.viewbox.setRange(xRange=(-5, 85), yRange=(-5, 69), padding=0)
    qtbot.wait(10)
    panel.crop_to_view()
    assert panel.session.key_images[0].crop is None


def _label_rect(qtbot, canvas, shown, start: float, end: float) -> tuple[QRectF, QRectF, QPoint]:
    """(label, image, the line's right end) in the view's pixels for a labelled line at row 32."""
    from takehome.annotations.model import Overlay

    line = Overlay(ShapeKind.LINE, (Point(start, 32), Point(end, 32)), label="long label text",
                   color="#00e5ff")
    canvas.set_image(shown, (line,))
    qtbot.wait(20)
    item = canvas.item(line.id)
    path = item.label_path(item.deviceTransform(canvas.view.viewportTransform()))
    assert path is not None
    corner = canvas.image_to_widget(Point(shown.display.columns, shown.display.rows))
    image = QRectF(QPointF(canvas.image_to_widget(Point(0, 0))), QPointF(corner))
    return path.boundingRect(), image, canvas.image_to_widget(Point(end, 32))


def test_a_line_label_stays_inside_the_image_beside_its_line(qtbot, study_dir) -> None:
    from takehome.plugin.canvas import ImageCanvas
    from takehome.plugin.images import ImageLibrary
    from takehome.plugin.standalone import StandaloneHost, scan

    shown = ImageLibrary().show(StandaloneHost(scan([study_dir])).study_images()[0], None)
    canvas = ImageCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(320, 520)  # the image fills the width: beyond its right edge nothing is on screen
    canvas.show()
    qtbot.waitExposed(canvas)
    columns = shown.display.columns
    label, image, end = _label_rect(qtbot, canvas, shown, 8, 32)
    assert image.contains(label)
    assert label.left() > end.x() and label.top() < end.y() < label.bottom()  # right of the line's end
    label, image, end = _label_rect(qtbot, canvas, shown, columns - 24, columns)
    assert image.contains(label)  # moved inside, not cut off at the image's right edge
    assert label.bottom() <= end.y() + 2 and end.y() - label.bottom() < label.height()  # just above it
