"""Marked content for reportlab: the tags a screen reader follows, recorded while the pages are drawn.

reportlab has no tagging of its own. Flowables that carry a structure element wrap what they draw in
a marked-content sequence (``/P <</MCID n>> BDC … EMC``); everything else a page paints (table
backgrounds, rules, the footer, the logo, repeated table headings) becomes an ``/Artifact``. The
structure elements are attached to the tree when their content is first drawn, so layouts that were
measured but not used leave nothing behind, and the tree's order is the order the pages were filled.
:mod:`takehome.handouts.pdf.structure` then writes the tree into the finished file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import Flowable, Paragraph

#: Operators that paint (a path, an image or a shading): such content must be tagged or an artifact.
_PAINT = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh"})
#: Operators that build a path: the path continues until it is painted (or ended with ``n``).
_PATH = frozenset({"m", "l", "c", "v", "y", "h", "re", "W", "W*"})
ARTIFACT = "/Artifact BMC"
END = "EMC"


@dataclass(frozen=True, slots=True)
class MarkedRef:
    """One marked-content sequence: the page (0-based) and its MCID on that page."""

    page: int
    mcid: int


@dataclass(eq=False, slots=True)
class StructElement:
    """A node of the structure tree (``Document``, ``H1``, ``P``, ``Figure``, ``TH``, …).

    ``alt`` is the alternate description (figures), ``scope`` the TH scope (``Row`` or ``Column``).
    """

    role: str
    parent: StructElement | None = None
    alt: str = ""
    scope: str = ""
    bbox: tuple[float, float, float, float] | None = None
    kids: list[StructElement | MarkedRef] = field(default_factory=list)
    attached: bool = False

    def child(self, role: str, *, alt: str = "", scope: str = "") -> StructElement:
        """A new element under this one; it joins the tree when its content is first drawn."""
        return StructElement(role, parent=self, alt=alt, scope=scope)

    def attach(self) -> None:
        """Put this element (and its unattached ancestors) into the tree, after its drawn siblings."""
        if self.attached or self.parent is None:
            self.attached = True
            return
        self.parent.attach()
        self.parent.kids.append(self)
        self.attached = True


class Tagger:
    """The structure of one document and the MCIDs handed out on each page."""

    def __init__(self) -> None:
        self.root = StructElement("Document", attached=True)
        self._next_mcid: dict[int, int] = {}
        self._drawn: dict[int, object] = {}  # kept alive, so an id is never reused
        self.depth = 0

    @contextmanager
    def marked(self, canvas: Canvas, element: StructElement | None, drawer: object,
               origin: tuple[float, float] = (0.0, 0.0)) -> Iterator[None]:
        """Wrap what is drawn inside in ``element``'s marked content (an artifact if ``element`` is
        None or ``drawer`` was drawn before: a repeated heading). Inside marked content already, what
        is drawn belongs to the enclosing sequence."""
        if self.depth:
            yield
            return
        repeat = id(drawer) in self._drawn
        self._drawn[id(drawer)] = drawer
        if element is None or repeat:
            canvas._code.append(ARTIFACT)
        else:
            if element.role == "Figure":
                element.bbox = _page_box(canvas, drawer, origin)
            canvas._code.append(self.begin(canvas, element))
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
            canvas._code.append(END)

    def begin(self, canvas: Canvas, element: StructElement) -> str:
        """The operator opening a new marked-content sequence of ``element`` on the current page."""
        page = canvas.getPageNumber() - 1
        mcid = self._next_mcid.get(page, 0)
        self._next_mcid[page] = mcid + 1
        element.attach()
        element.kids.append(MarkedRef(page, mcid))
        return f"/{element.role} <</MCID {mcid}>> BDC"

    @contextmanager
    def list_item(self, canvas: Canvas, label: StructElement, body: StructElement) -> Iterator[None]:
        """Tag a bulleted paragraph drawn inside: its first text object (reportlab draws the bullet
        first, as a text object of its own) is the ``label`` (Lbl), the rest the ``body`` (LBody)."""
        start = len(canvas._code)
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
        drawn = canvas._code[start:]
        texts = [i for i, entry in enumerate(drawn) if entry.lstrip().startswith("BT")]
        if len(texts) < 2:  # no separate bullet: the whole item is its body
            canvas._code[start:] = [self.begin(canvas, body), *drawn, END]
            return
        first, last = texts[0], texts[-1]
        canvas._code[start:] = [*drawn[:first], self.begin(canvas, label), drawn[first], END,
                                self.begin(canvas, body), *drawn[first + 1:last + 1], END,
                                *drawn[last + 1:]]

    @contextmanager
    def artifact(self, canvas: Canvas, kind: str = "") -> Iterator[None]:
        """Wrap what is drawn inside as an artifact (``kind``: e.g. ``/Type /Pagination``)."""
        canvas._code.append(f"/Artifact <<{kind}>> BDC" if kind else ARTIFACT)
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
            canvas._code.append(END)


def _page_box(canvas: Canvas, drawer: object, origin: tuple[float, float],
              ) -> tuple[float, float, float, float] | None:
    """The page rectangle a flowable about to be drawn at ``origin`` will cover."""
    width, height = getattr(drawer, "width", None), getattr(drawer, "height", None)
    if not isinstance(width, int | float) or not isinstance(height, int | float):
        return None
    a, b, c, d, e, f = canvas._currentMatrix
    corners = [(origin[0] + u, origin[1] + v) for u in (0.0, width) for v in (0.0, height)]
    xs = [e + a * u + c * v for u, v in corners]
    ys = [f + b * u + d * v for u, v in corners]
    return min(xs), min(ys), max(xs), max(ys)


class SpacedTextObject(PDFTextObject):  # type: ignore[misc]
    """A text object whose lines end with a space: reportlab drops the space where a paragraph
    wraps, and text read from the marked content (what a screen reader speaks) would run the last
    word of one line into the first of the next. The space is drawn after the line: nothing moves."""

    def _textOut(self, text: str, TStar: int = 0) -> None:
        if TStar and text and not text[-1].isspace():
            text += " "
        super()._textOut(text, TStar)


def tagger_of(canvas: Canvas) -> Tagger | None:
    """The canvas's tagger (None on the scratch canvases used to measure)."""
    tagger = getattr(canvas, "tagger", None)
    return tagger if isinstance(tagger, Tagger) else None


