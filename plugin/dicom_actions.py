"""The panel's DICOM buttons: send the handout's objects to the PACS, import the study's KOS/GSPS.

Thin over :mod:`takehome.handouts.dicom`: sending goes through the same gate, review and audit line
as Export and Print (:func:`~takehome.handouts.output.send_handout`), runs off the GUI thread with a
progress bar and a clear result (nothing is deleted locally before the PACS confirmed it); importing
adds the key images a PACS selected (KOS) and the drawings of its presentation states as one
undoable step.
"""

from __future__ import annotations

import contextlib
import math
import weakref
from collections.abc import Callable
from pathlib import Path

import pydicom
import pyqtgraph as pg
from qtpy.QtCore import QObject, QPointF, Qt, Signal
from qtpy.QtGui import QAction, QColor, QPainterPath, QPen, QTransform
from qtpy.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGraphicsPathItem,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from takehome.annotations.errors import TakehomeError
from takehome.annotations.model import ReadOnlyShape, Session
from takehome.handouts.build import make_handout
from takehome.handouts.dicom.archive import ArchiveResult
from takehome.handouts.dicom.read import StudyObjects, apply_study, scan_beside
from takehome.handouts.dicom.send import DEFAULT_CALLING_AE, DEFAULT_TIMEOUT, Peer
from takehome.handouts.output import send_handout
from takehome.plugin.canvas import ImageCanvas
from takehome.plugin.deid_panel import EXPORT_MODE, DeidController
from takehome.plugin.host import Host
from takehome.plugin.jobs import Job, Lane, start_job
from takehome.plugin.messages import describe_error
from takehome.plugin.state import PanelState

#: The export gate: checks the panel's session, reviews, then calls on with the checked session.
Gate = Callable[[Callable[[Session], None]], None]


def describe_result(result: ArchiveResult, peer: Peer) -> tuple[str, str]:
    """(level, text) for the panel's message bar after a send."""
    stored, total = len(result.report.stored), len(result.report.outcomes)
    notes = "".join(f" Note: {note}." for note in result.written.notes)
    if result.complete:
        kept = next((o.message.split("; kept: ", 1)[1] for o in result.report.stored
                     if not o.removed and "; kept: " in o.message), "")
        copies = f" A copy stays in {result.folder}: {kept}." if kept else ""
        return "info", (f"Stored {stored} of {total} DICOM object(s) on {peer}: key images, drawings and "
                        f"the handout are in the patient's record.{notes}{copies}")
    failed = "; ".join(f"{o.path.name.split('_', 1)[0]}: {o.message}" for o in result.report.failed)
    return "error", (f"Only {stored} of {total} object(s) were stored on {peer} ({failed}). The others "
                     f"were kept in {result.folder}: fix the cause and send again.")


