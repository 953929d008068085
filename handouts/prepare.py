"""From a session and its DICOM files to de-identified handout content.

This is the de-identification boundary: header values never pass it except through the plain
caption, and every free text (title, captions, labels, excerpts) is scrubbed of the header's
identifiers and of identifier patterns (other people's names, dates, contacts, ...). Burned-in text
is found by OCR and filled in the pixels (``redact``: auto, review or none; see
:mod:`takehome.handouts.deid.gate`). Anything unexpected here fails closed.
"""

from __future__ import annotations

import os
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pydicom.dataset import Dataset

from takehome.annotations.model import KeyImage, Session, ShapeKind, Window
from takehome.annotations.spacing import Length, line_length, spacing_for
from takehome.handouts.caption import describe
from takehome.handouts.content import HandoutContent, HandoutImage
from takehome.handouts.deid import Identifiers, scrub_text
from takehome.handouts.deid.gate import (
    ImageDecision,
    RedactMode,
    deidentify_pixels,
    refuse_if_unresolved,
)
from takehome.handouts.deid.printed import without_invisible
from takehome.handouts.deid.screen import imaging_crop
from takehome.handouts.display import frame_count, render
from takehome.handouts.errors import DeidentificationError, HandoutError, InputError
from takehome.handouts.glossary import glossary_for
from takehome.handouts.i18n import translator
from takehome.handouts.legend import orientation_for, reading_sentence
from takehome.handouts.source import PIXEL_TAGS, read_dataset

if TYPE_CHECKING:  # the template package imports the layout, which must load first (handouts/__init__)
    from takehome.handouts.templates import Template


@dataclass(frozen=True, slots=True)
class LoadedImage:
    """A key image with its dataset and resolved file path."""

    key_image: KeyImage
    dataset: Dataset
    path: Path
    #: The window the handout printed it with, once rendered (exports then need not decode again).
    window: Window | None = None


@dataclass(frozen=True, slots=True)
class DeidSummary:
    """How many identifiers were removed from the handout's text (counts only, no values)."""

    removed: int
    texts_changed: int
    removed_by_kind: dict[str, int] = field(default_factory=dict)
    overridden: int = 0  # removals the clinician overrode (kept)
    images: tuple[ImageDecision, ...] = ()  # what happened to each key image's pixels
    redact_mode: str = RedactMode.AUTO.value

    @property
    def pixels_redacted(self) -> int:
        """Boxes filled in the printed pixels, over all key images."""
        return sum(len(d.filled) for d in self.images)


def resolve_file(file: str, base_dir: str | os.PathLike[str] | None) -> Path:
    path = Path(file).expanduser()
    if not path.is_absolute() and base_dir is not None:
        path = Path(base_dir) / path
    return path


def key_image_from_file(path: str | os.PathLike[str], frame: int = 1) -> tuple[KeyImage, Dataset]:
    """A key image (no overlays) for ``frame`` of the DICOM file at ``path``."""
    ds = read_dataset(path)
    frames = frame_count(ds)
    if not 1 <= frame <= frames:
        raise InputError(f"{path}: frame {frame} does not exist (the image has {frames} frame(s))")
    rows, columns = int(ds.Rows), int(ds.Columns)
    image = KeyImage(sop_instance_uid=str(ds.SOPInstanceUID), file=str(path), rows=rows,
                     columns=columns, frame=frame)
    return image, ds


def load_images(session: Session, base_dir: str | os.PathLike[str] | None = None) -> list[LoadedImage]:
    """Open every key image's file and check it is the instance the session names."""
    if not session.key_images:
        raise InputError("session: it has no key images; mark at least one image")
    loaded = []
    for index, image in enumerate(session.key_images):
        path = resolve_file(image.file, base_dir)
        where = f"key_images[{index}]"
        if not path.is_file():
            raise InputError(f"{where}: instance {image.sop_instance_uid} is missing (no file {path})")
        ds = read_dataset(path)
        if str(ds.SOPInstanceUID) != image.sop_instance_uid:
            raise InputError(f"{where}: {path} holds instance {ds.SOPInstanceUID}, "
                             f"not {image.sop_instance_uid}")
        if (int(ds.Rows), int(ds.Columns)) != (image.rows, image.columns):
            raise InputError(f"{where}: {path} is {ds.Columns}x{ds.Rows}, the session says "
                             f"{image.columns}x{image.rows}")
        if image.frame > frame_count(ds):
            raise InputError(f"{where}: frame {image.frame} does not exist in {path}")
        loaded.append(LoadedImage(image, ds, path))
    return loaded


