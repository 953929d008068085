"""Screenshots of redaction boxes and the de-identification review (QT_QPA_PLATFORM=offscreen)."""

from __future__ import annotations

from pathlib import Path

import pydicom
import pyqtgraph as pg  # noqa: TID251 (a screenshot script drives the Qt widgets)
from pydicom.data import get_testdata_file
from qtpy.QtWidgets import QApplication  # noqa: TID251

from takehome.annotations.model import Excerpt, KeyImage, Session
from takehome.handouts.deid import Identifiers
from takehome.handouts.deid.pixels import Evidence, detect_text
from takehome.handouts.deid.redact import propose
from takehome.handouts.display import render
from takehome.plugin.deid_review import DeidReviewDialog
from takehome.plugin.redaction import RedactionLayer

HERE = Path(__file__).parent
EXCERPT = "Seen by Dr. Parkinson on 05/06/2024 with his wife Mary: a 12 mm nodule in the right upper lobe."


def main() -> None:
    app = QApplication.instance() or QApplication([])
    ds = pydicom.dcmread(get_testdata_file("examples_palette.dcm", download=False))
    pixels = render(ds, 1).pixels
    identifiers = Identifiers.from_dataset(ds)
    boxes = propose((), detect_text(pixels, identifiers, Evidence.from_dataset(ds)), pixels.shape)
    view = pg.GraphicsLayoutWidget()
    viewbox = view.addViewBox(invertY=True, lockAspect=True)
    viewbox.addItem(pg.ImageItem(pixels, axisOrder="row-major"))
    layer = RedactionLayer(viewbox)
    layer.set_image_size(pixels.shape[1], pixels.shape[0])
    layer.set_redactions(boxes)
    view.resize(900, 420)
    view.show()
    app.processEvents()
    viewbox.autoRange(padding=0.01)
    app.processEvents()
    view.grab().save(str(HERE / "redaction-boxes.png"))
    key = KeyImage(str(ds.SOPInstanceUID), "a.dcm", int(ds.Rows), int(ds.Columns), redactions=boxes,
                   excerpts=(Excerpt(EXCERPT),))
    dialog = DeidReviewDialog(Session(key_images=(key,)), identifiers)
    dialog.resize(760, 460)
    dialog.show()
    app.processEvents()
    dialog.grab().save(str(HERE / "deid-review.png"))


if __name__ == "__main__":
    main()
