"""Laying out the handout pages with reportlab and writing the PDF atomically."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from takehome.annotations.session_file import write_atomic
from takehome.handouts.content import HandoutContent, HandoutImage
from takehome.handouts.errors import OutputError
from takehome.handouts.pdf.fonts import register_fonts
from takehome.handouts.pdf.images import EmbeddedImage, prepare_image
from takehome.handouts.pdf.overlays import ImageFrame, draw_overlays
from takehome.handouts.template import PageSize, Template

#: Document information: fixed, generic, never patient data.
PDF_TITLE = "Imaging handout"
PDF_CREATOR = "takehome"
IMAGE_HEIGHT_SHARE = 0.38


@dataclass(frozen=True, slots=True)
class PdfInfo:
    """What was written: page count, bytes, and how each image was embedded."""

    pages: int
    nbytes: int
    images: tuple[EmbeddedImage, ...]


class KeyImageFlowable(Flowable):  # type: ignore[misc]
    """A key image scaled into the frame, with its overlays drawn as vectors on top."""

    def __init__(self, image: HandoutImage, max_width: float, max_height: float, font: str,
                 embedded: list[EmbeddedImage]) -> None:
        super().__init__()
        self.image = image
        self.font = font
        x0, y0, x1, y1 = image.region
        scale = min(max_width / (x1 - x0), max_height / (y1 - y0))
        self.draw_width = (x1 - x0) * scale
        self.draw_height = (y1 - y0) * scale
        self.max_width = max_width
        self.embedded = prepare_image(image.pixels, image.region, self.draw_width, self.draw_height)
        embedded.append(self.embedded)

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return float(self.max_width), float(self.draw_height)

    def draw(self) -> None:
        canvas: Canvas = self.canv
        left = (self.max_width - self.draw_width) / 2
        canvas.drawImage(self.embedded.reader, left, 0, self.draw_width, self.draw_height)
        frame = ImageFrame(left, 0, self.draw_width, self.draw_height, self.image.region)
        draw_overlays(canvas, frame, self.image.overlays, self.image.labels, self.font)
        canvas.setStrokeColor(HexColor("#555555"))
        canvas.setLineWidth(0.5)
        canvas.rect(left, 0, self.draw_width, self.draw_height, stroke=1, fill=0)


def _styles(template: Template, regular: str, bold: str) -> dict[str, ParagraphStyle]:
    size = template.body_size
    accent = HexColor(template.accent)
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=size * 2, leading=size * 2.4,
                                textColor=accent, spaceAfter=size * 0.6),
        "intro": ParagraphStyle("intro", fontName=regular, fontSize=size, leading=size * 1.4,
                                spaceAfter=size),
        "caption": ParagraphStyle("caption", fontName=bold, fontSize=size, leading=size * 1.3,
                                  spaceBefore=size * 0.5, spaceAfter=size * 0.3, textColor=accent),
        "excerpt_head": ParagraphStyle("excerpt_head", fontName=bold, fontSize=size * 0.85,
                                       leading=size * 1.2, textColor=HexColor("#444444")),
        "excerpt": ParagraphStyle("excerpt", fontName=regular, fontSize=size, leading=size * 1.4),
        "closing": ParagraphStyle("closing", fontName=regular, fontSize=size, leading=size * 1.4,
                                  spaceBefore=size * 0.8, textColor=HexColor("#222222")),
    }


def _excerpt_box(texts: tuple[str, ...], styles: dict[str, ParagraphStyle], width: float) -> Table:
    rows: list[list[Any]] = [[Paragraph("From your report", styles["excerpt_head"])]]
    rows += [[Paragraph(escape(text).replace("\n", "<br/>"), styles["excerpt"])] for text in texts]
    table = Table(rows, colWidths=[width])
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), HexColor("#eef3f8")),
        ("LINEBEFORE", (0, 0), (0, -1), 3, HexColor("#1f4e79")),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table


def _page_size(template: Template) -> tuple[float, float]:
    width, height = A4 if template.page_size is PageSize.A4 else LETTER
    return float(width), float(height)


def _numbered_canvas(font: str) -> type[Canvas]:
    class NumberedCanvas(Canvas):  # type: ignore[misc]
        """Defers each page so the footer can say "Page x of y"."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                width, _ = self._pagesize
                self.setFont(font, 9)
                self.setFillColor(HexColor("#555555"))
                self.drawCentredString(width / 2, 10 * mm, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def render_pdf(content: HandoutContent, template: Template) -> tuple[bytes, PdfInfo]:
    """The handout PDF as bytes (invariant: same input, same bytes)."""
    regular, bold = register_fonts()
    styles = _styles(template, regular, bold)
    buffer = io.BytesIO()
    margin = template.margin_mm * mm
    page = _page_size(template)
    doc = SimpleDocTemplate(
        buffer, pagesize=page, leftMargin=margin, rightMargin=margin, topMargin=margin,
        bottomMargin=margin + 6 * mm, title=PDF_TITLE, author="", subject="", keywords="",
        creator=PDF_CREATOR, producer=PDF_CREATOR, invariant=1,
    )
    width = page[0] - 2 * margin
    image_height = (page[1] - 2 * margin) * IMAGE_HEIGHT_SHARE
    embedded: list[EmbeddedImage] = []
    story: list[Flowable] = [Paragraph(escape(content.title), styles["title"])]
    if template.intro:
        story.append(Paragraph(escape(template.intro), styles["intro"]))
    total = len(content.images)
    for number, image in enumerate(content.images, start=1):
        block: list[Flowable] = [KeyImageFlowable(image, width, image_height, bold, embedded)]
        heading = f"Picture {number} of {total}"
        caption = f"{heading}: {image.caption}" if image.caption else heading
        block.append(Paragraph(escape(caption), styles["caption"]))
        if image.excerpts:
            block.append(_excerpt_box(image.excerpts, styles, width))
        block.append(Spacer(1, template.body_size))
        story.append(KeepTogether(block))
    for text in template.closing:
        story.append(Paragraph(escape(text), styles["closing"]))
    doc.build(story, canvasmaker=_numbered_canvas(regular))
    data = buffer.getvalue()
    return data, PdfInfo(pages=doc.page, nbytes=len(data), images=tuple(embedded))


def write_pdf(content: HandoutContent, template: Template, out: Path) -> PdfInfo:
    """Render and write the PDF atomically; on any failure no file (or the old one) remains."""
    data, info = render_pdf(content, template)
    try:
        write_atomic(Path(out), data)
    except OSError as exc:
        raise OutputError(f"{out}: the handout could not be written ({exc.strerror or exc})") from None
    return info
