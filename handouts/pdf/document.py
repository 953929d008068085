"""Laying out the handout pages with reportlab and writing the PDF atomically.

The template decides the order of the sections, how many pictures share a page (1, 2 or 4), where
each picture's report notes go (below or beside it), fonts, colours and the mandatory text. Every
fixed string goes through the handout language's gettext catalog.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from takehome.annotations.session_file import write_atomic
from takehome.handouts.content import HandoutContent, HandoutImage
from takehome.handouts.errors import OutputError
from takehome.handouts.i18n import N_, translator
from takehome.handouts.pdf.alt_text import figure_alt
from takehome.handouts.pdf.figure import FigureFlowable
from takehome.handouts.pdf.images import EmbeddedImage
from takehome.handouts.pdf.sections import (
    Look,
    contact,
    excerpt_box,
    header,
    make_look,
    mandatory,
    para,
    questions,
    words_box,
)
from takehome.handouts.pdf.structure import tag_pdf
from takehome.handouts.pdf.tagging import SpacedTextObject, StructElement, Tagger, close_page
from takehome.handouts.templates import ExcerptPosition, PageSize, ResolvedText, Section, Template

#: Document information: fixed, generic, never patient data (translated).
PDF_TITLE = N_("Imaging handout")
PDF_CREATOR = "takehome"
#: Share of a page's height the picture of a one-per-page handout may take.
IMAGE_HEIGHT_SHARE = {1: 0.6, 2: 0.3, 4: 0.28}
MIN_IMAGE_HEIGHT = 90.0
BESIDE_SHARE = 0.56
GAP = 10.0
FOOTER_SPACE = 6 * mm
#: The page number's colour: 7.4:1 against white (WCAG AA asks 4.5:1).
FOOTER_COLOUR = "#555555"


@dataclass(frozen=True, slots=True)
class PdfInfo:
    """What was written: page count, bytes, and how each image was embedded."""

    pages: int
    nbytes: int
    images: tuple[EmbeddedImage, ...]


@dataclass(frozen=True, slots=True)
class _Context:
    template: Template
    look: Look
    width: float
    frame_height: float
    embedded: list[EmbeddedImage]
    root: StructElement


def _page_size(template: Template) -> tuple[float, float]:
    width, height = A4 if template.page_size is PageSize.A4 else LETTER
    return float(width), float(height)


def _figure(ctx: _Context, image: HandoutImage, heading: str, width: float, height: float,
            section: StructElement) -> FigureFlowable:
    """The picture, tagged as a Figure whose alternate text says in words what it shows."""
    look = ctx.look
    figure = FigureFlowable(image, width, height, font=look.fonts.regular, bold=look.fonts.bold,
                            letter_size=max(look.size * 0.95, 9.0), label_size=max(look.size * 0.8, 8.0),
                            embedded=ctx.embedded, text_colour=look.text)
    figure.struct = section.child("Figure", alt=figure_alt(image, heading, figure.scale_bar, look.tr))
    return figure


def _image_block(ctx: _Context, image: HandoutImage, number: int, total: int, width: float,
                 image_height: float, beside: bool) -> list[Flowable]:
    """Caption, picture with its legend, how to read it, and its report notes (one Sect, the caption
    its H2)."""
    look, tr = ctx.look, ctx.look.tr
    section = ctx.root.child("Sect")
    heading = tr.gettext("Picture {number} of {total}").format(number=number, total=total)
    caption = f"{heading}: {image.caption}" if image.caption else heading
    block: list[Flowable] = [para(caption, look.styles["caption"], section.child("H2"))]
    texts: list[Flowable] = []
    if image.reading:
        texts.append(para(image.reading, look.styles["legend"], section.child("P")))
    if beside and image.excerpts:
        # notes too long to stand beside the picture on one page go below it instead
        notes = [*texts, excerpt_box(image.excerpts, look, width * (1 - BESIDE_SHARE) - GAP, section)]
        beside = _height(notes, width * (1 - BESIDE_SHARE) - GAP) <= ctx.frame_height * 0.8
    if beside:
        figure_w = width * BESIDE_SHARE
        text_w = width - figure_w - GAP
        figure = _figure(ctx, image, heading, figure_w, image_height, section)
        if image.excerpts:
            texts.append(excerpt_box(image.excerpts, look, text_w, section))
        table = Table([[figure, texts or Spacer(0, 0)]], colWidths=[figure_w + GAP, text_w])
        table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), look.fonts.regular),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]))
        block.append(table)
    else:
        block.append(_figure(ctx, image, heading, width, image_height, section))
        if image.excerpts:
            texts.append(excerpt_box(image.excerpts, look, width, section))
        block += texts
    block.append(Spacer(1, look.size * 0.8))
    return block


def _height(flowables: list[Flowable], width: float) -> float:
    """The height the flowables take in a frame ``width`` wide (measured on a scratch canvas)."""
    scratch = Canvas(io.BytesIO())
    total = 0.0
    for flowable in flowables:
        if isinstance(flowable, KeepTogether):
            total += _height(list(flowable._content), width)
            continue
        _, h = flowable.wrapOn(scratch, width, 10_000)
        total += h + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def _group(ctx: _Context, images: list[tuple[int, HandoutImage]], total: int, image_height: float,
           ) -> list[Flowable]:
    """One page's pictures: stacked (1 or 2 per page) or in a 2 x 2 grid (4 per page)."""
    template = ctx.template
    beside = template.excerpt_position is ExcerptPosition.BESIDE
    if template.images_per_page == 4:
        cell_w = (ctx.width - GAP) / 2
        cells = [_image_block(ctx, image, n, total, cell_w, image_height, beside=False)
                 for n, image in images]
        if max(_height(cell, cell_w) for cell in cells) > ctx.frame_height * 0.9:
            # a picture with notes longer than a page cannot sit in a grid row: stack this page's pictures
            return [KeepTogether(_image_block(ctx, image, n, total, ctx.width, image_height, beside=False))
                    for n, image in images]
        rows = [cells[i:i + 2] + ([[]] if len(cells[i:i + 2]) == 1 else []) for i in range(0, len(cells), 2)]
        grid = Table(rows, colWidths=[cell_w + GAP, cell_w])
        grid.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), ctx.look.fonts.regular),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (0, -1), GAP),
            ("RIGHTPADDING", (1, 0), (1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]))
        return [grid]
    story: list[Flowable] = []
    for n, image in images:
        story.append(KeepTogether(_image_block(ctx, image, n, total, ctx.width, image_height, beside)))
    return story