class SendDialog(QDialog):
    """Asks for the PACS address, sends, shows progress and the outcome; stays responsive."""

    #: (level, text) once a send ended (success, partial, or failure)
    done = Signal(str, str)

    def __init__(self, session: Session, parent: QWidget | None = None, *, address: str = "",
                 calling_ae: str = DEFAULT_CALLING_AE, timeout: float = DEFAULT_TIMEOUT,
                 commit_port: int | None = None, outbox: Path | None = None,
                 gate: Gate | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Send to PACS")
        self.setObjectName("takehome-send-dialog")
        self._session = session
        self._outbox = outbox
        self._gate = gate
        self._waiting = False  # in the gate (burned-in text check, review)
        self._job: Job | None = None
        self.address = QLineEdit(address, self)
        self.address.setPlaceholderText("PACS@10.0.0.5:104")
        self.address.setToolTip("The PACS's AE title, host and port, as AE@host:port")
        self.calling = QLineEdit(calling_ae, self)
        self.calling.setToolTip("This workstation's AE title, as the PACS knows it")
        self.timeout = QDoubleSpinBox(self)
        self.timeout.setRange(1, 600)
        self.timeout.setValue(timeout)
        self.timeout.setSuffix(" s")
        self.commit_port = QSpinBox(self)
        self.commit_port.setRange(0, 65535)
        self.commit_port.setSpecialValueText("none: the report comes on the same connection")
        self.commit_port.setValue(commit_port or 0)
        self.commit_port.setToolTip(
            "The port on this workstation where the PACS sends its storage commitment report (the port "
            "the PACS has for this AE title). Only objects the PACS committed to keep leave the outbox; "
            "a PACS that reports on the same connection needs none.")
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status = QLabel("Sends the key image selection, the drawings and the handout PDF to the "
                             "patient's study.", self)
        self.status.setWordWrap(True)
        form = QFormLayout()
        form.addRow("PACS (AE@host:port)", self.address)
        form.addRow("This workstation's AE title", self.calling)
        form.addRow("Timeout", self.timeout)
        form.addRow("Storage commitment port", self.commit_port)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.send_button = QPushButton("Send", self)
        self.send_button.setDefault(True)
        self.buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.send_button.clicked.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing() * 4)

    @property
    def chosen_commit_port(self) -> int | None:
        """The storage commitment port entered, None when not set."""
        return self.commit_port.value() or None

    @property
    def busy(self) -> bool:
        return self._waiting or (self._job is not None and not self._job.done)

    def _show(self, level: str, text: str) -> None:
        colour = {"error": "#8a1c12", "info": "#0b2e4f"}.get(level, "#4a3700")
        self.status.setStyleSheet(f"color:{colour};")
        self.status.setText(text)

    def send(self) -> None:
        """Validate the address, pass the export gate (check, review), then send in the background."""
        if self.busy:
            return
        try:
            peer = Peer.parse(self.address.text().strip())
        except TakehomeError as exc:
            self._show("error", str(exc))
            return
        self._waiting = True
        self.send_button.setEnabled(False)
        self._show("info", "Checking the handout before sending…")
        if self._gate is None:
            self._start(self._session, peer)
        else:
            self._gate(lambda checked: self._start(checked, peer))

    def refused(self, message: str) -> None:
        """The gate refused (undecided text, a failed check): nothing was sent."""
        if self._waiting:
            self._failed(message)

    def review_cancelled(self) -> None:
        if self._waiting:
            self._waiting = False
            self.send_button.setEnabled(True)
            self._show("info", "Cancelled: nothing was sent.")

    def _start(self, session: Session, peer: Peer) -> None:
        self._waiting = False
        calling, timeout, outbox = (self.calling.text().strip() or DEFAULT_CALLING_AE, self.timeout.value(),
                                    self._outbox)
        commit_port = self.chosen_commit_port

        def work(job: Job) -> ArchiveResult:
            job.report(0, 1, "Building the de-identified handout…")
            handout = make_handout(session, redact=EXPORT_MODE)
            job.report(0, 1, f"Connecting to {peer}…")

            def progress(index: int, total: int, path: Path) -> None:
                job.report(index - 1, total, f"Sending {index} of {total}: {path.name.split('_', 1)[0]}…")

            return send_handout(handout, peer, outbox=outbox, calling_ae=calling, timeout=timeout,
                                commit_port=commit_port, progress=progress)

        job = Job(0, work)
        job.signals.progress.connect(self._progress)
        job.signals.finished.connect(lambda result: self._finished(result, peer))
        job.signals.failed.connect(lambda _generation, message: self._failed(message))
        self._job = job
        self.send_button.setEnabled(False)
        self.progress.setRange(0, 0)  # busy until the first file
        self._show("info", f"Preparing the objects for {peer}…")
        start_job(job, Lane.PACS)

    def _progress(self, done: int, total: int, what: str) -> None:
        if total > 1:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self._show("info", what)

    def _finished(self, result: ArchiveResult, peer: Peer) -> None:
        self.send_button.setEnabled(True)
        self.progress.setRange(0, max(1, len(result.report.outcomes)))
        self.progress.setValue(len(result.report.stored))
        level, text = describe_result(result, peer)
        self._show(level, text)
        self.done.emit(level, text)

    def _failed(self, message: str) -> None:
        self._waiting = False
        self.send_button.setEnabled(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        text = f"Nothing was stored: {message}"
        self._show("error", text)
        self.done.emit("error", text)


def shape_path(shape: ReadOnlyShape) -> QPainterPath:
    """The outline of a kept DICOM shape in image pixel coordinates."""
    path = QPainterPath()
    points = [QPointF(p.x, p.y) for p in shape.points]
    kind = shape.graphic_type
    if kind in ("POINT", "MULTIPOINT"):
        for p in points:
            path.moveTo(p.x() - 3, p.y())
            path.lineTo(p.x() + 3, p.y())
            path.moveTo(p.x(), p.y() - 3)
            path.lineTo(p.x(), p.y() + 3)
    elif kind == "CIRCLE" and len(points) == 2:
        centre, edge = points
        radius = math.hypot(edge.x() - centre.x(), edge.y() - centre.y())
        path.addEllipse(centre, radius, radius)
    elif kind == "ELLIPSE" and len(points) == 4:
        a, b, c, d = points
        centre = (a + b) / 2
        major = math.hypot(b.x() - a.x(), b.y() - a.y()) / 2
        minor = math.hypot(d.x() - c.x(), d.y() - c.y()) / 2
        angle = math.degrees(math.atan2(b.y() - a.y(), b.x() - a.x()))
        ellipse = QPainterPath()
        ellipse.addEllipse(QPointF(0, 0), major, minor)
        path = QTransform().translate(centre.x(), centre.y()).rotate(angle).map(ellipse)
    elif points:
        path.moveTo(points[0])
        for p in points[1:]:
            path.lineTo(p)
    return path


class ReadOnlyShapesLayer(QObject):
    """Draws the focused key image's kept DICOM shapes on the canvas: dashed, not selectable."""

    def __init__(self, state: PanelState, viewbox: pg.ViewBox, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._viewbox = viewbox
        self.items: list[QGraphicsPathItem] = []
        self._shown: tuple[ReadOnlyShape, ...] = ()
        state.changed.connect(lambda _session: self.refresh())
        state.focus_changed.connect(lambda _image: self.refresh())

    def refresh(self) -> None:
        image = self._state.focus_image()
        shapes = image.read_only_shapes if image is not None else ()
        if shapes == self._shown:
            return
        self._shown = shapes
        for item in self.items:
            self._viewbox.removeItem(item)
        self.items = []
        for shape in shapes:
            item = QGraphicsPathItem(shape_path(shape))
            pen = QPen(QColor(shape.color), 1.5, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            item.setPen(pen)
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            item.setToolTip(f"{shape.label or shape.graphic_type.lower()} (imported from the PACS; "
                            "not editable)")
            item.setZValue(5)
            self._viewbox.addItem(item)
            self.items.append(item)


def _scan(files: tuple[str, ...]) -> StudyObjects:
    """The key image selections and presentation states stored beside the study's image files."""
    uid = str(pydicom.dcmread(files[0], stop_before_pixels=True, specific_tags=["StudyInstanceUID"])
              .StudyInstanceUID)
    return scan_beside(files, study_instance_uid=uid)


class DicomActions(QObject):
    """Adds "Send to PACS…" and "Import from study" to a panel and offers the import on opening."""

    #: emitted after each scan of the study: (key images selected by KOS, annotated images)
    scanned = Signal(int, int)

    def __init__(self, state: PanelState, host: Host, deid: DeidController, toolbar: QToolBar,
                 canvas: ImageCanvas, *, outbox: Path | None = None) -> None:
        """``toolbar`` gets the PACS button; ``canvas`` shows kept shapes; dialogs open over it."""
        super().__init__(canvas)
        self._state = state
        self._deid = deid
        self._parent: QWidget = canvas.window()
        self.host = host
        self.outbox = outbox
        self.address = ""
        self.calling_ae = DEFAULT_CALLING_AE
        self.commit_port: int | None = None
        self.found: StudyObjects | None = None
        self._files: tuple[str, ...] = ()
        self._scan_job: Job | None = None
        self._generation = 0
        self.dialog: SendDialog | None = None
        self.send_action = QAction("Send to PACS…", self)
        self.send_action.setToolTip("Store the key images, drawings and handout in the patient's record "
                                    "on the PACS (DICOM)")
        self.send_action.triggered.connect(lambda _checked=False: self.open_send_dialog())
        self.import_action = QAction("Import from study", self)
        self.import_action.setToolTip("Add the key images and drawings saved in this study by the PACS "
                                      "(key object selections, presentation states)")
        self.import_action.triggered.connect(lambda _checked=False: self.import_from_study())
        self.import_action.setEnabled(False)
        # one compact button: the panel's toolbar is already full
        self.menu = QMenu(toolbar)
        self.menu.addAction(self.import_action)
        self.menu.addAction(self.send_action)
        self.button = QToolButton(toolbar)
        self.button.setText("PACS")
        self.button.setToolTip("Import key images and drawings saved in the study, or send the handout "
                               "to the PACS")
        self.button.setMenu(self.menu)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        toolbar.addSeparator()
        self.toolbar_action = toolbar.addWidget(self.button)
        ref = weakref.ref(self)

        def follow(_image: object) -> None:
            actions = ref()
            if actions is None:
                return
            with contextlib.suppress(RuntimeError):  # the panel was closed: its Qt objects are gone
                actions._study_maybe_changed()

        self.host.on_current_image_changed(follow)
        self.shapes = ReadOnlyShapesLayer(state, canvas.viewbox, self)
        if self.host.current_image() is not None:  # else once the viewer shows its first image
            self.offer()

    def _study_files(self) -> tuple[str, ...]:
        return tuple(image.file for image in self.host.study_images())

    def _study_maybe_changed(self) -> None:
        if self._study_files() != self._files:
            self.offer()

    def scanning(self) -> bool:
        """Whether the study's folder is being scanned for saved key images and drawings."""
        return self._scan_job is not None

    def offer(self) -> None:
        """Scan the study's folder(s) for KOS and presentation states off the GUI thread; tell the
        clinician if there are any."""
        self._files = self._study_files()
        self.found = None
        self.import_action.setEnabled(False)
        if self._scan_job is not None:
            self._scan_job.cancel()
            self._scan_job = None
        if not self._files:
            return
        files = self._files
        self._generation += 1
        job = Job(self._generation, lambda _job: (files, _scan(files)))
        job.signals.finished.connect(self._scanned)  # bound methods: dropped when the panel goes first
        job.signals.failed.connect(self._scan_failed)
        self._scan_job = job
        start_job(job, Lane.PACS)

    def _scan_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return  # another study was opened meanwhile
        self._scan_job = None
        self._state.say(f"The study's saved key images could not be read: {message}", "warning")

    def _scanned(self, result: tuple[tuple[str, ...], StudyObjects]) -> None:
        files, found = result
        if files != self._files:
            return
        self._scan_job = None
        selected = sum(len(s.references) for s in found.selections)
        annotated = len(found.annotations)
        self.scanned.emit(selected, annotated)
        if not selected and not annotated:
            return
        self.found = found
        self.import_action.setEnabled(True)
        parts = []
        if selected:
            titles = ", ".join(dict.fromkeys(f"“{s.title}”" for s in found.selections if s.title))
            parts.append(f"{selected} key image(s) selected in the PACS ({titles})" if titles
                         else f"{selected} key image(s) selected in the PACS")
        if annotated:
            parts.append(f"drawings on {annotated} image(s)")
        self._state.say(f"This study holds {' and '.join(parts)}. Click “Import from study” to add them "
                        "to the handout.", "info")

    def import_from_study(self) -> None:
        """Add the study's KOS key images and presentation state drawings (one undo step)."""
        if self.found is None:
            self._state.say("This study holds no key image selections or drawings to import.", "info")
            return
        self._state.flush()
        before = self._state.session
        try:
            after = apply_study(before, self.found)
        except TakehomeError as exc:
            self._state.error(describe_error(exc))
            return
        if after == before:
            self._state.say("Everything saved in the study is already in the handout.", "info")
            return
        added = len(after.key_images) - len(before.key_images)
        drawings = sum(len(k.overlays) for k in after.key_images) - sum(
            len(k.overlays) for k in before.key_images)
        self._state.edit(after, "Import key images and drawings from the study")
        kept = sum(len(k.read_only_shapes) for k in after.key_images)
        note = f"; {kept} shape(s) without a takehome equivalent are shown as they are" if kept else ""
        self._state.say(f"Imported {added} key image(s) and {drawings} drawing(s) from the study{note}.",
                        "info")

    def open_send_dialog(self) -> SendDialog | None:
        """Open the send dialog for the current handout (non-modal: the viewer stays usable)."""
        self._state.flush()
        session = self._state.session
        if not session.key_images:
            self._state.say("Mark at least one key image (K) before sending to the PACS.", "warning")
            return None
        if self.dialog is not None and self.dialog.busy:
            self.dialog.raise_()
            return self.dialog
        dialog = SendDialog(session, self._parent, address=self.address, calling_ae=self.calling_ae,
                            commit_port=self.commit_port, outbox=self.outbox, gate=self._deid.gate)
        self._deid.refused.connect(dialog.refused)
        self._deid.review_cancelled.connect(dialog.review_cancelled)
        dialog.done.connect(self._sent)
        dialog.address.textChanged.connect(self._remember)
        dialog.calling.textChanged.connect(self._remember)
        dialog.commit_port.valueChanged.connect(self._remember)
        self.dialog = dialog
        dialog.show()
        return dialog

    def _remember(self, _value: object) -> None:
        if self.dialog is not None:
            self.address = self.dialog.address.text().strip()
            self.calling_ae = self.dialog.calling.text().strip() or DEFAULT_CALLING_AE
            self.commit_port = self.dialog.chosen_commit_port

    def _sent(self, level: str, text: str) -> None:
        self._state.say(text, level)
