"""Handout preview: the real PDF the core builds, rendered to page images off the GUI thread.

Edits schedule a rebuild (debounced, on the PDF worker); only the newest request's result is shown.
pdfium is not thread-safe, so every pypdfium2 call holds :data:`PDFIUM_LOCK`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium
from numpy.typing import NDArray
from qtpy.QtCore import Qt, QTimer, Signal
from qtpy.QtGui import QPixmap, QResizeEvent, QShowEvent
from qtpy.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from takehome.annotations.model import Session
from takehome.handouts.build import build_pdf_bytes
from takehome.plugin.jobs import Cancelled, Job, start_job
from takehome.plugin.qtimage import qimage_from_pixels

PDFIUM_LOCK = threading.Lock()
PREVIEW_DPI = 90


def render_pages(pdf: bytes, dpi: float, cancelled: Callable[[], bool] = lambda: False,
                 progress: Callable[[int, int], None] = lambda done, total: None) -> list[NDArray[np.uint8]]:
    """Every page of ``pdf`` as RGB pixels at ``dpi``."""
    pages: list[NDArray[np.uint8]] = []
    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(pdf)
        try:
            total = len(document)
            for index in range(total):
                if cancelled():
                    raise Cancelled
                page = document[index]
                bitmap = page.render(scale=dpi / 72.0, rev_byteorder=True)
                pixels = np.array(bitmap.to_numpy()[:, :, :3], dtype=np.uint8, copy=True)
                pages.append(pixels)
                progress(index + 1, total)
        finally:
            document.close()
    return pages


@dataclass(frozen=True)
class PreviewResult:
    """A built handout: the PDF bytes and its pages as pixels."""

    generation: int
    pdf: bytes
    pages: list[NDArray[np.uint8]]


class PreviewPane(QWidget):
    """Scrollable handout pages, rebuilt in the background a moment after each edit."""

    #: a fresh preview is on screen (PreviewResult)
    updated = Signal(object)
    #: the handout could not be built (message)
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None, delay_ms: int = 500) -> None:
        super().__init__(parent)
        self.status = QLabel("The preview appears when the handout has a key image.", self)
        self.status.setWordWrap(True)
        self._pages = QWidget(self)
        self._pages_layout = QVBoxLayout(self._pages)
        self._pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self._pages_layout.setSpacing(12)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        self._scroll = scroll
        scroll.setWidget(self._pages)
        scroll.setStyleSheet("QScrollArea { background: #6b6b6b; }")
        self._pages.setStyleSheet("background: #6b6b6b;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.status)
        layout.addWidget(scroll, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._start)
        self._session: Session | None = None
        self._generation = 0
        self._job: Job | None = None
        self._jobs: set[Job] = set()
        self.result: PreviewResult | None = None
        self.page_labels: list[QLabel] = []
        self._pixmaps: list[QPixmap] = []

    def request(self, session: Session) -> None:
        """Schedule a rebuild for ``session`` (debounced; older requests are dropped)."""
        self._session = session
        self._generation += 1
        if self._job is not None:
            self._job.cancel()
        if not session.key_images:
            self._timer.stop()
            self._show_pages([])
            self.result = None
            self.status.setText("Mark a key image (K) to start the handout.")
            return
        self.status.setText("Updating the preview…")
        self._timer.start()

    def _start(self) -> None:
        session = self._session
        if session is None:
            return
        generation = self._generation

        def work(job: Job) -> PreviewResult:
            job.check()
            pdf, _info, _summary = build_pdf_bytes(session)
            job.check()
            return PreviewResult(generation, pdf, render_pages(pdf, PREVIEW_DPI, job.is_cancelled))

        job = Job(generation, work)
        job.signals.finished.connect(self._done)
        job.signals.failed.connect(self._failed)
        job.signals.cancelled.connect(self._cancelled)
        self._job = job
        self._jobs.add(job)
        start_job(job)

    def _forget(self, job: Job) -> None:
        self._jobs.discard(job)
        if self._job is job:
            self._job = None

    def _cancelled(self, generation: int) -> None:
        job = next((j for j in self._jobs if j.generation == generation), None)
        if job is not None:
            self._forget(job)

    def _done(self, result: PreviewResult) -> None:
        job = next((j for j in self._jobs if j.generation == result.generation), None)
        if job is not None:
            self._forget(job)
        if result.generation != self._generation:
            return
        self.result = result
        self._show_pages(result.pages)
        count = len(result.pages)
        self.status.setText(f"Handout preview: {count} page{'s' if count != 1 else ''}, as it will print.")
        self.updated.emit(result)

    def _failed(self, generation: int, message: str) -> None:
        job = next((j for j in self._jobs if j.generation == generation), None)
        if job is not None:
            self._forget(job)
        if generation != self._generation:
            return
        self.status.setText(f"The preview could not be built: {message}")
        self.failed.emit(message)

    def _show_pages(self, pages: list[NDArray[np.uint8]]) -> None:
        for label in self.page_labels:
            self._pages_layout.removeWidget(label)
            label.deleteLater()
        self.page_labels = []
        self._pixmaps = [QPixmap.fromImage(qimage_from_pixels(pixels)) for pixels in pages]
        for number, pixmap in enumerate(self._pixmaps, start=1):
            label = QLabel(self._pages)
            label.setPixmap(self._fitted(pixmap))
            label.setToolTip(f"Page {number}")
            label.setStyleSheet("border: 1px solid #333;")
            self._pages_layout.addWidget(label)
            self.page_labels.append(label)

    def _fitted(self, pixmap: QPixmap) -> QPixmap:
        """The page scaled to the width of the pane (pages are never shown larger than rendered)."""
        width = max(120, min(pixmap.width(), self.width() - 56))
        return pixmap.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._refit()

    def _refit(self) -> None:
        for label, pixmap in zip(self.page_labels, self._pixmaps, strict=True):
            label.setPixmap(self._fitted(pixmap))

    def shutdown(self) -> None:
        """Stop pending work (the panel is closing)."""
        self._timer.stop()
        for job in list(self._jobs):
            job.cancel()
