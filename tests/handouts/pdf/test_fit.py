"""A page of pictures gets the largest picture height that fits, found with a handful of layouts."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from takehome.handouts.content import HandoutImage
from takehome.handouts.i18n import translator
from takehome.handouts.pdf import document
from takehome.handouts.pdf.sections import make_look
from takehome.handouts.pdf.tagging import Tagger
from takehome.handouts.templates import resolve_template

_SENTENCE = "The small nodule in the right lower lobe measures 4 mm and has not changed since last year. "


def _context(name: str, choices: dict[str, Any]) -> document._Context:
    template = resolve_template(name).with_choices(choices)
    width, height = document._page_size(template)
    margin = template.margin_mm * document.mm
    return document._Context(template, make_look(template, translator(template.language)),
                             width - 2 * margin - 12, height - 2 * margin - document.FOOTER_SPACE - 12,
                             [], Tagger().root)


def _images(count: int, notes: int) -> list[tuple[int, HandoutImage]]:
    excerpt = (_SENTENCE * (notes // len(_SENTENCE) + 1))[:notes].strip()
    return [(n, HandoutImage(pixels=np.zeros((300, 400), np.uint8), crop=None, overlays=(), labels=(),
                             caption="Ultrasound of the liver", excerpts=(excerpt,) if excerpt else ()))
            for n in range(1, count + 1)]


def _ladder(cap: float) -> list[float]:
    """The heights the layout may give a picture: ``cap`` shrinking by 8% down to the minimum."""
    heights = [cap]
    while heights[-1] > document.MIN_IMAGE_HEIGHT:
        heights.append(max(document.MIN_IMAGE_HEIGHT, heights[-1] * 0.92))
    return heights


@pytest.mark.parametrize(("name", "choices"), [
    ("standard", {}), ("compact", {}), ("large-print", {}),
    ("standard", {"excerpt": "beside", "images_per_page": 1}),
])
@pytest.mark.parametrize("notes", [0, 600, 1800, 5000])
@pytest.mark.parametrize("share", [0.5, 0.8, 1.0])
def test_the_largest_fitting_height_with_few_layouts(name: str, choices: dict[str, Any], notes: int,
                                                     share: float, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = _context(name, choices)
    per_page = ctx.template.images_per_page
    images = _images(per_page, notes)
    cap, available = ctx.frame_height * document.IMAGE_HEIGHT_SHARE[per_page], ctx.frame_height * share
    ladder = _ladder(cap)
    # the reference: every height tried in turn, the first that fits, else the largest (notes flow on)
    fitting = [h for h in ladder if document._height(document._group(ctx, images, per_page, h), ctx.width)
               <= available * 0.98]
    expected = fitting[0] if fitting else cap

    layouts: list[float] = []
    real = document._group

    def counted(ctx_: Any, images_: Any, total: int, height: float) -> Any:
        layouts.append(height)
        return real(ctx_, images_, total, height)

    monkeypatch.setattr(document, "_group", counted)
    story, height = document._fit_group(ctx, images, per_page, available, cap)
    assert height == pytest.approx(expected)
    assert story and len(layouts) <= 3 + math.ceil(math.log2(len(ladder))), layouts
