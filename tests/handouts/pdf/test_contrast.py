"""WCAG 2.1 AA contrast of the built-in templates' colours and of the drawings' labels."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.lib.colors import Color, HexColor, black, white

from takehome.annotations.model import DEFAULT_COLOR
from takehome.handouts.pdf.contrast import (
    GRAPHICS_RATIO,
    TEXT_RATIO,
    contrast_ratio,
    luminance,
    outline_for,
)
from takehome.handouts.pdf.document import FOOTER_COLOUR
from takehome.handouts.templates import resolve_template
from takehome.handouts.templates.sources import builtin_names


def test_contrast_ratio_matches_the_wcag_definition() -> None:
    assert contrast_ratio(black, white) == pytest.approx(21.0)
    assert contrast_ratio(white, white) == pytest.approx(1.0)
    assert luminance(HexColor("#808080")) == pytest.approx(0.2159, abs=1e-4)
    # the classic borderline greys on white: #767676 passes AA, #777777 does not
    passing, failing = HexColor("#767676"), HexColor("#777777")
    assert contrast_ratio(passing, white) >= TEXT_RATIO > contrast_ratio(failing, white)


@pytest.mark.parametrize("name", builtin_names())
def test_builtin_template_colours_meet_aa(name: str) -> None:
    """Body text, headings, captions and box headings (accent) are normal-size text somewhere, so all
    need 4.5:1 on the page and on the tinted panels."""
    template = resolve_template(name)
    text, accent, panel = (HexColor(c) for c in
                           (template.text_colour, template.accent, template.panel_colour))
    for foreground in (text, accent):
        for background in (white, panel):
            assert contrast_ratio(foreground, background) >= TEXT_RATIO, (name, foreground, background)
    assert contrast_ratio(HexColor(FOOTER_COLOUR), white) >= TEXT_RATIO


def test_large_print_is_large_and_high_contrast() -> None:
    template = resolve_template("large-print")
    assert template.large_print and template.effective_body_size >= 16
    assert contrast_ratio(HexColor(template.text_colour), white) >= 7.0  # AAA, for low vision


@given(st.integers(0, 0xFFFFFF))
def test_every_drawing_colour_has_a_legible_label_outline(rgb: int) -> None:
    """Labels are filled in the drawing's colour over an outline: the pair reaches 3:1 whatever
    colour was chosen (in fact always 4.5:1)."""
    colour = HexColor(f"#{rgb:06x}")
    assert contrast_ratio(colour, outline_for(colour)) >= max(GRAPHICS_RATIO, TEXT_RATIO)


def test_default_drawing_colour_keeps_its_black_outline() -> None:
    colour: Color = HexColor(DEFAULT_COLOR)
    assert outline_for(colour) == black
    assert outline_for(HexColor("#1020a0")) == white  # a dark blue gets a white outline
