"""What de-identification will remove from a session's texts, item by item, for the clinician's review.

The review shows each free text (title, captions, labels, excerpts) with the pieces that will be
removed and why; the clinician may keep one piece at a time (an override, stored in the session's
``text_overrides`` and recorded as a count in the audit log). Pixel boxes are summarised per image.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from takehome.annotations.model import RedactionStatus, Session
from takehome.handouts.deid.identifiers import Identifiers
from takehome.handouts.deid.phi import REASONS
from takehome.handouts.deid.text import REDACTION, find_identifiers, override_key


@dataclass(frozen=True, slots=True)
class Piece:
    """One piece of a text that de-identification removes (or keeps, when overridden)."""

    start: int
    end: int
    kind: str
    reason: str
    kept: bool


@dataclass(frozen=True, slots=True)
class TextFinding:
    """A text of the session and the pieces found in it."""

    where: str  # "Title", "Picture 2, excerpt 1", "Picture 1, label 3", ...
    text: str
    pieces: tuple[Piece, ...]

    def piece_text(self, piece: Piece) -> str:
        return self.text[piece.start:piece.end]

    def cleaned(self) -> str:
        """The text as it will be printed (kept pieces stay)."""
        out, last = [], 0
        for piece in self.pieces:
            if piece.kept:
                continue
            out += [self.text[last:piece.start], REDACTION]
            last = piece.end
        out.append(self.text[last:])
        return "".join(out)


@dataclass(frozen=True, slots=True)
class PixelSummary:
    """How many boxes of each status a key image has (for the review's summary line)."""

    where: str
    redact: int
    dismissed: int
    pending: int


def session_texts(session: Session) -> Iterable[tuple[str, str]]:
    """(where, text) for every free text of the session that a handout may print."""
    if session.title.strip():
        yield "Title", session.title
    for key, value in session.template_choices:  # the Handout tab's title and any other text setting
        if isinstance(value, str) and value.strip():
            yield ("Handout title" if key == "title" else f"Handout setting {key!r}"), value
    for number, image in enumerate(session.key_images, start=1):
        if image.caption.strip():
            yield f"Picture {number}, caption", image.caption
        for index, overlay in enumerate(image.overlays, start=1):
            if overlay.label.strip():
                yield f"Picture {number}, label {index}", overlay.label
        for index, excerpt in enumerate(image.excerpts, start=1):
            yield f"Picture {number}, excerpt {index}", excerpt.text


def review_texts(session: Session, identifiers: Identifiers) -> list[TextFinding]:
    """Every text with something to remove, and what (overrides marked as kept)."""
    kept = {override_key(k) for k in session.text_overrides}
    findings = []
    for where, text in session_texts(session):
        pieces = tuple(
            Piece(r.start, r.end, r.kind.value, REASONS.get(r.kind, r.kind.value),
                  override_key(text[r.start:r.end]) in kept)
            for r in find_identifiers(text, identifiers, patterns=True))
        if pieces:
            findings.append(TextFinding(where, text, pieces))
    return findings


def review_pixels(session: Session) -> list[PixelSummary]:
    """Per key image: boxes to fill, dismissed and still undecided."""
    out = []
    for number, image in enumerate(session.key_images, start=1):
        counts = {status: sum(1 for b in image.redactions if b.status is status)
                  for status in RedactionStatus}
        out.append(PixelSummary(f"Picture {number}", counts[RedactionStatus.REDACT],
                                counts[RedactionStatus.DISMISSED], counts[RedactionStatus.PENDING]))
    return out
