"""The overlays as Grayscale (or, for colour images, Color) Softcopy Presentation States.

One presentation state per study and kind of image, built with highdicom: one graphic layer for
the handout, one graphic annotation per key image (and frame) holding its overlays, the window the
handout used as the grey image's VOI, and its crop as the displayed area.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
from highdicom import VOILUT, ModalityLUTTransformation, ReferencedImageSequence, RescaleTypeValues
from highdicom.pr import (
    ColorSoftcopyPresentationState,
    GraphicAnnotation,
    GraphicGroup,
    GraphicLayer,
    GrayscaleSoftcopyPresentationState,
    SoftcopyVOILUTTransformation,
)
from PIL import ImageCms
from pydicom.dataset import Dataset

from takehome.annotations.model import KeyImage, Window
from takehome.handouts.dicom.errors import DicomExportError
from takehome.handouts.dicom.graphics import ImageGeometry, encode_overlay, encode_read_only
from takehome.handouts.dicom.header import (
    DEVICE_SERIAL,
    MANUFACTURER,
    MODEL_NAME,
    SERIES_NUMBER,
    evidence_view,
    new_uid,
    references_frames,
    software_version,
)
from takehome.handouts.display import render
from takehome.handouts.prepare import LoadedImage
from takehome.handouts.source import has_pixels

LAYER = "TAKEHOME"
CONTENT_LABEL = "TAKEHOME"
_GREY = ("MONOCHROME1", "MONOCHROME2")


def srgb_profile() -> bytes:
    """An sRGB ICC profile (from Pillow's littleCMS) for colour images that carry none.

    littleCMS makes a display ("mntr") profile; DICOM accepts only input or colour space profiles
    (PS3.3 C.11.15), so the header's device class is set to colour space ("spac") and the profile
    ID, which covers the header, is cleared (all zero means "not computed" in ICC.1).
    """
    profile: bytes = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return profile[:12] + b"spac" + profile[16:84] + bytes(16) + profile[100:]


def is_grey(ds: Dataset) -> bool:
    """True for single-sample images a grayscale presentation state can reference."""
    return int(ds.get("SamplesPerPixel", 1)) == 1 and str(ds.get("PhotometricInterpretation", "")) in _GREY


Rescale = tuple[float, float, str] | None


def rescale_of(ds: Dataset) -> Rescale:
    """(slope, intercept, type) of a grey image's modality rescale; None when it uses a LUT table.

    Images without a rescale get the identity, so every grey state carries an explicit Modality LUT
    (highdicom cannot read it from multi-frame images without functional groups).
    """
    if "ModalityLUTSequence" in ds:
        return None
    source: Dataset = ds
    shared = ds.get("SharedFunctionalGroupsSequence")
    if "RescaleSlope" not in ds and shared and shared[0].get("PixelValueTransformationSequence"):
        source = shared[0].PixelValueTransformationSequence[0]
    try:
        slope = float(source.get("RescaleSlope", 1.0))
        intercept = float(source.get("RescaleIntercept", 0.0))
    except (TypeError, ValueError):
        slope, intercept = 1.0, 0.0
    kind = str(source.get("RescaleType", "") or ("HU" if ds.get("Modality") == "CT" else "US")).strip()
    return slope, intercept, kind if kind in {v.value for v in RescaleTypeValues} else "US"


def has_state(ds: Dataset) -> bool:
    """True when takehome can write a presentation state for the image: grey (GSPS) or three
    samples (CSPS; highdicom's CSPS refuses PALETTE COLOR images)."""
    return is_grey(ds) or int(ds.get("SamplesPerPixel", 1)) == 3


def _image_reference(view: Dataset, frame: int) -> ReferencedImageSequence:
    multi = references_frames(view)
    return ReferencedImageSequence(referenced_images=[view], referenced_frame_number=frame if multi else None)


def shown_window(item: LoadedImage) -> Window | None:
    """The window the handout shows the key image with (its own, the header's, or the automatic one)."""
    if item.key_image.window is not None:
        return item.key_image.window
    if item.window is not None or not has_pixels(item.dataset):
        return item.window  # as printed (None: by the header's VOI LUT)
    return render(item.dataset, item.key_image.frame, None, path=str(item.path)).window


def _voi(item: LoadedImage, view: Dataset) -> SoftcopyVOILUTTransformation | None:
    reference = _image_reference(view, item.key_image.frame)
    window = shown_window(item)
    if window is not None:
        return SoftcopyVOILUTTransformation(window_center=window.center, window_width=window.width,
                                            window_explanation="takehome handout",
                                            referenced_images=reference)
    lut_items = item.dataset.get("VOILUTSequence")
    if not lut_items:
        return None
    lut = lut_items[0]
    descriptor = [int(v) for v in lut.LUTDescriptor]
    dtype = np.uint8 if descriptor[2] <= 8 else np.uint16
    data = np.asarray(lut.LUTData, dtype=dtype) if not isinstance(lut.LUTData, bytes) else \
        np.frombuffer(lut.LUTData, dtype=dtype)
    return SoftcopyVOILUTTransformation(voi_luts=[VOILUT(descriptor[1], data)], referenced_images=reference)


def _vois(items: Sequence[LoadedImage], views: dict[str, Dataset]) -> list[SoftcopyVOILUTTransformation]:
    """One VOI item per key image; an instance whose references cannot name a frame (a single-frame
    IOD) gets one item only, its first key image's: a reference to it means all its frames."""
    vois: list[SoftcopyVOILUTTransformation] = []
    seen: set[str] = set()
    for item in items:
        uid = item.key_image.sop_instance_uid
        if not references_frames(views[uid]):
            if uid in seen:
                continue
            seen.add(uid)
        voi = _voi(item, views[uid])
        if voi is not None:
            vois.append(voi)
    return vois


def _displayed_area(key: KeyImage, view: Dataset) -> Dataset:
    """Displayed Area Selection item: the key image's crop (1-based whole pixels), else all of it."""
    area = Dataset()
    area.ReferencedImageSequence = _image_reference(view, key.frame)
    if key.crop is None:
        area.DisplayedAreaTopLeftHandCorner = [1, 1]
        area.DisplayedAreaBottomRightHandCorner = [key.columns, key.rows]
    else:
        # whole pixels, at least two on each side where the image has them: a corner equal to the
        # other is not an area (validators reject it), a 1 x 1 crop included
        c = key.crop
        left, top = math.floor(c.x) + 1, math.floor(c.y) + 1
        right = min(key.columns, max(math.ceil(c.x + c.width), left + 1))
        bottom = min(key.rows, max(math.ceil(c.y + c.height), top + 1))
        area.DisplayedAreaTopLeftHandCorner = [min(left, max(1, right - 1)), min(top, max(1, bottom - 1))]
        area.DisplayedAreaBottomRightHandCorner = [right, bottom]
    area.PresentationSizeMode = "SCALE TO FIT"
    ratio = view.get("PixelAspectRatio")
    area.PresentationPixelAspectRatio = [int(v) for v in ratio] if ratio and len(ratio) == 2 else [1, 1]
    return area


def _annotations(items: Sequence[LoadedImage], views: dict[str, Dataset],
                 layer: GraphicLayer) -> tuple[list[GraphicAnnotation], list[GraphicGroup]]:
    annotations: list[GraphicAnnotation] = []
    groups: list[GraphicGroup] = []
    for item in items:
        key = item.key_image
        view = views[key.sop_instance_uid]
        geometry = ImageGeometry(key.columns, key.rows)
        encoded = [encode_overlay(o, len(groups) + i + 1, geometry) for i, o in enumerate(key.overlays)]
        encoded += [encode_read_only(s, len(groups) + len(encoded) + i + 1, geometry)
                    for i, s in enumerate(key.read_only_shapes)]
        if not encoded:
            continue
        groups.extend(e.group for e in encoded)
        graphics = [g for e in encoded for g in e.graphics]
        texts = [t for e in encoded for t in e.texts]
        annotations.append(GraphicAnnotation(
            referenced_images=[view], graphic_layer=layer,
            referenced_frame_number=key.frame if references_frames(view) else None,
            graphic_objects=graphics or None, text_objects=texts or None,
        ))
    return annotations, groups


def presentation_state(items: Sequence[LoadedImage], *, title: str = "",
                       sop_instance_uid: str | None = None) -> Dataset:
    """One GSPS (all grey) or CSPS (all colour) for key images of one study."""
    if not items:
        raise DicomExportError("presentation state: no key images given")
    grey = [is_grey(i.dataset) for i in items]
    if any(grey) and not all(grey):
        raise DicomExportError("presentation state: grey and colour key images need separate states")
    views: dict[str, Dataset] = {}
    for item in items:
        views.setdefault(item.key_image.sop_instance_uid, evidence_view(item.dataset))
    clean = " ".join(title.replace("\\", "/").split())  # LO: one line, no backslash
    description = f"takehome handout: {clean}" if clean else "takehome handout"
    layer = GraphicLayer(LAYER, order=1, description=description[:64])
    common: dict[str, Any] = {
        "series_instance_uid": new_uid(),
        "series_number": SERIES_NUMBER["PR"],
        "sop_instance_uid": sop_instance_uid or new_uid(),
        "instance_number": 1,
        "manufacturer": MANUFACTURER,
        "manufacturer_model_name": MODEL_NAME,
        "software_versions": software_version(),
        "device_serial_number": DEVICE_SERIAL,
        "content_label": CONTENT_LABEL,
        "content_description": description[:64],
        "specific_character_set": "ISO_IR 192",
    }
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # highdicom's advice on odd patient names
            annotations, groups = _annotations(items, views, layer)
            graphics: dict[str, Any] = {"graphic_annotations": annotations or None,
                                        "graphic_layers": [layer] if annotations else None,
                                        "graphic_groups": groups or None}
            if all(grey):
                rescale = rescale_of(items[0].dataset)
                modality = None if rescale is None else ModalityLUTTransformation(
                    rescale_intercept=rescale[1], rescale_slope=rescale[0], rescale_type=rescale[2])
                vois = _vois(items, views)
                state: Dataset = GrayscaleSoftcopyPresentationState(
                    referenced_images=list(views.values()), voi_lut_transformations=vois or None,
                    modality_lut_transformation=modality,
                    **graphics, **common)
            else:
                profile = next((bytes(v.ICCProfile) for v in views.values() if "ICCProfile" in v), None)
                state = ColorSoftcopyPresentationState(
                    referenced_images=list(views.values()), icc_profile=profile or srgb_profile(),
                    **graphics, **common)
    except (ValueError, TypeError, AttributeError) as exc:
        raise DicomExportError(f"presentation state: cannot be built for these key images ({exc})") from None
    state.DisplayedAreaSelectionSequence = [
        _displayed_area(i.key_image, views[i.key_image.sop_instance_uid]) for i in items]
    state.SeriesDescription = "takehome handout overlays"
    if "Laterality" not in state:
        # type 2C (paired body parts); validators cannot tell, so present and empty (unknown)
        state.Laterality = None
    return state


def presentation_states(items: Sequence[LoadedImage], *, title: str = "") -> list[Dataset]:
    """The presentation states of key images of one study: GSPS for grey, CSPS for colour ones.

    A presentation state holds one modality rescale and highdicom requires its images to share
    their size, so there is one state per kind, size and rescale (all with the same graphic layer).
    """
    groups: dict[tuple[bool, int, int, Rescale], list[LoadedImage]] = {}
    for item in items:
        if not has_state(item.dataset):
            continue
        grey = is_grey(item.dataset)
        rescale = rescale_of(item.dataset) if grey else None
        groups.setdefault((grey, item.key_image.rows, item.key_image.columns, rescale), []).append(item)
    return [presentation_state(group, title=title) for group in groups.values()]
