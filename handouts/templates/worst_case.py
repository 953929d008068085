"""Laying out the worst handout a template allows, so ``templates check`` and a build agree.

The handout has the longest texts a session may hold (title, captions, labels, excerpts), pictures
of extreme shapes and the glossary's longest words, and is laid out with every combination of the
settings the template lets a clinician change. If one of them cannot be laid out, the template is
refused at check time rather than on the day a clinician prints.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import numpy as np

from takehome.annotations.model import MAX_EXCERPT_LENGTH, MAX_LABEL_LENGTH, Overlay, Point, ShapeKind
from takehome.handouts.content import HandoutContent, HandoutImage
from takehome.handouts.errors import InputError
from takehome.handouts.glossary import glossary_for
from takehome.handouts.i18n import LANGUAGES
from takehome.handouts.templates.model import IMAGES_PER_PAGE, ExcerptPosition, Template

#: Picture shapes (rows, columns): square, very tall, very wide.
_SHAPES = ((256, 256), (1024, 32), (32, 1024))
_SENTENCE = "The small nodule in the right lower lobe measures 4 mm and has not changed since last year. "
_WORD = "pneumonoultramicroscopicsilicovolcanoconiosis"


def _text(limit: int, unit: str = _SENTENCE) -> str:
    return (unit * (limit // len(unit) + 1))[:limit].strip()


def _image(rows: int, columns: int, excerpts: tuple[str, ...]) -> HandoutImage:
    pixels = np.tile(np.linspace(0, 255, columns, dtype=np.uint8), (rows, 1))
    corner = Point(columns, rows)
    overlays = (Overlay(ShapeKind.ARROW, (Point(0, 0), corner), label=_text(MAX_LABEL_LENGTH, _WORD)),
                Overlay(ShapeKind.TEXT, (Point(columns / 2, rows / 2),), label=_text(MAX_LABEL_LENGTH)))
    return HandoutImage(pixels=pixels, crop=None, overlays=overlays, labels=tuple(o.label for o in overlays),
                        caption=_text(MAX_LABEL_LENGTH, _WORD), reading=_text(MAX_LABEL_LENGTH),
                        excerpts=excerpts)


def worst_content(template: Template, language: str) -> HandoutContent:
    """The longest, most awkward handout content a session can give ``template`` in ``language``.

    One page of pictures plus one: the first has the longest notes, the others an unbroken word.
    """
    glossary = glossary_for(language, template.glossary)
    words = tuple(sorted(glossary.entries, key=lambda e: len(e.plain), reverse=True)[:12])
    count = template.images_per_page + 1
    shapes = [_SHAPES[i % len(_SHAPES)] for i in range(count)]
    images = [_image(*shapes[0], (_text(MAX_EXCERPT_LENGTH),))]
    images += [_image(*shape, (_text(MAX_LABEL_LENGTH * 2, _WORD),)) for shape in shapes[1:]]
    return HandoutContent(title=_text(MAX_LABEL_LENGTH, _WORD), images=tuple(images), words=words,
                          language=language)


def choice_combinations(template: Template) -> Iterator[dict[str, Any]]:
    """The layout settings a clinician may change, in every combination (locked ones stay put).

    Languages only change the fixed wording, so each other language is tried once, in the tightest
    layout the template allows (largest print, notes beside, one picture per page).
    """
    options: dict[str, tuple[Any, ...]] = {
        "images_per_page": IMAGES_PER_PAGE,
        "excerpt": tuple(p.value for p in ExcerptPosition),
        "large_print": (False, True),
    }
    open_keys = [key for key in options if not template.is_locked(key)]
    for values in itertools.product(*(options[key] for key in open_keys)):
        yield dict(zip(open_keys, values, strict=True))
    if not template.is_locked("language"):
        tightest = {key: options[key][-1 if key != "images_per_page" else 0] for key in open_keys}
        for language in sorted(set(LANGUAGES) - {template.language}):
            yield {"language": language, **tightest}


def check_worst_case(template: Template, where: str) -> int:
    """Lay out the worst handout under every open combination; InputError naming the first failure.

    Returns how many layouts were tried.
    """
    from takehome.handouts.pdf.document import render_pdf  # the PDF layer imports templates: late

    tried = 0
    for choices in choice_combinations(template):
        chosen = template.with_choices(choices)
        try:
            render_pdf(worst_content(chosen, chosen.language), chosen)
        except InputError as exc:
            raise InputError(f"{where}: {exc}") from None
        except Exception as exc:  # reportlab's LayoutError and friends: the template cannot be laid out
            settings = ", ".join(f"{k} = {v!r}" for k, v in choices.items()) or "its own settings"
            raise InputError(f"{where}: a handout with long notes cannot be laid out with {settings} "
                             f"({type(exc).__name__}: {str(exc).splitlines()[0][:160]}); reduce the "
                             "font sizes or margins, or lock that setting") from None
        tried += 1
    return tried
