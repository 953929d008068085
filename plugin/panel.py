"""The takehome panel: the whole widget a viewer docks.

Canvas with the overlay tools, the key image strip, report excerpts, the live handout preview,
Export PDF and Print. Driven only through :class:`takehome.plugin.host.Host`; every edit is an
undoable step and is autosaved at once. Errors show in the panel's message bar.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from qtpy.QtCore import QSize, Qt, QTimer, Signal
from qtpy.QtGui import QCloseEvent, QHideEvent, QPixmap
from qtpy.QtPrintSupport import QPrintDialog, QPrinter
from qtpy.QtWidgets import (
    QDialog,
    QFileDialog,
    QFrame,
    QLabel,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from takehome.annotations.errors import AnnotationError, TakehomeError
from takehome.annotations.model import Crop, KeyImage, Overlay, RedactionStatus, Session, ShapeKind, Window
from takehome.annotations.spacing import line_length
from takehome.handouts.build import BuildResult
from takehome.plugin import edits
from takehome.plugin.actions import PanelActions
from takehome.plugin.autosave import Autosaver, study_key
from takehome.plugin.canvas import ImageCanvas
from takehome.plugin.deid_panel import EXPORT_MODE, DeidController
from takehome.plugin.dicom_actions import DicomActions
from takehome.plugin.excerpts import ExcerptEditor
from takehome.plugin.export import SUGGESTED_NAME, HandoutOutput, pdf_path
from takehome.plugin.handout_tab import HandoutTab
from takehome.plugin.host import Host, ImageRef
from takehome.plugin.images import ImageLibrary
from takehome.plugin.messages import MessageBar, describe_error, guarded
from takehome.plugin.preview import PreviewPane
from takehome.plugin.qtimage import thumbnail
from takehome.plugin.redaction import BoxLayer, RedactionLayer
from takehome.plugin.state import PanelState, key_of
from takehome.plugin.strip import KeyImageStrip

Key = tuple[str, int]
#: how to draw on a takehome canvas (the panel's own, or the standalone viewer's view)
DRAW_HINT = "Right-drag: brightness/contrast; wheel: zoom; double-click a drawing to edit its label."
#: how long the image on show must rest before its burned-in text is checked (not every slice
#: scrolled past is worth an OCR run)
DEID_DELAY_MS = 250
NO_IMAGES = ("This study has no images to show. Open a study that holds DICOM images (files with "
             "pixel data).")

def _alive(obj: object) -> bool:
    """False once the Qt object behind ``obj`` was deleted (a host may call us late)."""
    try:
        import shiboken6

        return bool(shiboken6.isValid(obj))
    except ImportError:  # PyQt6
        try:
            from PyQt6 import sip

            return not sip.isdeleted(obj)
        except ImportError:  # pragma: no cover
            return True


#: the width the panel asks its dock for: beside the viewer, not instead of it
DOCK_WIDTH = 290


def _scrolled(page: QWidget) -> QScrollArea:
    """``page`` in a scroll area, so that a narrow or short dock never clips or squeezes it."""
    area = QScrollArea()
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    return area


def _undecided(session: Session) -> bool:
    """Whether any key image has a text box neither redacted nor dismissed (the gate refuses then)."""
    return any(box.status is RedactionStatus.PENDING for image in session.key_images
               for box in image.redactions)


class TakehomePanel(QWidget):
    """The takehome panel for the study a host shows."""

    #: the session after each edit has been autosaved (path of the autosave file)
    autosaved = Signal(str)

    def __init__(self, host: Host, parent: QWidget | None = None,
                 library: ImageLibrary | None = None, canvas: ImageCanvas | None = None,
                 hint: str = DRAW_HINT, redactions: Callable[[PanelState], BoxLayer] | None = None) -> None:
        """``canvas``: the viewer's own view, when the host draws there (the panel then has none);
        ``hint``: how to draw there, shown under the tools; ``redactions``: makes the layer that shows
        the burned-in text boxes, when the host has its own (else they are on the canvas)."""
        super().__init__(parent)
        self.setObjectName("takehome-panel")
        self.setWindowTitle("takehome")
        self._host = host
        self._hint = hint
        self.library = library if library is not None else ImageLibrary()  # shared with a viewer
        self.store = PanelState(self.library, parent=self)
        self.autosaver: Autosaver | None = None
        self._images: list[ImageRef] = []
        self._known: set[Key] = set()
        self._shown_state: tuple[Key, Window | None] | None = None
        self._thumbs: dict[tuple[KeyImage, int], QPixmap] = {}
        self._export_dir = Path.home()
        self._pending_window: Window | None = None
        self._window_timer = QTimer(self)
        self._window_timer.setSingleShot(True)
        self._window_timer.setInterval(30)
        self._window_timer.timeout.connect(self._render_pending_window)
        self._deid_timer = QTimer(self)
        self._deid_timer.setSingleShot(True)
        self._deid_timer.setInterval(DEID_DELAY_MS)

        self.messages = MessageBar(self)
        self.canvas = canvas if canvas is not None else ImageCanvas(self)
        self.own_canvas = canvas is None
        self.canvas.describe = self._describe_overlay
        # the part of the image in view; a host that draws the image elsewhere (napari) sets its own view's
        self.store.view_region = self.canvas.visible_region
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        self.strip = KeyImageStrip(self)
        self.excerpt_editor = ExcerptEditor(self)
        self.preview = PreviewPane(self)
        self.handout = HandoutTab(self)
        self.output = HandoutOutput(self)
        self.toolbars = PanelActions(self, self.store, self.canvas, self)
        self.tools_bar = self.toolbars.tools_bar  # hosts and helpers add their actions to these two
        self.toolbar = self.toolbars.toolbar
        # redaction boxes on the canvas (or the host's layer); the export gate
        boxes = (redactions(self.store) if redactions is not None
                 else RedactionLayer(self.canvas.viewbox, self))
        self.deid = DeidController(self.store, boxes, self)
        self.tools_bar.addSeparator()
        for action in self.deid.actions:
            self.tools_bar.addAction(action)
        self._deid_timer.timeout.connect(self.deid.refresh)
        self._refusal: str | None = None  # the gate's refusal on show, while undecided boxes cause it
        self.deid.refused.connect(self._refused)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        if self.own_canvas:  # a host that cannot draw: the panel shows the image itself
            left_layout.addWidget(self.canvas, 1)
        left_layout.addWidget(self.info)
        left_layout.addWidget(self.strip)
        self.tabs = QTabWidget(self)
        self.tabs.setUsesScrollButtons(True)
        self.tabs.addTab(_scrolled(self.excerpt_editor), "Report excerpts")
        self.tabs.addTab(_scrolled(self.handout), "Handout")
        self.tabs.addTab(self.preview, "Preview")
        # one column, so that the panel docks narrow beside the viewer's own image
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3 if self.own_canvas else 0)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.messages)
        layout.addWidget(self.tools_bar)
        layout.addWidget(self.toolbar)
        layout.addWidget(splitter, 1)

        self.store.changed.connect(self._session_changed)
        self.store.focus_changed.connect(self._focus_changed)
        self.store.message.connect(self.messages.show_message)
        self.store.show_requested.connect(self.show_image)
        self.store.flush_requested.connect(self.excerpt_editor.flush)
        # the preview runs the whole check as the clinician types: say at once what would refuse
        self.preview.failed.connect(lambda message: self.messages.show_message(
            f"The handout cannot be made as it is: {message}", "warning"))
        self.canvas.overlay_committed.connect(self._overlay_committed)
        self.canvas.overlay_deleted.connect(self._overlay_deleted)
        self.canvas.window_changing.connect(self._window_changing)
        self.canvas.window_committed.connect(self._window_committed)
        self.strip.reordered.connect(self._reordered)
        self.strip.remove_requested.connect(self._remove_key_image)
        self.strip.activated.connect(self._strip_activated)
        self.excerpt_editor.report_changed.connect(self._report_changed)
        self.excerpt_editor.attach_requested.connect(self._attach_sentences)
        self.excerpt_editor.excerpts_changed.connect(self._excerpts_changed)
        self.handout.edited.connect(self._handout_edited)
        self.handout.failed.connect(lambda text: self.messages.show_message(text, "warning"))
        self.output.exported.connect(self._exported)
        self.output.printed.connect(self._printed)
        self.output.failed.connect(self.messages.error)
        self.output.cancelled.connect(
            lambda: self.messages.show_message("Cancelled: nothing was written or printed.", "info"))

        ref = weakref.ref(self)

        def follow(image: ImageRef | None) -> None:
            panel = ref()
            if panel is not None and _alive(panel):
                panel._host_changed(image)

        host.on_current_image_changed(follow)
        self.reload_study()
        # PACS button: import the study's KOS/GSPS, send to PACS
        self.dicom = DicomActions(self.store, host, self.deid, self.toolbar, self.canvas)

    # ----- study and host -----
    @property
    def session(self) -> Session:
        return self.store.session

    @property
    def focus(self) -> ImageRef | None:
        """The image on show (in the viewer and on the canvas)."""
        return self.store.focus

    @property
    def host(self) -> Host:
        return self._host

    @guarded
    def reload_study(self) -> None:
        """Read the host's study again and restore its autosaved work."""
        images = list(self._host.study_images())
        self._images = images
        self._known = {key_of(i) for i in images}
        self._thumbs.clear()
        if not images:
            self.autosaver = None
            self.store.reset(Session())
            self.store.set_focus(None)
            self.messages.show_message(NO_IMAGES, "warning")
            return
        if self.messages.text() == NO_IMAGES:  # images arrived (a host docks the panel before a study)
            self.messages.clear()
        uid: str | None = None
        try:
            uid = self.library.study_uid(images[0])
        except TakehomeError as exc:
            self.messages.error(describe_error(exc))
        self.autosaver = Autosaver(study_key(uid, [i.sop_instance_uid for i in images]))
        restored = self.autosaver.restore()
        saved = restored.session
        if restored.message:
            self.messages.show_message(restored.message, restored.level)
        if saved is None:
            try:
                saved = Session(study_instance_uid=uid)
            except AnnotationError:
                saved = Session()
        self.store.reset(saved)
        self.store.set_focus(self._host.current_image())

    def _host_changed(self, image: ImageRef | None) -> None:
        if image is not None and key_of(image) not in self._known:
            self.reload_study()
        self.store.set_focus(image)

    def _strip_activated(self, key: Key) -> None:
        image = edits.find(self.session, key)
        if image is not None:
            self.show_image(ImageRef(image.sop_instance_uid, image.file, image.frame))

    def show_image(self, image: ImageRef) -> None:
        """Show ``image`` in the viewer (the panel follows the viewer, so both show the same image)."""
        if key_of(image) in self._known:
            self._host.show_image(image)
        if self.store.focus != image:  # a host that cannot move: the panel shows it alone
            self.store.set_focus(image)

    def _focus_changed(self, _image: ImageRef | None) -> None:
        self._refresh_canvas()
        self._deid_timer.start()  # text detection for the image once scrolling rests
        self._refresh_side()
        self.strip.select(self.store.focus_key())

    # ----- showing -----
    def _refresh_canvas(self, force: bool = False) -> None:
        focus = self.store.focus
        if focus is None:
            self.canvas.set_image(None)
            self._shown_state = None
            self.toolbars.follow(False, False)
            self._update_info()
            return
        key = key_of(focus)
        image = self.store.focus_image()
        window = self.store.focus_window()
        overlays = image.overlays if image is not None else ()
        if force or self._shown_state != (key, window) or self.canvas.shown is None:
            try:
                shown = self.library.show(focus, window)
            except TakehomeError as exc:
                self.canvas.set_image(None)
                self._shown_state = None
                self.messages.error(describe_error(exc))
                self._update_info()
                return
            self._shown_state = (key, window)
            self.canvas.set_image(shown, overlays)
            self.toolbars.update_presets(shown)
        else:
            self.canvas.set_overlays(overlays)
        self.canvas.set_crop(image.crop if image is not None else None)
        self.toolbars.follow(image is not None, image is not None and image.crop is not None)
        self._update_info()

    def _update_info(self) -> None:
        image = self.store.focus_image()
        if self.store.focus is None:
            self.info.setText("No image shown. Choose an image in the viewer.")
            return
        if image is None:
            self.info.setText("Not in the handout yet: press K (Key image) or just start drawing.")
            return
        number = self.session.key_images.index(image) + 1
        total = len(self.session.key_images)
        self.info.setText(f"Key image {number} of {total}: {len(image.overlays)} drawing(s), "
                          f"{len(image.excerpts)} excerpt(s). {self._hint}")

    def _describe_overlay(self, overlay: Overlay) -> str:
        focus = self.store.focus
        if overlay.kind is not ShapeKind.LINE or focus is None:
            return overlay.label
        try:
            length = line_length(overlay, self.library.spacing(focus, overlay.points))
        except TakehomeError:
            return overlay.label
        return f"{overlay.label} ({length})" if overlay.label.strip() else str(length)

    def _refresh_side(self) -> None:
        image = self.store.focus_image()
        if image is None:
            hint = ("The image on show is not in the handout yet; attaching sentences adds it."
                    if self.store.focus is not None else "No image on show.")
            self.excerpt_editor.set_excerpts(None, hint)
        else:
            number = self.session.key_images.index(image) + 1
            self.excerpt_editor.set_excerpts(image.excerpts, f"Key image {number}")
        self.excerpt_editor.set_report(self.session.report_text)

    def _refresh_strip(self) -> None:
        entries = []
        for number, image in enumerate(self.session.key_images, start=1):
            pixmap = self._thumbs.get((image, number))
            if pixmap is None:
                try:
                    shown = self.library.show(ImageRef(image.sop_instance_uid, image.file, image.frame),
                                              image.window)
                    pixmap = thumbnail(shown.display.pixels, image.overlays, self.strip.iconSize().width(),
                                       badge=str(number))
                except TakehomeError:
                    pixmap = QPixmap(self.strip.iconSize())
                    pixmap.fill(Qt.GlobalColor.darkRed)
                self._thumbs[(image, number)] = pixmap
            entries.append((image, pixmap))
        live = {(image, number) for number, (image, _) in enumerate(entries, start=1)}
        self._thumbs = {k: v for k, v in self._thumbs.items() if k in live}
        self.strip.set_images(entries, self.store.focus_key())

    def _refused(self, text: str) -> None:
        self._refusal = text if _undecided(self.session) else None

    def _session_changed(self, session: Session) -> None:
        if self._refusal is not None and not _undecided(session):  # the clinician fixed what it named
            if self.messages.text() == self._refusal:
                self.messages.clear()
            self._refusal = None
        if self.autosaver is not None:
            try:
                self.autosaver.save(session)
                self.autosaved.emit(str(self.autosaver.path))
            except TakehomeError as exc:
                self.messages.error(describe_error(exc))
        self._refresh_canvas()
        self._refresh_strip()
        self._refresh_side()
        self.handout.show_session(session)
        self.preview.request(session)

    # ----- edits -----
    @guarded
    def _overlay_committed(self, overlay: Overlay, text: str) -> None:
        self.store.edit_focus(lambda image: edits.upsert_overlay(image, overlay), text)

    @guarded
    def _overlay_deleted(self, overlay_id: str) -> None:
        image = self.store.focus_image()
        if image is not None:
            self.store.edit(edits.update_image(self.session, edits.delete_overlay(image, overlay_id)),
                            "Delete drawing")

    def delete_selected(self) -> None:
        """Delete: the selected drawing, or the key image when the strip has the focus."""
        if self.strip.hasFocus():
            self.strip.remove_current()
        else:
            self.canvas.delete_selected()

    @guarded
    def _window_changing(self, window: Window) -> None:
        # coalesce a fast drag: render the latest window at most every ~30 ms
        self._pending_window = window
        if not self._window_timer.isActive():
            self._window_timer.start()

    @guarded
    def _render_pending_window(self) -> None:
        window, self._pending_window = self._pending_window, None
        focus = self.store.focus
        if focus is None or window is None:
            return
        shown = self.library.show(focus, window, keep=False)
        self.canvas.set_image(shown, self.canvas.overlays)

    @guarded
    def _window_committed(self, window: Window | None) -> None:
        self._window_timer.stop()
        self._pending_window = None
        if self.store.focus is None:
            return
        if self.store.focus_image() is not None:
            self.store.edit_focus(lambda image: edits.set_window(image, window), "Change brightness/contrast")
        else:
            self.store.set_view_window(window)
            self._refresh_canvas()

    def choose_window(self, window: Window | None) -> None:
        """A window preset was chosen (None: the image's own window)."""
        self._window_committed(window)

    @guarded
    def toggle_key_image(self) -> None:
        """Add the image on show to the handout, or take it out (undoable)."""
        key = self.store.focus_key()
        if key is None:
            self.messages.show_message("No image is shown: choose an image in the viewer first.", "warning")
            return
        if self.store.focus_image() is not None:
            self.store.edit(edits.remove_key_image(self.session, key), "Remove key image")
        else:
            self.store.edit(edits.add_key_image(self.session, self.store.new_key_image()), "Mark key image")

    @guarded
    def crop_to_view(self) -> None:
        """Print only the part of the image in view (undoable; the drawing tools still see it all)."""
        region = self.store.view_region()
        if region is None:
            self.messages.show_message("No image is shown to crop.", "warning")
            return
        x, y, width, height = (round(v, 1) for v in region)
        shown = self.canvas.shown
        assert shown is not None
        width = min(width, shown.display.columns - x)
        height = min(height, shown.display.rows - y)
        whole = x <= 0.5 and y <= 0.5 and width >= shown.display.columns - 1 and (
            height >= shown.display.rows - 1)
        crop = None if whole else Crop(x, y, width, height)
        self.store.edit_focus(lambda image: replace(image, crop=crop), "Crop to view")

    @guarded
    def reset_crop(self) -> None:
        if self.store.focus_image() is not None:
            self.store.edit_focus(lambda image: replace(image, crop=None), "Print the full image")

    @guarded
    def _remove_key_image(self, key: Key) -> None:
        self.store.edit(edits.remove_key_image(self.session, (key[0], key[1])), "Remove key image")

    @guarded
    def _reordered(self, keys: list[Key]) -> None:
        new = edits.reorder(self.session, [(k[0], k[1]) for k in keys])
        if new != self.session:
            self.store.edit(new, "Reorder key images")
        else:
            self._refresh_strip()

    @guarded
    def _report_changed(self, text: str) -> None:
        self.store.edit(replace(self.session, report_text=text), "Edit report text", "report-text")

    @guarded
    def _attach_sentences(self, sentences: list[str]) -> None:
        self.store.edit_focus(lambda image: edits.add_excerpts(image, sentences), "Attach excerpts")

    @guarded
    def _excerpts_changed(self, excerpts: list[object]) -> None:
        if self.store.focus_image() is None:
            return
        self.store.edit_focus(lambda image: edits.set_excerpts(image, excerpts), "Edit excerpts")  # type: ignore[arg-type]

    @guarded
    def _handout_edited(self, template: str, choices: dict[str, object]) -> None:
        chosen = dict(choices)
        language = chosen.pop("language", None)
        title = chosen.pop("title", None)  # the session's title: the core de-identifies it
        new = replace(self.session, template=template,
                      language=language if isinstance(language, str) else None,
                      title=title if isinstance(title, str) else "",
                      template_choices=tuple(chosen.items()))  # type: ignore[arg-type]
        typing = new.template == self.session.template and new.choices == self.session.choices
        self.store.edit(new, "Change handout settings", "handout-title" if typing else None)

    # ----- output -----
    @guarded
    def export_pdf(self, path: str | Path | None = None) -> None:
        """Save the handout as a PDF: checked first, then (``path`` None) the file dialog asks where."""
        self.excerpt_editor.flush()
        session = self.session
        if not session.key_images:
            self.messages.show_message("Mark at least one key image (K) before exporting.", "warning")
            return
        out = pdf_path(path) if path is not None else None
        self.deid.gate(lambda checked: self.output.export_pdf(checked, out, EXPORT_MODE,
                                                              choose=self._choose_export_file))

    def _choose_export_file(self) -> Path | None:
        """Ask where to save the (already checked) handout; None when the clinician cancels."""
        chosen, _filter = QFileDialog.getSaveFileName(self, "Export handout PDF",
                                                      str(self._export_dir / SUGGESTED_NAME),
                                                      "PDF documents (*.pdf)")
        if not chosen:
            return None
        out = pdf_path(chosen)
        self._export_dir = out.parent
        return out

    @guarded
    def print_handout(self, printer: QPrinter | None = None) -> None:
        """Print the handout (asks for the printer when ``printer`` is None)."""
        self.excerpt_editor.flush()
        session = self.session
        if not session.key_images:
            self.messages.show_message("Mark at least one key image (K) before printing.", "warning")
            return
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            dialog = QPrintDialog(printer, self)
            dialog.setWindowTitle("Print handout")
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
        self.deid.gate(lambda checked: self.output.print_pages(checked, printer, EXPORT_MODE), "Print")

    def _exported(self, result: BuildResult) -> None:
        removed = result.deid.removed
        scrubbed = f"; {removed} identifier(s) removed from the text" if removed else ""
        self.messages.show_message(f"Handout saved to {result.out} ({result.pdf.pages} page(s){scrubbed}).",
                                   "info")

    def _printed(self, pages: int) -> None:
        self.messages.show_message(f"Sent {pages} page(s) to the printer.", "info")

    def show_tab(self, page: QWidget) -> None:
        """Bring the tab holding ``page`` (the excerpts, the handout settings or the preview) to front."""
        for index in range(self.tabs.count()):
            tab = self.tabs.widget(index)
            if tab is page or (isinstance(tab, QScrollArea) and tab.widget() is page):
                self.tabs.setCurrentIndex(index)
                return

    def sizeHint(self) -> QSize:
        return QSize(DOCK_WIDTH, 720)

    # ----- lifecycle -----
    def flush(self) -> None:
        """Commit pending typing (the report box) so that the autosave has everything."""
        self.excerpt_editor.flush()

    def hideEvent(self, event: QHideEvent) -> None:
        self.flush()  # a host hiding or undocking the panel
        super().hideEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.flush()
        self.preview.shutdown()
        super().closeEvent(event)
