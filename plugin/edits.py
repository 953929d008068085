"""Pure edits of a Session for the panel (no Qt): each returns a new Session, the input is untouched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from takehome.annotations.model import Excerpt, KeyImage, Overlay, Session, Window


def index_of(session: Session, key: tuple[str, int]) -> int | None:
    """Position of the key image for (instance UID, frame), or None when it is not a key image."""
    for index, image in enumerate(session.key_images):
        if image.key == key:
            return index
    return None


def find(session: Session, key: tuple[str, int]) -> KeyImage | None:
    index = index_of(session, key)
    return None if index is None else session.key_images[index]


def add_key_image(session: Session, image: KeyImage) -> Session:
    """Append ``image`` unless it is already a key image."""
    if index_of(session, image.key) is not None:
        return session
    return session.with_images((*session.key_images, image))


def remove_key_image(session: Session, key: tuple[str, int]) -> Session:
    return session.with_images(image for image in session.key_images if image.key != key)


def reorder(session: Session, keys: Sequence[tuple[str, int]]) -> Session:
    """Put the key images in the order of ``keys`` (images not named keep their relative order last)."""
    by_key = {image.key: image for image in session.key_images}
    ordered = [by_key[k] for k in keys if k in by_key]
    rest = [image for image in session.key_images if image.key not in set(keys)]
    return session.with_images([*ordered, *rest])


def update_image(session: Session, image: KeyImage) -> Session:
    """Replace the key image with the same key by ``image`` (append it when it is new)."""
    index = index_of(session, image.key)
    if index is None:
        return session.with_images((*session.key_images, image))
    return session.replace_image(index, image)


def upsert_overlay(image: KeyImage, overlay: Overlay) -> KeyImage:
    """Replace the overlay with the same id, or append it."""
    overlays = list(image.overlays)
    for index, existing in enumerate(overlays):
        if existing.id == overlay.id:
            overlays[index] = overlay
            break
    else:
        overlays.append(overlay)
    return replace(image, overlays=tuple(overlays))


def delete_overlay(image: KeyImage, overlay_id: str) -> KeyImage:
    return replace(image, overlays=tuple(o for o in image.overlays if o.id != overlay_id))


def set_window(image: KeyImage, window: Window | None) -> KeyImage:
    return replace(image, window=window)


def set_excerpts(image: KeyImage, excerpts: Sequence[Excerpt]) -> KeyImage:
    return replace(image, excerpts=tuple(excerpts))


def add_excerpts(image: KeyImage, texts: Sequence[str]) -> KeyImage:
    """Append excerpts for the non-empty ``texts`` that the image does not carry yet."""
    present = {e.text.strip() for e in image.excerpts}
    new = [Excerpt(t.strip()) for t in texts if t.strip() and t.strip() not in present]
    return replace(image, excerpts=(*image.excerpts, *new))
