"""The text blocks of a handout: styles, header with logo, report notes, words box, questions,
contact and the mandatory text, all in the template's fonts and colours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.colors import Color, HexColor
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from takehome.handouts.glossary import GlossaryEntry
from takehome.handouts.i18n import Translator
from takehome.handouts.pdf.fonts import FontPair, family_fonts, file_fonts
from takehome.handouts.pdf.tagging import StructElement, TaggedMixin, TaggedParagraph
from takehome.handouts.templates import ResolvedText, Template
from takehome.handouts.templates.logo import load_svg

LOGO_MAX_WIDTH_MM = 70.0
#: Report notes are cut into rows of at most this many characters (at sentence ends where possible),
#: so a long excerpt can continue on the next page instead of failing the layout.
ROW_CHARACTERS = 500
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True, slots=True)
class Look:
    """Everything the blocks need to draw: fonts, colours, sizes, styles and the translator."""

    fonts: FontPair
    size: float
    accent: Color
    text: Color
    panel: Color
    styles: dict[str, ParagraphStyle]
    tr: Translator


def template_fonts(template: Template) -> FontPair:
    if template.font_files is not None:
        return file_fonts(*template.font_files)
    return family_fonts(template.font_family)


def make_look(template: Template, tr: Translator) -> Look:
    fonts = template_fonts(template)
    size = template.effective_body_size
    accent, text, panel = HexColor(template.accent), HexColor(template.text_colour), HexColor(
        template.panel_colour)
    regular, bold = fonts.regular, fonts.bold
    # large print keeps every text at the large size; otherwise legends may be a little smaller
    small = size if template.large_print else max(size * 0.85, 9.0)
    styles = {
        "department": ParagraphStyle("department", fontName=bold, fontSize=size * 1.05,
                                     leading=size * 1.3, textColor=accent),
        "title": ParagraphStyle("title", fontName=bold, fontSize=size * 1.9, leading=size * 2.3,
                                textColor=accent, spaceAfter=size * 0.5),
        "body": ParagraphStyle("body", fontName=regular, fontSize=size, leading=size * 1.4,
                               textColor=text, spaceAfter=size * 0.6),
        "heading": ParagraphStyle("heading", fontName=bold, fontSize=size * 1.2, leading=size * 1.5,
                                  textColor=accent, spaceBefore=size * 0.9, spaceAfter=size * 0.35),
        "caption": ParagraphStyle("caption", fontName=bold, fontSize=size, leading=size * 1.3,
                                  spaceBefore=size * 0.3, spaceAfter=size * 0.3, textColor=accent),
        "legend": ParagraphStyle("legend", fontName=regular, fontSize=small, leading=small * 1.35,
                                 textColor=text, spaceAfter=size * 0.35),
        "box_head": ParagraphStyle("box_head", fontName=bold, fontSize=small, leading=small * 1.3,
                                   textColor=accent),
        "excerpt": ParagraphStyle("excerpt", fontName=regular, fontSize=size, leading=size * 1.4,
                                  textColor=text),
        "term": ParagraphStyle("term", fontName=bold, fontSize=size, leading=size * 1.35, textColor=text),
        "bullet": ParagraphStyle("bullet", fontName=regular, fontSize=size, leading=size * 1.4,
                                 textColor=text, leftIndent=size * 1.3, bulletIndent=size * 0.2,
                                 bulletFontName=regular, bulletFontSize=size, spaceAfter=size * 0.25),
        "mandatory": ParagraphStyle("mandatory", fontName=bold, fontSize=size, leading=size * 1.4,
                                    textColor=text),
    }
    return Look(fonts, size, accent, text, panel, styles, tr)


def para(text: str, style: ParagraphStyle, struct: StructElement | None,
         bullet: str | None = None, label: StructElement | None = None) -> TaggedParagraph:
    """A paragraph of plain text (escaped: nothing in the text is markup), the content of ``struct``
    (None: a decoration, marked as an artifact); with a ``bullet``, that is the ``label``."""
    return TaggedParagraph(escape(text).replace("\n", "<br/>"), style, bulletText=bullet, struct=struct,
                           label=label)


class LogoFlowable(TaggedMixin, Flowable):  # type: ignore[misc]
    """The department's logo at the template's height (PNG raster or SVG vectors): an artifact,
    since the department's name is printed beside it."""

    def __init__(self, path: Path, height: float, max_width: float) -> None:
        super().__init__()
        self.struct = None
        self.path = path
        self.drawing: Any = None
        self.reader: ImageReader | None = None
        if path.suffix.lower() == ".svg":
            self.drawing = load_svg(path)
            natural_w, natural_h = float(self.drawing.width), float(self.drawing.height)
        else:
            self.reader = ImageReader(str(path))
            natural_w, natural_h = (float(v) for v in self.reader.getSize())
        scale = min(height / natural_h, max_width / natural_w)
        self.scale = scale
        self.width, self.height = natural_w * scale, natural_h * scale

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return float(self.width), float(self.height)

    def draw(self) -> None:
        canvas: Canvas = self.canv
        if self.drawing is not None:
            from reportlab.graphics import renderPDF

            canvas.saveState()
            canvas.scale(self.scale, self.scale)
            renderPDF.draw(self.drawing, canvas, 0, 0)
            canvas.restoreState()
        elif self.reader is not None:
            canvas.drawImage(self.reader, 0, 0, self.width, self.height, mask="auto")


