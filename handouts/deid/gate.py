"""The export gate: which boxes each key image gets, and refusing while text is left undecided.

Three modes. ``auto`` (headless default): identifying text found by OCR is redacted, the rest is
recorded as checked; the clinician's own boxes are kept. ``review`` (the plugin): every text region
must be redacted or dismissed by the clinician, otherwise export refuses naming each region.
``none``: no OCR, only the clinician's own redact boxes; explicit, and recorded in the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray
from pydicom.dataset import Dataset

from takehome.annotations.model import KeyImage, Redaction, RedactionStatus
from takehome.handouts.deid.identifiers import Identifiers
from takehome.handouts.deid.pixels import Evidence, TextRegion, detect_text, reason_words
from takehome.handouts.deid.redact import COVERED, apply_redactions, coverage, mask_of, region_box
from takehome.handouts.errors import DeidentificationError


class RedactMode(StrEnum):
    """How burned-in text is handled at export."""

    AUTO = "auto"
    REVIEW = "review"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class ImageDecision:
    """What de-identification did to one key image's pixels (counts and boxes, never text)."""

    sop_instance_uid: str
    frame: int
    mode: RedactMode
    filled: tuple[Redaction, ...]  # every box filled in the printed pixels
    auto_redacted: int = 0  # identifying regions redacted automatically
    auto_checked: int = 0  # non-identifying text regions left as they are (auto mode)
    dismissed: int = 0  # regions the clinician dismissed
    overridden: int = 0  # identifying regions the clinician dismissed (an override)
    unresolved: tuple[TextRegion, ...] = ()
    evidence: str = ""
    size: tuple[int, int] = (0, 0)  # rows, columns of the printed pixels (to say where a region is)

    def to_audit(self) -> dict[str, object]:
        return {"sop_instance_uid": self.sop_instance_uid, "frame": self.frame,
                "redacted": len(self.filled), "auto_redacted": self.auto_redacted,
                "auto_checked": self.auto_checked, "dismissed": self.dismissed,
                "overridden": self.overridden,
                "redacted_reasons": sorted({box.reason or box.source.value for box in self.filled})}


def visible(regions: Sequence[TextRegion], region: tuple[int, int, int, int]) -> list[TextRegion]:
    """The regions that overlap the printed part of the image (the crop)."""
    x0, y0, x1, y1 = region
    return [r for r in regions if r.x1 > x0 and r.x0 < x1 and r.y1 > y0 and r.y0 < y1]


def decide(key: KeyImage, pixels: NDArray[np.uint8], regions: Sequence[TextRegion],
           mode: RedactMode) -> ImageDecision:
    """Resolve the detected ``regions`` against the clinician's boxes of ``key`` under ``mode``."""
    own = tuple(key.redactions)
    shape = pixels.shape
    dismissed_boxes = sum(1 for b in own if b.status is RedactionStatus.DISMISSED)
    if mode is RedactMode.NONE:
        filled = tuple(b for b in own if b.status is RedactionStatus.REDACT)
        return ImageDecision(key.sop_instance_uid, key.frame, mode, filled, dismissed=dismissed_boxes,
                             size=(int(shape[0]), int(shape[1])))
    redacted = mask_of(own, shape, (RedactionStatus.REDACT,))
    handled = mask_of(own, shape, (RedactionStatus.REDACT, RedactionStatus.DISMISSED))
    dismissed_only = mask_of(own, shape, (RedactionStatus.DISMISSED,))
    added: list[Redaction] = []
    unresolved: list[TextRegion] = []
    auto_checked = overridden = 0
    for region in regions:
        if coverage(region, redacted) >= COVERED:
            continue
        if coverage(region, handled) >= COVERED:
            if region.identifying and coverage(region, dismissed_only) > 0:
                overridden += 1
            continue
        if mode is RedactMode.REVIEW:
            unresolved.append(region)
        elif region.identifying:
            added.append(region_box(region, RedactionStatus.REDACT))
        else:
            auto_checked += 1
    pending = [b for b in own if b.status is RedactionStatus.PENDING]
    if pending and mode is RedactMode.REVIEW:
        unresolved += [TextRegion(round(b.x), round(b.y), round(b.x + b.width), round(b.y + b.height),
                                  identifying=False, reason=b.reason or "text", confidence=0.0)
                       for b in pending]
    filled = tuple(b for b in own if b.status is RedactionStatus.REDACT) + tuple(added)
    return ImageDecision(key.sop_instance_uid, key.frame, mode, filled, auto_redacted=len(added),
                         auto_checked=auto_checked, dismissed=dismissed_boxes, overridden=overridden,
                         unresolved=tuple(unresolved), size=(int(shape[0]), int(shape[1])))


