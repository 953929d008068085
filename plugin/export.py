"""Export PDF and Print: the same handout the preview shows, built off the GUI thread, cancellable.

Both go through the core's one way out: :func:`~takehome.handouts.build.make_handout` (review gate,
scrubbing, final file check) and :func:`~takehome.handouts.output.deliver` (the file and its audit
line together, a previous file kept on failure). Export checks the handout BEFORE asking where to
save it, so a refusal never comes after the file dialog. Print renders the same PDF's pages with
pdfium and paints them on the printer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from qtpy.QtCore import QObject, QRectF, Qt, Signal
from qtpy.QtGui import QPainter
from qtpy.QtPrintSupport import QPrinter
from qtpy.QtWidgets import QProgressDialog, QWidget

from takehome.annotations.model import Session
from takehome.handouts.build import BuildResult, make_handout
from takehome.handouts.deid.gate import RedactMode
from takehome.handouts.errors import OutputError
from takehome.handouts.output import Handout, deliver
from takehome.plugin.jobs import Job, start_job
from takehome.plugin.preview import render_pages
from takehome.plugin.qtimage import qimage_from_pixels

#: Suggested file name: deliberately generic, never the patient's name, ID or a date.
SUGGESTED_NAME = "imaging-handout.pdf"
MAX_PRINT_DPI = 300


def pdf_path(path: str | Path) -> Path:
    """``path`` ending in .pdf (added when the clinician typed a name without it)."""
    out = Path(path)
    return out if out.suffix.lower() == ".pdf" else out.with_name(out.name + ".pdf")


def check_work(session: Session, redact: RedactMode | str = RedactMode.AUTO) -> Job:
    """A job that builds the handout behind every check; nothing is written."""

    def work(job: Job) -> Handout:
        job.report(0, 2, "Checking the de-identified handout…")
        handout = make_handout(session, redact=redact)
        job.check()
        job.report(2, 2, "Checked")
        return handout

    return Job(0, work)


def export_work(handout: Handout, out: Path) -> Job:
    """A job that writes the checked ``handout`` to ``out`` with its audit line (all or nothing)."""

    def work(job: Job) -> BuildResult:
        job.report(0, 1, "Saving…")
        job.check()
        delivery = deliver(handout, action="export", out=out)
        job.report(1, 1, "Done")
        return BuildResult(out, handout.info, handout.deid, delivery.dicom)

    return Job(0, work)


def print_work(session: Session, dpi: float, redact: RedactMode | str = RedactMode.AUTO) -> Job:
    """A job that builds the handout (gated, one audit line) and renders its pages at ``dpi``."""

    def work(job: Job) -> list[NDArray[np.uint8]]:
        job.report(0, 2, "Building the de-identified handout…")
        handout = make_handout(session, redact=redact)
        job.check()

        def progress(done: int, total: int) -> None:
            job.report(done, total, f"Preparing page {done} of {total}…")

        pages = render_pages(handout.pdf, dpi, job.is_cancelled, progress)
        job.check()
        deliver(handout, action="print")  # the audit line, once the pages are ready to paint
        return pages

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

    def export_pdf(self, session: Session, out: Path | None, redact: RedactMode | str = RedactMode.AUTO,
                   choose: Callable[[], Path | None] | None = None) -> None:
        """Check the handout, then (``out`` None) ask where with ``choose``, then write it."""
        job = check_work(session, redact)
        job.signals.finished.connect(lambda handout: self._checked(handout, out, choose))
        self._run(job, "Checking the handout…")

    def _checked(self, handout: Handout, out: Path | None, choose: Callable[[], Path | None] | None) -> None:
        self._finish()
        target = out if out is not None else (choose() if choose is not None else None)
        if target is None:
            self.cancelled.emit()
            return
        job = export_work(handout, pdf_path(target))
        job.signals.finished.connect(self._exported)
        self._run(job, "Saving the handout PDF…")

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