def close_untagged(code: list[str]) -> list[str]:
    """``code`` (one page's operators) with every painting outside marked content made an artifact.

    A path is wrapped from its first construction operator to its painting operator, a text object
    from BT to ET, so no marked-content operator lands inside a graphics object.
    """
    out: list[str] = []
    depth = 0
    pending: list[str] = []
    in_text = False
    for entry in code:
        text = entry.strip()
        if depth or (text.endswith(("BDC", "BMC")) and not in_text):
            out += pending
            pending = []
            if text.endswith(("BDC", "BMC")):
                depth += 1
            elif text == END:
                depth -= 1
            out.append(entry)
            continue
        tokens = text.split()
        if in_text or text.startswith("BT"):
            pending.append(entry)
            in_text = not (tokens and tokens[-1] == "ET")
            if not in_text:
                shows = any(op in tokens for op in ("Tj", "TJ", "'", '"', "Do"))
                out += [ARTIFACT, *pending, END] if shows else pending
                pending = []
            continue
        if not tokens:
            out.append(entry)
            continue
        last = tokens[-1]
        if last in _PATH:
            pending.append(entry)
        elif last == "n":
            out += [*pending, entry]
            pending = []
        elif _PAINT.intersection(tokens):
            out += [ARTIFACT, *pending, entry, END]
            pending = []
        elif pending:
            pending.append(entry)
        else:
            out.append(entry)
    return out + pending


def close_page(canvas: Canvas) -> None:
    """Make every untagged painting on the canvas's current page an artifact (before showPage)."""
    canvas._code = close_untagged(canvas._code)


class TaggedMixin:
    """A flowable whose drawing is the content of ``struct`` (None: an artifact)."""

    struct: StructElement | None

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        tagger = tagger_of(canvas)
        if tagger is None:
            super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]
            return
        with tagger.marked(canvas, self.struct, self, (x, y)):
            super().drawOn(canvas, x, y, _sW)  # type: ignore[misc]


class TaggedParagraph(TaggedMixin, Paragraph):  # type: ignore[misc]
    """A paragraph that is the content of a structure element; its parts after a page break too.

    With a ``label`` element, the paragraph is a list item: its bullet is the label (Lbl) and its
    text ``struct`` (LBody).
    """

    def __init__(self, text: Any, style: Any, *args: Any, struct: StructElement | None = None,
                 label: StructElement | None = None, **kwargs: Any) -> None:
        super().__init__(text, style, *args, **kwargs)
        self.struct = struct
        self.label = label

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(avail_width, avail_height)
        for part in parts:
            if isinstance(part, TaggedParagraph):
                part.struct = self.struct
                part.label = self.label
        return parts

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        tagger = tagger_of(canvas)
        if tagger is None or self.label is None or self.struct is None or tagger.depth:
            super().drawOn(canvas, x, y, _sW)
            return
        with tagger.list_item(canvas, self.label, self.struct):
            Paragraph.drawOn(self, canvas, x, y, _sW)
