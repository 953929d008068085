"""Export PDF and Print: the same handout the preview shows, built off the GUI thread, cancellable.

Export goes through the core's ``build_handout`` into a temporary file next to the target, renamed
into place only when the build succeeded and was not cancelled: never a half-written PDF. Print
renders the same PDF's pages with pdfium and paints them on the printer.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from qtpy.QtCore import QObject, QRectF, Qt, Signal
from qtpy.QtGui import QPainter
from qtpy.QtPrintSupport import QPrinter
from qtpy.QtWidgets import QProgressDialog, QWidget

from takehome.annotations.model import Session
from takehome.handouts.build import BuildResult, build_handout, export_pdf_bytes
from takehome.handouts.deid.gate import RedactMode
from takehome.handouts.errors import OutputError
from takehome.plugin.jobs import Job, start_job
from takehome.plugin.preview import render_pages
from takehome.plugin.qtimage import qimage_from_pixels

#: Suggested file name: deliberately generic, never the patient's name, ID or a date.
SUGGESTED_NAME = "imaging-handout.pdf"
MAX_PRINT_DPI = 300


def export_work(session: Session, out: Path, redact: RedactMode | str = RedactMode.AUTO) -> Job:
    """A job that writes the handout for ``session`` to ``out`` (all or nothing; one audit line)."""

    def work(job: Job) -> BuildResult:
        job.report(0, 3, "Reading the images…")
        job.check()
        partial = out.with_name(f".{out.name}.{uuid.uuid4().hex[:8]}.partial")
        try:
            job.report(1, 3, "Building the de-identified handout…")
            result = build_handout(session, partial, redact=redact)
            job.check()
            job.report(2, 3, "Saving…")
            try:
                os.replace(partial, out)
            except OSError as exc:
                raise OutputError(f"{out}: cannot be written ({exc.strerror or exc}); choose another "
                                  "folder or file name") from None
        finally:
            partial.unlink(missing_ok=True)
        job.report(3, 3, "Done")
        return BuildResult(out, result.pdf, result.deid)

    return Job(0, work)


def print_work(session: Session, dpi: float, redact: RedactMode | str = RedactMode.AUTO) -> Job:
    """A job that builds the handout (gated, one audit line) and renders its pages at ``dpi``."""

    def work(job: Job) -> list[NDArray[np.uint8]]:
        job.report(0, 2, "Building the de-identified handout…")
        pdf, _info, _summary = export_pdf_bytes(session, redact=redact)
        job.check()

        def progress(done: int, total: int) -> None:
            job.report(done, total, f"Preparing page {done} of {total}…")

        return render_pages(pdf, dpi, job.is_cancelled, progress)

    return Job(0, work)


def paint_pages(printer: QPrinter, pages: list[NDArray[np.uint8]]) -> None:
    """Print ``pages`` (RGB pixels of whole PDF pages), each fitted to the printer's page."""
    painter = QPainter()
    if not painter.begin(printer):
        raise OutputError("the printer could not be started; check that it is connected and try again")
    try:
        for index, pixels in enumerate(pages):
            if index and not printer.newPage():
                raise OutputError("the printer refused a new page; the print may be incomplete")
            image = qimage_from_pixels(pixels)
            area = painter.viewport()
            scale = min(area.width() / image.width(), area.height() / image.height())
            width, height = image.width() * scale, image.height() * scale
            target = QRectF((area.width() - width) / 2, (area.height() - height) / 2, width, height)
            painter.setWindow(area)
            painter.drawImage(target, image)
    finally:
        painter.end()


class HandoutOutput(QObject):
    """Runs export and print jobs with a progress dialog that can cancel them."""

    exported = Signal(object)  # BuildResult
    printed = Signal(int)  # pages
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._parent = parent
        self.job: Job | None = None
        self.progress: QProgressDialog | None = None
        self._printer: QPrinter | None = None

    def busy(self) -> bool:
        return self.job is not None

    def export_pdf(self, session: Session, out: Path, redact: RedactMode | str = RedactMode.AUTO) -> None:
        job = export_work(session, out, redact)
        job.signals.finished.connect(self._exported)
        self._run(job, "Exporting the handout PDF…")

    def print_pages(self, session: Session, printer: QPrinter,
                    redact: RedactMode | str = RedactMode.AUTO) -> None:
        dpi = min(max(printer.resolution(), 72), MAX_PRINT_DPI)
        self._printer = printer
        job = print_work(session, dpi, redact)
        job.signals.finished.connect(self._rendered)
        self._run(job, "Preparing the handout for printing…")

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _run(self, job: Job, title: str) -> None:
        if self.job is not None:
            raise OutputError("an export or print is already running; wait for it or cancel it")
        self.job = job
        progress = QProgressDialog(title, "Cancel", 0, 0, self._parent)
        progress.setWindowTitle("takehome")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(self.cancel)
        self.progress = progress
        job.signals.progress.connect(self._progress)
        job.signals.failed.connect(self._failed)
        job.signals.cancelled.connect(self._cancelled)
        start_job(job)

    def _progress(self, done: int, total: int, what: str) -> None:
        progress = self.progress
        if progress is None:
            return
        progress.setLabelText(what)
        progress.setMaximum(total)
        progress.setValue(done)  # last: a modal dialog processes events here (the job may finish)

    def _finish(self) -> None:
        self.job = None
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel)
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _exported(self, result: BuildResult) -> None:
        self._finish()
        self.exported.emit(result)

    def _rendered(self, pages: list[NDArray[np.uint8]]) -> None:
        self._finish()
        printer, self._printer = self._printer, None
        if printer is None:
            return
        try:
            paint_pages(printer, pages)
        except OutputError as exc:
            self.failed.emit(str(exc))
            return
        self.printed.emit(len(pages))

    def _failed(self, _generation: int, message: str) -> None:
        self._finish()
        self._printer = None
        self.failed.emit(message)

    def _cancelled(self, _generation: int) -> None:
        self._finish()
        self._printer = None
        self.cancelled.emit()
