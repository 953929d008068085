"""The standalone viewer's main window: series browser in the middle, takehome panel docked right."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

from qtpy.QtCore import QEventLoop, Qt
from qtpy.QtGui import QAction, QCloseEvent, QKeySequence
from qtpy.QtWidgets import QApplication, QDockWidget, QFileDialog, QMainWindow, QProgressBar, QWidget

from takehome.annotations.errors import TakehomeError
from takehome.annotations.model import Session
from takehome.plugin.images import ImageLibrary
from takehome.plugin.jobs import shutdown
from takehome.plugin.messages import describe_error
from takehome.plugin.panel import DOCK_WIDTH, TakehomePanel
from takehome.plugin.standalone.browser import BUSY_FORMAT, SeriesBrowser
from takehome.plugin.standalone.host import StandaloneHost
from takehome.plugin.standalone.study import Study, scan

#: a folder scan taking longer than this shows its progress under the image (seconds)
PROGRESS_AFTER_S = 0.5


class ScanProgress:
    """The folder scan's progress on the slice view's bar once it has taken half a second. The scan
    runs on the GUI thread (opening returns the study), so the bar is repainted as it moves, with
    the clinician's input held back until the study is open."""

    def __init__(self, bar: QProgressBar) -> None:
        self._bar = bar
        self._begun = time.monotonic()
        self._drawn = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._begun < PROGRESS_AFTER_S or now - self._drawn < 0.05:
            return
        self._drawn = now
        self._bar.setRange(0, total)
        self._bar.setValue(done)
        self._bar.setFormat("Reading the study: %v of %m files")
        self._bar.setVisible(True)
        self.shown = True
        QApplication.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)

    def close(self) -> None:
        """Back to the bar's usual job: a busy bar while an image is being decoded."""
        if self.shown:
            self._bar.setVisible(False)
            self._bar.setRange(0, 0)
            self._bar.setFormat(BUSY_FORMAT)


class ViewerWindow(QMainWindow):
    """A small DICOM viewer with the takehome panel docked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("takehome viewer")
        self.resize(1500, 900)
        self.library = ImageLibrary()
        self.browser = SeriesBrowser(self.library, self)
        self.setCentralWidget(self.browser)
        self.host: StandaloneHost | None = None
        self.panel: TakehomePanel | None = None
        self.dock_widget: QDockWidget | None = None
        self.browser.current_changed.connect(self._browser_changed)
        menu = self.menuBar().addMenu("&File")
        open_file = QAction("Open file…", self)
        open_file.setShortcut(QKeySequence(QKeySequence.StandardKey.Open))
        open_file.triggered.connect(self._ask_file)
        open_folder = QAction("Open folder…", self)
        open_folder.setShortcut(QKeySequence("Ctrl+Shift+O"))
        open_folder.triggered.connect(self._ask_folder)
        quit_action = QAction("Quit", self)
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(self.close)
        for action in (open_file, open_folder, quit_action):
            menu.addAction(action)

    def open_paths(self, paths: Sequence[str | os.PathLike[str]], seed: Session | None = None) -> None:
        """Open the study in ``paths`` (files or folders); ``seed`` starts an empty handout."""
        progress = ScanProgress(self.browser.slices.busy)
        try:
            study = scan(paths, progress=progress)
        except TakehomeError as exc:
            study = Study(())
            problem = describe_error(exc)
        else:
            problem = ""
        finally:
            progress.close()
        self._open_study(study)
        panel = self.panel
        assert panel is not None
        if problem:
            panel.messages.error(f"The study could not be opened: {problem}")
        elif study.skipped and study.series:
            panel.messages.show_message(f"{len(study.skipped)} file(s) were skipped (not DICOM images).",
                                        "info")
        elif study.skipped:
            panel.messages.show_message(f"No DICOM images found: {len(study.skipped)} file(s) are not "
                                        "DICOM images. Open a folder or file with DICOM images.",
                                        "warning")
        if seed is not None and study.series and not panel.session.key_images:
            panel.store.reset(seed)

    def _open_study(self, study: Study) -> None:
        if self.panel is not None:
            self.panel.flush()
        if self.host is None:
            self.host = StandaloneHost(study, self._dock, self, mover=self.browser.show_image)
        else:
            self.host.study = study  # the panel reloads when the first image of the new study shows
        self.browser.set_study(study)
        self.host.set_current(self.browser.slices.current())
        if self.panel is None:  # one panel for every study, drawing on the viewer's own view
            self.panel = TakehomePanel(self.host, library=self.library, canvas=self.browser.slices.canvas)
            self.host.dock(self.panel, "takehome")
            for action in self.panel.actions():  # the panel's keys (K, tools, undo) work on the view too
                self.browser.addAction(action)
        elif not study.series:
            self.panel.reload_study()

    def _dock(self, widget: QWidget, title: str) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName("takehome-dock")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        self.resizeDocks([dock], [max(DOCK_WIDTH, int(self.width() * 0.3))], Qt.Orientation.Horizontal)
        self.dock_widget = dock

    def _browser_changed(self, ref: object) -> None:
        if self.host is not None:
            self.host.set_current(ref)  # type: ignore[arg-type]

    def _ask_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open DICOM file")
        if path:
            self.open_paths([path])

    def _ask_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Open DICOM folder")
        if path:
            self.open_paths([path])

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.panel is not None:
            self.panel.flush()
            self.panel.preview.shutdown()
        shutdown()  # the viewer is quitting: cancel background work, wait a second at most
        super().closeEvent(event)
