"""Burned-in text boxes of the image in focus as a napari Shapes layer ("takehome redactions"), both ways.

The panel's de-identification (:class:`~takehome.plugin.deid_panel.DeidController`) sets the boxes of
the image in focus; they are drawn on its slice: to be blacked out (filled black, red edge: what the
patient sees), undecided (orange edge, light orange face) and kept visible (grey edge), each with its
word. Moving or resizing a box, deleting it (detected text is then kept visible, a drawn box goes) or
drawing a rectangle (a new box to black out) in napari comes back as one undoable edit; the selected
boxes are decided with "Black out selected" (``B``) and "Keep selected visible" (``V``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import numpy as np
from numpy.typing import NDArray
from qtpy.QtCore import QObject
from qtpy.QtGui import QAction

from takehome.annotations.model import Redaction, RedactionSource, RedactionStatus
from takehome.plugin.host import ImageRef
from takehome.plugin.napari_host.host import NapariHost
from takehome.plugin.napari_host.owned import OwnedLayer
from takehome.plugin.redaction import RedactionBoxes
from takehome.plugin.state import PanelState

LAYER_NAME = "takehome redactions"
#: napari puts pixel centres on whole coordinates, the model on half ones
_HALF = 0.5
#: (edge, face RGBA) of each status: black is what the patient sees; napari draws no dashed edges
_COLOURS: dict[RedactionStatus, tuple[str, tuple[float, float, float, float]]] = {
    RedactionStatus.REDACT: ("#ff3b30", (0.0, 0.0, 0.0, 1.0)),
    RedactionStatus.PENDING: ("#ff9500", (1.0, 0.58, 0.0, 0.25)),
    RedactionStatus.DISMISSED: ("#bbbbbb", (0.0, 0.0, 0.0, 0.0)),
}
#: the word shown on each box
WORDS = {RedactionStatus.REDACT: "will be blacked out", RedactionStatus.PENDING: "undecided",
         RedactionStatus.DISMISSED: "kept visible"}
#: napari's keys on the layer: black out / keep visible the selected boxes
BLACK_OUT_KEY = "B"
KEEP_KEY = "V"


class NapariRedactions(OwnedLayer, RedactionBoxes):
    """The de-identification's boxes on napari's canvas (a :class:`takehome.plugin.redaction.BoxLayer`)."""

    decide_hint = (f"Select the orange boxes on napari's image (layer \"{LAYER_NAME}\") and press Black out "
                   f"selected ({BLACK_OUT_KEY}) or Keep selected visible ({KEEP_KEY})")

    def __init__(self, host: NapariHost, state: PanelState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._host = host
        self._state = state
        self._layer: Any | None = None
        self._image: ImageRef | None = None  # the image the boxes belong to
        self._visible = True
        self._writing = False
        self._closed = False
        self.black_out_action = self._action("Black out selected", BLACK_OUT_KEY, RedactionStatus.REDACT,
                                             "Fill the boxes selected on napari's image black in the handout")
        self.keep_action = self._action("Keep selected visible", KEEP_KEY, RedactionStatus.DISMISSED,
                                        "Print the text under the boxes selected on napari's image as it is")
        state.focus_changed.connect(self._focus_changed)

    def _action(self, text: str, key: str, status: RedactionStatus, tip: str) -> QAction:
        action = QAction(text, self)
        action.setToolTip(f"{tip} (key {key} on napari's image)")
        action.triggered.connect(lambda _checked=False: self.decide_selected(status))
        return action

    # ----- the panel tells the layer -----
    def set_image_size(self, columns: int, rows: int) -> None:
        super().set_image_size(columns, rows)
        self._ensure_layer()  # an image is shown: the clinician may draw boxes on it

    def set_redactions(self, boxes: Iterable[Redaction]) -> None:
        self._image = self._state.focus
        super().set_redactions(boxes)

    def set_visible(self, visible: bool) -> None:
        self._visible = visible
        if self._layer is not None:
            self._layer.visible = visible

    def add_box(self, x: float, y: float, width: float, height: float) -> Redaction:
        box = super().add_box(x, y, width, height)
        self._select({box.id})  # ready to move
        return box

    def activate(self) -> None:
        """Make the layer napari's active one, shown and in select mode, so its boxes are seen."""
        layer = self._ensure_layer()
        if layer is None:
            return
        self.set_visible(True)
        self._host.viewer.layers.selection.active = layer
        layer.mode = "select"

    def decide_selected(self, status: RedactionStatus) -> int:
        """Set the boxes selected in napari to ``status`` (one undoable edit); how many changed."""
        ids = self.selected_ids()
        if not ids:
            self._state.say(f"Select text boxes on napari's image first (layer \"{LAYER_NAME}\", "
                            "select mode).", "warning")
            return 0
        return self.decide(ids, status)

    def selected_ids(self) -> set[str]:
        layer = self._layer
        if layer is None or layer not in self._host.viewer.layers:
            return set()
        ids = list(layer.features["box"]) if "box" in layer.features else []
        return {str(ids[row]) for row in layer.selected_data if row < len(ids) and ids[row]}

    def close(self) -> None:
        """Take the layer off napari's canvas for good (the panel closes: the boxes are in the session)."""
        self._closed = True
        super().close()

    # ----- drawing -----
    def _ensure_layer(self) -> Any | None:
        """The layer, made (just above the image layer) when missing or of another dimension."""
        source = self._host.source_layer()
        if source is None or self._closed:
            return None
        layer = self._layer
        viewer = self._host.viewer
        if layer is not None and layer in viewer.layers and int(layer.ndim) == int(source.ndim):
            if tuple(layer.scale) != tuple(source.scale):
                layer.scale = tuple(source.scale)
            return layer
        self._writing = True
        try:
            if layer is not None and layer in viewer.layers:
                viewer.layers.remove(layer)
            active = viewer.layers.selection.active
            layer = viewer.add_shapes(name=LAYER_NAME, ndim=int(source.ndim), scale=tuple(source.scale),
                                      edge_width=2, opacity=1.0, visible=self._visible)  # black is black
            viewer.layers.move(viewer.layers.index(layer), viewer.layers.index(source) + 1)
            viewer.layers.selection.active = active if active is not None else source
        finally:
            self._writing = False
        layer.events.data.connect(self._layer_changed)
        for key, status in ((BLACK_OUT_KEY, RedactionStatus.REDACT), (KEEP_KEY, RedactionStatus.DISMISSED)):
            layer.bind_key(key, self._decider(status), overwrite=True)
        self._layer = layer
        self._draw()
        return layer

    def _decider(self, status: RedactionStatus) -> Callable[[Any], None]:
        def decide(_layer: Any) -> None:
            self.decide_selected(status)
        return decide

    def _slice(self) -> int | None:
        """The slice index of the boxes' image in the image layer on show (None: not on show)."""
        source, image = self._host.source_layer(), self._image
        if source is None or image is None or image != self._state.focus:
            return None
        refs = self._host.slices(source)
        return refs.index(image) if image in refs else None

    def _draw(self) -> None:
        layer = self._layer
        if layer is None or layer not in self._host.viewer.layers:
            return
        index = self._slice()
        boxes = self._boxes if index is not None else ()
        selected = self.selected_ids()
        lead = (index,) if index is not None and int(layer.ndim) == 3 else ()
        shapes = [_corners(box, lead) for box in boxes]
        self._writing = True
        try:
            layer.data = []
            if shapes:
                layer.add(shapes, shape_type="rectangle",
                          edge_color=[_COLOURS[b.status][0] for b in boxes],
                          face_color=[_COLOURS[b.status][1] for b in boxes])
            layer.features = {"box": np.array([b.id for b in boxes], dtype=object),
                              "shown": np.array([_word(b) for b in boxes], dtype=object)}
            layer.feature_defaults = {"box": "", "shown": ""}
            layer.text = {"string": "{shown}", "color": "white", "anchor": "upper_left", "size": 9}
            layer.selected_data = {row for row, b in enumerate(boxes) if b.id in selected}
        finally:
            self._writing = False

    def _select(self, ids: set[str]) -> None:
        layer = self._layer
        if layer is not None and "box" in layer.features:
            layer.selected_data = {row for row, box_id in enumerate(layer.features["box"]) if box_id in ids}

    def _focus_changed(self, _image: object) -> None:
        """Another slice: the boxes show only on their own image (the panel then sets the new one's)."""
        if self._layer is not None and not self._writing:
            self._draw()

    # ----- napari's edits back into the model -----
    def _layer_changed(self, event: Any) -> None:
        action = str(getattr(event, "action", ""))
        if self._writing or not action.endswith(("added", "changed", "removed")):
            return
        if self._slice() is None:  # the boxes of the new image are not known yet: nothing to edit
            self._state.say("The text boxes of this image are being looked for: draw again in a moment.",
                            "info")
            self._draw()
            return
        boxes = self._read()
        if boxes == self._boxes:
            self._draw()
        else:
            self._commit(boxes)

    def _read(self) -> tuple[Redaction, ...]:
        """The boxes as the layer holds them (clipped to the image); new shapes are boxes to black out."""
        layer = self._layer
        assert layer is not None
        known = {b.id: b for b in self._boxes}
        ids = list(layer.features["box"]) if "box" in layer.features else []
        boxes: list[Redaction] = []
        for row, vertices in enumerate(layer.data):
            corners = np.asarray(vertices, dtype=np.float64)[:, -2:] + _HALF
            (y0, x0), (y1, x1) = corners.min(axis=0), corners.max(axis=0)
            x, y, width, height = self.clip(float(x0), float(y0), float(x1 - x0), float(y1 - y0))
            current = known.get(str(ids[row])) if row < len(ids) else None
            if current is None:
                boxes.append(Redaction(x, y, width, height, status=RedactionStatus.REDACT,
                                       source=RedactionSource.MANUAL, reason="drawn by the clinician"))
            elif (current.x, current.y, current.width, current.height) == (x, y, width, height):
                boxes.append(current)
            else:
                boxes.append(replace(current, x=x, y=y, width=width, height=height))
        return tuple(boxes)


def _corners(box: Redaction, lead: tuple[int, ...]) -> NDArray[np.float64]:
    """napari vertices of ``box``: (slice,) row, column of its four corners."""
    y0, x0 = box.y - _HALF, box.x - _HALF
    y1, x1 = y0 + box.height, x0 + box.width
    return np.array([(*lead, y, x) for y, x in ((y0, x0), (y0, x1), (y1, x1), (y1, x0))], dtype=np.float64)


def _word(box: Redaction) -> str:
    """What a box says on napari's canvas: what happens to it, and for detected text why."""
    why = box.reason or box.source.value
    return WORDS[box.status] if box.source is RedactionSource.MANUAL else f"{WORDS[box.status]}: {why}"
