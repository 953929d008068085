"""De-identification in the panel: proposed redaction boxes on the canvas, and the export gate.

Burned-in text is detected (OCR, off the GUI thread) for the image on the canvas, and for every
image as soon as it is marked as a key image; the boxes shown are the clinician's stored boxes plus
a proposal for every detected region they do not cover yet (identifying text proposed for
redaction, other text undecided). Only the clinician's changes are
stored in ``KeyImage.redactions``, as undoable edits (so they autosave). Export, Print and Send to
PACS pass the gate first: every key image is checked, undecided text refuses with a message naming
where it is (never coordinates), then the "what will be removed" review opens; the build itself runs
in ``review`` mode and writes the audit line. The preview's build runs the same final check as the
clinician types, and a refusal is shown at once in the message bar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
from qtpy.QtCore import QObject, QTimer, Signal
from qtpy.QtGui import QAction
from qtpy.QtWidgets import QWidget

from takehome.annotations.errors import TakehomeError
from takehome.annotations.model import (
    KeyImage,
    Redaction,
    RedactionSource,
    RedactionStatus,
    Session,
    Window,
)
from takehome.handouts.deid import Identifiers
from takehome.handouts.deid.gate import (
    ImageDecision,
    RedactMode,
    crop_region,
    decide,
    refuse_if_unresolved,
    unresolved_words,
    visible,
)
from takehome.handouts.deid.pixels import Evidence, TextRegion, detect_text
from takehome.handouts.deid.redact import COVERED, coverage, mask_of, propose
from takehome.handouts.deid.review import review_texts
from takehome.handouts.errors import DeidentificationError
from takehome.plugin.deid_review import DeidReviewDialog
from takehome.plugin.host import ImageRef
from takehome.plugin.jobs import Job, Lane, start_job
from takehome.plugin.messages import describe_error
from takehome.plugin.redaction import BoxLayer
from takehome.plugin.state import PanelState

#: (SOP Instance UID, frame, window): what one detection ran on (the printed pixels depend on the window).
State = tuple[str, int, Window | None]
#: What de-identification did for a build, so the panel can show it (the mode the build runs in).
EXPORT_MODE = RedactMode.REVIEW
_MAX_CACHED = 64


class DeidController(QObject):
    """Keeps the box layer (the canvas's, or the host's) in step with the session and gates Export/Print."""

    #: a detection finished for this State
    detected = Signal(object)
    #: the review dialog opened (the DeidReviewDialog)
    review_opened = Signal(object)
    #: export or print refused by the gate (the message shown)
    refused = Signal(str)
    #: the clinician closed the review without going on (nothing is written, printed or sent)
    review_cancelled = Signal()
    #: the clinician should look at the boxes now (one was added in view, or the gate found undecided
    #: text): a host whose layer is one of many brings it forward
    boxes_to_see = Signal()

    def __init__(self, state: PanelState, layer: BoxLayer, parent: QWidget) -> None:
        """``layer``: where the boxes are shown and edited; ``parent``: the widget dialogs open over."""
        super().__init__(parent)
        self._state = state
        self._parent = parent
        self.layer = layer
        self.layer.changed.connect(self._boxes_changed)
        self._regions: dict[State, tuple[list[TextRegion], tuple[int, ...]]] = {}
        self._proposed: dict[State, tuple[tuple[Redaction, ...], tuple[Redaction, ...]]] = {}
        self._running: dict[State, Job] = {}
        self._failed: set[State] = set()  # not retried on every edit; Export/Print retry them
        self._gate_waiting: Callable[[Session], None] | None = None
        self._gate_action = "Export"
        self.dialog: DeidReviewDialog | None = None
        self._sync_timer = QTimer(self)
        self._sync_timer.setSingleShot(True)
        self._sync_timer.setInterval(0)
        self._sync_timer.timeout.connect(self._sync)

        self.redact_action = QAction("Redact area", self)
        self.redact_action.setToolTip("Add a black box over the middle of the image in view, to move "
                                      "and resize over what must not be printed")
        self.redact_action.triggered.connect(self.add_box_in_view)
        self.dismiss_action = QAction("Keep undecided text", self)
        self.dismiss_action.setToolTip("Mark every undecided (orange) text box on this image as not "
                                       "identifying: it stays visible in the handout")
        self.dismiss_action.triggered.connect(self.dismiss_undecided)
        self.show_action = QAction("Show redactions", self)
        self.show_action.setCheckable(True)
        self.show_action.setChecked(True)
        self.show_action.toggled.connect(self.layer.set_visible)
        #: the actions a panel puts on its tools bar
        self.actions = (self.redact_action, self.dismiss_action, self.show_action)
        state.changed.connect(lambda _session: self.refresh())

    # ----- what is shown -----
    def focus_state(self) -> State | None:
        ref = self._state.focus
        if ref is None:
            return None
        return (ref.sop_instance_uid, ref.frame, self._state.focus_window())

    def refresh(self) -> None:
        """The image, its window or the session changed: sync the boxes once events settle."""
        self._sync_timer.start()

    def displayed(self) -> tuple[Redaction, ...]:
        return self.layer.redactions()

    def detecting(self) -> bool:
        return bool(self._running)

    def _sync(self) -> None:
        state, focus = self.focus_state(), self._state.focus
        if state is None or focus is None:
            self.layer.set_redactions(())
            return
        try:
            shown = self._state.library.show(focus, state[2])  # rendered already for the viewer
        except TakehomeError:
            self.layer.set_redactions(())  # the viewer says why it cannot show the image
            return
        self.layer.set_image_size(shown.display.columns, shown.display.rows)
        if state not in self._regions and state not in self._failed:
            self._detect(focus, state[2])
        self._check_marked()
        target = self._boxes_for(state, self._state.focus_image())
        if target != self.layer.redactions():
            self.layer.set_redactions(target)
        self.dismiss_action.setEnabled(self.layer.pending() > 0)

    def _check_marked(self) -> None:
        """Start the check of every key image not checked yet: marking an image starts it, so the
        export gate rarely waits for OCR."""
        for key in self._state.session.key_images:
            state = (key.sop_instance_uid, key.frame, key.window)
            if state not in self._regions and state not in self._running and state not in self._failed:
                self._detect(ImageRef(key.sop_instance_uid, key.file, key.frame), key.window)

    def _boxes_for(self, state: State, image: KeyImage | None) -> tuple[Redaction, ...]:
        stored = image.redactions if image is not None else ()
        found = self._regions.get(state)
        if found is None:
            return stored
        cached = self._proposed.get(state)
        if cached is not None and cached[0] == stored:
            return cached[1]  # same proposals (same ids) as last time: no rebuild of the boxes
        boxes = propose(stored, found[0], found[1])
        self._proposed[state] = (stored, boxes)
        return boxes

    # ----- detection (off the GUI thread) -----
    def _detect(self, ref: ImageRef, window: Window | None) -> None:
        state: State = (ref.sop_instance_uid, ref.frame, window)
        if state in self._running:
            return
        library = self._state.library
        try:
            dataset = library.dataset(ref.file)
            pixels = library.show(ref, window).display.pixels  # what the build will print
            identifiers = Identifiers.from_dataset(dataset)
            evidence = Evidence.from_dataset(dataset)
        except TakehomeError as exc:
            self._state.error(describe_error(exc))
            return

        def work(_job: Job) -> tuple[State, list[TextRegion], tuple[int, ...]]:
            return state, detect_text(pixels, identifiers, evidence), pixels.shape

        job = Job(0, work)
        job.signals.finished.connect(self._detected)
        job.signals.failed.connect(self._job_failed)  # bound methods: dropped if the panel goes first
        job.signals.cancelled.connect(self._job_failed)
        self._running[state] = job
        start_job(job, Lane.OCR)

    def _detected(self, result: tuple[State, list[TextRegion], tuple[int, ...]]) -> None:
        state, regions, shape = result
        self._running.pop(state, None)
        self._failed.discard(state)
        self._regions[state] = (regions, shape)
        while len(self._regions) > _MAX_CACHED:
            self._regions.pop(next(iter(self._regions)))
        self.detected.emit(state)
        if state == self.focus_state():
            self._sync()
        self._resume_gate()

    def _job_failed(self, _generation: int, message: str = "") -> None:
        signals = self.sender()
        state = next((s for s, job in self._running.items() if job.signals is signals), None)
        if state is None:
            return
        self._running.pop(state, None)
        self._failed.add(state)
        if not message:  # cancelled (the application is closing)
            self._gate_waiting = None
            return
        text = f"Burned-in text could not be checked on this image: {message}"
        if self._gate_waiting is not None:
            self._gate_waiting = None
            text += " Nothing was exported or printed."
            self.refused.emit(text)
        self._state.error(text)

    # ----- clinician's edits -----
    def _boxes_changed(self, boxes: tuple[Redaction, ...]) -> None:
        state = self.focus_state()
        before = self._boxes_for(state, self._state.focus_image()) if state is not None else ()
        kept_ids = {b.id for b in boxes}
        gone = [replace(b, status=RedactionStatus.DISMISSED) for b in before
                if b.id not in kept_ids and b.source is not RedactionSource.MANUAL]
        if gone:  # the text is still in the pixels: a removed detection box means "leave it visible"
            boxes = (*boxes, *gone)
            self._state.say(
                "Detected text cannot be removed from the list: the box now shows it as dismissed "
                "(printed as is). Redact it to fill it instead.", "info")
        try:
            self._state.edit_focus(lambda image: replace(image, redactions=tuple(boxes)),
                                    "Edit redaction boxes")
        except TakehomeError as exc:
            self._state.error(describe_error(exc))
            self.refresh()

    def add_box_in_view(self) -> Redaction | None:
        """A new redaction box in the middle of the visible part of the image (to move and resize)."""
        region = self._state.view_region()
        if region is None:
            self._state.say("No image is shown to redact.", "warning")
            return None
        x, y, width, height = region
        self._sync()  # the layer must hold the session's boxes (an undo may have just happened)
        box = self.layer.add_box(x + width * 0.35, y + height * 0.4, width * 0.3, height * 0.2)
        self.boxes_to_see.emit()
        return box

    def dismiss_undecided(self) -> int:
        """Keep every undecided text box of the shown image visible (one undoable edit)."""
        self._sync()
        return self.layer.decide_pending(RedactionStatus.DISMISSED)

    # ----- the export gate -----
    def gate(self, proceed: Callable[[Session], None], action: str = "Export") -> None:
        """Check every key image, refuse naming what is undecided, review texts, then ``proceed``
        (``action`` names it on the review dialog's button: "Export" or "Print")."""
        if self._gate_waiting is not None:
            self._state.say("Still checking the images for burned-in text; export or print once it is "
                            "done.", "info")
            return
        missing = [(ImageRef(k.sop_instance_uid, k.file, k.frame), k.window)
                   for k in self._state.session.key_images
                   if (k.sop_instance_uid, k.frame, k.window) not in self._regions]
        self._gate_waiting = proceed
        self._gate_action = action
        if missing:
            self._state.say(
                f"Checking {len(missing)} key image(s) for burned-in text before the handout is made…",
                "info")
            for ref, window in missing:
                self._failed.discard((ref.sop_instance_uid, ref.frame, window))
                self._detect(ref, window)
            if self._gate_waiting is None:  # a detection could not even start
                return
        self._resume_gate()

    def _resume_gate(self) -> None:
        proceed = self._gate_waiting
        if proceed is None:
            return
        session = self._state.session
        if any((k.sop_instance_uid, k.frame, k.window) not in self._regions for k in session.key_images):
            if not any((k.sop_instance_uid, k.frame, k.window) in self._running for k in session.key_images):
                self._gate_waiting = None  # a detection failed or could not start: already reported
            return
        self._gate_waiting = None
        try:
            checked = self._check(session)
        except DeidentificationError as exc:
            message = describe_error(exc)
            self._state.error(message)
            self.refused.emit(message)
            return
        self._review(checked, proceed)

    def _check(self, session: Session) -> Session:
        """Store the proposals as boxes (undoable) and refuse while any text is undecided."""
        images = []
        decisions = []
        for key in session.key_images:
            regions, shape = self._regions[(key.sop_instance_uid, key.frame, key.window)]
            shown = visible(regions, crop_region(key, shape))
            image = replace(key, redactions=propose(key.redactions, shown, shape))
            pending = mask_of(image.redactions, shape, (RedactionStatus.PENDING,))
            open_regions = [r for r in shown if coverage(r, pending) < COVERED]  # the box names it
            decisions.append(decide(image, np.zeros(shape[:2], dtype=np.uint8), open_regions,
                                    RedactMode.REVIEW))
            images.append(image)
        checked = session.with_images(images)
        if checked != session:
            self._state.edit(checked, "Propose redaction boxes")
        unresolved = [(number, d) for number, d in enumerate(decisions, start=1) if d.unresolved]
        if unresolved:
            self._show_first(checked, unresolved[0][1])
            self.show_action.setChecked(True)
            self.boxes_to_see.emit()
            parts = [f"key image {number} has {len(decision.unresolved)} text region(s) neither redacted "
                     f"nor dismissed (orange dashed boxes: {unresolved_words(decision)})"
                     for number, decision in unresolved]
            raise DeidentificationError(
                "Export refused: " + "; ".join(parts) + f". {self.layer.decide_hint}, then export again.")
        refuse_if_unresolved(decisions)  # the core's own check, in case the wording above missed one
        return checked

    def _show_first(self, session: Session, decision: ImageDecision) -> None:
        """Put the first key image with undecided text on the canvas."""
        for key in session.key_images:
            if (key.sop_instance_uid, key.frame) == (decision.sop_instance_uid, decision.frame):
                if self._state.focus_key() != key.key:
                    self._state.request_show(ImageRef(key.sop_instance_uid, key.file, key.frame))
                return

    def _review(self, session: Session, proceed: Callable[[Session], None]) -> None:
        identifiers = Identifiers.union(Identifiers.from_dataset(self._state.library.dataset(k.file))
                                        for k in session.key_images)
        filled = any(r.status is RedactionStatus.REDACT for k in session.key_images for r in k.redactions)
        if not filled and not review_texts(session, identifiers):
            self._proceed(proceed, session)  # nothing will be removed: nothing to review
            return
        dialog = DeidReviewDialog(session, identifiers, self._parent, self._gate_action)
        self.dialog = dialog

        def accepted() -> None:
            self.dialog = None
            current = self._state.session
            if dialog.overrides() != current.text_overrides:
                self._state.edit(replace(current, text_overrides=dialog.overrides()),
                                       "Keep text in the handout")
            self._proceed(proceed, self._state.session)

        def rejected() -> None:
            self.dialog = None
            self._state.say("Cancelled: nothing was written, printed or sent.", "info")
            self.review_cancelled.emit()

        dialog.accepted.connect(accepted)
        dialog.rejected.connect(rejected)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        self.review_opened.emit(dialog)

    def _proceed(self, proceed: Callable[[Session], None], session: Session) -> None:
        try:
            proceed(session)
        except Exception as exc:  # a slot: the message bar, never a traceback
            self._state.error(describe_error(exc))
