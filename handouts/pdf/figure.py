"""A key image as printed: the picture, its vector overlays, orientation letters at its edges and a
scale bar under it when the pixel spacing is known.
"""

from __future__ import annotations

from reportlab.lib.colors import Color, HexColor, black, white
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from takehome.handouts.content import HandoutImage
from takehome.handouts.legend.scalebar import ScaleBar, choose_scale_bar
from takehome.handouts.pdf.images import EmbeddedImage, prepare_image
from takehome.handouts.pdf.overlays import ImageFrame, draw_overlays
from takehome.handouts.pdf.tagging import StructElement, TaggedMixin

BAR_THICKNESS = 3.0
BAR_TICK = 7.0


class FigureFlowable(TaggedMixin, Flowable):  # type: ignore[misc]
    """The image scaled into ``max_width`` x ``max_height`` (including the letter and bar bands).

    Everything it draws is the content of ``struct`` (the Figure element with the alternate text).
    """

    def __init__(self, image: HandoutImage, max_width: float, max_height: float, *, font: str, bold: str,
                 letter_size: float, label_size: float, embedded: list[EmbeddedImage],
                 text_colour: Color = black, struct: StructElement | None = None) -> None:
        super().__init__()
        self.struct = struct
        self.image = image
        self.font = font
        self.bold = bold
        self.letter_size = letter_size
        self.label_size = label_size
        self.text_colour = text_colour
        self.embedded_list = embedded
        self.max_width = max_width
        letters = image.orientation is not None
        self.band = letter_size + 6 if letters else 0.0
        x0, y0, x1, y1 = image.region
        self.bar_band = max(letter_size, 9.0) + 8 if image.spacing is not None else 0.0
        avail_w = max(20.0, max_width - 2 * self.band)
        avail_h = max(20.0, max_height - 2 * self.band - self.bar_band)
        scale = min(avail_w / (x1 - x0), avail_h / (y1 - y0))
        self.points_per_pixel = scale
        self.draw_width = (x1 - x0) * scale
        self.draw_height = (y1 - y0) * scale
        self.scale_bar: ScaleBar | None = choose_scale_bar(image.spacing, scale, self.draw_width)
        if self.scale_bar is None:
            self.bar_band = 0.0
        self.bottom_band = self.band + self.bar_band
        self.height = self.draw_height + self.band + self.bottom_band
        self.width = max_width

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return float(self.max_width), float(self.height)

    @property
    def image_left(self) -> float:
        return (self.max_width - self.draw_width) / 2

    def draw(self) -> None:
        canvas: Canvas = self.canv
        left, bottom = self.image_left, self.bottom_band
        reader, embedded = prepare_image(self.image.pixels, self.image.region, self.draw_width,
                                         self.draw_height)
        self.embedded_list.append(embedded)
        canvas.drawImage(reader, left, bottom, self.draw_width, self.draw_height)
        frame = ImageFrame(left, bottom, self.draw_width, self.draw_height, self.image.region)
        draw_overlays(canvas, frame, self.image.overlays, self.image.labels, self.bold, self.label_size)
        canvas.setStrokeColor(HexColor("#555555"))
        canvas.setLineWidth(0.5)
        canvas.rect(left, bottom, self.draw_width, self.draw_height, stroke=1, fill=0)
        self._draw_letters(canvas, left, bottom)
        if self.scale_bar is not None:
            self._draw_bar(canvas, left, self.scale_bar)

    def _draw_letters(self, canvas: Canvas, left: float, bottom: float) -> None:
        orientation = self.image.orientation
        if orientation is None:
            return
        size = self.letter_size
        canvas.saveState()
        canvas.setFillColor(self.text_colour)
        canvas.setFont(self.bold, size)
        mid_y = bottom + self.draw_height / 2 - size * 0.35
        mid_x = left + self.draw_width / 2
        canvas.drawRightString(left - 3, mid_y, orientation.left)
        canvas.drawString(left + self.draw_width + 3, mid_y, orientation.right)
        canvas.drawCentredString(mid_x, bottom + self.draw_height + 4, orientation.top)
        canvas.drawCentredString(mid_x, bottom - size - 1, orientation.bottom)
        canvas.restoreState()

    def _draw_bar(self, canvas: Canvas, left: float, bar: ScaleBar) -> None:
        """A solid bar exactly ``bar.length_pt`` long, ticks inside its ends, its length beside it."""
        size = self.letter_size
        y = 4.0
        canvas.saveState()
        canvas.setFillColor(black)
        canvas.setStrokeColor(white)
        canvas.rect(left, y, bar.length_pt, BAR_THICKNESS, stroke=0, fill=1)
        for x in (left, left + bar.length_pt - 1.0):
            canvas.rect(x, y, 1.0, BAR_TICK, stroke=0, fill=1)
        canvas.setFillColor(self.text_colour)
        canvas.setFont(self.font, size)
        canvas.drawString(left + bar.length_pt + 4, y - size * 0.15, bar.label)
        canvas.restoreState()

    def bar_label_width(self) -> float:
        if self.scale_bar is None:
            return 0.0
        return float(stringWidth(self.scale_bar.label, self.font, self.letter_size))
