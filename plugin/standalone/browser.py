"""The standalone viewer's series browser: series list with thumbnails, and a slice view.

The wheel (or Up/Down, Page Up/Down, the slider) steps through the series' images, frame by frame
for multi-frame images. Images are decoded off the GUI thread and read ahead in the direction of
travel; the view (and with it the panel) moves to an image once it is decoded, and a wait longer
than half a second shows a busy bar.
"""

from __future__ import annotations

import contextlib

from qtpy.QtCore import QSize, Qt, QTimer, Signal
from qtpy.QtGui import QIcon, QKeyEvent
from qtpy.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from takehome.annotations.errors import TakehomeError
from takehome.plugin.canvas import ImageCanvas
from takehome.plugin.host import ImageRef
from takehome.plugin.images import ImageLibrary, ShownImage
from takehome.plugin.jobs import Job, Lane, start_job
from takehome.plugin.qtimage import thumbnail
from takehome.plugin.readahead import ReadAhead
from takehome.plugin.standalone.study import Series, Study

#: the slice view's bar while an image is being decoded
BUSY_FORMAT = "Loading the image…"


class SliceView(QWidget):
    """One series' images, one at a time, on the editing canvas: the takehome panel draws on this view
    (the wheel pages through the series, Ctrl+wheel zooms)."""

    #: the shown image changed (ImageRef)
    current_changed = Signal(object)

    def __init__(self, library: ImageLibrary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self.canvas = ImageCanvas(self)
        self.canvas.wheel_steps = self.step
        self.graphics = self.canvas.view
        self.caption = QLabel(self)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setMinimum(0)
        self.slider.valueChanged.connect(self._slider_moved)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)  # busy, no percentage: one image is being decoded
        self.busy.setFormat(BUSY_FORMAT)
        self.busy.setTextVisible(True)
        self.busy.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.busy)
        layout.addWidget(self.slider)
        layout.addWidget(self.caption)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.series: Series | None = None
        self.index = 0
        self._shown_index: int | None = None  # the image on screen (the wanted one may be decoding)
        self.ahead = ReadAhead(library, self)
        self.ahead.ready.connect(self._decoded)
        self.ahead.failed.connect(self._decode_failed)
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(500)
        self._busy_timer.timeout.connect(lambda: self.busy.setVisible(True))

    def set_series(self, series: Series | None, index: int = 0) -> None:
        self.series = series
        self._shown_index = None
        count = len(series.images) if series is not None else 0
        self.slider.blockSignals(True)
        self.slider.setMaximum(max(0, count - 1))
        self.slider.blockSignals(False)
        self.slider.setEnabled(count > 1)
        self.show_index(index, reset_view=True)

    def current(self) -> ImageRef | None:
        """The image on screen (the one the panel shows too)."""
        if self.series is None or self._shown_index is None:
            return None
        return self.series.images[self._shown_index]

    def step(self, delta: int) -> None:
        if self.series is not None:
            self.show_index(self.index + delta)

    def show_index(self, index: int, reset_view: bool = False) -> None:
        """Go to image ``index``: at once when it is decoded, else as soon as the worker has it."""
        if self.series is None or not self.series.images:
            self.canvas.set_image(None)
            self.caption.setText("No images")
            self._shown_index = None
            self.current_changed.emit(None)
            return
        index = max(0, min(index, len(self.series.images) - 1))
        direction = 1 if index >= self.index else -1
        self.index = index
        self.slider.blockSignals(True)
        self.slider.setValue(index)
        self.slider.blockSignals(False)
        shown = self.ahead.request(self.series.images, index, direction)
        if shown is not None:
            self._display(index, shown)
        else:
            self.caption.setText(f"{self._title(index)} (loading…)")
            if not self._busy_timer.isActive() and not self.busy.isVisible():
                self._busy_timer.start()

    def _title(self, index: int) -> str:
        assert self.series is not None
        ref = self.series.images[index]
        frames = sum(1 for r in self.series.images if r.sop_instance_uid == ref.sop_instance_uid)
        frame = f", frame {ref.frame} of {frames}" if frames > 1 else ""
        return f"{self.series.title}: image {index + 1} of {len(self.series.images)}{frame}"

    def _display(self, index: int, shown: ShownImage | None, problem: str = "") -> None:
        self._busy_timer.stop()
        self.busy.setVisible(False)
        text = self._title(index)
        if shown is None:
            self.canvas.set_image(None)
            text = f"{text}. This image cannot be shown: {problem}"
        elif self.canvas.shown is None or self.canvas.shown.key != shown.key:
            self.canvas.set_image(shown)  # the panel adds the drawings and its window as it follows
        self.caption.setText(text)
        changed = index != self._shown_index
        self._shown_index = index
        if changed:
            assert self.series is not None
            self.current_changed.emit(self.series.images[index])

    def _decoded(self, ref: ImageRef) -> None:
        if self.series is not None and self.series.images[self.index] == ref:
            self._display(self.index, self._library.cached(ref) or self._library.show(ref))

    def _decode_failed(self, ref: ImageRef, problem: str) -> None:
        if self.series is not None and self.series.images[self.index] == ref:
            self._display(self.index, None, problem)

    def _slider_moved(self, value: int) -> None:
        self.show_index(value)

    def keyPressEvent(self, event: QKeyEvent | None) -> None:
        if event is None:
            return
        steps = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -10, Qt.Key.Key_PageDown: 10}
        step = steps.get(Qt.Key(event.key()))
        if step is not None:
            self.step(step)
        else:
            super().keyPressEvent(event)