def scan(dataset: Dataset, pixels: NDArray[np.uint8], identifiers: Identifiers) -> tuple[
        list[TextRegion], Evidence]:
    """Detect burned-in text in the display ``pixels`` of ``dataset`` (fails closed)."""
    evidence = Evidence.from_dataset(dataset)
    try:
        return detect_text(pixels, identifiers, evidence), evidence
    except DeidentificationError:
        raise
    except Exception as exc:  # fail closed: an unchecked image is never printed
        raise DeidentificationError(
            f"burned-in text could not be checked ({type(exc).__name__}); nothing was written"
        ) from None


def redacted_pixels(pixels: NDArray[np.uint8], decision: ImageDecision) -> NDArray[np.uint8]:
    """The pixels to print: every filled box of ``decision`` burned into a copy."""
    filled: NDArray[np.uint8] = apply_redactions(pixels, decision.filled)
    return filled


def where_on_image(region: TextRegion, size: tuple[int, int]) -> str:
    """Where ``region`` lies on an image of ``size`` (rows, columns), in words: "top left", "middle"."""
    rows, columns = size
    if rows <= 0 or columns <= 0:
        return "on the image"
    across = (region.x0 + region.x1) / 2 / columns
    down = (region.y0 + region.y1) / 2 / rows
    row = "top" if down < 1 / 3 else "bottom" if down > 2 / 3 else ""
    column = "left" if across < 1 / 3 else "right" if across > 2 / 3 else ""
    return f"at the {row} {column}".replace("  ", " ").rstrip() if row or column else "in the middle"


def unresolved_words(decision: ImageDecision, limit: int = 8) -> str:
    """The undecided regions of one key image, by where they are and why (no coordinates, no text)."""
    parts = [f"{where_on_image(r, decision.size)} ({reason_words(r.reason)})"
             for r in decision.unresolved[:limit]]
    more = len(decision.unresolved) - limit
    return "; ".join(parts) + (f" and {more} more" if more > 0 else "")


def refuse_if_unresolved(decisions: Sequence[ImageDecision]) -> None:
    """Raise with a message naming every undecided text region, image by image."""
    problems = []
    for number, decision in enumerate(decisions, start=1):
        if not decision.unresolved:
            continue
        problems.append(f"key image {number} (instance {decision.sop_instance_uid}, frame "
                        f"{decision.frame}): {len(decision.unresolved)} text region(s) neither redacted "
                        f"nor dismissed, {unresolved_words(decision)}")
    if problems:
        raise DeidentificationError(
            "export refused: " + "; ".join(problems)
            + ". Redact or dismiss each region on the image, then export again.")


def crop_region(key: KeyImage, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """The printed part of the image (x0, y0, x1, y1): the crop, or the whole image."""
    rows, columns = shape[:2]
    if key.crop is None:
        return 0, 0, columns, rows
    c = key.crop
    return (max(0, int(c.x)), max(0, int(c.y)), min(columns, int(np.ceil(c.x + c.width))),
            min(rows, int(np.ceil(c.y + c.height))))


def deidentify_pixels(dataset: Dataset, key: KeyImage, pixels: NDArray[np.uint8],
                      identifiers: Identifiers, mode: RedactMode | str) -> tuple[
                          NDArray[np.uint8], ImageDecision]:
    """Scan, decide and fill one key image's display pixels (the pixels to print and the decision)."""
    mode = RedactMode(mode)
    if mode is RedactMode.NONE:
        decision = decide(key, pixels, (), mode)
        return redacted_pixels(pixels, decision), decision
    regions, evidence = scan(dataset, pixels, identifiers)
    decision = decide(key, pixels, visible(regions, crop_region(key, pixels.shape)), mode)
    decision = replace(decision, evidence=evidence.describe())
    return redacted_pixels(pixels, decision), decision