def _heights(cap: float) -> list[float]:
    """The picture heights tried, largest first: ``cap`` shrinking by 8% down to the minimum."""
    heights = [cap]
    while heights[-1] > MIN_IMAGE_HEIGHT:
        heights.append(max(MIN_IMAGE_HEIGHT, heights[-1] * 0.92))
    return heights


def _fit_group(ctx: _Context, images: list[tuple[int, HandoutImage]], total: int,
               available: float, cap: float) -> tuple[list[Flowable], float]:
    """The group with the largest picture height (at most ``cap``) that fits ``available``.

    A group's height grows with its pictures', so the largest fitting height is found by bisection
    over the heights tried (a handful of layouts, not one per height).
    """
    heights = _heights(cap)
    stories: dict[int, list[Flowable]] = {}

    def fits(index: int) -> bool:
        stories[index] = _group(ctx, images, total, heights[index])
        return _height(stories[index], ctx.width) <= available * 0.98

    if fits(0):
        return stories[0], cap
    last = len(heights) - 1
    if last == 0 or not fits(last):
        # long notes overflow the page whatever the picture's size: keep pictures large, let notes flow
        return stories[0], cap
    too_tall, fitting = 0, last
    while fitting - too_tall > 1:
        middle = (too_tall + fitting) // 2
        if fits(middle):
            fitting = middle
        else:
            too_tall = middle
    return stories[fitting], heights[fitting]


def _legend_note(content: HandoutContent, look: Look, root: StructElement) -> list[Flowable]:
    """How to read the letters and the bar, said once, only when a picture has them."""
    tr = look.tr
    lines = []
    if any(image.orientation is not None for image in content.images):
        lines.append(tr.gettext("Letters at the edges of a picture show directions in your body: "
                                "L left, R right, A front, P back, H head, F feet."))
    if any(image.spacing is not None for image in content.images):
        lines.append(tr.gettext("The black bar under a picture shows a real length in your body."))
    return [para(" ".join(lines), look.styles["legend"], root.child("P"))] if lines else []


