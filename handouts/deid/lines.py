"""Finding lines of burned-in text from the structure of text, before any OCR.

Text is strokes of one width and contrast on a plainer background, in glyphs of one height that sit
on a common baseline, spaced by less than their height. Strokes are isolated with a morphological
top-hat per colour channel, in both polarities, wide enough for bold banner text; they are
thresholded at several contrasts (faint grey-on-grey text at the lowest, text over speckle at the
highest, where the speckle falls apart); glyph-sized components are chained along rows (and along
columns for vertical text, along straight chains for rotated text); a chain is a text line when its
glyphs agree in height and alignment and the bands above and below it are clear. Texture, bone
edges and speckle fail these tests, so anatomy does not become text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import ndimage

#: Top-hat width (px): strokes up to about half of it are kept whole (bold 40 px text has ~7 px strokes).
TOPHAT_WIDTH = 15
#: Stroke contrasts (0-255) tried: faint text shows at the lowest, text over speckle at the highest.
LEVELS = (22, 45, 90, 160)
#: Glyph heights (px) looked for; 7-40 px text has glyphs of about 4-44 px.
MIN_GLYPH, MAX_GLYPH = 4, 46
_EIGHT = np.ones((3, 3), dtype=bool)
#: Share of ink allowed in the clearest row above and below a line (text has background around it).
_CLEAR_ROW = 0.04
#: Rotated text is accepted only on a clean background (at most this share of other strokes around it).
_ROTATED_CLUTTER = 0.05
#: Chains in more clutter than this are texture, not text (text in speckle shows at a higher level).
_MAX_CLUTTER = 0.12
#: A contrast level with more components than this is texture (noise, speckle) and is skipped.
_TEXTURE_COMPONENTS = 700
#: Images larger than this are thresholded on a coarser grid of levels (radiographs: strong text only).
_LARGE = 1_500_000


@dataclass(frozen=True, slots=True)
class Glyph:
    """A glyph-sized stroke component (box x0, y0, x1, y1 in the frame it was found in)."""

    x0: int
    y0: int
    x1: int
    y1: int
    area: int

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True, slots=True)
class TextLine:
    """A line of text: its box in image pixels, character height, direction and how it was found."""

    x0: int
    y0: int
    x1: int
    y1: int
    height: float  # character height across the line (px)
    angle: float  # direction of reading in degrees: 0 left to right, 90 bottom to top, -90 top to bottom
    light: bool  # light text on a darker background
    level: int  # the stroke contrast the line was found at
    glyphs: int
    clutter: float = 0.0  # share of the surroundings covered by strokes that are not the line's glyphs

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.x0, self.y0, self.x1, self.y1

    @property
    def area(self) -> int:
        return (self.x1 - self.x0) * (self.y1 - self.y0)

    def overlap(self, other: TextLine) -> float:
        """Intersection over the smaller box."""
        ix = min(self.x1, other.x1) - max(self.x0, other.x0)
        iy = min(self.y1, other.y1) - max(self.y0, other.y0)
        if ix <= 0 or iy <= 0:
            return 0.0
        return ix * iy / max(1, min(self.area, other.area))

    def padded(self, shape: tuple[int, ...], share: float = 0.45) -> tuple[int, int, int, int]:
        """The box grown by a margin (a share of the character height, more at the line's ends)."""
        pad = max(3, math.ceil(share * self.height))
        ends = max(pad, math.ceil(0.8 * self.height)) if share >= 0.45 else pad
        across, along = (pad, ends) if abs(self.angle) < 45 else (ends, pad)
        rows, columns = shape[:2]
        return (max(0, self.x0 - along), max(0, self.y0 - across), min(columns, self.x1 + along),
                min(rows, self.y1 + across))


def strokes(pixels: NDArray[np.uint8], light: bool, width: int = TOPHAT_WIDTH) -> NDArray[np.uint8]:
    """Stroke contrast: how much brighter (``light``) or darker than its surroundings each pixel is.

    Light text is looked for in the brightest channel and dark text in the darkest, so red text on
    grey tissue counts like white on black, and blue on grey like black on white.
    """
    if pixels.ndim == 3:
        pixels = np.asarray(pixels.max(axis=2) if light else pixels.min(axis=2), dtype=np.uint8)
    if light:  # white top-hat: the image minus its opening
        base = ndimage.maximum_filter(ndimage.minimum_filter(pixels, width), width)
        contrast = pixels.astype(np.int16) - base.astype(np.int16)
    else:  # black top-hat: the closing minus the image
        base = ndimage.minimum_filter(ndimage.maximum_filter(pixels, width), width)
        contrast = base.astype(np.int16) - pixels.astype(np.int16)
    clipped: NDArray[np.uint8] = np.clip(contrast, 0, 255).astype(np.uint8)
    return clipped


def components(ink: NDArray[np.bool_]) -> list[Glyph]:
    """Stroke components of glyph size in either orientation (upright or lying on its side)."""
    labels, count = ndimage.label(ink, structure=_EIGHT)
    if count == 0:
        return []
    areas = np.bincount(labels.ravel())
    found = []
    for index, box in enumerate(ndimage.find_objects(labels), start=1):
        ys, xs = box
        height, width = ys.stop - ys.start, xs.stop - xs.start
        if max(height, width) > 2.5 * MAX_GLYPH or max(height, width) < MIN_GLYPH:
            continue
        area = int(areas[index])
        if area >= 6 and 0.08 <= area / (height * width) <= 0.95:
            found.append(Glyph(xs.start, ys.start, xs.stop, ys.stop, area))
    return found


def upright(found: Sequence[Glyph]) -> list[Glyph]:
    """The components that are glyphs of upright text (height in range, not much wider than tall)."""
    return [g for g in found if MIN_GLYPH <= g.height <= MAX_GLYPH and g.width <= 4 * g.height]


def turned(found: Sequence[Glyph], columns: int) -> list[Glyph]:
    """``found`` as they lie in ``np.rot90`` of an image ``columns`` wide, kept when upright there."""
    return upright([Glyph(g.y0, columns - g.x1, g.y1, columns - g.x0, g.area) for g in found])


def _chains(items: Sequence[Glyph]) -> list[list[Glyph]]:
    """Glyphs chained along rows: similar height, centres on one band, gaps below the height."""
    ordered = sorted(items, key=lambda g: g.x0)
    count = len(ordered)
    # the last glyph of each chain: right edge, centre row, height, width
    right, middle = np.empty(count), np.empty(count)
    tall_of, wide_of = np.empty(count), np.empty(count)
    chains: list[list[Glyph]] = []
    for glyph in ordered:
        k = len(chains)
        if k:
            tall = np.maximum(tall_of[:k], glyph.height)
            short = np.minimum(tall_of[:k], glyph.height)
            offset = np.abs(middle[:k] - glyph.cy)
            fits = ((tall <= 1.8 * short) & (offset <= 0.3 * tall) & (glyph.x0 - right[:k] <= 1.2 * tall)
                    & (glyph.x0 >= right[:k] - 0.3 * np.minimum(wide_of[:k], glyph.width)))
            candidates = np.flatnonzero(fits)
            if candidates.size:
                k = int(candidates[np.argmin(offset[candidates])])
                chains[k].append(glyph)
            else:
                chains.append([glyph])
        else:
            chains.append([glyph])
        right[k], middle[k], tall_of[k], wide_of[k] = glyph.x1, glyph.cy, glyph.height, glyph.width
    return chains


def _clear_around(ink: NDArray[np.bool_], chain: Sequence[Glyph], height: float) -> bool:
    """Whether a nearly empty row (the leading between lines) runs just above and just below the chain."""
    x0, x1 = min(g.x0 for g in chain), max(g.x1 for g in chain)
    y0, y1 = min(g.y0 for g in chain), max(g.y1 for g in chain)
    reach = max(2, round(0.4 * height))
    above = ink[max(0, y0 - reach):y0, x0:x1]
    below = ink[y1:y1 + reach, x0:x1]
    return all(part.shape[0] == 0 or part.mean(axis=1).min() <= _CLEAR_ROW for part in (above, below))


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _line_of(chain: Sequence[Glyph], ink: NDArray[np.bool_]) -> tuple[float, int] | None:
    """(character height, glyph count) when the chain is a text line, else None."""
    count = len(chain)
    if count < 2:
        return None
    heights = [g.height for g in chain]
    height = _median(heights)
    width = chain[-1].x1 - chain[0].x0
    if width < (1.4 if count == 2 else 1.2) * height:
        return None
    if max(abs(h - height) for h in heights) > 0.6 * height:
        return None
    tops, bottoms = [g.y0 for g in chain], [g.y1 for g in chain]
    # glyphs share a baseline or a cap line (descenders and lower case move one, not both)
    top, bottom = _median(tops), _median(bottoms)
    aligned = min(_median([abs(t - top) for t in tops]), _median([abs(b - bottom) for b in bottoms]))
    if aligned > 0.15 * height:
        return None
    if not _clear_around(ink, chain, height):
        return None
    return height, count


def _clutter(ink: NDArray[np.bool_], members: Sequence[Glyph], height: float) -> float:
    """Share of the line's padded box covered by strokes outside its own glyphs (texture around it)."""
    rows, columns = ink.shape
    pad = max(3, math.ceil(0.6 * height))
    x0, y0 = max(0, min(g.x0 for g in members) - pad), max(0, min(g.y0 for g in members) - pad)
    x1, y1 = min(columns, max(g.x1 for g in members) + pad), min(rows, max(g.y1 for g in members) + pad)
    window = ink[y0:y1, x0:x1].copy()
    for g in members:
        window[g.y0 - y0:g.y1 - y0, g.x0 - x0:g.x1 - x0] = False
    return float(window.mean()) if window.size else 0.0


def _axis_lines(ink: NDArray[np.bool_], found: Sequence[Glyph], light: bool, level: int,
                turn: int) -> list[TextLine]:
    """Text lines among ``found`` glyphs of ``ink``; ``turn`` 1: ``ink`` is the image turned by np.rot90."""
    lines = []
    columns = ink.shape[0]
    for chain in _chains(found):
        judged = _line_of(chain, ink)
        if judged is None:
            continue
        height, count = judged
        clutter = _clutter(ink, chain, height)
        if clutter > _MAX_CLUTTER or (turn and count < 3):
            continue
        x0, x1 = min(g.x0 for g in chain), max(g.x1 for g in chain)
        y0, y1 = min(g.y0 for g in chain), max(g.y1 for g in chain)
        if turn == 0:
            box, angle = (x0, y0, x1, y1), 0.0
        else:  # found in np.rot90(image): a column of text (OCR tries both reading directions)
            box, angle = (columns - y1, x0, columns - y0, x1), 90.0
        lines.append(TextLine(*box, height=height, angle=angle, light=light, level=level, glyphs=count,
                              clutter=clutter))
    return lines


def _rotated_lines(ink: NDArray[np.bool_], found: Sequence[Glyph], light: bool,
                   level: int) -> list[TextLine]:
    """Straight chains of similar glyphs at an angle (rotated text), from nearest neighbours."""
    if len(found) < 4 or len(found) > 1500:
        return []
    centres = np.array([(g.cx, g.cy) for g in found])
    sizes = np.array([max(g.height, g.width) for g in found], dtype=np.float64)
    parent = list(range(len(found)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    distances = np.hypot(centres[:, None, 0] - centres[None, :, 0], centres[:, None, 1] - centres[None, :, 1])
    np.fill_diagonal(distances, np.inf)
    similar = np.maximum(sizes[:, None], sizes[None, :]) <= 1.6 * np.minimum(sizes[:, None], sizes[None, :])
    distances[~similar] = np.inf
    nearest = np.argpartition(distances, 2, axis=1)[:, :2]
    reach = 1.3 * np.maximum(sizes[:, None], sizes[nearest])
    for i, j in zip(*np.nonzero(np.take_along_axis(distances, nearest, axis=1) <= reach), strict=True):
        parent[root(int(i))] = root(int(nearest[i, j]))
    groups: dict[int, list[int]] = {}
    for i in range(len(found)):
        groups.setdefault(root(i), []).append(i)
    lines = []
    for members in groups.values():
        if len(members) < 4:
            continue
        points = centres[members]
        mean = points.mean(axis=0)
        _, spread, axes = np.linalg.svd(points - mean, full_matrices=False)
        direction = axes[0]
        angle = math.degrees(math.atan2(-direction[1], direction[0]))
        angle = (angle + 90) % 180 - 90
        if abs(angle) < 12 or abs(angle) > 78:  # rows and columns are found by the axis chains
            continue
        across = spread[1] / math.sqrt(len(members))
        size = float(np.median(sizes[members]))
        along = spread[0] / math.sqrt(len(members))
        if across > 0.25 * size or along < 0.8 * size:
            continue
        x0 = min(found[i].x0 for i in members)
        y0 = min(found[i].y0 for i in members)
        x1 = max(found[i].x1 for i in members)
        y1 = max(found[i].y1 for i in members)
        clutter = _clutter(ink, [found[i] for i in members], size)
        if clutter > _ROTATED_CLUTTER:
            continue
        lines.append(TextLine(x0, y0, x1, y1, height=0.8 * size, angle=angle, light=light, level=level,
                              glyphs=len(members), clutter=clutter))
    return lines


def _merge(lines: Sequence[TextLine]) -> list[TextLine]:
    """One line per place: duplicates over levels and polarities keep the most glyphs, the union box.

    A piece lying inside a larger line (a column of two glyphs inside a row) joins that line.
    """
    kept: list[TextLine] = []
    for line in sorted(lines, key=lambda ln: (-ln.glyphs, ln.level)):
        for index, known in enumerate(kept):
            same = known.overlap(line) >= 0.5 and abs(known.angle - line.angle) < 20
            if same or known.overlap(line) >= 0.7:
                kept[index] = TextLine(min(known.x0, line.x0), min(known.y0, line.y0),
                                       max(known.x1, line.x1), max(known.y1, line.y1),
                                       height=max(known.height, line.height) if same else known.height,
                                       angle=known.angle, light=known.light, level=known.level,
                                       glyphs=known.glyphs, clutter=min(known.clutter, line.clutter))
                break
        else:
            kept.append(line)
    return _join_words(_join_rotated(kept))


def _rotated(line: TextLine) -> bool:
    return 0 < abs(line.angle) < 90


def _near(a: TextLine, b: TextLine) -> bool:
    """Whether the boxes, each grown by its character height, touch."""
    return (a.x0 - a.height < b.x1 + b.height and b.x0 - b.height < a.x1 + a.height
            and a.y0 - a.height < b.y1 + b.height and b.y0 - b.height < a.y1 + a.height)


def _join_rotated(lines: Sequence[TextLine]) -> list[TextLine]:
    """Words of rotated text joined into one line, with the small pieces found along rows beside them."""
    out = [ln for ln in lines if not _rotated(ln)]
    for line in sorted((ln for ln in lines if _rotated(ln)), key=lambda ln: -ln.glyphs):
        for index, known in enumerate(out):
            if _rotated(known) and abs(known.angle - line.angle) < 12 and _near(known, line):
                out[index] = TextLine(min(known.x0, line.x0), min(known.y0, line.y0), max(known.x1, line.x1),
                                      max(known.y1, line.y1), height=max(known.height, line.height),
                                      angle=known.angle, light=known.light, level=known.level,
                                      glyphs=known.glyphs + line.glyphs,
                                      clutter=max(known.clutter, line.clutter))
                break
        else:
            out.append(line)
    joined = [ln for ln in out if _rotated(ln)]
    pieces = [ln for ln in out if not _rotated(ln)]
    for index, line in enumerate(joined):
        for piece in [p for p in pieces if p.glyphs <= 3 and _near(line, p)]:
            pieces.remove(piece)
            line = TextLine(min(line.x0, piece.x0), min(line.y0, piece.y0), max(line.x1, piece.x1),
                            max(line.y1, piece.y1), height=line.height, angle=line.angle, light=line.light,
                            level=line.level, glyphs=line.glyphs + piece.glyphs, clutter=line.clutter)
        joined[index] = line
    return pieces + joined


def _join_words(lines: Sequence[TextLine]) -> list[TextLine]:
    """Rows of words joined into one line where the gap is about a space (a label and its value)."""
    joined: list[TextLine] = []
    for line in sorted(lines, key=lambda ln: (ln.angle != 0, ln.x0)):
        for index, known in enumerate(joined):
            if line.angle != 0 or known.angle != 0:
                continue
            overlap = min(known.y1, line.y1) - max(known.y0, line.y0)
            tall = max(known.height, line.height)
            if overlap >= 0.6 * min(known.y1 - known.y0, line.y1 - line.y0) \
                    and tall <= 1.5 * min(known.height, line.height) \
                    and line.x0 - known.x1 <= 1.5 * tall:
                joined[index] = TextLine(known.x0, min(known.y0, line.y0), max(known.x1, line.x1),
                                         max(known.y1, line.y1), height=tall, angle=0.0, light=known.light,
                                         level=min(known.level, line.level),
                                         glyphs=known.glyphs + line.glyphs,
                                         clutter=max(known.clutter, line.clutter))
                break
        else:
            joined.append(line)
    return sorted(joined, key=lambda ln: (ln.y0, ln.x0))


def stroke_maps(pixels: NDArray[np.uint8]) -> dict[bool, NDArray[np.uint8]]:
    """Stroke contrast of light text (key True) and of dark text (key False)."""
    if pixels.ndim not in (2, 3) or pixels.dtype != np.uint8:
        raise ValueError(f"pixels: expected 8-bit greyscale or RGB, got {pixels.dtype} {pixels.shape}")
    return {light: strokes(pixels, light) for light in (True, False)}


def find_lines(pixels: NDArray[np.uint8],
               maps: dict[bool, NDArray[np.uint8]] | None = None) -> list[TextLine]:
    """Every text line in display ``pixels``, any polarity, colour, weight, size and orientation.

    ``maps`` are the :func:`stroke_maps` of ``pixels`` when the caller has them already.
    """
    maps = stroke_maps(pixels) if maps is None else maps
    levels = LEVELS[1:] if pixels.shape[0] * pixels.shape[1] > _LARGE else LEVELS
    lines: list[TextLine] = []
    for light, contrast in maps.items():
        for level in levels:
            ink = contrast >= level
            if not ink.any():
                break
            found = components(ink)
            if len(found) > _TEXTURE_COMPONENTS:  # texture at this contrast: text shows at a higher one
                continue
            rows_found = _axis_lines(ink, upright(found), light, level, 0)
            rest = [g for g in found if not any(
                ln.x0 <= g.cx <= ln.x1 and ln.y0 <= g.cy <= ln.y1 for ln in rows_found)]
            lines += rows_found + _axis_lines(np.rot90(ink), turned(rest, ink.shape[1]), light, level, 1)
            lines += _rotated_lines(ink, rest, light, level)
    return _merge(lines)