def without_pixels(loaded: Sequence[LoadedImage], content: HandoutContent) -> list[LoadedImage]:
    """The key images with their headers only and the window ``content`` printed each with: once the
    pictures are rendered, the files' pixel data (shared, and freed with the last holder) need not
    stay in memory for the layout and the exports."""
    if len(loaded) != len(content.images):
        raise HandoutError(f"without_pixels: {len(loaded)} key images but {len(content.images)} pictures")
    headers: dict[int, Dataset] = {}
    result = []
    for item, image in zip(loaded, content.images, strict=False):
        header = headers.get(id(item.dataset))
        if header is None:
            header = Dataset()
            for element in item.dataset:
                if element.tag not in PIXEL_TAGS:
                    header.add(element)
            meta = getattr(item.dataset, "file_meta", None)
            if meta is not None:
                header.file_meta = meta
            headers[id(item.dataset)] = header
        result.append(LoadedImage(item.key_image, header, item.path, image.window))
    return result


def overlay_texts(loaded: LoadedImage) -> tuple[str, ...]:
    """The printed text of each overlay: its label, with the measured length for lines."""
    texts = []
    for overlay in loaded.key_image.overlays:
        label = overlay.label.strip()
        if overlay.kind is ShapeKind.LINE:
            spacing = spacing_for(loaded.dataset, loaded.key_image.frame, overlay.points)
            length: Length = line_length(overlay, spacing)
            label = f"{label} ({length})" if label else str(length)
        texts.append(label)
    return tuple(texts)


def printable(text: str) -> str:
    """Free text as the handout prints it: NFC, without invisible format or control characters."""
    return without_invisible(unicodedata.normalize("NFC", text))


def header_identifiers(loaded: Sequence[LoadedImage]) -> Identifiers:
    """Every identifier the key images' headers hold (fails closed: unreadable headers refuse)."""
    try:
        return Identifiers.union(Identifiers.from_dataset(item.dataset) for item in loaded)
    except Exception as exc:  # fail closed: without the identifiers nothing can be checked
        raise DeidentificationError(
            f"the header identifiers could not be read ({type(exc).__name__}); nothing was written"
        ) from None


def prepare_content(session: Session, loaded: list[LoadedImage], template: Template, *,
                    redact: RedactMode | str = RedactMode.AUTO) -> tuple[HandoutContent, DeidSummary]:
    """Render every key image, redact its burned-in identifiers and scrub every text.

    Refuses (DeidentificationError) while a key image has text regions left undecided in review.
    """
    mode = RedactMode(redact)
    identifiers = header_identifiers(loaded)
    removed = 0
    changed = 0
    by_kind: Counter[str] = Counter()
    kept = 0
    decisions: list[ImageDecision] = []

    def clean(text: str) -> str:
        nonlocal removed, changed, kept
        # what is scrubbed is exactly what is printed: no invisible character can split a name
        result = scrub_text(printable(text), identifiers, keep=session.text_overrides)
        kept += len(result.kept)
        by_kind.update(r.kind.value for r in result.removals)
        if result.changed:
            removed += len(result.removals)
            changed += 1
        return result.text

    images = []
    for item in loaded:
        key = item.key_image
        display = render(item.dataset, key.frame, key.window, path=str(item.path))
        # --- template "imaging_only": an ultrasound screen prints only its imaging area (burned-in text
        # helper's lines; the crop also limits the burned-in text check to what is printed)
        if template.imaging_only and key.crop is None:
            key = replace(key, crop=imaging_crop(item.dataset, display.pixels.shape))
        # --- end imaging_only
        pixels, decision = deidentify_pixels(item.dataset, key, display.pixels, identifiers, mode)
        decisions.append(decision)
        caption = clean(key.caption.strip()) if key.caption.strip() else describe(
            item.dataset, template.language)
        orientation = orientation_for(item.dataset, key.frame)
        images.append(HandoutImage(
            pixels=pixels,
            crop=key.crop,
            overlays=key.overlays,
            labels=tuple(clean(t) for t in overlay_texts(item)),
            caption=caption,
            excerpts=tuple(clean(e.text) for e in key.excerpts),
            spacing=spacing_for(item.dataset, key.frame),
            orientation=orientation,
            reading=reading_sentence(orientation, translator(template.language)) if orientation else "",
            window=display.window,
        ))
    refuse_if_unresolved(decisions)
    own_title = session.title.strip() and not template.is_locked("title")
    title = clean(session.title.strip()) if own_title else template.wording().title
    words = glossary_for(template.language, template.glossary).find(
        text for image in images for text in image.excerpts) if template.words_box else ()
    return HandoutContent(title=title, images=tuple(images), words=words,
                          language=template.language), DeidSummary(
        removed, changed, dict(by_kind), kept, tuple(decisions), mode.value)


__all__ = ["DeidSummary", "HandoutError", "LoadedImage", "header_identifiers", "key_image_from_file",
           "load_images", "prepare_content", "resolve_file", "without_pixels"]
