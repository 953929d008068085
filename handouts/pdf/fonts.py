"""Unicode fonts bundled inside the package and embedded (subset) in every handout PDF.

The DejaVu fonts ship in ``fontfiles/`` (Bitstream Vera licence, see LICENSE-DejaVu.txt), so accents
and non-Latin scripts print the same on every machine, whatever fonts it has installed. A template
may instead name its own TrueType files; they are checked when the template loads.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from takehome.handouts.errors import InputError


class FontFamily(StrEnum):
    """The bundled font families a template can choose."""

    SANS = "sans"
    SERIF = "serif"


_FILES: dict[FontFamily, tuple[str, str]] = {
    FontFamily.SANS: ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    FontFamily.SERIF: ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf"),
}

#: Backwards-compatible names of the default (sans) pair.
REGULAR = "TakehomeSans"
BOLD = "TakehomeSans-Bold"


@dataclass(frozen=True, slots=True)
class FontPair:
    """The registered reportlab names of a regular and a bold face."""

    regular: str
    bold: str


def bundled_font_path(filename: str) -> Path:
    """The path of one of the bundled font files."""
    path = Path(str(resources.files(__package__).joinpath("fontfiles", filename)))
    if not path.is_file():
        raise InputError(f"font {filename!r}: the bundled font file is missing from the installation "
                         f"({path}); reinstall takehome")
    return path


def _register(name: str, path: Path) -> None:
    if name in pdfmetrics.getRegisteredFontNames():
        return
    try:
        pdfmetrics.registerFont(TTFont(name, str(path)))
    except (TTFError, OSError, ValueError) as exc:
        raise InputError(f"{path}: not a usable TrueType font ({exc}); give a .ttf file") from None


def _pair(regular_name: str, bold_name: str) -> FontPair:
    addMapping(regular_name, 0, 0, regular_name)
    addMapping(regular_name, 1, 0, bold_name)
    addMapping(regular_name, 0, 1, regular_name)
    addMapping(regular_name, 1, 1, bold_name)
    return FontPair(regular_name, bold_name)


@cache
def family_fonts(family: FontFamily = FontFamily.SANS) -> FontPair:
    """Register a bundled family once and return its reportlab names."""
    regular_file, bold_file = _FILES[FontFamily(family)]
    if family is FontFamily.SANS:
        names = (REGULAR, BOLD)
    else:
        names = (f"Takehome{family.value.title()}", f"Takehome{family.value.title()}-Bold")
    _register(names[0], bundled_font_path(regular_file))
    _register(names[1], bundled_font_path(bold_file))
    return _pair(*names)


def _digest(path: Path) -> str:
    return hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:12]


@cache
def file_fonts(regular: Path, bold: Path) -> FontPair:
    """Register a template's own TrueType pair (names derived from the file paths)."""
    names = (f"TakehomeCustom-{_digest(regular)}", f"TakehomeCustom-{_digest(bold)}-Bold")
    _register(names[0], regular)
    _register(names[1], bold)
    return _pair(*names)


def check_font_file(path: Path) -> None:
    """Raise InputError unless ``path`` is a TrueType font reportlab can embed."""
    try:
        TTFont("TakehomeCheck", str(path))
    except (TTFError, OSError, ValueError) as exc:
        raise InputError(f"{path}: not a usable TrueType font ({exc}); give a .ttf file") from None


def register_fonts() -> tuple[str, str]:
    """The default (bundled sans) regular and bold font names."""
    pair = family_fonts(FontFamily.SANS)
    return pair.regular, pair.bold
