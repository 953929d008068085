"""The alternate text of a printed picture, in plain words and in the handout's language.

Built only from what the handout already prints, all of it de-identified before the PDF layer sees
it: the plain caption, the drawings' printed labels (scrubbed, with a line's measured length), the
orientation letters and the scale bar's length. Fixed phrases go through the gettext catalogs.
"""

from __future__ import annotations

from takehome.annotations.model import ShapeKind
from takehome.handouts.content import HandoutImage
from takehome.handouts.i18n import N_, Translator
from takehome.handouts.legend.orientation import Orientation
from takehome.handouts.legend.scalebar import ScaleBar

_WITH_LABEL = {
    ShapeKind.ARROW: N_("An arrow points to {label}."),
    ShapeKind.LINE: N_("A line measures {label}."),
    ShapeKind.ELLIPSE: N_("A circle marks {label}."),
    ShapeKind.RECTANGLE: N_("A box marks {label}."),
    ShapeKind.TEXT: N_("Text on the picture: {label}."),
}
_WITHOUT_LABEL = {
    ShapeKind.ARROW: N_("An arrow points to a spot."),
    ShapeKind.LINE: N_("A line is drawn across a part."),
    ShapeKind.ELLIPSE: N_("A circle marks a part."),
    ShapeKind.RECTANGLE: N_("A box marks a part."),
    ShapeKind.TEXT: "",
}
#: Each body direction an edge letter stands for.
_DIRECTIONS = {
    "L": N_("your left side"), "R": N_("your right side"), "A": N_("the front of your body"),
    "P": N_("your back"), "H": N_("your head"), "F": N_("your feet"),
}


def _direction(letters: str, tr: Translator) -> str:
    words = [tr.gettext(_DIRECTIONS[ch]) for ch in letters if ch in _DIRECTIONS]
    if len(words) <= 1:
        return "".join(words)
    return tr.gettext("{first} and {second}").format(first=", ".join(words[:-1]), second=words[-1])


def orientation_words(orientation: Orientation, tr: Translator) -> str:
    """Where each edge of the picture points in the body, in one sentence."""
    return tr.gettext("The top of the picture is towards {top}, the bottom towards {bottom}, "
                      "the left edge towards {left} and the right edge towards {right}.").format(
        top=_direction(orientation.top, tr), bottom=_direction(orientation.bottom, tr),
        left=_direction(orientation.left, tr), right=_direction(orientation.right, tr))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?")) else text + "."


def figure_alt(image: HandoutImage, heading: str, scale_bar: ScaleBar | None, tr: Translator) -> str:
    """What the picture is, what its drawings point at, how it is turned, and its scale."""
    parts = [_sentence(image.caption or heading)]
    for overlay, label in zip(image.overlays, image.labels, strict=True):
        label = label.strip()
        phrase = _WITH_LABEL[overlay.kind] if label else _WITHOUT_LABEL[overlay.kind]
        if phrase:
            parts.append(tr.gettext(phrase).format(label=label))
    if image.orientation is not None:  # (the sentence on how to read the view is printed after it)
        parts.append(orientation_words(image.orientation, tr))
    if scale_bar is not None:
        parts.append(tr.gettext("The bar under the picture is {length} long in your body.").format(
            length=scale_bar.label))
    return " ".join(part for part in parts if part)
