"""What the takehome reader stores in a napari layer's metadata, and reading it back.

``layer.metadata["takehome"]`` holds plain values (so napari can copy or save them): the study and
series UIDs and, for each index along the layer's first axis, the instance UID, file and frame; for a
layer of modality values that napari windows (its contrast limits are the handout's window), the
range of values the series can hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from takehome.plugin.host import ImageRef

#: Key of the takehome entry in ``layer.metadata``.
METADATA_KEY = "takehome"
#: Version of the entry's layout, bumped on incompatible changes.
METADATA_VERSION = 1


def layer_metadata(study_instance_uid: str, series_instance_uid: str, images: Sequence[ImageRef],
                   value_range: tuple[float, float] | None = None) -> dict[str, Any]:
    """The ``layer.metadata`` dict for a layer whose slices are ``images``, in order; ``value_range``
    for a layer of modality values whose contrast limits are the window."""
    return {
        METADATA_KEY: {
            "version": METADATA_VERSION,
            "study_instance_uid": study_instance_uid,
            "series_instance_uid": series_instance_uid,
            "images": [
                {"sop_instance_uid": ref.sop_instance_uid, "file": ref.file, "frame": ref.frame}
                for ref in images
            ],
            "value_range": None if value_range is None else [float(v) for v in value_range],
        }
    }


def study_uid(metadata: Mapping[str, Any] | None) -> str | None:
    """The layer's Study Instance UID, or None when it is not a takehome layer."""
    entry = (metadata or {}).get(METADATA_KEY)
    if not isinstance(entry, Mapping):
        return None
    uid = entry.get("study_instance_uid")
    return uid if isinstance(uid, str) else None


def images(metadata: Mapping[str, Any] | None) -> tuple[ImageRef, ...]:
    """The slices of a takehome layer, in layer order; empty for any other layer or damaged entry."""
    entry = (metadata or {}).get(METADATA_KEY)
    if not isinstance(entry, Mapping) or entry.get("version") != METADATA_VERSION:
        return ()
    raw = entry.get("images")
    if not isinstance(raw, Sequence):
        return ()
    refs: list[ImageRef] = []
    for item in raw:
        if not isinstance(item, Mapping):
            return ()
        uid, file, frame = item.get("sop_instance_uid"), item.get("file"), item.get("frame")
        if not (isinstance(uid, str) and isinstance(file, str) and isinstance(frame, int) and frame >= 1):
            return ()
        refs.append(ImageRef(uid, file, frame))
    return tuple(refs)


def value_range(metadata: Mapping[str, Any] | None) -> tuple[float, float] | None:
    """The values a windowed layer can hold (low, high); None for a layer of display pixels."""
    entry = (metadata or {}).get(METADATA_KEY)
    raw = entry.get("value_range") if isinstance(entry, Mapping) else None
    if not (isinstance(raw, Sequence) and len(raw) == 2 and all(isinstance(v, int | float) for v in raw)):
        return None
    low, high = float(raw[0]), float(raw[1])
    return (low, high) if low < high else None