class SeriesBrowser(QWidget):
    """Series list (with thumbnails) beside the slice view."""

    current_changed = Signal(object)

    def __init__(self, library: ImageLibrary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self.series_list = QListWidget(self)
        self.series_list.setIconSize(QSize(72, 72))
        self.series_list.setMinimumWidth(200)
        self.series_list.setMaximumWidth(320)
        self.series_list.setWordWrap(True)
        self.series_list.currentRowChanged.connect(self._series_chosen)
        self.slices = SliceView(library, self)
        self.slices.current_changed.connect(self.current_changed)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.series_list)
        splitter.addWidget(self.slices)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.study = Study(())
        self._pending_thumbs: list[int] = []
        self._thumbs_generation = 0
        self.slices.current_changed.connect(lambda _ref: self._start_thumbnails())

    def set_study(self, study: Study) -> None:
        self.study = study
        self.series_list.blockSignals(True)
        self.series_list.clear()
        for series in study.series:
            item = QListWidgetItem(f"{series.title}\n{len(series.images)} image(s)")
            self.series_list.addItem(item)
        self.series_list.blockSignals(False)
        self._pending_thumbs = list(range(len(study.series)))  # decoded once the first image shows
        self._thumbs_generation += 1
        if study.series:
            self.series_list.setCurrentRow(0)
        else:
            self.slices.set_series(None)

    def _series_chosen(self, row: int) -> None:
        series = self.study.series[row] if 0 <= row < len(self.study.series) else None
        self.slices.set_series(series, len(series.images) // 2 if series is not None else 0)

    def show_image(self, ref: ImageRef) -> None:
        """Go to ``ref`` (its series, then the image)."""
        for row, series in enumerate(self.study.series):
            if ref in series.images:
                if self.series_list.currentRow() != row:
                    self.series_list.setCurrentRow(row)
                self.slices.show_index(series.images.index(ref))
                return

    def _start_thumbnails(self) -> None:
        """Decode the series' middle images for the list on the images worker (after the first image
        on screen, so it never waits for them; the GUI thread never decodes)."""
        todo = [(row, self.study.series[row].images[len(self.study.series[row].images) // 2])
                for row in self._pending_thumbs if self.study.series[row].images]
        self._pending_thumbs = []
        if not todo:
            return
        library, generation = self._library, self._thumbs_generation

        def work(job: Job) -> list[tuple[int, ShownImage | None, str]]:
            done: list[tuple[int, ShownImage | None, str]] = []
            for row, ref in todo:
                job.check()
                try:
                    done.append((row, library.show(ref), ""))
                except TakehomeError as exc:
                    done.append((row, None, str(exc)))
            return done

        job = Job(generation, work)
        job.signals.finished.connect(lambda done: self._thumbnails(generation, done))
        start_job(job, Lane.IMAGES)

    def _thumbnails(self, generation: int, done: list[tuple[int, ShownImage | None, str]]) -> None:
        with contextlib.suppress(RuntimeError):  # the viewer was closed meanwhile: its items are gone
            self._set_thumbnails(generation, done)

    def _set_thumbnails(self, generation: int, done: list[tuple[int, ShownImage | None, str]]) -> None:
        if generation != self._thumbs_generation:
            return  # another study was opened meanwhile
        for row, shown, problem in done:
            item = self.series_list.item(row)
            if item is None:
                continue
            if shown is not None:
                item.setIcon(QIcon(thumbnail(shown.display.pixels, (), 72)))
            else:
                item.setToolTip(problem)
