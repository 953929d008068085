"""Unicode fonts bundled inside the package and embedded (subset) in every handout PDF.

The DejaVu fonts ship in ``fontfiles/`` (Bitstream Vera licence, see LICENSE-DejaVu.txt), so accents
and non-Latin scripts print the same on every machine, whatever fonts it has installed. A template
may instead name its own TrueType files; they are checked when the template loads.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.pdfgen import canvas

from takehome.annotations.input_file import InputFileError, read_input_file
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


#: Letters a handout prints in every language it ships (a template's font must have them all).
_TRIAL_TEXT = "Your imaging results 0123456789 ÁÉÍÓÚÑáéíóúñü¿?¡!"
#: A font file larger than this is not a text face a handout needs.
MAX_FONT_BYTES = 32 * 1024 * 1024


def check_font_file(path: Path) -> None:
    """Raise InputError unless ``path`` is a TrueType font reportlab can parse, subset and embed.

    The font is embedded in a throw-away page, so a truncated or damaged file fails here, at load,
    and not half-way through a build.
    """
    try:
        data = read_input_file(path, limit=MAX_FONT_BYTES, what="font")
    except InputFileError as exc:
        raise InputError(str(exc)) from None
    try:
        font = TTFont(f"TakehomeCheck-{hashlib.sha1(data).hexdigest()[:12]}", io.BytesIO(data))
        page = canvas.Canvas(io.BytesIO())
        pdfmetrics.registerFont(font)
        page.setFont(font.fontName, 12)
        page.drawString(10, 10, _TRIAL_TEXT)
        page.save()
    except Exception as exc:  # reportlab's TrueType parser raises struct, index, key and TTF errors
        raise InputError(f"{path}: not a usable TrueType font ({type(exc).__name__}: "
                         f"{str(exc)[:120]}); give a complete .ttf file") from None


def register_fonts() -> tuple[str, str]:
    """The default (bundled sans) regular and bold font names."""
    pair = family_fonts(FontFamily.SANS)
    return pair.regular, pair.bold
