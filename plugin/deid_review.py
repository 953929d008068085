"""The "what will be removed and why" review shown before export, with per-item overrides.

Every free text of the session is listed with the pieces de-identification removes and the reason;
each piece has a "Keep" box (an override, one item at a time). The printed text is previewed with
the pieces replaced by ``[removed]``. Boxes on the images are summarised per picture; undecided
boxes block export (the gate), which the dialog says plainly.
"""

from __future__ import annotations

from html import escape

from qtpy.QtCore import Qt, Signal
from qtpy.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from takehome.annotations.model import Session
from takehome.handouts.deid import Identifiers
from takehome.handouts.deid.review import Piece, TextFinding, review_pixels, review_texts

KEEP_COLUMN = 3


class DeidReviewDialog(QDialog):
    """Lists what will be removed; the clinician may keep single pieces, then export or cancel."""

    #: the overrides (texts to keep) whenever a Keep box changes
    overrides_changed = Signal(object)

    def __init__(self, session: Session, identifiers: Identifiers, parent: QWidget | None = None,
                 action: str = "Export") -> None:
        super().__init__(parent)
        self._action = action  # what the accept button does: "Export" or "Print"
        self.setWindowTitle("Before export: what will be removed")
        self.setMinimumSize(720, 440)
        self._session = session
        self._findings = review_texts(session, identifiers)
        self._kept: set[str] = set(session.text_overrides)
        layout = QVBoxLayout(self)
        intro = QLabel("These pieces could identify the patient or someone else and will be removed "
                       "from the handout. Tick <b>Keep</b> only if a piece is not identifying "
                       "(for example a disease named after a person).")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["Where / printed as", "Removed", "Why", "Keep"])
        self.tree.setRootIsDecorated(True)
        layout.addWidget(self.tree, 1)
        self._piece_items: list[tuple[QTreeWidgetItem, TextFinding, Piece]] = []
        self._text_items: list[tuple[QLabel, TextFinding]] = []
        self._fill()
        self.pixels_label = QLabel(self._pixel_summary())
        self.pixels_label.setWordWrap(True)
        layout.addWidget(self.pixels_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.export_button.setEnabled(self.blocked_images() == 0)
        self.tree.itemChanged.connect(self._item_changed)

    # ----- what the dialog decided -----
    def overrides(self) -> tuple[str, ...]:
        """The texts the clinician keeps (to store as ``session.text_overrides``)."""
        return tuple(sorted(self._kept))

    def session(self) -> Session:
        """The session with the chosen overrides."""
        from dataclasses import replace

        return replace(self._session, text_overrides=self.overrides())

    def blocked_images(self) -> int:
        return sum(1 for s in review_pixels(self._session) if s.pending)

    def findings(self) -> list[TextFinding]:
        return self._findings

    def set_kept(self, finding_index: int, piece_index: int, keep: bool) -> None:
        """Tick or untick one Keep box (what a click does)."""
        finding = self._findings[finding_index]
        piece = finding.pieces[piece_index]
        for item, f, p in self._piece_items:
            if f is finding and p == piece:
                item.setCheckState(KEEP_COLUMN, Qt.CheckState.Checked if keep else Qt.CheckState.Unchecked)

    # ----- building -----
    def _fill(self) -> None:
        self.tree.clear()
        self._piece_items.clear()
        self._text_items.clear()
        if not self._findings:
            QTreeWidgetItem(self.tree, ["Nothing to remove from the texts.", "", "", ""])
        for finding in self._findings:
            parent = QTreeWidgetItem(self.tree, [finding.where, "", "", ""])
            parent.setToolTip(0, finding.text)
            preview = QTreeWidgetItem(parent, ["", "", "", ""])
            preview.setFirstColumnSpanned(True)
            label = QLabel()
            label.setWordWrap(True)
            label.setObjectName("preview")
            self.tree.setItemWidget(preview, 0, label)
            self._text_items.append((label, finding))
            for piece in finding.pieces:
                item = QTreeWidgetItem(parent, ["", finding.piece_text(piece), piece.reason, ""])
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                kept = finding.piece_text(piece) in self._kept or piece.kept
                item.setCheckState(KEEP_COLUMN, Qt.CheckState.Checked if kept else Qt.CheckState.Unchecked)
                self._piece_items.append((item, finding, piece))
            parent.setExpanded(True)
        self._show_previews()
        for column in range(4):
            self.tree.resizeColumnToContents(column)
        self.tree.setColumnWidth(0, max(self.tree.columnWidth(0), 160))

    def _current(self, finding: TextFinding) -> TextFinding:
        pieces = tuple(Piece(p.start, p.end, p.kind, p.reason, finding.piece_text(p) in self._kept)
                       for p in finding.pieces)
        return TextFinding(finding.where, finding.text, pieces)

    def _show_previews(self) -> None:
        for label, finding in self._text_items:
            label.setText(f"<i>Printed as:</i> {escape(self._current(finding).cleaned())}")

    def _pixel_summary(self) -> str:
        parts = []
        for summary in review_pixels(self._session):
            text = f"{summary.where}: {summary.redact} box(es) filled, {summary.dismissed} dismissed"
            if summary.pending:
                text += f", <b>{summary.pending} undecided</b>"
            parts.append(text)
        blocked = self.blocked_images()
        note = (f"<br><b>{self._action} is blocked:</b> decide the undecided boxes on {blocked} "
                "picture(s) first." if blocked else "")
        return "Images — " + "; ".join(parts) + note if parts else ""

    def preview_text(self, finding_index: int) -> str:
        """The printed form of one finding's text, as currently decided."""
        return self._current(self._findings[finding_index]).cleaned()

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if column != KEEP_COLUMN:
            return
        for candidate, finding, piece in self._piece_items:
            if candidate is item:
                text = finding.piece_text(piece)
                if item.checkState(KEEP_COLUMN) == Qt.CheckState.Checked:
                    self._kept.add(text)
                else:
                    self._kept.discard(text)
                break
        self._show_previews()
        self.overrides_changed.emit(self.overrides())
