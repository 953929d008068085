"""The bundled standalone viewer (``takehome-viewer``): series browser with the takehome panel docked."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from takehome.plugin.standalone.host import StandaloneHost
from takehome.plugin.standalone.study import Series, Study, scan

__all__ = ["Series", "StandaloneHost", "Study", "main", "scan"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="takehome-viewer",
        description="Open a DICOM file or folder with the takehome panel (no argument: the sample study).")
    parser.add_argument("path", nargs="?", help="a DICOM file or a folder of DICOM files")
    parser.add_argument("--screenshot", metavar="PNG",
                        help="save a picture of the window once the preview is ready, then quit")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the viewer; returns the application's exit code."""
    args = _parser().parse_args(argv)
    from qtpy.QtCore import QTimer
    from qtpy.QtWidgets import QApplication

    from takehome.handouts.sample import demo_session, sample_files
    from takehome.plugin.standalone.window import ViewerWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = ViewerWindow()
    if args.path:
        window.open_paths([args.path])
    else:
        window.open_paths(sample_files(), seed=demo_session())
    window.show()
    if args.screenshot:
        target = args.screenshot
        panel = window.panel

        def shoot() -> None:
            window.grab().save(target)
            window.close()
            app.quit()

        if panel is not None and panel.session.key_images:
            panel.preview.updated.connect(lambda _r: QTimer.singleShot(300, shoot))
            panel.preview.failed.connect(lambda _m: QTimer.singleShot(300, shoot))
            QTimer.singleShot(30000, shoot)
        else:
            QTimer.singleShot(1500, shoot)
    return int(app.exec())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
