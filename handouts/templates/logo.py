"""Department logos: a PNG or an SVG beside the template, checked for size and content at load."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from takehome.handouts.errors import InputError

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_PIXELS = 4000
MIN_LOGO_PIXELS = 16
#: SVG features that could reach outside the file or run code: refused, as templates are data only.
_SVG_FORBIDDEN = re.compile(r"<!DOCTYPE|<!ENTITY|<script|<foreignObject|<image\b|(?:xlink:)?href\s*=\s*[\"']"
                            r"(?!#)", re.IGNORECASE)


def check_logo(path: Path, where: str = "logo") -> None:
    """Raise InputError unless ``path`` is a PNG or a self-contained SVG of sensible size."""
    size = path.stat().st_size
    if size > MAX_LOGO_BYTES:
        raise InputError(f"{where}: {path.name} is {size // 1024} KB; a logo must be at most "
                         f"{MAX_LOGO_BYTES // (1024 * 1024)} MB")
    suffix = path.suffix.lower()
    if suffix == ".svg":
        load_svg(path, where)
        return
    if suffix != ".png":
        raise InputError(f"{where}: {path.name} must be a .png or .svg logo")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                fmt = image.format
                width, height = image.size
                image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning,
            Image.DecompressionBombError):
        raise InputError(f"{where}: {path.name} is not a readable PNG image") from None
    if fmt != "PNG":
        raise InputError(f"{where}: {path.name} is a {fmt} file, not a PNG image")
    if max(width, height) > MAX_LOGO_PIXELS or min(width, height) < MIN_LOGO_PIXELS:
        raise InputError(f"{where}: {path.name} is {width}x{height} pixels; a logo must be "
                         f"{MIN_LOGO_PIXELS} to {MAX_LOGO_PIXELS} pixels on each side")


def load_svg(path: Path, where: str = "logo") -> Any:
    """The SVG as a reportlab drawing; external references and scripts are refused."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{where}: {path.name} is not an SVG (not UTF-8 text)") from None
    if "<svg" not in text:
        raise InputError(f"{where}: {path.name} is not an SVG image (no <svg> element)")
    if _SVG_FORBIDDEN.search(text):
        raise InputError(f"{where}: {path.name} refers to other files, scripts or entities; a logo SVG "
                         "must be self-contained (shapes and text only)")
    from svglib.svglib import svg2rlg

    try:
        drawing = svg2rlg(str(path))
    except Exception as exc:  # svglib raises lxml and parsing errors of many kinds
        raise InputError(f"{where}: {path.name} is not a readable SVG ({type(exc).__name__})") from None
    if drawing is None or drawing.width <= 0 or drawing.height <= 0:
        raise InputError(f"{where}: {path.name} is not a readable SVG (no size)")
    return drawing