def header(template: Template, look: Look, title: str, width: float, root: StructElement,
           ) -> list[Flowable]:
    """Logo and department name on one line, then the title (the document's H1)."""
    story: list[Flowable] = []
    logo = (LogoFlowable(template.logo, template.logo_height_mm * mm, min(LOGO_MAX_WIDTH_MM * mm, width / 2))
            if template.logo is not None else None)
    name = (para(template.department, look.styles["department"], root.child("P"))
            if template.department else None)
    if logo is not None or name is not None:
        logo_w = logo.width + 10 if logo is not None else 0.0
        row: list[Any] = [logo or Spacer(0, 0), name or Spacer(0, 0)]
        table = Table([row], colWidths=[logo_w, width - logo_w])
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), look.fonts.regular),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ("LINEBELOW", (0, 0), (-1, 0), 1.2, look.accent),
        ]))
        story += [table, Spacer(1, look.size * 0.6)]
    story.append(para(title, look.styles["title"], root.child("H1")))
    return story


def boxed(rows: list[list[Any]], look: Look, width: float, *, bar: bool = True) -> Table:
    """Rows in a tinted panel with a coloured bar on the left (report notes, words box)."""
    columns = len(rows[0])
    if columns == 1:
        col_widths = [width]
    else:
        first = min(width * 0.3, 55 * mm)
        col_widths = [first, width - first]
    table = Table(rows, colWidths=col_widths)
    style: list[tuple[Any, ...]] = [("FONTNAME", (0, 0), (-1, -1), look.fonts.regular),
        ("BACKGROUND", (0, 0), (-1, -1), look.panel),
        ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    if bar:
        style.append(("LINEBEFORE", (0, 0), (0, -1), 3, look.accent))
    if columns > 1:
        style.append(("SPAN", (0, 0), (-1, 0)))
    table.setStyle(TableStyle(style))
    return table


def text_rows(text: str, limit: int = ROW_CHARACTERS) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut after sentences, else between words."""
    pieces: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text.strip()):
        while len(sentence) > limit:
            cut = sentence.rfind(" ", 0, limit)
            cut = cut if cut > limit // 2 else limit
            head, sentence = sentence[:cut].rstrip(), sentence[cut:].lstrip()
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        if current and len(current) + 1 + len(sentence) > limit:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}" if current else sentence
    if current:
        pieces.append(current)
    return pieces


def excerpt_box(texts: tuple[str, ...], look: Look, width: float, parent: StructElement) -> Table:
    """The report notes in a tinted panel; long notes continue over pages (one row per piece).

    Tagged as a heading (H3, under the picture's H2) and one paragraph per note.
    """
    rows: list[list[Any]] = [[para(look.tr.gettext("From your report"), look.styles["box_head"],
                                   parent.child("H3"))]]
    style = look.styles["excerpt"]
    # a row must fit a page at any print size and width: about eight lines of this style's letters
    per_line = max(1, int(width / (style.fontSize * 0.6)))
    limit = max(24, min(ROW_CHARACTERS, per_line * 8))
    for text in texts:
        note = parent.child("P")
        rows += [[para(piece, style, note)] for piece in text_rows(text, limit)]
    table = boxed(rows, look, width)
    table.repeatRows = 1
    return table


def words_box(words: tuple[GlossaryEntry, ...], look: Look, width: float, root: StructElement,
              ) -> list[Flowable]:
    """The "Words in your report" box: each word found and what it means.

    Tagged as a heading (H2) and a Table whose rows each have the word as row header (TH) and its
    meaning (TD).
    """
    if not words:
        return []
    heading = para(look.tr.gettext("Words in your report"), look.styles["heading"], root.child("H2"))
    table_element = root.child("Table")
    rows: list[list[Any]] = [[heading, Spacer(0, 0)]]
    for entry in words:
        row = table_element.child("TR")
        rows.append([para(entry.term, look.styles["term"], row.child("TH", scope="Row")),
                     para(entry.plain, look.styles["excerpt"], row.child("TD"))])
    table = boxed(rows, look, width, bar=True)
    table.repeatRows = 1  # split over pages only when longer than a page: the heading goes on again
    return [Spacer(1, look.size * 0.6), KeepTogether([table])]


def questions(text: ResolvedText, look: Look, root: StructElement) -> list[Flowable]:
    """The questions as a heading (H2) and a list (L, one LI per question: its bullet the Lbl, its
    text the LBody)."""
    if not text.questions:
        return []
    story: list[Flowable] = [para(look.tr.gettext("Questions to ask your doctor"), look.styles["heading"],
                                  root.child("H2"))]
    items = root.child("L")
    for question in text.questions:
        item = items.child("LI")
        story.append(para(question, look.styles["bullet"], item.child("LBody"), bullet="\u2022",
                          label=item.child("Lbl")))
    return [KeepTogether(story)]


def contact(template: Template, text: ResolvedText, look: Look, root: StructElement) -> list[Flowable]:
    story: list[Flowable] = [para(look.tr.gettext("Who to contact"), look.styles["heading"],
                                  root.child("H2"))]
    if template.department:
        story.append(para(template.department, look.styles["term"], root.child("P")))
    story += [para(line, look.styles["body"], root.child("P")) for line in text.contact]
    return [KeepTogether(story)]


def mandatory(text: ResolvedText, look: Look, width: float, root: StructElement) -> list[Flowable]:
    """The department's mandatory text in a framed box that cannot be missed (one P per line)."""
    if not text.mandatory:
        return []
    rows = [[para(line, look.styles["mandatory"], root.child("P"))] for line in text.mandatory]
    table = Table(rows, colWidths=[width])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), look.fonts.regular),
        ("BOX", (0, 0), (-1, -1), 1.5, look.accent),
        ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
        ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    return [Spacer(1, look.size * 0.9), table]
