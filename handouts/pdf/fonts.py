"""Embedded Unicode fonts for the handout (TrueType, subset into the PDF so every glyph prints)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import reportlab
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "TakehomeSans"
BOLD = "TakehomeSans-Bold"

_CANDIDATES = {
    REGULAR: ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "Vera.ttf"),
    BOLD: ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "VeraBd.ttf"),
}


@cache
def register_fonts() -> tuple[str, str]:
    """Register the regular and bold fonts once; DejaVu when installed, else reportlab's Vera."""
    bundled = Path(reportlab.__file__).parent / "fonts"
    for name, (system, fallback) in _CANDIDATES.items():
        path = Path(system) if Path(system).is_file() else bundled / fallback
        pdfmetrics.registerFont(TTFont(name, str(path)))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR, BOLD
