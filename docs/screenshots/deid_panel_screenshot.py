"""Screenshots of redaction in the real panel (run: QT_QPA_PLATFORM=offscreen python this).

Opens the standalone viewer on pydicom's ``examples_palette.dcm`` (an ultrasound screen with the
patient ID, date and time burned into its banner), waits for the OCR proposals, marks the image as
a key image, tries Export (refused: undecided text), keeps the undecided text, and saves the panel
as panel-redaction.png and the review dialog as panel-deid-review.png.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    os.environ.setdefault("TAKEHOME_DATA_DIR", tempfile.mkdtemp(prefix="takehome-shots-"))
    os.environ.setdefault("TAKEHOME_AUDIT_LOG", str(Path(tempfile.mkdtemp()) / "audit.log"))
    from pydicom.data import get_testdata_file
    from qtpy.QtWidgets import QApplication  # noqa: TID251 (a plugin tool kept with the docs)

    from takehome.plugin.standalone.window import ViewerWindow

    study = Path(tempfile.mkdtemp(prefix="takehome-us-"))
    shutil.copy(get_testdata_file("examples_palette.dcm", download=False), study / "us.dcm")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = ViewerWindow()
    window.resize(1400, 760)
    window.open_paths([study])
    window.show()
    panel = window.panel
    assert panel is not None

    def settle(until: object = None, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            app.processEvents()
            if until is not None and until():  # type: ignore[operator]
                break
            time.sleep(0.02)

    settle(lambda: len(panel.deid.displayed()) > 0)
    panel.toggle_key_image()
    refused: list[str] = []
    panel.deid.refused.connect(refused.append)
    panel.export_pdf(Path(tempfile.mkdtemp()) / "handout.pdf")
    settle(lambda: bool(refused))
    panel.canvas.viewbox.setRange(xRange=(0, 520), yRange=(0, 230), padding=0)  # the banner, zoomed
    settle(seconds=0.5)
    panel.grab().save(str(HERE / "panel-redaction.png"))
    panel.deid.dismiss_undecided()
    dialogs: list[object] = []
    panel.deid.review_opened.connect(dialogs.append)
    panel.export_pdf(Path(tempfile.mkdtemp()) / "handout.pdf")
    settle(lambda: bool(dialogs))
    dialog = dialogs[0]
    settle(seconds=0.3)
    dialog.grab().save(str(HERE / "panel-deid-review.png"))  # type: ignore[attr-defined]
    dialog.reject()  # type: ignore[attr-defined]
    print("saved", HERE / "panel-redaction.png", HERE / "panel-deid-review.png")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
