"""Department logos: a PNG or an SVG beside the template, checked for size and content at load."""

from __future__ import annotations

import math
import re
import warnings
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from takehome.annotations.input_file import InputFileError, read_input_file
from takehome.handouts.errors import InputError

MAX_LOGO_BYTES = 2 * 1024 * 1024
MAX_LOGO_PIXELS = 4000
MIN_LOGO_PIXELS = 16
#: Largest width, height or coordinate an SVG logo may use (points or user units).
MAX_SVG_EXTENT = 100_000
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
    """The SVG as a reportlab drawing; external references, scripts and absurd sizes are refused."""
    try:
        text = read_input_file(path, limit=MAX_LOGO_BYTES, what="logo").decode("utf-8")
    except InputFileError as exc:
        raise InputError(f"{where}: {exc.problem}") from None
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
    _check_svg_extent(drawing, path, where)
    return drawing


def _check_svg_extent(drawing: Any, path: Path, where: str) -> None:
    """Refuse a drawing whose size or shapes reach beyond MAX_SVG_EXTENT (a PDF cannot hold them)."""
    try:
        bounds = drawing.getBounds()
    except Exception:  # reportlab raises ValueError/TypeError/ZeroDivisionError on degenerate shapes
        raise InputError(f"{where}: {path.name} is not a readable SVG (its shapes have no extent)") from None
    values = [float(drawing.width), float(drawing.height), *(float(v) for v in bounds or ())]
    if not all(math.isfinite(v) and abs(v) <= MAX_SVG_EXTENT for v in values):
        raise InputError(f"{where}: {path.name} is drawn beyond {MAX_SVG_EXTENT:g} units (its size or "
                         "a shape is absurdly large); give a logo drawn at a normal size")
