"""The key image strip: thumbnails with overlays, reorder, remove, click to show."""

from __future__ import annotations

from qtpy.QtCore import Qt

from takehome.annotations.model import Point
from takehome.plugin.canvas import Tool

from .mouse import drag


def mark_all(host, panel, qtbot):
    for ref in host.study_images()[:3]:
        host.set_current(ref)
        qtbot.keyClick(panel.canvas.view, "K")
    return [(r.sop_instance_uid, r.frame) for r in host.study_images()[:3]]


def test_strip_shows_thumbnails_with_overlays(make_panel, qtbot):
    _host, panel = make_panel()
    panel.canvas.set_tool(Tool.RECTANGLE)
    canvas = panel.canvas
    drag(canvas.view.viewport(), canvas.image_to_widget(Point(5, 5)), canvas.image_to_widget(Point(75, 60)))
    qtbot.keyClick(canvas.label_editor, Qt.Key.Key_Escape)
    assert panel.strip.count() == 1
    image = panel.strip.item(0).icon().pixmap(panel.strip.iconSize()).toImage()
    pink = sum(1 for x in range(image.width()) for y in range(image.height())
               if (c := image.pixelColor(x, y)).red() > 200 and c.green() < 120 and c.blue() > 120)
    assert pink > 20  # the rectangle (#ff4fa3) is drawn on the thumbnail


def test_reorder_by_drag_model_move_and_keys_and_remove(make_panel, qtbot):
    host, panel = make_panel()
    keys = mark_all(host, panel, qtbot)
    assert [k.key for k in panel.session.key_images] == keys
    # an internal drag-and-drop moves the row in the list model: the session follows
    panel.strip.model().moveRow(panel.strip.model().index(0, 0).parent(), 0,
                                panel.strip.model().index(0, 0).parent(), 3)
    assert [k.key for k in panel.session.key_images] == [keys[1], keys[2], keys[0]]
    assert panel.strip.keys() == [keys[1], keys[2], keys[0]]
    # keyboard: Ctrl+Left on the selected thumbnail
    panel.strip.setFocus()
    panel.strip.setCurrentRow(2)
    qtbot.keyClick(panel.strip, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert [k.key for k in panel.session.key_images] == [keys[1], keys[0], keys[2]]
    # Delete removes the current thumbnail's key image; undo brings it back
    panel.strip.setCurrentRow(0)
    qtbot.keyClick(panel.strip, Qt.Key.Key_Delete)
    assert [k.key for k in panel.session.key_images] == [keys[0], keys[2]]
    panel.toolbars.undo_action.trigger()
    assert [k.key for k in panel.session.key_images] == [keys[1], keys[0], keys[2]]


def test_click_on_thumbnail_shows_that_key_image(make_panel, qtbot):
    host, panel = make_panel()
    keys = mark_all(host, panel, qtbot)
    item = panel.strip.item(0)
    rect = panel.strip.visualItemRect(item)
    qtbot.mouseClick(panel.strip.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert panel.canvas.shown.key == keys[0]
    assert panel.focus.sop_instance_uid == keys[0][0]