def _images_section(ctx: _Context, content: HandoutContent, used: float) -> list[Flowable]:
    story: list[Flowable] = _legend_note(content, ctx.look, ctx.root)
    used += _height(story, ctx.width)
    per_page = ctx.template.images_per_page
    numbered = list(enumerate(content.images, start=1))
    groups = [numbered[i:i + per_page] for i in range(0, len(numbered), per_page)]
    share = ctx.frame_height * IMAGE_HEIGHT_SHARE[per_page]
    for index, group in enumerate(groups):
        available = ctx.frame_height - used if index == 0 else ctx.frame_height
        if index == 0 and available < ctx.frame_height * 0.45:
            story.append(PageBreak())
            available = ctx.frame_height
        flowables, _ = _fit_group(ctx, group, len(numbered), available, share)
        story += flowables
        if index < len(groups) - 1:
            story.append(PageBreak())
    return story


def _numbered_canvas(font: str, text: str, colour: str, tagger: Tagger, size: float = 9.0,
                     ) -> type[Canvas]:
    class NumberedCanvas(Canvas):  # type: ignore[misc]
        """Defers each page so the footer can say "Page x of y"; the footer is a pagination
        artifact, and every other untagged painting an artifact too."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["initialFontName"] = font  # never reference an unembedded base font
            super().__init__(*args, **kwargs)
            self.tagger = tagger
            self._pages: list[dict[str, Any]] = []

        def beginText(self, x: float = 0, y: float = 0, direction: Any = None) -> SpacedTextObject:
            return SpacedTextObject(self, x, y, direction=direction)

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                width, _ = self._pagesize
                with tagger.artifact(self, "/Type /Pagination /Subtype /Footer"):
                    self.setFont(font, size)
                    self.setFillColor(HexColor(colour))
                    self.drawCentredString(width / 2, 10 * mm,
                                           text.format(page=self._pageNumber, total=total))
                close_page(self)
                super().showPage()
            super().save()

    return NumberedCanvas


def render_pdf(content: HandoutContent, template: Template) -> tuple[bytes, PdfInfo]:
    """The handout PDF as bytes (invariant: same input, same bytes)."""
    tr = translator(content.language)
    look = make_look(template, tr)
    text: ResolvedText = template.wording(content.language)
    buffer = io.BytesIO()
    margin = template.margin_mm * mm
    page = _page_size(template)
    doc = SimpleDocTemplate(
        buffer, pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=margin,
        bottomMargin=margin + FOOTER_SPACE, title=tr.gettext(PDF_TITLE), author="", subject="",
        keywords="", creator=PDF_CREATOR, producer=PDF_CREATOR, invariant=1, lang=content.language,
    )
    width = page[0] - 2 * margin - 12  # the frame pads 6 pt on each side
    frame_height = page[1] - 2 * margin - FOOTER_SPACE - 12
    tagger = Tagger()
    root = tagger.root
    ctx = _Context(template, look, width, frame_height, [], root)
    story: list[Flowable] = header(template, look, content.title, width, root)
    for section in template.sections:
        if section is Section.INTRO and text.intro:
            story.append(para(text.intro, look.styles["body"], root.child("P")))
        elif section is Section.IMAGES:
            story += _images_section(ctx, content, _height(story, width))
        elif section is Section.WORDS and template.words_box:
            story += words_box(content.words, look, width, root)
        elif section is Section.QUESTIONS and template.show_questions:
            story += questions(text, look, root)
        elif section is Section.CONTACT:
            story += contact(template, text, look, root)
        elif section is Section.MANDATORY:
            story += mandatory(text, look, width, root)
    footer = tr.gettext("Page {page} of {total}")
    footer_size = look.styles["legend"].fontSize
    doc.build(story, canvasmaker=_numbered_canvas(look.fonts.regular, footer, FOOTER_COLOUR, tagger,
                                                  footer_size))
    data = tag_pdf(buffer.getvalue(), root, title=tr.gettext(PDF_TITLE), language=content.language,
                   producer=PDF_CREATOR)
    return data, PdfInfo(pages=doc.page, nbytes=len(data), images=tuple(ctx.embedded))


def write_pdf(content: HandoutContent, template: Template, out: Path) -> PdfInfo:
    """Render and write the PDF atomically; on any failure no file (or the old one) remains."""
    data, info = render_pdf(content, template)
    try:
        write_atomic(Path(out), data)
    except OSError as exc:
        raise OutputError(f"{out}: the handout could not be written ({exc.strerror or exc})") from None
    return info
