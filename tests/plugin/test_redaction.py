"""Redaction boxes on a real pyqtgraph canvas and the "what will be removed" review dialog."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from pytestqt.qtbot import QtBot
from qtpy.QtCore import QPointF

from takehome.annotations.model import (
    Excerpt,
    KeyImage,
    Overlay,
    Point,
    Redaction,
    RedactionSource,
    RedactionStatus,
    Session,
    ShapeKind,
)
from takehome.handouts.deid import Identifiers
from takehome.plugin.deid_review import DeidReviewDialog
from takehome.plugin.redaction import RedactionLayer

UID = "1.2.826.0.1.3680043.8.498.11"


@pytest.fixture
def layer(qtbot: QtBot) -> tuple[pg.GraphicsLayoutWidget, RedactionLayer]:
    view = pg.GraphicsLayoutWidget()
    qtbot.addWidget(view)
    viewbox = view.addViewBox(invertY=True, lockAspect=True)
    image = pg.ImageItem(np.full((100, 200), 90, dtype=np.uint8), axisOrder="row-major")
    viewbox.addItem(image)
    redactions = RedactionLayer(viewbox)
    redactions.set_image_size(200, 100)
    view.resize(400, 240)
    view.show()
    qtbot.waitExposed(view)
    return view, redactions


def test_add_move_dismiss_remove(layer: tuple[pg.GraphicsLayoutWidget, RedactionLayer], qtbot: QtBot) -> None:
    _, redactions = layer
    with qtbot.waitSignal(redactions.changed, timeout=1000) as added:
        box = redactions.add_box(10, 5, 60, 15)
    assert added.args[0] == (box,) and box.source is RedactionSource.MANUAL
    item = redactions.item(box.id)
    with qtbot.waitSignal(redactions.changed, timeout=1000) as moved:
        item.setPos((20, 30), finish=True)  # what a drag ends with
    assert (moved.args[0][0].x, moved.args[0][0].y) == (20, 30)
    menu = redactions.item(box.id).getMenu()
    dismiss = next(a for a in menu.actions() if a.text().startswith("Dismiss"))
    with qtbot.waitSignal(redactions.changed, timeout=1000) as dismissed:
        dismiss.trigger()
    assert dismissed.args[0][0].status is RedactionStatus.DISMISSED
    remove = next(a for a in redactions.item(box.id).getMenu().actions() if a.text() == "Remove box")
    with qtbot.waitSignal(redactions.changed, timeout=1000) as removed:
        remove.trigger()
    assert removed.args[0] == ()


def test_boxes_stay_inside_the_image_and_pending_can_be_decided(
        layer: tuple[pg.GraphicsLayoutWidget, RedactionLayer]) -> None:
    _, redactions = layer
    box = redactions.add_box(180, 90, 100, 100)
    assert (box.x + box.width, box.y + box.height) == (200, 100)
    redactions.set_redactions((Redaction(1, 1, 5, 5, status="pending", source="ocr"),
                               Redaction(50, 1, 5, 5, status="pending", source="ocr")))
    assert redactions.pending() == 2
    assert redactions.decide_pending(RedactionStatus.DISMISSED) == 2 and redactions.pending() == 0
    assert redactions.box_at(QPointF(3, 3)) is not None and redactions.box_at(QPointF(150, 50)) is None


def test_redacted_boxes_are_filled_black_on_screen(layer: tuple[pg.GraphicsLayoutWidget, RedactionLayer],
                                                   qtbot: QtBot, tmp_path: object) -> None:
    view, redactions = layer
    redactions.set_redactions((Redaction(0, 0, 100, 50), Redaction(100, 50, 100, 50, status="dismissed")))
    qtbot.wait(50)
    shot = view.grab().toImage()
    grey = np.array([[shot.pixelColor(x, y).value() for x in range(0, shot.width(), 8)]
                     for y in range(0, shot.height(), 8)])
    assert (grey < 10).mean() > 0.1  # a quarter of the image is now black
    assert (np.abs(grey - 90) < 12).mean() > 0.2  # the rest still shows the image


def session() -> Session:
    image = KeyImage(UID, "a.dcm", 100, 200,
                     excerpts=(Excerpt("Seen by Dr. Parkinson on 05/06/2024: a 12 mm nodule."),),
                     overlays=(Overlay(ShapeKind.TEXT, (Point(5, 5),), label="Blackwood nodule"),),
                     redactions=(Redaction(1, 1, 5, 5, status="pending", source="ocr"),))
    return Session(key_images=(image,), title="Results")


def test_review_lists_pieces_and_keeps_one_at_a_time(qtbot: QtBot) -> None:
    ids = Identifiers(name_parts=frozenset({"Blackwood"}))
    dialog = DeidReviewDialog(session(), ids)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    wheres = [f.where for f in dialog.findings()]
    assert wheres == ["Picture 1, label 1", "Picture 1, excerpt 1"]
    excerpt = dialog.findings()[1]
    assert [excerpt.piece_text(p) for p in excerpt.pieces] == ["Parkinson", "05/06/2024"]
    assert dialog.preview_text(1) == "Seen by Dr. [removed] on [removed]: a 12 mm nodule."
    with qtbot.waitSignal(dialog.overrides_changed, timeout=1000) as changed:
        dialog.set_kept(1, 0, True)
    assert changed.args[0] == ("Parkinson",)
    assert dialog.preview_text(1) == "Seen by Dr. Parkinson on [removed]: a 12 mm nodule."
    assert dialog.session().text_overrides == ("Parkinson",)
    assert "undecided" in dialog.pixels_label.text() and not dialog.export_button.isEnabled()
    dialog.grab().save(str(__import__("pathlib").Path("/tmp") / "takehome-deid-review.png"))
