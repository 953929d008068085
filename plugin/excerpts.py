"""Report excerpts: paste the report, tick the sentences to include, attach them to a key image, edit.

The report text is kept in the session (autosaved like everything else); the excerpts live on the
key images, which is what the handout prints next to each image.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qtpy.QtCore import Qt, QTimer, Signal
from qtpy.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from takehome.annotations.model import MAX_EXCERPT_LENGTH, Excerpt

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
_ABBREVIATIONS = re.compile(r"(?:\b(?:e\.g|i\.e|approx|vs|cf|dr|mr|mrs|ms|no|fig|st)\.|^\d+\.)$",
                            re.IGNORECASE)
_HEADING = re.compile(r"^\s*([A-Z][A-Za-z /&-]{1,40}):\s*")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")


def _blocks(text: str) -> list[str]:
    """Paragraphs, headings and list items of a report, each as one line of text."""
    blocks: list[str] = []
    current: list[str] = []

    def close() -> None:
        if current:
            blocks.append(" ".join(current))
            current.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            close()
            continue
        heading = _HEADING.match(line)
        if heading is not None and heading.group(1).split()[0].isupper():
            close()
            line = line[heading.end():]
        if _LIST_ITEM.match(line):
            close()
            line = _LIST_ITEM.sub("", line)
        if line:
            current.append(line)
    close()
    return blocks


def split_sentences(text: str) -> list[str]:
    """The report's sentences, one per item, without headings ("FINDINGS:") or list numbers."""
    sentences: list[str] = []
    for block in _blocks(text):
        pending = ""
        for part in _SENTENCE_END.split(" ".join(block.split())):
            pending = f"{pending} {part}".strip() if pending else part.strip()
            if _ABBREVIATIONS.search(pending):
                continue
            sentences.append(pending)
            pending = ""
        if pending:
            sentences.append(pending)
    return [s for s in sentences if s]


