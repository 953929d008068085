"""The bundled standalone viewer (``takehome-viewer``): series browser with the takehome panel docked."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["Series", "StandaloneHost", "Study", "main", "scan"]

EXIT_NO_QT = 2
NO_QT = ("takehome-viewer: error: no Qt binding is installed ({reason}); install the viewer with "
         "`pip install 'takehome[viewer]'` (PySide6), or use the `takehome` command line")


def __getattr__(name: str) -> Any:
    """The host and the study scanner need Qt: imported on first use, so ``main`` can say when Qt is
    missing instead of failing at import with a traceback."""
    if name == "StandaloneHost":
        from takehome.plugin.standalone import host

        return host.StandaloneHost
    if name in ("Series", "Study", "scan"):
        from takehome.plugin.standalone import study

        return getattr(study, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _qt_missing() -> str | None:
    """Why Qt cannot be used (qtpy or every binding missing), or None when it can."""
    try:
        import qtpy  # noqa: F401  (qtpy picks the binding when imported)
    except Exception as exc:  # ImportError, or qtpy's QtBindingsNotFoundError (a PythonQtError)
        return type(exc).__name__
    return None


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
    missing = _qt_missing()
    if missing is not None:
        print(NO_QT.format(reason=missing), file=sys.stderr)
        return EXIT_NO_QT
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