class ExcerptEditor(QWidget):
    """Report box, sentence picker, and the excerpts of the key image on the canvas."""

    #: the report text after the clinician stopped typing (debounced)
    report_changed = Signal(str)
    #: sentences to attach to the shown image
    attach_requested = Signal(list)
    #: the shown image's excerpts after an edit (list of Excerpt)
    excerpts_changed = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report = QPlainTextEdit(self)
        self.report.setPlaceholderText("Paste the radiology report here, then tick the sentences the "
                                       "patient should read.")
        self.sentences = QListWidget(self)
        self.sentences.setWordWrap(True)
        self.sentences.setToolTip("Tick the sentences to attach to the image on the canvas")
        self.attach = QPushButton("Attach ticked sentences to this image", self)
        self.attach.clicked.connect(self._attach)
        self.excerpts = QListWidget(self)
        self.excerpts.setWordWrap(True)
        self.excerpts.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.excerpts.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                      | QAbstractItemView.EditTrigger.EditKeyPressed
                                      | QAbstractItemView.EditTrigger.SelectedClicked)
        self.excerpts.setToolTip("Double-click to reword in plain language; drag to reorder")
        self.excerpts.itemChanged.connect(self._excerpt_edited)
        self.excerpts.model().rowsMoved.connect(self._emit_excerpts)
        self.add_button = QPushButton("Add…", self)
        self.add_button.setToolTip("Write an excerpt of your own for this image")
        self.add_button.clicked.connect(self._add)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.clicked.connect(self.remove_selected)
        self.image_label = QLabel("No key image on the canvas", self)
        self.image_label.setWordWrap(True)

        top = QWidget(self)
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(QLabel("<b>Report</b>", top))
        top_layout.addWidget(self.report, 2)
        top_layout.addWidget(QLabel("Sentences", top))
        top_layout.addWidget(self.sentences, 3)
        top_layout.addWidget(self.attach)
        bottom = QWidget(self)
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(QLabel("<b>Excerpts printed with this image</b>", bottom))
        bottom_layout.addWidget(self.image_label)
        bottom_layout.addWidget(self.excerpts, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        bottom_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(600)
        self._timer.timeout.connect(self._report_settled)
        self.report.textChanged.connect(self._report_typed)
        self._updating = False
        self._excerpt_objects: list[Excerpt] = []
        self._last_report = ""

    # ----- state from the panel -----
    def set_report(self, text: str) -> None:
        if text == self.report.toPlainText():
            return
        self._updating = True
        try:
            self.report.setPlainText(text)
            self._last_report = text
            self._fill_sentences(text)
        finally:
            self._updating = False

    def set_excerpts(self, excerpts: Sequence[Excerpt] | None, description: str = "") -> None:
        """The excerpts of the shown key image (None: the shown image is not a key image)."""
        self._updating = True
        try:
            self.excerpts.clear()
            self._excerpt_objects = list(excerpts or ())
            for excerpt in self._excerpt_objects:
                item = QListWidgetItem(excerpt.text)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
                item.setData(Qt.ItemDataRole.UserRole, excerpt.id)
                self.excerpts.addItem(item)
        finally:
            self._updating = False
        self.image_label.setText(description)

    def flush(self) -> None:
        """Send a pending report edit now (before export, on close)."""
        if self._timer.isActive():
            self._timer.stop()
            self._report_settled()

    # ----- report and sentences -----
    def _report_typed(self) -> None:
        if not self._updating:
            self._timer.start()

    def _report_settled(self) -> None:
        text = self.report.toPlainText()
        self._fill_sentences(text)
        if text != self._last_report:
            self._last_report = text
            self.report_changed.emit(text)

    def _fill_sentences(self, text: str) -> None:
        ticked = set(self.ticked())
        self.sentences.clear()
        for sentence in split_sentences(text):
            item = QListWidgetItem(sentence)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if sentence in ticked else Qt.CheckState.Unchecked)
            self.sentences.addItem(item)

    def ticked(self) -> list[str]:
        rows = (self.sentences.item(r) for r in range(self.sentences.count()))
        return [i.text() for i in rows if i is not None and i.checkState() == Qt.CheckState.Checked]

    def tick(self, *indices: int) -> None:
        for index in indices:
            item = self.sentences.item(index)
            if item is not None:
                item.setCheckState(Qt.CheckState.Checked)

    def _attach(self) -> None:
        self.flush()
        chosen = self.ticked()
        if chosen:
            self.attach_requested.emit(chosen)
            for r in range(self.sentences.count()):
                item = self.sentences.item(r)
                if item is not None:
                    item.setCheckState(Qt.CheckState.Unchecked)

    # ----- excerpts of the shown image -----
    def current_excerpts(self) -> list[Excerpt]:
        by_id = {e.id: e for e in self._excerpt_objects}
        result = []
        for row in range(self.excerpts.count()):
            item = self.excerpts.item(row)
            if item is None:
                continue
            text = item.text().strip()[:MAX_EXCERPT_LENGTH]
            if not text:
                continue
            excerpt_id = str(item.data(Qt.ItemDataRole.UserRole))
            old = by_id.get(excerpt_id)
            result.append(Excerpt(text, id=excerpt_id) if old is not None else Excerpt(text))
        return result

    def _excerpt_edited(self, _item: QListWidgetItem) -> None:
        self._emit_excerpts()

    def _emit_excerpts(self, *_: object) -> None:
        if not self._updating:
            self.excerpts_changed.emit(self.current_excerpts())

    def remove_selected(self) -> None:
        row = self.excerpts.currentRow()
        if row >= 0:
            self.excerpts.takeItem(row)
            self._emit_excerpts()

    def _add(self) -> None:
        text, ok = QInputDialog.getMultiLineText(self, "Add excerpt", "Text the patient will read:")
        if ok and text.strip():
            self.excerpts_changed.emit([*self.current_excerpts(), Excerpt(text.strip())])
